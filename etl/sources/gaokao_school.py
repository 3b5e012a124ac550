"""gaokao.cn school tag pages and Hunan provincescore cutoffs 2020–2024 (tiankongzhise__gaokao_school).

Each `<tag>-<page>.json` is one raw gaokao.cn school-list page for a tag (985, 211, C9联盟 ...):
one SchoolInfo per school per page, carrying the tag. The pages' `rank` field is gaokao.cn's
own ordering (branch campuses get 800+; it matches 软科 2025 for only 13 of 258 shared schools),
so it is not used as a 软科 ranking.

`temp_hunan_provincescore_raw.tar.gz` holds `temp/<school>_<year>.json`, the raw gaokao.cn
provincescore answer for one school and year in Hunan; the school name comes from the member
name. 2020 rows are school-level (文科/理科 batches); 2021–2024 rows are 院校专业组 (`sg_name`).
Each row's `proscore` is the control line it was compared with: distinct values become ControlLine rows.
"""

from __future__ import annotations

import json
import logging
import re
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Row, SchoolInfo
from gaokao.regions import province

ORIGIN = "tiankongzhise__gaokao_school"

HUNAN_TAR = "temp_hunan_provincescore_raw.tar.gz"

SKIPPED: dict[str, str] = {
    "derived_school_tags_flat.csv": "flattening of the *-N.json tag pages, which are read",
    "derived_hunan_school_group_scores_flat.csv": f"flattening of {HUNAN_TAR}, which is read",
    "教育部直属.json": "mislabelled page: its 30 schools are the first 30 of the 双一流 list (numFound 164, "
    "only 4 of them 教育部直属), all also in 双一流-*.json",
}

log = logging.getLogger(__name__)

_TAG_NAMES = {"C9联盟": "C9"}
_SCHOOL_KEYS = (
    "school_id",
    "name",
    "f985",
    "f211",
    "dual_class_name",
    "type_name",
    "nature_name",
    "belong",
    "city_name",
    "province_name",
    "level_name",
)
_SCORE_KEYS = (
    "year",
    "local_province_name",
    "local_type_name",
    "local_batch_name",
    "min",
    "min_section",
    "zslx_name",
    "sg_name",
    "sg_info",
    "proscore",
)
_LEVELS = {"本科": "本科", "专科（高职）": "专科", "专科(高职)": "专科"}
_NATURE = {"公办": "公办", "民办": "民办", "中外合作办学": "中外合作", "内地与港澳台地区合作办学": "中外合作"}
_MEMBER = re.compile(r"^(?:.*/)?(?P<school>[^/]+)_(?P<year>\d{4})\.json$")


def read(root: Path) -> Iterator[Row]:
    """Yield SchoolInfo rows from the tag pages, then Hunan Admission and ControlLine rows."""
    folder = root / ORIGIN
    for page in sorted(folder.glob("*.json")):
        if page.name not in SKIPPED:
            yield from _tag_page(page)
    yield from _hunan_scores(folder / HUNAN_TAR)


def tag_of(page: Path) -> str:
    """The tag a page lists: `985-2.json` -> 985, `C9联盟-1.json` -> C9."""
    stem = page.stem
    base, sep, num = stem.rpartition("-")
    tag = base if sep and num.isdigit() else stem
    return _TAG_NAMES.get(tag, tag)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SourceError(path, f"cannot read JSON: {e}") from e


def _tag_page(path: Path) -> Iterator[SchoolInfo]:
    data = _load_json(path)
    items = data.get("data", {}).get("item") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SourceError(path, "expected a gaokao.cn school-list page with data.item")
    source = f"{ORIGIN}/{path.name}"
    tag = tag_of(path)
    skipped = 0
    for item in items:
        missing = [k for k in _SCHOOL_KEYS if k not in item]
        if missing:
            raise SourceError(path, f"a school lacks keys {missing}")
        name = str(item["name"]).strip()
        if not name:
            skipped += 1
            continue
        yield _school(item, name, tag, source)
    if skipped:
        log.info("%s: skipped %d schools without a name", source, skipped)


