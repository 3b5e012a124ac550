"""Two schools side by side: one province, one track family, the same recent years, like compared with like."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from bot.core import facts
from bot.core.advise import Ladder, Params, Pick, tier_of
from bot.core.majors import group_code
from bot.core.names import campus_base
from bot.core.store import Cutoff, Store, UnitCutoff

FAMILIES: tuple[tuple[str, ...], ...] = (("物理类", "理科"), ("历史类", "文科"), ("综合",))
YEARS_SHOWN = 3
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-")


@dataclass(frozen=True, slots=True)
class Side:
    """One school of a comparison; `campus` (as `names.campus_base` writes it) makes a campus its own school."""

    school_id: int
    campus: str | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    """Where both schools are compared: province, track family, and the years both have (latest first)."""

    province: str
    tracks: tuple[str, ...]
    years: tuple[int, ...]
    how: str  # asked | home (both schools') | one-home (one school's) | common (neither's)


def family_of(track: str | None) -> tuple[str, ...] | None:
    """The track family (物理类/理科 …) a track belongs to."""
    return next((f for f in FAMILIES if track in f), None)


def side_cutoffs(store: Store, side: Side, province: str) -> list[Cutoff]:
    """A side's ordinary (no 提前) cutoffs with a rank in a province: its campus only, or its main campus."""
    rows = [c for _, c in store.school_cutoffs(side.school_id, province)
            if c.min_rank is not None and "提前" not in c.batch]
    if side.campus:
        return [c for c in rows if campus_base(c.campus) == side.campus]
    return [c for c in rows if c.campus is None] or rows


def easiest(rows: list[Cutoff], tracks: tuple[str, ...]) -> dict[int, Cutoff]:
    """Per year, the easiest ordinary entry (the largest cutoff rank) of the side's main level (本科 when it has any)."""
    rows = [c for c in rows if c.track in tracks]
    level = "本科" if any(c.batch_level == "本科" for c in rows) else "专科"
    out: dict[int, Cutoff] = {}
    for c in rows:
        if c.batch_level != level:
            continue
        old = out.get(c.year)
        if old is None or (c.verified, c.min_rank or 0) > (old.verified, old.min_rank or 0):
            out[c.year] = c
    return out


def _years(store: Store, sides: list[Side], province: str, tracks: tuple[str, ...]) -> tuple[int, ...]:
    """Years both sides have a verified easiest entry; only when there is none, years both have third-party
    entries only (a province without official rows). Third-party years are never set against official ones."""
    per = [easiest(side_cutoffs(store, s, province), tracks) for s in sides]
    if not per:
        return ()
    both = set.intersection(*(set(p) for p in per))
    for verified in (True, False):
        years = [y for y in both if all(p[y].verified == verified for p in per)]
        if years:
            return tuple(sorted(years, reverse=True))
    return ()


def home_province(store: Store, side: Side, cities: Collection[str] = ()) -> str | None:
    """Where a side is: its campus's province when the campus is a city (哈工大威海: 山东), else its school's."""
    city = (facts.campus_city(side.campus, cities or {s.city for s in store.schools.values() if s.city})
            if side.campus else None)  # (the set of every school's city only for a campus)
    return (facts.city_province(store, city) if city else None) or store.schools[side.school_id].province


def frame(store: Store, sides: list[Side], asked: str | None, track: str | None) -> Frame | None:
    """The province and years to compare in: the asked province; else the schools' home province when both have
    data there, choosing among their homes and any province with data for both the one with the latest common
    year (then the most common years, then a home province). None when nothing is shared."""
    families = [f for f in (family_of(track),) if f] or list(FAMILIES)
    cities = {s.city for s in store.schools.values() if s.city} if any(s.campus for s in sides) else set()
    homes = list(dict.fromkeys(p for p in (home_province(store, s, cities) for s in sides) if p))
    if asked:
        provinces = [asked]
    else:
        have = [{p for p, _ in store.school_cutoffs(s.school_id)} for s in sides]
        provinces = homes + sorted(set.intersection(*have) - set(homes))
    found: list[tuple[tuple[int, int, int], Frame]] = []
    for prov in provinces:
        for fi, fam in enumerate(families):
            years = _years(store, sides, prov, fam)
            if years:
                recent = [y for y in years if y > years[0] - 4]
                how = ("asked" if asked else "common" if prov not in homes else "home" if len(homes) == 1
                       else "one-home")
                found.append(((years[0], -fi, len(recent)), Frame(prov, fam, years[:YEARS_SHOWN], how)))
    latest = max((k[0] for k, _ in found), default=0)
    # a home province whose shared data is at most a year older than the newest anywhere wins
    homely = [(k, f) for k, f in found if f.province in homes and k[0] >= latest - 1]
    best = max(homely or found, key=lambda kf: kf[0], default=None)
    if best is None and asked:
        fam = families[0]
        return Frame(asked, fam, (), "asked")
    return best[1] if best else None


