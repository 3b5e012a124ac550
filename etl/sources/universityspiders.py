"""gaokao.cn school list keyed by school id (Maple-mxf__universityspiders, 2024)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from etl.errors import SourceError
from etl.rows import Row, SchoolInfo
from gaokao.regions import province

ORIGIN = "Maple-mxf__universityspiders"

SCHOOLS = "meta/university_province.json"

SKIPPED: dict[str, str] = {
    "meta/university_major.json": "gaokao.cn school ids and major (special) ids as two separate lists; "
    "no school-major link, so nothing usable as MajorStrength",
}

log = logging.getLogger(__name__)

_KEYS = ("name", "f985", "f211", "dual_class", "p", "c", "nature", "level")
_LEVELS = {"普通本科": "本科", "专科（高职）": "专科", "专科(高职)": "专科"}
_NATURE = {
    "公办": "公办",
    "民办": "民办",
    "独立学院": "民办",
    "中外合作办学": "中外合作",
    "内地与港澳台地区合作办学": "中外合作",
    "境外高校独立办学": "中外合作",
}


def read(root: Path) -> Iterator[Row]:
    """Yield one SchoolInfo per gaokao.cn school id."""
    path = root / ORIGIN / SCHOOLS
    source = f"{ORIGIN}/{SCHOOLS}"
    skipped = 0
    for school_id, rec in _load(path).items():
        name = str(rec["name"]).strip()
        if not name:
            skipped += 1
            continue
        yield _school(school_id, rec, name, source)
    if skipped:
        log.info("%s: skipped %d records without a name", source, skipped)


def _load(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SourceError(path, f"cannot read JSON: {e}") from e
    if not isinstance(data, dict):
        raise SourceError(path, "expected an object keyed by gaokao.cn school id")
    for key, rec in data.items():
        if not isinstance(rec, dict):
            raise SourceError(path, f"school {key} is not an object")
        missing = [k for k in _KEYS if k not in rec]
        if missing:
            raise SourceError(path, f"school {key} lacks keys {missing}")
    return data


def _flag(value: object) -> bool | None:
    """gaokao.cn flags: "1" yes, "2" no."""
    text = str(value).strip()
    return {"1": True, "2": False}.get(text)


def _school(school_id: str, rec: dict[str, Any], name: str, source: str) -> SchoolInfo:
    place = str(rec["p"]).strip()
    canonical = province(place)
    tags: list[str] = []
    if canonical is None and place:  # 香港, 澳门: outside the 31 provinces, kept as a tag
        tags.append(place)
    if _flag(rec.get("qj")):
        tags.append("强基计划")
    return SchoolInfo(
        source_file=source,
        name=name,
        province=canonical,
        city=str(rec["c"]).strip() or None,
        level=_LEVELS.get(str(rec["level"]).strip()),
        nature=_NATURE.get(str(rec["nature"]).strip()),
        is985=_flag(rec["f985"]),
        is211=_flag(rec["f211"]),
        double_first_class=_flag(rec["dual_class"]),
        gaokao_id=str(school_id),
        tags=tuple(tags),
    )
