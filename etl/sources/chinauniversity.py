"""MOE school list 2021 and former names (WenryXu__ChinaUniversity).

`ChinaUniversityList.json` is the 2021 list grouped by province; Taiwan's schools are left
out (no gaokao admission, and 南华大学 there collides with the Hunan one). `CHANGELOG.md`
lines `A -> B` are renames, except `信息更新：学校，旧城市 -> 新城市`, whose left side names a
school *and* a city separated by a full-width comma: those are city changes and are skipped.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from etl.errors import SourceError
from etl.rows import Alias, Row, SchoolInfo
from gaokao.regions import province

ORIGIN = "WenryXu__ChinaUniversity"

SCHOOL_LIST = "ChinaUniversityList.json"
CHANGELOG = "CHANGELOG.md"
NAME_HISTORY = "derived_moe_code_name_history.csv"

SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

_SCHOOL_KEYS = ("name", "code", "supervisor", "city", "level", "type")
_HISTORY_COLUMNS = ("moe_code", "other_name", "name_2025_moe")
_NATURE = {"公办": "公办", "民办": "民办", "中外合作办学": "中外合作", "内地与港澳台地区合作办学": "中外合作"}
_LEFT_OUT_REGIONS = ("台湾省",)
_RENAME = re.compile(r"^-\s*(?:信息更新[：:]\s*)?(?P<old>[^-].*?)\s*->\s*(?P<new>.+?)\s*$")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")


def read(root: Path) -> Iterator[Row]:
    """Yield SchoolInfo rows of the 2021 MOE list and former-name Alias rows."""
    folder = root / ORIGIN
    provinces = _load_list(folder / SCHOOL_LIST)
    codes = {str(s["name"]).strip(): str(s["code"]).strip() for p in provinces for s in p["schools"]}
    yield from _schools(provinces)
    yield from _history_aliases(folder / NAME_HISTORY)
    yield from _changelog_aliases(folder / CHANGELOG, codes)


def _load_list(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SourceError(path, f"cannot read JSON: {e}") from e
    if not isinstance(data, list):
        raise SourceError(path, "expected a list of provinces")
    for group in data:
        if (
            not isinstance(group, dict)
            or "province" not in group
            or not isinstance(group.get("schools"), list)
        ):
            raise SourceError(path, "each province needs `province` and a `schools` list")
        for school in group["schools"]:
            missing = [k for k in _SCHOOL_KEYS if k not in school]
            if missing:
                raise SourceError(path, f"a school of {group['province']} lacks keys {missing}")
    return data


def _schools(provinces: list[dict[str, Any]]) -> Iterator[SchoolInfo]:
    source = f"{ORIGIN}/{SCHOOL_LIST}"
    left_out = skipped = 0
    for group in provinces:
        region = str(group["province"]).strip()
        if region in _LEFT_OUT_REGIONS:
            left_out += len(group["schools"])
            continue
        for s in group["schools"]:
            name = str(s["name"]).strip()
            if not name:
                skipped += 1
                continue
            yield SchoolInfo(
                source_file=source,
                name=name,
                moe_code=str(s["code"]).strip() or None,
                province=province(region),
                city=str(s["city"]).strip() or None,
                level=str(s["level"]).strip() or None,
                nature=_NATURE.get(str(s["type"]).strip()),
                authority=str(s["supervisor"]).strip() or None,
            )
    log.info("%s: left out %d Taiwan schools, skipped %d without a name", source, left_out, skipped)


def _history_aliases(path: Path) -> Iterator[Alias]:
    source = f"{ORIGIN}/{NAME_HISTORY}"
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _HISTORY_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise SourceError(path, f"missing columns {missing}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise SourceError(path, f"cannot read CSV: {e}") from e
    skipped = 0
    for row in rows:
        old, new = row["other_name"].strip(), row["name_2025_moe"].strip()
        if not old or not new or old == new:
            skipped += 1
            continue
        yield Alias(
            source_file=source, alias=old, name=new, kind="former", moe_code=row["moe_code"].strip() or None
        )
    if skipped:
        log.info("%s: skipped %d rows without two different names", source, skipped)


def renames(lines: list[str]) -> Iterator[tuple[str, str]]:
    """(old, new) name pairs of a changelog; city changes and no-op renames are left out."""
    for line in lines:
        m = _RENAME.match(line.strip())
        if not m:
            continue
        old_side, new = m["old"], m["new"]
        if "，" in old_side or "," in old_side:  # 学校，旧城市 -> 新城市
            continue
        for old in (part.strip() for part in old_side.split("+")):
            if old and old != new and _TRAILING_NOTE.sub("", new) != old:
                yield old, new


def _changelog_aliases(path: Path, codes: dict[str, str]) -> Iterator[Alias]:
    source = f"{ORIGIN}/{CHANGELOG}"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError(path, f"cannot read the changelog: {e}") from e
    for old, new in renames(lines):
        yield Alias(source_file=source, alias=old, name=new, kind="former", moe_code=codes.get(new) or None)
