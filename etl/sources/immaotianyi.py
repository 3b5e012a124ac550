"""Batch control lines and 一分一段 tables 2024–2026 of 13 provinces (immaotianyi__gaokao-volunteer-v2).

`backend/data/control_line_<year>.csv` (UTF-8 with BOM): province, year, batch_section (the authority's
wording), batch, subject_group, line_type, lowest_score, source_url -> ControlLine rows. Only ordinary
lines are emitted: 总分 lines of 物理类/历史类 for 本科/专科 and the 特殊类型 threshold. Art and sport lines
(line_type 专业省统考/文化课总分 …) are skipped, because control_lines has no column for the art
category; special-plan lines (少数民族班, 定向, 专项, 预科, 军队, 消防) are skipped too. Each skip is counted
and logged with its reason.

`backend/data/yifenyiduan_<year>.csv`: province, year, subject_group, batch, score, segment_count,
cumulative_count -> ScoreRank rows. 广东 repeats each table per batch and 甘肃/辽宁 split one table into a
本科 and a 专科 part: the parts are merged per province-year-track. Art/sport and 三校生 tables are skipped.
Every table must pass the internal check cum[s] − cum[s+1] = count[s]; one that fails (河北's OCR digit
errors) is skipped whole, logged with its first failing points.

Documented defects handled here (SOURCES.md #20):
- in a province-year before its reform (2024 四川/河南/陕西) 物理类 means 理科 and 历史类 means 文科;
- 广东 2026: the tables have 物理类 and 历史类 swapped; its only "本科" line is the 少数民族班 line.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from etl import normalize as nz
from etl.errors import SourceError
from etl.rows import ControlLine, Row, ScoreRank

ORIGIN = "immaotianyi__gaokao-volunteer-v2"
DATA = "backend/data"
YEARS = (2024, 2025, 2026)

SKIPPED: dict[str, str] = {"LICENSE": "licence text, no rows"}

log = logging.getLogger(__name__)

LINE_COLUMNS = ("province", "year", "batch_section", "batch", "subject_group", "line_type", "lowest_score",
                "source_url")
TABLE_COLUMNS = ("province", "year", "subject_group", "batch", "score", "segment_count", "cumulative_count")

_TRACKS = {"物理类": "物理类", "物理": "物理类", "历史类": "历史类", "历史": "历史类"}
_OLD_TRACK = {"物理类": "理科", "历史类": "文科"}
# Province-years whose 一分一段 tables carry each other's track label.
SWAPPED_TABLES: frozenset[tuple[str, int]] = frozenset({("广东", 2026)})
# Words of a line's batch text that mark a special plan, not the ordinary batch line.
_SPECIAL_WORDS = ("少数民族", "民族班", "定向", "专项", "预科", "军队", "消防", "三校生")
ORDINARY_LINE_TYPE = "总分"


def read(root: Path) -> Iterator[Row]:
    """Yield ControlLine and ScoreRank rows of the three years' files."""
    for year in YEARS:
        yield from _lines(root, year)
        yield from _tables(root, year)


def _rows(root: Path, name: str, columns: tuple[str, ...]) -> tuple[str, list[dict[str, str]]]:
    """The source path and the rows of one CSV file, its header checked."""
    path = root / ORIGIN / DATA / name
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = tuple(reader.fieldnames or ())
            if header != columns:
                raise SourceError(path, f"unexpected header {header}, expected {columns}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read CSV: {exc}") from exc
    return f"{ORIGIN}/{DATA}/{name}", rows


def track(subject_group: str, province: str, year: int) -> str | None:
    """物理类/历史类 in a reform year, 理科/文科 before it; None for art, sport and 三校生 groups."""
    t = _TRACKS.get(subject_group.strip())
    if t is None:
        return None
    if "理科" in nz.tracks_for(province, year):
        return _OLD_TRACK[t]
    return t


def _int(value: str, path: str, what: str) -> int:
    try:
        return int(float(value))
    except ValueError as exc:
        raise SourceError(path, f"{what} is not a number: {value!r}") from exc


# --------------------------------------------------------------------------- control lines


def _lines(root: Path, year: int) -> Iterator[ControlLine]:
    src, rows = _rows(root, f"control_line_{year}.csv", LINE_COLUMNS)
    skipped: Counter[str] = Counter()
    for r in rows:
        prov = nz.province(r["province"])
        if prov is None or _int(r["year"], src, "year") != year:
            raise SourceError(src, f"row with province {r['province']!r}, year {r['year']!r} in the {year} file")
        section, batch = r["batch_section"].strip(), r["batch"].strip()
        raw = section if batch in section else f"{section}{batch}"
        reason = _not_ordinary(prov, year, raw, r["subject_group"], r["line_type"].strip())
        if reason:
            skipped[reason] += 1
            continue
        t = track(r["subject_group"], prov, year)
        assert t is not None  # _not_ordinary checked it
        yield ControlLine(src, prov, year, t, raw, float(_int(r["lowest_score"], src, "lowest_score")))
    for reason, n in sorted(skipped.items()):
        log.info("%s: skipped %d lines: %s", src, n, reason)