def units(store: Store, side: Side, fr: Frame, year: int) -> list[dict[str, Any]]:
    """The side's ordinary groups (or majors, where the province admits by major) in one year, hardest first."""
    rows: list[UnitCutoff] = [u for u in store.school_units(side.school_id, fr.province)
                              if u.year == year and u.track in fr.tracks and u.min_rank is not None
                              and (campus_base(u.campus) == side.campus if side.campus else u.campus is None)]
    name = store.schools[side.school_id].name
    # a group is its code (two sources label one group differently: 201, 华中科技大学第201组); a source label without
    # a code ("中南大学-湖南-物理类-本科普通类-临床医学") is one major's row, listed as that major
    codes = {id(u): group_code(u.grp, name) for u in rows}
    by_group = any(codes.values())
    if by_group:  # a source that lists groups and, beside them, majors without their group: the groups
        rows = [u for u in rows if codes[id(u)]]
    out: dict[str, dict[str, Any]] = {}
    majors: dict[str, list[str]] = defaultdict(list)
    verified = [u for u in rows if u.quality != "third-party"]
    for u in verified or rows:
        key = f"{codes[id(u)]}组" if by_group else (u.major or "")
        if not key:
            continue
        if u.major and u.major not in majors[key]:
            majors[key].append(u.major)
        old = out.get(key)
        if old is None or (u.min_rank or 0) > old["cutoff_rank"]:
            out[key] = {"unit": key, "kind": "group" if by_group else "major",
                        "cutoff_rank": u.min_rank, "cutoff_score": u.min_score, "rank_source": u.rank_source,
                        "verified": u.quality != "third-party"}
    for key, d in out.items():
        d["majors"] = majors.get(key, []) if by_group else []
    return sorted(out.values(), key=lambda d: d["cutoff_rank"])


def place(ladder: Ladder, side: Side, rank: int) -> tuple[Pick | None, str]:
    """The side's most attainable ordinary unit placed for `rank` (tier "" = out of reach), as for "…能上X吗"."""
    picks = [p for p in ladder.chances(rank, side.school_id)
             if (campus_base(p.campus) == side.campus if side.campus else p.campus is None)]
    if not picks:
        return None, ""
    levels = [p for p in picks if p.batch_level == "本科"] or picks
    best = levels[0]
    return best, best.tier


def place_units(pick: Pick, unit_rows: list[dict[str, Any]], rank: int, params: Params) -> None:
    """Each group's tier for `rank`: its cutoff carried into the target year as the school's easiest entry is,
    with the school's spread (groups have too few years of their own)."""
    latest = pick.points[0]
    factor = pick.expected_rank / max(1, latest.min_rank)
    for u in unit_rows:
        expected = max(1.0, u["cutoff_rank"] * factor)
        z = (math.log(max(rank, 1)) - math.log(expected)) / pick.sigma
        u["tier"] = tier_of(z, params) or ""


def shared_evaluations(store: Store, a: int, b: int) -> list[tuple[str, str, str]]:
    """学科评估 grades of the disciplines both schools were rated in: (discipline, grade A, grade B)."""
    def grades(sid: int) -> dict[str, str]:
        return {r.major: r.grade for r in store.strengths(sid) if r.kind == "学科评估" and r.grade}

    ga, gb = grades(a), grades(b)
    both = [(d, ga[d], gb[d]) for d in ga if d in gb]
    order = {g: i for i, g in enumerate(GRADES)}
    return sorted(both, key=lambda t: (min(order.get(t[1], 99), order.get(t[2], 99)), t[0]))


def side_facts(store: Store, cities: Collection[str], params: Params, side: Side, fr: Frame | None, rank: int | None,
               ladder: Ladder | None) -> dict[str, Any]:
    """One side's profile, its easiest entry per year of the frame, its groups, and its tier for `rank`."""
    prof = facts.profile(store, side.school_id, fr.province if fr else None, fr.tracks[0] if fr else None)
    prof.pop("notes", None)
    s = store.schools[side.school_id]
    city = facts.campus_city(side.campus, cities) if side.campus else None
    if city:  # a campus in another city is in that city's province (哈工大威海: 山东)
        prof["province"] = facts.city_province(store, city)
    prof.update(school=s.name + (f"({side.campus})" if side.campus else ""), campus=side.campus,
                city=city or prof["city"], years={}, units=[], units_year=None, tier=None, expected_rank=None)
    if fr is None:
        return prof
    prof["cutoffs_in"] = fr.province
    by_year = easiest(side_cutoffs(store, side, fr.province), fr.tracks)
    prof["years"] = {y: {"track": c.track, "batch": c.batch, "cutoff_rank": c.min_rank, "cutoff_score": c.min_score,
                         "rank_source": c.rank_source, "verified": c.verified}
                     for y, c in by_year.items() if y in fr.years}
    year = fr.years[0] if fr.years else max(by_year, default=None)
    pick = None
    if rank is not None and ladder is not None:
        pick, tier = place(ladder, side, rank)
        prof["tier"] = tier if pick else None
        prof["expected_rank"] = pick.expected_rank if pick else None
        year = pick.points[0].year if pick else year
    if year is not None:
        prof["units"] = units(store, side, fr, year)
        prof["units_year"] = year
        if pick is not None and rank is not None:
            place_units(pick, prof["units"], rank, params)
    return prof


def summary(store: Store, sides: list[Side], fr: Frame | None, profiles: list[dict[str, Any]]) -> dict[str, Any]:
    """Where and how the two were compared, and the facts of the summary lines."""
    out: dict[str, Any] = {"province": None, "tracks": [], "years": [], "how": None, "easier": None,
                           "basis_year": None, "higher_ranked": None, "evaluations": []}
    if fr is not None:
        out.update(province=fr.province, tracks=list(fr.tracks), years=list(fr.years), how=fr.how)
        if fr.years:
            y = fr.years[0]
            ra, rb = (p["years"][y]["cutoff_rank"] for p in profiles)
            out["basis_year"] = y
            out["easier"] = None if ra == rb else profiles[0]["school"] if ra > rb else profiles[1]["school"]
    ka, kb = (p["ranking"] for p in profiles)
    if ka and kb and ka != kb:
        out["higher_ranked"] = profiles[0]["school"] if ka < kb else profiles[1]["school"]
    if sides[0].school_id != sides[1].school_id:
        out["evaluations"] = shared_evaluations(store, sides[0].school_id, sides[1].school_id)
    return out
