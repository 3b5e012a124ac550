"""Zhejiang 2025 普通类第一段 major-level filing lines (maxchen-127__gaokao-assistant-v2).

`data/gaokao.db` table `major_score` was loaded by the repo's scripts/init_db.py from the official
《浙江省2025年普通高校招生普通类第一段平行投档分数线表》, so every row is batch 普通类第一段 (the table
itself has no batch column; all scores are >= 490). It already carries the school and major names, so
the `university`/`major` tables (names only) are not needed. Majors that were not filled sit at 490 with
no rank; a NULL or 0 rank becomes None. `career_insight` and `assessment_code` are not admission data.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from etl.errors import SourceError
from etl.rows import Admission, Row
from etl.sources._cells import bracket_remarks, join_notes, positive, special_remarks

ORIGIN = "maxchen-127__gaokao-assistant-v2"
DATABASE = "data/gaokao.db"

SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

PROVINCE = "浙江"
TRACK = "综合"
BATCH = "普通类第一段"
_QUERY = """
    SELECT university_name, major_name, year, plan_count, min_score, min_rank
    FROM major_score ORDER BY id
"""


def read(root: Path) -> Iterator[Row]:
    """Yield one major-level Admission per row of `major_score`."""
    path = root / ORIGIN / DATABASE
    source = f"{ORIGIN}/{DATABASE}"
    if not path.is_file():
        raise SourceError(path, "database file missing")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise SourceError(path, f"cannot open SQLite database: {exc}") from exc
    try:
        yield from _admissions(con, path, source)
    finally:
        con.close()


def _admissions(con: sqlite3.Connection, path: Path, source: str) -> Iterator[Admission]:
    try:
        cursor = con.execute(_QUERY)
    except sqlite3.Error as exc:
        raise SourceError(path, f"cannot query major_score: {exc}") from exc
    garbage = no_cutoff = 0
    for school, major, year, plan, score, rank in cursor:
        school, major = (school or "").strip(), (major or "").strip()
        if not school or not major:
            garbage += 1
            continue
        min_rank = positive(int(rank)) if rank is not None else None
        if not score and min_rank is None:
            no_cutoff += 1
            continue
        yield Admission(
            source_file=source,
            province=PROVINCE,
            year=int(year),
            track=TRACK,
            batch=BATCH,
            school=school,
            level="major",
            min_score=float(score) if score else None,
            min_rank=min_rank,
            major=major,
            plan_count=int(plan) if plan is not None else None,
            note=join_notes(*special_remarks(school), *bracket_remarks(major)),
        )
    log.info("%s: skipped %d rows without a name and %d without score or rank", source, garbage, no_cutoff)