def _not_ordinary(prov: str, year: int, raw: str, subject_group: str, line_type: str) -> str | None:
    """Why a line is not an ordinary batch line of a track, or None when it is one."""
    if line_type != ORDINARY_LINE_TYPE:
        return f"art/sport line ({line_type}): control_lines cannot label its category"
    if track(subject_group, prov, year) is None:
        return f"not an ordinary track ({subject_group})"
    if prov == "广东" and year == 2026 and "少数民族" in raw:
        return "广东 2026 本科 row is the 少数民族班 line, not the ordinary 本科 line (documented defect)"
    for word in _SPECIAL_WORDS:
        if word in raw:
            return f"special-plan line ({word})"
    return None


# --------------------------------------------------------------------------- 一分一段


def _tables(root: Path, year: int) -> Iterator[ScoreRank]:
    src, rows = _rows(root, f"yifenyiduan_{year}.csv", TABLE_COLUMNS)
    # (province, track) -> batch -> score -> (count, cumulative)
    parts: dict[tuple[str, str], dict[str, dict[int, tuple[int, int]]]] = defaultdict(lambda: defaultdict(dict))
    skipped: Counter[str] = Counter()
    for r in rows:
        prov = nz.province(r["province"])
        if prov is None or _int(r["year"], src, "year") != year:
            raise SourceError(src, f"row with province {r['province']!r}, year {r['year']!r} in the {year} file")
        group = r["subject_group"].strip()
        if (prov, year) in SWAPPED_TABLES:
            group = {"物理类": "历史类", "历史类": "物理类"}.get(group, group)
        t = track(group, prov, year)
        if t is None:
            skipped[f"{prov} {group}"] += 1
            continue
        score = _int(r["score"], src, "score")
        point = (_int(r["segment_count"], src, "segment_count"), _int(r["cumulative_count"], src, "cumulative_count"))
        parts[(prov, t)][r["batch"].strip()][score] = point
    for key, n in sorted(skipped.items()):
        log.info("%s: skipped %d rows of the %s table (art/sport/三校生, not an ordinary ranking list)", src, n, key)
    for (prov, t), by_batch in sorted(parts.items()):
        table, problem = merge_parts(by_batch)
        if problem:
            log.warning("%s: %s %d %s skipped: %s", src, prov, year, t, problem)
            continue
        for score, (count, cum) in sorted(table.items(), reverse=True):
            yield ScoreRank(src, prov, year, t, score, cum, count)


def merge_parts(by_batch: dict[str, dict[int, tuple[int, int]]]) -> tuple[dict[int, tuple[int, int]], str | None]:
    """One table from its per-batch parts, or the reason it cannot be trusted.

    Parts that follow each other (甘肃, 辽宁: 本科 above the line, 专科 below) are joined, a later part's
    top row getting the count its cumulative implies. Parts that cover the same scores (广东 publishes
    a 本科 and a 专科 table that differ by a candidate or two) are copies: the 本科 one is kept. Each part
    must pass the internal check.
    """
    for batch, part in by_batch.items():
        bad = failed_points(part)
        if bad:
            return {}, (f"the {batch} part fails the internal check cum[s]-cum[s+1]=count[s] at {len(bad)} points "
                        f"(first: {', '.join(map(str, bad[:5]))})")
    merged: dict[int, tuple[int, int]] = {}
    for batch in sorted(by_batch, key=lambda b: "本科" not in b):
        part = by_batch[batch]
        if merged and len(merged.keys() & part.keys()) > len(part) // 2:
            differ = sum(merged.get(s, p) != p for s, p in part.items())
            log.info("a %s copy of a table already read from another batch skipped (%d points differ)", batch, differ)
            continue
        for score, point in part.items():
            if merged.setdefault(score, point) != point:
                return {}, f"its per-batch parts disagree at {score}: {merged[score]} vs {point}"
    prev_cum: int | None = None
    for score in sorted(merged, reverse=True):
        count, cum = merged[score]
        if prev_cum is not None and count == cum and cum > prev_cum:  # a later part's top row: everyone at or above
            merged[score] = (cum - prev_cum, cum)
        prev_cum = cum
    return merged, None


def failed_points(table: dict[int, tuple[int, int]]) -> list[int]:
    """Scores where cum[s] − cum[s+1] ≠ count[s]; the top row (everyone at or above) and gaps are not checked."""
    bad: list[int] = []
    above: tuple[int, int] | None = None  # (score, cumulative) of the row above
    for score, (count, cum) in sorted(table.items(), reverse=True):
        if above is not None and above[0] == score + 1 and cum - above[1] != count:
            bad.append(score)
        above = (score, cum)
    return bad
