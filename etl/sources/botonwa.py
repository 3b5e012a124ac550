"""Third-party 2025 投档 rows and 一分一段 tables with batch lines (botonwa83-byte__gaokao-data, #21/#22).

A mirror of the Gaokao-Compass dataset, reassembled from a public text copy (SOURCES.md #21, #22):

- `data/2025/{henan,sichuan,shandong}/school-admission.csv`: group-level (or school-level when
  `major_group` is empty) minimum scores -> Admission, quality "third-party". The published
  `min_rank` is the rank of a *higher* score, so it is discarded: the build derives every rank from
  `min_score` with the province's 2025 一分一段 table. The batch text carries plan types
  (本科批A段（国家专项）, 高校专项计划批, 特殊类型批 ...): it is passed raw, and its plan-type part is
  also put in `note`. Art rows (艺术类) are left out: their score is an art composite, which no
  一分一段 table ranks.
- `data/2025/{henan,sichuan,shandong,shaanxi}/score-range.csv`: one row per score -> ScoreRank
  (the score is the range's lower bound: "710-750" is everyone at 710 or above), and the
  `control_score` of each batch -> ControlLine. A lumped tail row ("0-100") is dropped: its rank is
  the whole cohort and would read as "约合0分". The `batch` column is unreliable below the 本科 line
  (四川 steps 438 -> 365 -> 345 under 本科批), so each batch's line is the one on its highest score.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from etl import normalize as nz
from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Row, ScoreRank
from etl.sources._cells import join_notes, positive, to_float, to_int

ORIGIN = "botonwa83-byte__gaokao-data"
YEAR = 2025
ADMISSION_FILES: tuple[str, ...] = tuple(
    f"data/{YEAR}/{p}/school-admission.csv" for p in ("henan", "sichuan", "shandong")
)
SCORE_FILES: tuple[str, ...] = tuple(
    f"data/{YEAR}/{p}/score-range.csv" for p in ("henan", "sichuan", "shandong", "shaanxi")
)

SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

_ADMISSION_HEADER = (
    "province", "year", "category", "batch", "university_code", "university_name", "major_group", "subject_req",
    "min_score", "min_rank", "control_score", "score_diff", "admit_count", "school_province", "school_nature",
    "is_985", "is_211",
)
_SCORE_HEADER = (
    "province", "year", "category", "batch", "control_score", "score", "score_range", "segment_count",
    "cumulative_count", "rank_range",
)


def read(root: Path) -> Iterator[Row]:
    """Yield the 2025 admissions (third-party, ranks left to the build), score tables and batch lines."""
    for rel in ADMISSION_FILES:
        yield from _admissions(root, rel)
    for rel in SCORE_FILES:
        yield from _score_table(root, rel)


def _rows(root: Path, rel: str, header: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of one CSV file, after checking its header."""
    path = root / ORIGIN / rel
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != header:
                raise SourceError(path, f"unexpected header {reader.fieldnames}, expected {list(header)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read the CSV file: {exc}") from exc
    for i, r in enumerate(rows, start=2):
        if None in r or any(v is None for v in r.values()):
            raise SourceError(path, f"line {i}: expected {len(header)} fields")
    return rows


def _province(path: Path, line: int, text: str) -> str:
    prov = nz.province(text)
    if prov is None:
        raise SourceError(path, f"line {line}: unknown province {text!r}")
    return prov


def _year(path: Path, line: int, text: str) -> int:
    year = to_int(text)
    if year != YEAR:
        raise SourceError(path, f"line {line}: year {text!r}, expected {YEAR}")
    return year


def plan_note(batch: str) -> str | None:
    """The plan-type part of a batch text: 本科批A段（国家专项） -> 国家专项, 高校专项计划批 -> itself."""
    remark = nz.bracketed(batch)
    if remark:
        return remark
    return batch if nz.special_plan(batch) else None


def group_label(text: str) -> str | None:
    """'（101）' -> '101' (the form the other sources use); empty -> None."""
    t = text.strip().strip("（）()").strip()
    return t or None


def _is_art(category: str, batch: str) -> bool:
    return "艺术" in category or "艺术" in batch


