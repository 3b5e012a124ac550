"""软科 (ShanghaiRanking) school list and the 2025 BCUR / vocational rankings (HenryTJS__ruanke_crawler).

`derived_institution_univList.json` is the full raw record of 3,129 institutions. Records flagged
with a `changeType` (GM 更名, ZS 转设, HB 合并) carry a school's old name: they share their `univCode`
(or its stem, `RC00804-1` -> `RC00804`) with the record under the current name, so they become
`Alias(kind="former")` rows rather than schools of their own.

`rankBcur` is the school's position in the one 2025 list it appears in: the main list (digits or
`500+`), the 民办 list for private schools (digits or `100+`), or a category list (`医1`, `财24+` ...).
Exact positions become `ranking` with `ranking_name` saying which list; open ranges (`500+`) become tags.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from etl.errors import SourceError
from etl.rows import Alias, Row, SchoolInfo
from gaokao.regions import province

ORIGIN = "HenryTJS__ruanke_crawler"

UNIV_LIST = "derived_institution_univList.json"
BCUR_CSV = "derived_bcur2025_ranking.csv"
BCVCR_CSV = "derived_bcvcr2025_ranking.csv"

SKIPPED: dict[str, str] = {
    "derived_institutions_shanghairanking.csv": f"flat copy of {UNIV_LIST} (same 3,129 records, fewer fields)",
    "derived_bcur2025.json": f"the page payload {BCUR_CSV} was flattened from (same 589 schools and ranks)",
    "derived_bcvcr2025.json": f"the page payload {BCVCR_CSV} was flattened from (same 37 schools and ranks)",
    "derived_institution_categoryData.json": "filter vocabularies of the site (province/category codes), no school facts",
}

log = logging.getLogger(__name__)

YEAR = 2025
MAIN_LIST = f"软科{YEAR}"
# The 高职 payload's title is 中国职业技术大学排名 (公办职本), 37 schools.
VOCATIONAL_LIST = f"软科{YEAR}职业技术大学"
_EDU_LEVELS = {"10": "本科", "15": "职业本科", "20": "专科"}
_NATURE = {
    "教育部直属": "公办",
    "中央部属": "公办",
    "地方公办": "公办",
    "军事院校": "公办",
    "民办高校": "民办",
    "独立学院": "民办",
    "中外合作": "中外合作",
}
# Prefix of a category-list rank in rankBcur -> list name.
_CATEGORY_LISTS = {
    "中医": "中医药类",
    "医": "医药类",
    "财": "财经类",
    "政": "政法类",
    "语": "语言类",
    "体": "体育类",
    "民": "民族类",
    "合作": "合作办学",
}
_RANK = re.compile(r"^(?P<prefix>\D*)(?P<num>\d+)(?P<open>\+?)$")
_UNIV_KEYS = ("univCode", "nameCn", "adminType", "provinceShort", "eduLevel")
_CSV_COLUMNS = ("ranking", "univNameCn", "province")
# Real words ending in a connective, which must not be split ("Command" is not "Comm and").
_NOT_GLUED = frozenset(
    {
        "island",
        "thailand",
        "zealand",
        "finland",
        "scotland",
        "poland",
        "holland",
        "highland",
        "grassland",
        "ireland",
        "england",
        "command",
        "demand",
        "grand",
        "brand",
        "band",
        "hand",
        "expand",
    }
)
_GLUED = re.compile(r"\b([A-Za-z]{3,}?)(of|and|for)(the)?(?=$|[\s(&,])")


def read(root: Path) -> Iterator[Row]:
    """Yield SchoolInfo and Alias rows from the 软科 school list and the two 2025 ranking pages."""
    folder = root / ORIGIN
    records = _load_univ_list(folder / UNIV_LIST)
    source = f"{ORIGIN}/{UNIV_LIST}"
    current = _current_records(records)
    orphans: list[str] = []
    for rec in records:
        if not rec.get("changeType"):
            yield _school(rec, source)
            continue
        alias = _former_alias(rec, current, source)
        if alias is None:
            orphans.append(f"{rec['nameCn']} ({rec['changeType']})")
        elif alias.alias != alias.name:
            yield alias
    if orphans:
        log.info(
            "%s: %d renamed/merged records without a current-name record, not emitted: %s",
            source,
            len(orphans),
            ", ".join(orphans),
        )
    yield from _bcur_rows(folder / BCUR_CSV, records)
    yield from _bcvcr_rows(folder / BCVCR_CSV)


def _load_univ_list(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SourceError(path, f"cannot read JSON: {e}") from e
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SourceError(path, "expected a JSON list of institution objects")
    for i, rec in enumerate(data):
        missing = [k for k in _UNIV_KEYS if k not in rec]
        if missing:
            raise SourceError(path, f"record {i} lacks keys {missing}")
    return data


def _current_records(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """univCode -> the record under the current name (the one without a changeType)."""
    return {r["univCode"]: r for r in records if not r.get("changeType")}


def _former_alias(rec: dict[str, Any], current: dict[str, dict[str, Any]], source: str) -> Alias | None:
    """Old name -> the name of the record sharing its univCode (or the code's stem), if any."""
    code = str(rec["univCode"])
    target = current.get(code) or current.get(code.split("-")[0])
    if target is None:
        return None
    return Alias(
        source_file=source,
        alias=str(rec["nameCn"]).strip(),
        name=str(target["nameCn"]).strip(),
        kind="former",
    )


def _school(rec: dict[str, Any], source: str) -> SchoolInfo:
    tags = rec.get("tags")
    tag_list = [str(t) for t in tags] if isinstance(tags, list) else []
    ranking, ranking_name, rank_tag = _ranking(rec.get("rankBcur"), rec["adminType"])
    if rank_tag:
        tag_list.append(rank_tag)
    admin = str(rec["adminType"]).strip()
    category = rec.get("categoryName")
    return SchoolInfo(
        source_file=source,
        name=str(rec["nameCn"]).strip(),
        province=province(rec["provinceShort"]),
        city=rec.get("cityName") or None,
        level=_EDU_LEVELS.get(str(rec["eduLevel"]).strip()),
        nature=_NATURE.get(admin),
        authority=admin or None,
        category=str(category) if category else None,
        is985="985" in tag_list if isinstance(tags, list) else None,
        is211="211" in tag_list if isinstance(tags, list) else None,
        double_first_class="双一流" in tag_list if isinstance(tags, list) else None,
        ranking=ranking,
        ranking_name=ranking_name,
        tags=tuple(tag_list),
        english_name=english_name(rec.get("nameEn"), str(rec.get("up") or "")),
    )


def _ranking(raw: object, admin_type: str) -> tuple[int | None, str | None, str | None]:
    """(ranking, ranking_name, tag) for a rankBcur cell such as `12`, `500+`, `医3`, `财24+`."""
    m = _RANK.match(str(raw or "").strip())
    if not m:
        return None, None, None
    prefix = m["prefix"]
    if prefix:
        if prefix not in _CATEGORY_LISTS:
            return None, None, None
        list_name = f"{MAIN_LIST}{_CATEGORY_LISTS[prefix]}"
    elif admin_type == "民办高校":
        list_name = f"{MAIN_LIST}民办"
    else:
        list_name = MAIN_LIST
    if m["open"]:
        label = "主榜" if list_name == MAIN_LIST else ""
        return None, None, f"{list_name}{label}{m['num']}+"
    return int(m["num"]), list_name, None


def english_name(raw: object, slug: str) -> str | None:
    """Restore the spaces the site's payload lost ("TsinghuaUniversity" -> "Tsinghua University")."""
    if not raw:
        return None
    text = str(raw).replace("＆", "&").strip()
    spaced = _align_with_slug(text, slug) or _split_camel(text)
    spaced = re.sub(r"\s*&\s*", " & ", spaced)
    spaced = re.sub(r",(?=\S)", ", ", spaced)
    return re.sub(r"\s+", " ", spaced).strip()


def _align_with_slug(text: str, slug: str) -> str | None:
    words = [w for w in slug.split("-") if w and not w.isdigit()]
    if "".join(words) != re.sub(r"[^a-z]", "", text.lower()):
        return None
    bounds: set[int] = set()
    pos = 0
    for w in words[:-1]:
        pos += len(w)
        bounds.add(pos)
    out: list[str] = []
    letters = 0
    for ch in text:
        if ch.isascii() and ch.isalpha():
            if letters in bounds and out and out[-1] not in " -(/&'":
                out.append(" ")
            letters += 1
        elif ch == "(" and out and out[-1] != " ":
            out.append(" ")
        out.append(ch)
    return "".join(out)


def _split_camel(text: str) -> str:
    spaced = re.sub(r"(?<=[a-z)])(?=[A-Z(])", " ", text)
    return _GLUED.sub(_unglue, spaced)


def _unglue(m: re.Match[str]) -> str:
    if m[0].lower() in _NOT_GLUED:
        return m[0]
    return " ".join(p for p in m.groups() if p)


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _CSV_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise SourceError(path, f"missing columns {missing}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise SourceError(path, f"cannot read CSV: {e}") from e


def _bcur_rows(path: Path, records: list[dict[str, Any]]) -> Iterator[Row]:
    """The 2025 main list; names it spells before a rename become former-name aliases."""
    source = f"{ORIGIN}/{BCUR_CSV}"
    rows = _read_csv(path)
    known = {str(r["nameCn"]).strip() for r in records if not r.get("changeType")}
    listed = {r["univNameCn"].strip() for r in rows}
    # Main-list schools of the univList the CSV does not name, by (rank, province).
    unmatched: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for r in records:
        name = str(r["nameCn"]).strip()
        rank = str(r.get("rankBcur") or "")
        if not r.get("changeType") and rank.isdigit() and name not in listed and r["adminType"] != "民办高校":
            unmatched[(rank, province(r["provinceShort"]))].append(name)
    skipped = 0
    for row in rows:
        name = row["univNameCn"].strip()
        if not name:
            skipped += 1
            continue
        rank = row["ranking"].strip()
        renamed = unmatched.get((rank, province(row["province"])), []) if name not in known else []
        if len(renamed) == 1:
            yield Alias(source_file=source, alias=name, name=renamed[0], kind="former")
            continue
        if rank.isdigit():
            yield SchoolInfo(source_file=source, name=name, ranking=int(rank), ranking_name=MAIN_LIST)
        else:
            yield SchoolInfo(source_file=source, name=name, tags=(f"{MAIN_LIST}主榜{rank}",))
    if skipped:
        log.info("%s: skipped %d rows without a school name", source, skipped)


def _bcvcr_rows(path: Path) -> Iterator[SchoolInfo]:
    source = f"{ORIGIN}/{BCVCR_CSV}"
    skipped = 0
    for row in _read_csv(path):
        name = row["univNameCn"].strip()
        rank = row["ranking"].strip()
        if not name or not rank.isdigit():
            skipped += 1
            continue
        yield SchoolInfo(source_file=source, name=name, ranking=int(rank), ranking_name=VOCATIONAL_LIST)
    if skipped:
        log.info("%s: skipped %d rows without a name or rank", source, skipped)
