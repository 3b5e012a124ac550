"""一分一段 tables of 29 provinces, 2018–2024, from the `mcp-gaokao-rank` PyPI package (pypi__mcp-gaokao-rank).

`data/gaokao.db` is SQLite: `t_exam_contexts` (province, year label, category) and `t_score_segments`
(min_score, max_score, student_count, min_order, max_order). `max_order` is the cumulative rank at
`min_score`, so every segment becomes one ScoreRank at `min_score`, including the grouped top and
bottom tails (a segment [650, 750] with max_order 120 means 120 students scored 650 or more).

Beijing, Tianjin and Shanghai label years `2024本科` / `2024专科` (Jiangxi `20xx本科` too). The 专科
contexts are a separate 语数外 table of the 专科 cohort, so their track gets a `|专科` suffix
(`语数外|专科`) to keep them apart from the 本科 table.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from etl.errors import SourceError
from etl.rows import ScoreRank
from gaokao.regions import province

ORIGIN = "pypi__mcp-gaokao-rank"
DB = "data/gaokao.db"
ZHUANKE_SUFFIX = "|专科"

SKIPPED: dict[str, str] = {
    "data/score_segments_flat.csv.gz": f"derived flattening of {DB} (same 188,464 segments), which is read",
}

log = logging.getLogger(__name__)

_YEAR_LABEL = re.compile(r"(\d{4})(本科|专科)?")
_CONTEXTS_SQL = "SELECT id, province, year, category FROM t_exam_contexts ORDER BY id"
_SEGMENTS_SQL = (
    "SELECT context_id, min_score, max_score, min_order, max_order, student_count FROM t_score_segments "
    "ORDER BY context_id, min_score DESC, max_score DESC, max_order, min_order, student_count"
)

Context = tuple[str, int, str]  # province, year, track
Segment = tuple[object, ...]


def read(root: Path) -> Iterator[ScoreRank]:
    """Yield one ScoreRank per distinct segment of every province-year-category table."""
    path = root / ORIGIN / DB
    if not path.is_file():
        raise SourceError(path, "file not found")
    source_file = f"{ORIGIN}/{DB}"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise SourceError(path, f"cannot open the SQLite file: {exc}") from exc
    try:
        contexts = {cid: _context(path, cid, p, y, c) for cid, p, y, c in con.execute(_CONTEXTS_SQL)}
        yield from _segments(con.execute(_SEGMENTS_SQL), contexts, source_file)
    except sqlite3.Error as exc:
        raise SourceError(path, f"cannot read the SQLite tables: {exc}") from exc
    finally:
        con.close()


def _context(path: Path, cid: object, prov: object, year: object, category: object) -> Context:
    """Province, year and track of one t_exam_contexts row (raises SourceError when malformed)."""
    name = province(str(prov)) if prov else None
    m = _YEAR_LABEL.fullmatch(str(year or "").strip())
    track = str(category or "").strip()
    if name is None or m is None or not track:
        raise SourceError(path, f"t_exam_contexts row {cid}: cannot read ({prov!r}, {year!r}, {category!r})")
    if m.group(2) == "专科":
        track += ZHUANKE_SUFFIX
    return name, int(m.group(1)), track


def _segments(
    rows: Iterator[Segment], contexts: dict[object, Context], source_file: str
) -> Iterator[ScoreRank]:
    """ScoreRank rows of the segments, skipping exact repeats and unusable segments (counted)."""
    previous: Segment | None = None
    repeated = unusable = 0
    for seg in rows:
        if seg == previous:
            repeated += 1
            continue
        previous = seg
        cid, min_score, _max_score, _min_order, max_order, count = seg
        ctx = contexts.get(cid)
        if ctx is None or not isinstance(min_score, int) or not isinstance(max_order, int) or max_order <= 0:
            unusable += 1
            continue
        prov, year, track = ctx
        yield ScoreRank(
            source_file=source_file,
            province=prov,
            year=year,
            track=track,
            score=min_score,
            rank=max_order,
            count=count if isinstance(count, int) else None,
        )
    log.info("%s: skipped %d exact repeated segments and %d unusable ones", source_file, repeated, unusable)