def _admissions(root: Path, rel: str) -> Iterator[Admission]:
    path = root / ORIGIN / rel
    source = f"{ORIGIN}/{rel}"
    stats: Counter[str] = Counter()
    for line, r in enumerate(_rows(root, rel, _ADMISSION_HEADER), start=2):
        category, batch = r["category"].strip(), r["batch"].strip()
        school = r["university_name"].strip()
        if _is_art(category, batch):
            stats["art rows left out"] += 1
            continue
        if not school:
            raise SourceError(path, f"line {line}: no university_name")
        score = to_float(r["min_score"])
        if score is None or score <= 0:
            stats["rows without a score"] += 1
            continue
        if positive(to_int(r["min_rank"])) is not None:
            stats["published ranks discarded"] += 1
        group = group_label(r["major_group"])
        plan = positive(to_int(r["admit_count"]))
        yield Admission(
            source_file=source,
            province=_province(path, line, r["province"]),
            year=_year(path, line, r["year"]),
            track=category,
            batch=batch,
            school=school,
            level="group" if group else "school",
            min_score=score,
            min_rank=None,  # the published rank belongs to a higher score: the build derives it
            group=group,
            plan_count=plan,
            note=join_notes(plan_note(batch)),
            quality="third-party",
        )
        stats["rows"] += 1
    log.info("%s: %s", source, dict(sorted(stats.items())))


def _score_table(root: Path, rel: str) -> Iterator[ScoreRank | ControlLine]:
    path = root / ORIGIN / rel
    source = f"{ORIGIN}/{rel}"
    rows = _rows(root, rel, _SCORE_HEADER)
    by_track: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, r in enumerate(rows, start=2):
        by_track.setdefault(r["category"].strip(), []).append((line, r))
    for track, track_rows in by_track.items():
        yield from _one_table(path, source, track, track_rows)


def _one_table(
    path: Path, source: str, track: str, rows: list[tuple[int, dict[str, str]]]
) -> Iterator[ScoreRank | ControlLine]:
    """The ScoreRank rows and batch lines of one track, highest score first."""
    parsed: list[tuple[int, int, int, int, dict[str, str]]] = []  # (line, score, cumulative, count, row)
    for line, r in rows:
        score, count, cum = to_int(r["score"]), to_int(r["segment_count"]), to_int(r["cumulative_count"])
        if score is None or count is None or cum is None:
            raise SourceError(path, f"line {line}: bad score/segment_count/cumulative_count {r}")
        parsed.append((line, score, cum, count, r))
    if not parsed:
        return
    parsed.sort(key=lambda p: -p[1])
    prov = _province(path, parsed[0][0], parsed[0][4]["province"])
    year = _year(path, parsed[0][0], parsed[0][4]["year"])
    slips = prev_cum = 0
    lines: dict[str, tuple[float, set[float]]] = {}  # batch -> (line on its highest score, every line seen)
    for i, (line, score, cum, count, r) in enumerate(parsed):
        if _province(path, line, r["province"]) != prov or _year(path, line, r["year"]) != year:
            raise SourceError(path, f"line {line}: a second province or year in one table")
        if cum != prev_cum + count:
            slips += 1
        prev_cum = cum
        control, batch = to_float(r["control_score"]), r["batch"].strip()
        if control is not None and control > 0 and batch:
            lines.setdefault(batch, (control, set()))[1].add(control)
        if i == len(parsed) - 1 and "-" in r["score_range"]:
            log.info("%s: %s lumped tail row %r (rank %d) dropped: no single score to rank", source, track,
                     r["score_range"], cum)
            continue
        yield ScoreRank(source, prov, year, track, score, cum, count)
    if slips:
        log.warning("%s: %s: %d rows where cumulative != previous + segment", source, track, slips)
    for batch, (line_score, seen) in lines.items():
        if len(seen) > 1:
            log.info("%s: %s %s: took the line on the highest score, %g; ignored %s", source, track, batch,
                     line_score, sorted(seen - {line_score}, reverse=True))
        yield ControlLine(source, prov, year, track, batch, line_score)
