"""MOE 2025 school list, 本科批 group filing lines and 一分一段 tables (liuxusummer__gaokao-advisor).

- `public/data/common/colleges.json`: the 教育部 list (June 2025) -> SchoolInfo. Its `type` is "综合"
  for every school and is ignored; `nature` public/private/joint -> 公办/民办/中外合作.
- `public/data/scores/<省>/scores_<year>.json`: 院校专业组 filing lines (投档线) of the 本科批, from the
  provincial exam authorities -> group-level Admission. Only Guangdong has ranks (0 elsewhere).
  `collegeId` is the scraper's name match onto the MOE list and is passed on as `moe_code`; it is
  wrong for some schools (e.g. 南昌工程学院 -> 南昌工学院's code). Five Guangdong rows whose group
  code is a bracketed remark ("(国际班)") are split PDF lines with shifted numbers and are skipped.
  `note` is the group name without the school name it starts with, plus the special-plan remarks
  in brackets of the school name ("佛山大学(…)(中外合作办学" -> 中外合作办学).
- `public/data/scores/<省>/rank_table_<year>.json`: 一分一段 -> ScoreRank (rank = cumulativeCount).
  The Jiangsu tables were parsed from PDFs with columns shifted in places: a row whose cumulative
  count agrees with neither neighbour (previous cumulative + its count, or its cumulative + the next
  row's count), or falls below the row above, is skipped.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from etl.errors import SourceError
from etl.rows import Admission, Row, SchoolInfo, ScoreRank
from etl.sources._cells import join_notes, positive, special_remarks, to_float, to_int
from gaokao.regions import province

ORIGIN = "liuxusummer__gaokao-advisor"
COLLEGES = "public/data/common/colleges.json"
SCORES_DIR = "public/data/scores"

SKIPPED: dict[str, str] = {
    "public/data/common/majors/catalog.json": "national major catalogue (875 majors): no row type holds a "
    "catalogue without schools",
    "public/data/subjects/江苏/subjects_2024.json": "Jiangsu 2024 subject requirements: no row type for them",
    "public/data/common/colleges.meta.json": "metadata (counts, fetch dates) of colleges.json",
    "public/data/common/majors/catalog.meta.json": "metadata of majors/catalog.json",
    "public/data/scores/scores.meta.json": "metadata of the score files",
    "public/data/subjects/江苏/subjects_2024.meta.json": "metadata of subjects_2024.json",
}

NATURE = {"public": "公办", "private": "民办", "joint": "中外合作"}

log = logging.getLogger(__name__)

_COLLEGE_KEYS = ("moeCode", "name", "province", "city", "level", "nature", "affiliation")
_SCORE_KEYS = (
    "collegeName",
    "year",
    "province",
    "category",
    "batch",
    "minScore",
    "minRank",
    "majorGroupName",
)
_RANK_KEYS = ("score", "count", "cumulativeCount")
_GROUP_IN_NAME = re.compile(r"第\s*(\d{1,3})\s*组")
_MOE_CODE = re.compile(r"\d{10}")


def read(root: Path) -> Iterator[Row]:
    """Yield SchoolInfo from the MOE list, group Admissions and 一分一段 ScoreRanks."""
    base = root / ORIGIN
    yield from _colleges(base / COLLEGES, f"{ORIGIN}/{COLLEGES}")
    scores = base / SCORES_DIR
    if not scores.is_dir():
        raise SourceError(scores, "folder not found")
    for path in sorted(scores.glob("*/scores_*.json")):
        yield from _scores(path, _rel(root, path))
    for path in sorted(scores.glob("*/rank_table_*.json")):
        yield from _rank_table(path, _rel(root, path))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _load(path: Path) -> Any:
    """Parsed JSON of a file; SourceError when missing or not JSON."""
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(path, f"cannot read JSON: {exc}") from exc


def _records(path: Path, data: Any, keys: Sequence[str]) -> list[Mapping[str, Any]]:
    """`data` as a list of objects that all carry `keys` (SourceError otherwise)."""
    if not isinstance(data, list):
        raise SourceError(path, f"expected a JSON list, got {type(data).__name__}")
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise SourceError(path, f"item {i} is not an object")
        missing = [k for k in keys if k not in rec]
        if missing:
            raise SourceError(path, f"item {i} lacks {', '.join(missing)}")
    return data


def _text(value: Any) -> str | None:
    t = str(value).strip() if value is not None else ""
    return t or None


def _colleges(path: Path, source_file: str) -> Iterator[SchoolInfo]:
    """SchoolInfo rows of the MOE list."""
    for rec in _records(path, _load(path), _COLLEGE_KEYS):
        name = _text(rec["name"])
        if name is None:
            continue
        levels = rec["level"] if isinstance(rec["level"], list) else [rec["level"]]
        yield SchoolInfo(
            source_file=source_file,
            name=name,
            moe_code=_text(rec["moeCode"]),
            province=province(_text(rec["province"])),
            city=_text(rec["city"]),
            level="/".join(str(x) for x in levels if x) or None,
            nature=NATURE.get(str(rec["nature"]), _text(rec["nature"])),
            authority=_text(rec["affiliation"]),
        )


def _scores(path: Path, source_file: str) -> Iterator[Admission]:
    """Group-level Admissions of one scores_<year>.json."""
    folder_province = province(path.parent.name)
    skipped = 0
    for rec in _records(path, _load(path), _SCORE_KEYS):
        school = _text(rec["collegeName"])
        code = rec.get("majorGroup")
        if school is None or (code is not None and not re.search(r"\d", str(code))):
            skipped += 1  # split PDF line: the group code is a remark and the numbers are shifted
            continue
        prov = province(_text(rec["province"])) or folder_province
        year = to_int(rec["year"])
        if prov is None or year is None:
            raise SourceError(
                path, f"cannot read province/year of {school}: {rec['province']!r} {rec['year']!r}"
            )
        group_name = _text(rec["majorGroupName"])
        yield Admission(
            source_file=source_file,
            province=prov,
            year=year,
            track=str(rec["category"]),
            batch=str(rec["batch"]),
            school=school,
            level="group",
            min_score=to_float(rec["minScore"]),
            min_rank=positive(to_int(rec["minRank"])),
            moe_code=_moe_code(rec.get("collegeId")),
            group=_text(code) or _group_from_name(group_name),
            note=join_notes(
                *special_remarks(school),
                _without(school, group_name),
                _without(school, _text(rec.get("majorName"))),
            ),
        )
    if skipped:
        log.info("%s: skipped %d garbled rows", source_file, skipped)


def _without(school: str, text: str | None) -> str | None:
    """`text` without the school name it starts with: '北京体育大学(201)' -> '(201)'.

    The note must not carry the school's own name, or 体育/艺术 in it would read as a special plan.
    """
    if text and text.startswith(school):
        return text[len(school) :].strip() or None
    return text


def _moe_code(value: Any) -> str | None:
    t = _text(value)
    return t if t is not None and _MOE_CODE.fullmatch(t) else None


def _group_from_name(name: str | None) -> str | None:
    """The group number in a name like '上海立信会计金融学院第 03组' -> '03'."""
    m = _GROUP_IN_NAME.search(name or "")
    return m.group(1) if m else None


def _rank_table(path: Path, source_file: str) -> Iterator[ScoreRank]:
    """ScoreRank rows of one rank_table_<year>.json ({province, year, categories: {track: [rows]}})."""
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise SourceError(path, "expected an object with a 'categories' object")
    prov = province(_text(data.get("province"))) or province(path.parent.name)
    year = to_int(data.get("year"))
    if prov is None or year is None:
        raise SourceError(path, f"cannot read province/year: {data.get('province')!r} {data.get('year')!r}")
    for track, items in data["categories"].items():
        points = _points(path, _records(path, items, _RANK_KEYS))
        kept = _consistent(points)
        if len(kept) < len(points):
            log.info(
                "%s: %s: skipped %d rows inconsistent with their neighbours",
                source_file,
                track,
                len(points) - len(kept),
            )
        for score, count, cum in kept:
            yield ScoreRank(source_file, prov, year, str(track), score, cum, count)


Point = tuple[int, int | None, int]  # score, count, cumulative count


def _points(path: Path, items: list[Mapping[str, Any]]) -> list[Point]:
    """(score, count, cumulative) of each row, highest score first."""
    out: list[Point] = []
    for rec in items:
        score, cum = to_int(rec["score"]), to_int(rec["cumulativeCount"])
        if score is None or cum is None:
            raise SourceError(
                path, f"non-numeric score/cumulativeCount: {rec['score']!r} {rec['cumulativeCount']!r}"
            )
        out.append((score, to_int(rec["count"]), cum))
    return sorted(out, key=lambda p: -p[0])


def _consistent(points: list[Point]) -> list[Point]:
    """Rows whose cumulative count agrees with a neighbour's and never falls as the score falls."""
    kept: list[Point] = []
    for i, (score, count, cum) in enumerate(points):
        prev = points[i - 1] if i > 0 else None
        nxt = points[i + 1] if i + 1 < len(points) else None
        agrees_prev = prev is not None and count is not None and prev[2] + count == cum
        agrees_next = nxt is not None and nxt[1] is not None and cum + nxt[1] == nxt[2]
        lone = prev is None and nxt is None
        if (agrees_prev or agrees_next or lone) and (not kept or cum >= kept[-1][2]) and cum > 0:
            kept.append((score, count, cum))
    return kept