def _school(item: dict[str, Any], name: str, tag: str, source: str) -> SchoolInfo:
    category = str(item["type_name"]).strip().removesuffix("类")
    return SchoolInfo(
        source_file=source,
        name=name,
        province=province(item["province_name"]),
        city=str(item["city_name"]).strip() or None,
        level=_LEVELS.get(str(item["level_name"]).strip()),
        nature=_NATURE.get(str(item["nature_name"]).strip()),
        authority=str(item["belong"]).strip() or None,
        category=category or None,
        is985=_flag(item["f985"]),
        is211=_flag(item["f211"]),
        double_first_class=str(item["dual_class_name"]).strip() == "双一流",
        gaokao_id=str(item["school_id"]),
        tags=(tag,),
    )


def _flag(value: object) -> bool | None:
    """gaokao.cn flags: 1 yes, 2 no."""
    return {"1": True, "2": False}.get(str(value).strip())


def _hunan_scores(path: Path) -> Iterator[Row]:
    source = f"{ORIGIN}/{HUNAN_TAR}"
    lines: set[tuple[int, str, str, float]] = set()
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                m = _MEMBER.match(member.name)
                if not m:
                    raise SourceError(path, f"unexpected member {member.name} (want <school>_<year>.json)")
                handle = tar.extractfile(member)
                if handle is None:
                    raise SourceError(path, f"cannot extract {member.name}")
                try:
                    data = json.loads(handle.read().decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as e:
                    raise SourceError(path, f"{member.name}: cannot read JSON: {e}") from e
                for item in _score_items(data, path, member.name):
                    try:
                        adm = _admission(item, m["school"].strip(), source)
                    except ValueError as e:
                        raise SourceError(path, f"{member.name}: bad year: {e}") from e
                    yield adm
                    proscore = _number(item["proscore"])
                    if proscore is not None:
                        lines.add((adm.year, adm.track, adm.batch, proscore))
    except (OSError, EOFError, tarfile.TarError) as e:
        raise SourceError(path, f"cannot read the tar.gz archive: {e}") from e
    yield from _control_lines(sorted(lines), source)


def _score_items(data: Any, path: Path, member: str) -> Iterator[dict[str, Any]]:
    groups = data.get("data") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        raise SourceError(path, f"{member}: expected a provincescore answer with a `data` object")
    for group in groups.values():
        items = group.get("item") if isinstance(group, dict) else None
        if not isinstance(items, list):
            raise SourceError(path, f"{member}: a track lacks its `item` list")
        for item in items:
            missing = [k for k in _SCORE_KEYS if k not in item]
            if missing:
                raise SourceError(path, f"{member}: a row lacks keys {missing}")
            yield item


def _admission(item: dict[str, Any], school: str, source: str) -> Admission:
    group = str(item["sg_name"]).strip()
    notes = [str(item[k]).strip() for k in ("zslx_name", "sg_info")]
    rank = _number(item["min_section"])
    return Admission(
        source_file=source,
        province=province(item["local_province_name"]) or "湖南",
        year=int(item["year"]),
        track=str(item["local_type_name"]).strip(),
        batch=str(item["local_batch_name"]).strip(),
        school=school,
        level="group" if group else "school",
        min_score=_number(item["min"]),
        min_rank=int(rank) if rank is not None and rank > 0 else None,
        group=group or None,
        note=" | ".join(n for n in notes if n and n != "-") or None,
        quality="official",  # gaokao.cn mirrors the official 投档线 and 位次 (SOURCES.md: 1897/1897 agree)
    )


def _number(value: object) -> float | None:
    """A numeric cell; "-" and blanks are None."""
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        return None


def _control_lines(lines: list[tuple[int, str, str, float]], source: str) -> Iterator[ControlLine]:
    keys: dict[tuple[int, str, str], int] = {}
    for year, track, batch, score in lines:
        keys[(year, track, batch)] = keys.get((year, track, batch), 0) + 1
        yield ControlLine(
            source_file=source, province="湖南", year=year, track=track, batch=batch, score=score
        )
    conflicts = [k for k, n in keys.items() if n > 1]
    if conflicts:
        log.info(
            "%s: %d year/track/batch keys have more than one control line: %s",
            source,
            len(conflicts),
            conflicts,
        )
