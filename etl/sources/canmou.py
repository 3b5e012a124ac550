"""Major and discipline strength lists (manmonthW__gaokao-canmou `etl/data/`).

- `ruanke2026.csv`: 软科中国大学专业排名 2026 (rank, tier A+ ... B; 240 listed majors have neither).
- `eval4_official.csv`: 第四轮学科评估 grades (published 2017) by first-level discipline.
- `dfc2022.csv`: 双一流建设学科 2022 (北大/清华: "自主确定建设学科并自行公布", kept as the major text).
- `swyc_batches.csv`: 一流本科专业建设点, national or provincial, year only for the 2021 batch.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path

from etl.errors import SourceError
from etl.rows import MajorStrength, Row

ORIGIN = "manmonthW__gaokao-canmou"

DATA = "etl/data"
RUANKE = f"{DATA}/ruanke2026.csv"
EVAL4 = f"{DATA}/eval4_official.csv"
DFC = f"{DATA}/dfc2022.csv"
SWYC = f"{DATA}/swyc_batches.csv"

SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

EVAL4_YEAR = 2017  # 第四轮学科评估 results were published in December 2017
DFC_YEAR = 2022
_TIERS = {"national": "国家级", "provincial": "省级"}


def read(root: Path) -> Iterator[Row]:
    """Yield MajorStrength rows from the four lists."""
    folder = root / ORIGIN
    yield from _ruanke(folder / RUANKE)
    yield from _eval4(folder / EVAL4)
    yield from _dfc(folder / DFC)
    yield from _swyc(folder / SWYC)


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise SourceError(path, f"missing columns {missing}")
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise SourceError(path, f"cannot read CSV: {e}") from e


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _log_skipped(source: str, skipped: int) -> None:
    if skipped:
        log.info("%s: skipped %d rows without a school or major", source, skipped)


def _ruanke(path: Path) -> Iterator[MajorStrength]:
    source = f"{ORIGIN}/{RUANKE}"
    skipped = 0
    for row in _rows(path, ("school_name", "major_name", "major_code", "rank", "tier", "data_year")):
        if not row["school_name"] or not row["major_name"]:
            skipped += 1
            continue
        yield MajorStrength(
            source_file=source,
            school=row["school_name"],
            major=row["major_name"],
            kind="软科专业排名",
            rank=_int(row["rank"]),
            grade=row["tier"] or None,
            year=_int(row["data_year"]),
            major_code=row["major_code"] or None,
        )
    _log_skipped(source, skipped)


def _eval4(path: Path) -> Iterator[MajorStrength]:
    source = f"{ORIGIN}/{EVAL4}"
    skipped = 0
    for row in _rows(path, ("discipline_code", "discipline_name", "school_name", "grade")):
        if not row["school_name"] or not row["discipline_name"]:
            skipped += 1
            continue
        yield MajorStrength(
            source_file=source,
            school=row["school_name"],
            major=row["discipline_name"],
            kind="学科评估",
            grade=row["grade"] or None,
            year=EVAL4_YEAR,
            major_code=row["discipline_code"] or None,
        )
    _log_skipped(source, skipped)


def _dfc(path: Path) -> Iterator[MajorStrength]:
    source = f"{ORIGIN}/{DFC}"
    skipped = 0
    for row in _rows(path, ("school_name", "discipline_name", "note")):
        major = row["discipline_name"] or row["note"]
        if not row["school_name"] or not major:
            skipped += 1
            continue
        yield MajorStrength(
            source_file=source, school=row["school_name"], major=major, kind="双一流学科", year=DFC_YEAR
        )
    _log_skipped(source, skipped)


def _swyc(path: Path) -> Iterator[MajorStrength]:
    source = f"{ORIGIN}/{SWYC}"
    skipped = 0
    for row in _rows(path, ("school_name", "major_name", "batch", "batch_year", "tier")):
        if not row["school_name"] or not row["major_name"]:
            skipped += 1
            continue
        yield MajorStrength(
            source_file=source,
            school=row["school_name"],
            major=row["major_name"],
            kind="一流专业",
            grade=_TIERS.get(row["tier"], row["tier"] or None),
            year=_int(row["batch_year"]),
        )
    _log_skipped(source, skipped)
