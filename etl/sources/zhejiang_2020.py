"""Zhejiang 2020 普通类 major-level filing lines (Gesrua__zhejiang-gaokao-application-selector).

`2020投档线.csv` (UTF-8): 序号, 学校代号, 学校名称, 专业代号, 专业名称, 计划数, 分数线, 位次. All rows are
≥ 594, the 2020 一段线, so the batch is 普通类第一段. School names carry honour tags such as
"(一流大学建设高校)", "(省重点建设高校)" and "(中外合作办学)"; the raw name is kept (the build strips
them) and only the tags that mark a special plan go to `note`, with the major's bracketed remarks.
A 位次 of 0 (the 515 majors left unfilled, all at 594) becomes None.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path

from etl.errors import SourceError
from etl.rows import Admission, Row
from etl.sources._cells import bracket_remarks, join_notes, positive, special_remarks, to_float, to_int

ORIGIN = "Gesrua__zhejiang-gaokao-application-selector"
CSV_FILE = "2020投档线.csv"

SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

PROVINCE = "浙江"
YEAR = 2020
TRACK = "综合"
BATCH = "普通类第一段"
_COLUMNS = ("学校名称", "专业名称", "计划数", "分数线", "位次")


def read(root: Path) -> Iterator[Row]:
    """Yield one major-level Admission per line of the 2020 filing-line CSV."""
    path = root / ORIGIN / CSV_FILE
    source = f"{ORIGIN}/{CSV_FILE}"
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield from _admissions(csv.DictReader(f), path, source)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read UTF-8 CSV: {exc}") from exc


def _admissions(reader: csv.DictReader[str], path: Path, source: str) -> Iterator[Admission]:
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise SourceError(path, f"missing columns {missing}")
    garbage = no_cutoff = 0
    for r in reader:
        school, major = (r["学校名称"] or "").strip(), (r["专业名称"] or "").strip()
        if not school or not major or school == "学校名称":
            garbage += 1
            continue
        score, rank = to_float(r["分数线"]), positive(to_int(r["位次"]))
        if not score and rank is None:
            no_cutoff += 1
            continue
        yield Admission(
            source_file=source,
            province=PROVINCE,
            year=YEAR,
            track=TRACK,
            batch=BATCH,
            school=school,
            level="major",
            min_score=score or None,
            min_rank=rank,
            major=major,
            plan_count=to_int(r["计划数"]),
            note=join_notes(*special_remarks(school), *bracket_remarks(major)),
        )
    log.info("%s: skipped %d garbage rows and %d rows without score or rank", source, garbage, no_cutoff)
