"""Facts for answers: batch-line placement, data-gap notes, school profiles, major info."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core import majors, places
from bot.core.advise import WEAK_UNREACHED, WEAK_UNSAFE, Estimate, Recommendation, equivalent_tracks
from bot.core.names import campus_base, resolve_major
from bot.core.notes import Note, note
from bot.core.store import Cutoff, SchoolProfile, ScoreTable, Store
from gaokao.names import fold
from gaokao.terms import SPECIAL_TYPE_LINE, Programme, Round, batch_level


def tags(s: SchoolProfile) -> list[str]:
    """985 / 211 / 双一流 labels of a school."""
    out = [t for t, on in (("985", s.is985), ("211", s.is211), ("双一流", s.double_first_class)) if on]
    return out


# the user's filters (parse.FILTERS keys) as words: "只列…院校" (bot.core.render.notes_reach) and the filter buttons


def school_filter(store: Store, filters: Sequence[str], prov: str) -> Callable[[Estimate], bool] | None:
    """What keeps a unit in the list for the user's filters (parse.FILTERS keys and place keys); None without any."""
    if not filters:
        return None
    wanted = set(filters)
    where = places.place_test(filters, prov)
    ok: set[int] = set()
    for sid, s in store.schools.items():
        if "home" in wanted and s.province != prov:
            continue
        if "public" in wanted and s.nature != "公办":
            continue
        if ("985" in wanted and not s.is985) or ("211" in wanted and not s.is211) or (
                "dfc" in wanted and not s.double_first_class):
            continue
        ok.add(sid)
    place_ok = _campus_place_test(store, where) if where is not None else None
    no_zk = "no_zk" in wanted
    return lambda e: (e.school_id in ok and not (no_zk and e.batch_level == "专科")
                      and (place_ok is None or place_ok(e.school_id, e.campus)))


def city_province(store: Store, city: str) -> str | None:
    """The province most schools in `city` are in (a campus's province: 威海市 -> 山东)."""
    homes = [s.province for s in store.schools.values() if s.city == city and s.province]
    return max(set(homes), key=homes.count) if homes else None


def _campus_place_test(store: Store, where: Callable[[str | None, str | None], bool]
                       ) -> Callable[[int, str | None], bool]:
    """A place test of a school's unit: a campus in its own city (哈工大威海 is in 威海, 山东) is tested there, other
    units in the school's city (memoised: the list tests thousands of units)."""
    cities = {s.city for s in store.schools.values() if s.city}
    seen: dict[tuple[int, str | None], bool] = {}

    def test(sid: int, campus: str | None) -> bool:
        key = (sid, campus)
        hit = seen.get(key)
        if hit is None:
            s = store.schools[sid]
            city = campus_city(campus, cities)
            hit = where(s.province, s.city) if city is None else where(city_province(store, city), city)
            seen[key] = hit
        return hit

    return test


def placement(store: Store, prov: str, track: str, table: ScoreTable, rank: int, score: float | None) -> list[Note]:
    """Lines placing the user against the batch control lines of the table's year (or the nearest).

    A rank beyond the table's last student (only for a truncated table) is placed below its lowest score,
    never at it; no score is made up for it."""
    beyond = score is None and rank > table.size
    approx: float | None = score if score is not None else None if beyond else table.score_of(rank)
    lines_years = [y for y in store.control_line_years(prov, track) if y <= table.year] or store.control_line_years(prov, track)
    cohort = {"size": table.size, "truncated": table.truncated, "low": table.low}
    if score is not None:
        head = note("reach.place-score", province=prov, track=track, score=score, year=table.year, rank=rank, **cohort)
    elif beyond:
        head = note("reach.place-beyond", province=prov, track=track, rank=rank, year=table.year, low=table.low,
                    size=table.size)
    else:
        head = note("reach.place-rank", province=prov, track=track, rank=rank, year=table.year, score=approx, **cohort)
    out = [head]
    if beyond:
        full = store.full_table(prov, track, table.year, rank=rank)
        if full is not None:
            out.append(note("reach.place-full", province=prov, track=track, rank=rank, year=table.year,
                            full_year=full.year, full_size=full.size, full_score=full.score_of(rank)))
    if not lines_years:
        out.append(note("reach.no-lines", province=prov, track=track))
        return out
    y = max(lines_years)
    lines = [(batch, line) for batch, line in store.control_lines(prov, y, track)]
    missing = []
    for level in ("本科", "专科"):  # say when a level's line is missing that year, with the latest one known
        if level_line(store, prov, track, y, level) is None:
            known = [yy for yy in lines_years if yy < y and level_line(store, prov, track, yy, level) is not None]
            missing.append((level, known[-1], level_line(store, prov, track, known[-1], level)) if known
                           else (level, None, None))
    if lines or missing:
        out.append(note("reach.lines", year=y, table_year=table.year, score=approx, low=table.low, lines=lines,
                        missing=missing))
    return out


# Within this many points above the lowest 本科 line, 专科 schools stay in the list as a fallback.
BENKE_MARGIN = 20


def levels_within_reach(store: Store, prov: str, track: str, table: ScoreTable, rank: int) -> tuple[str, ...]:
    """本科 only when the user's score clears the lowest ordinary 本科 line, else 本科 and 专科."""
    years = [y for y in store.control_line_years(prov, track) if y <= table.year] or store.control_line_years(prov, track)
    if not years:
        return ("本科", "专科")
    lines = [s for b, s in store.control_lines(prov, max(years), track)
             if batch_level(b) == "本科" and "提前" not in b and b != SPECIAL_TYPE_LINE]
    if lines and rank <= table.size and table.score_of(rank) >= min(lines) + BENKE_MARGIN:
        return ("本科",)
    return ("本科", "专科")


def level_line(store: Store, prov: str, track: str, year: int, level: str) -> float | None:
    """The lowest ordinary control line of a batch level in one year (本科: 本科批 or 本科二批 …, never the 特殊类型
    or 提前 lines; 专科: 专科批), or None when the year has none."""
    got = [s for b, s in store.control_lines(prov, year, track)
           if batch_level(b) == level and "提前" not in b and b != SPECIAL_TYPE_LINE]
    return min(got) if got else None


def lines_year(store: Store, prov: str, track: str, year: int) -> int | None:
    """The year whose control lines stand for `year`: itself, else the latest before it, else the earliest after."""
    years = store.control_line_years(prov, track)
    before = [y for y in years if y <= year]
    return max(before) if before else (min(years) if years else None)


def user_margins(store: Store, prov: str, track: str, table: ScoreTable, rank: int) -> dict[str, float]:
    """The user's score minus the target year's line of each batch level (levels with a known line only)."""
    y = lines_year(store, prov, track, table.year)
    if y is None or not table.scores or rank > table.size:
        return {}
    score = table.score_of(rank)
    out = {}
    for level in ("本科", "专科"):
        line = level_line(store, prov, track, y, level)
        if line is not None:
            out[level] = score - line
    return out


FLOOR_UNITS = 50  # a year without a published line uses the lowest cutoff of at least this many units ...
FLOOR_NEAR = 25  # ... when it lies within this many points of a line the province published in another year


def year_lines(store: Store, prov: str, track: str, level: str) -> Callable[[int, str], float | None]:
    """The batch line of `level` for a year and track of a cutoff: the published one, else the lowest ordinary cutoff
    of that year when enough schools have one and it sits near a published line (贵州 publishes only recent lines)."""
    published = [ln for t in equivalent_tracks(track) for y in store.control_line_years(prov, t)
                 if (ln := level_line(store, prov, t, y, level)) is not None]
    memo: dict[tuple[int, str], float | None] = {}

    def line(year: int, trk: str) -> float | None:
        key = (year, trk)
        if key not in memo:
            got = level_line(store, prov, trk, year, level)
            if got is None and published:
                scores: dict[tuple[int, str | None], float] = {}
                for c in store.province_cutoffs(prov, trk, level):
                    if c.year == year and c.min_score is not None and "提前" not in c.batch:
                        k = (c.school_id, c.campus)
                        scores[k] = min(c.min_score, scores.get(k, c.min_score))
                floor = min(scores.values()) if len(scores) >= FLOOR_UNITS else None
                if floor is not None and any(abs(floor - ln) <= FLOOR_NEAR for ln in published):
                    got = floor
            memo[key] = got
        return memo[key]

    return line


def line_units(store: Store, prov: str, track: str, tolerance: float, min_years: int = 1
               ) -> Callable[[str, list[Estimate]], dict[tuple[int, str | None, str], float]]:
    """What finds a level's verified units that filled at the batch line: they rest on at least `min_years` years,
    each with a line (year_lines) and a cutoff score at most `tolerance` points above it; each unit with the most
    points it stood above the line."""

    def build(level: str, estimates: list[Estimate]) -> dict[tuple[int, str | None, str], float]:
        line = year_lines(store, prov, track, level)
        out = {}
        for e in estimates:
            if not e.verified or len(e.used) < min_years:
                continue
            gap = 0.0
            for c in e.used:
                ln = line(c.year, c.track)
                if ln is None or c.min_score is None or c.min_score > ln + tolerance:
                    break
                gap = max(gap, c.min_score - ln)
            else:
                out[e.key] = gap
        return out

    return build


THIN = 100  # fewer verified schools than this with recent cutoffs near the user's rank: the level's data is thin
UNUSABLE = 20  # fewer than this: no list of the level can be relied on


@dataclass(frozen=True, slots=True)
class Depth:
    """How many schools of one batch level have recent cutoffs near the user's rank."""

    level: str
    years: tuple[tuple[int, int, int], ...]  # (year, verified schools, third-party-only schools), oldest first
    verified: int  # schools with verified cutoffs, in the best-covered of those years
    unverified: int  # schools with third-party cutoffs only, in the year with most of them

    @property
    def stale(self) -> bool:
        """The latest year has almost no verified schools while an earlier one had many (甘肃专科: 2024年829所、2025年1所)."""
        return (len(self.years) > 1 and self.years[-1][1] < UNUSABLE
                and max(v for _, v, _ in self.years) >= THIN)

    @property
    def thin(self) -> bool:
        """Fewer than THIN verified schools, or hardly any in the latest year."""
        return self.verified < THIN or self.stale

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"level": self.level, "years": {str(y): {"verified": v, "third_party": u} for y, v, u in self.years},
                "verified": self.verified, "third_party": self.unverified, "thin": self.thin, "stale": self.stale}


DepthIndex = dict[int, tuple[list[int], list[int]]]  # year -> ascending easiest ranks of schools: verified, third-party only


def depth_index(store: Store, prov: str, track: str, level: str) -> DepthIndex:
    """Per year, each school's easiest ordinary cutoff rank of a level (the tracks comparable with `track`): schools
    with a verified cutoff that year, and schools with third-party cutoffs only; sorted for bisecting."""
    ver: dict[int, dict[int, int]] = defaultdict(dict)
    third: dict[int, dict[int, int]] = defaultdict(dict)
    for t in equivalent_tracks(track):
        for c in store.province_cutoffs(prov, t, level):
            if c.min_rank is not None and "提前" not in c.batch:
                by = (ver if c.verified else third)[c.year]
                by[c.school_id] = max(c.min_rank, by.get(c.school_id, 0))
    return {y: (sorted(ver[y].values()), sorted(r for sid, r in third[y].items() if sid not in ver[y]))
            for y in set(ver) | set(third)}


def depth(index: DepthIndex, level: str, rank: int, target_year: int, recent: int = 3) -> Depth:
    """Schools of a level with cutoffs in the `recent` years before `target_year` that were not far out of the
    user's reach (their easiest cutoff rank at least half the user's): the pool a list at this rank draws on.
    `verified` and `unverified` are the counts of the best-covered year."""
    years = []
    for y in range(target_year - recent, target_year):
        got = index.get(y)
        if got is None:
            continue
        ver, third = got
        floor = rank // 2
        years.append((y, len(ver) - bisect.bisect_left(ver, floor), len(third) - bisect.bisect_left(third, floor)))
    return Depth(level, tuple(years), max((v for _, v, _ in years), default=0),
                 max((u for _, _, u in years), default=0))


def depth_note(prov: str, track: str, d: Depth) -> Note:
    """"河南物理类专科院校：2024年仅4所、2025年1所有核验过的逐校数据（另有205所只有第三方数据），无法给出可靠的专科冲稳保":
    the facts of that sentence ("仅" once, at the first year with few schools)."""
    few = next((i for i, (_, v, _) in enumerate(d.years) if v < THIN), None) if d.thin else None
    return note("reach.depth", province=prov, track=track, level=d.level, years=[(y, v) for y, v, _ in d.years],
                few=few, unverified=d.unverified, unusable=d.verified < UNUSABLE, stale=d.stale)


def campus_city(campus: str | None, cities: Collection[str]) -> str | None:
    """The city a campus is in when its name is one (威海, 深圳, 秦皇岛分校, 苏州校区), else None.

    Campus labels in the cutoff files also name faculties and fee classes (医学院, 软件类); those, and names
    that are not a city the schools list knows, give None.
    """
    if not campus:
        return None
    name = re.sub(r"(校区|分校|分院)$", "", campus)
    city = name if name.endswith("市") else name + "市"
    return city if city in cities else None


# Fewer 保 than this (or a 保 that is not safe) while the user clears the 专科 line of a list without 专科 schools:
# the answer says what to do next (add 专科 schools, or drop the filters).
SAFE_FEW = 2


def reach_notes(
    store: Store, prov: str, track: str, rec: Recommendation, have: dict[str, set[int]],
    filters: Sequence[str] = (), depths: Sequence[Depth] = (), line_tolerance: float = 0.0,
    margins: dict[str, float] | None = None,
) -> tuple[list[Note], list[Note]]:
    """What the recommendation rests on and what the data lacks, as notes for the detail view and, of the same
    codes, the brief notes of the default answer (only what changes a decision); `filters`: the user's filters
    (省内、公办 …); `depths`: how many schools the levels within the user's reach rest on; `margins`: the user's
    score minus each level's batch line (facts.user_margins)."""
    notes: list[Note] = []
    brief: list[Note] = []
    thin = [d for d in depths if d.thin]
    for d in thin:
        notes.append(depth_note(prov, track, d))
        brief.append(notes[-1])
    if rec.years_used:
        notes.append(note("reach.years", years=sorted(rec.years_used), target_year=rec.target_year, scaled=rec.scaled))
        if rec.scaled:
            brief.append(notes[-1])
    if len(rec.tracks_used) > 1:
        notes.append(note("reach.reform", tracks=list(rec.tracks_used)))
        brief.append(notes[-1])
    who = {"filters": list(filters), "province": prov}
    fallback = list(rec.safe_fallback)
    safe_levels = set(rec.safe_fallback or rec.levels)
    missing = any(d.thin and d.level in safe_levels for d in depths)  # the data is missing, not the safe schools
    if rec.at_line:
        notes.append(note("reach.at-line", count=rec.at_line, tolerance=line_tolerance))
    if rec.weak_safe == WEAK_UNSAFE and missing:
        notes.append(note("reach.safe-weak-data", **who, fallback=fallback))
    elif rec.weak_safe == WEAK_UNREACHED:
        notes.append(note("reach.safe-unreached", **who, fallback=fallback))
        brief.append(notes[-1])
    elif rec.weak_safe:
        notes.append(note("reach.safe-unsafe", **who, fallback=fallback))
        brief.append(notes[-1])
    elif rec.safe_fallback:
        notes.append(note("reach.safe-fallback", levels=fallback))
    private = sum(1 for p in rec.tiers["保"] if (s := store.schools.get(p.school_id)) is not None and s.nature == "民办")
    step = next_step(rec, have, filters, margins or {}, private)  # after what 保 is, what to do about it
    if step is not None:
        notes.append(step)
        brief.append(step)
    if rec.derived_share > 0:
        notes.append(note("reach.derived", share=rec.derived_share))
        brief.append(notes[-1])
    if any(not p.verified for v in rec.tiers.values() for p in v):
        notes.append(note("reach.unverified"))
        brief.append(notes[-1])
    latest = max((y for ys in have.values() for y in ys), default=None)
    for level in ("本科", "专科"):
        years = sorted(have.get(level, ()))
        if not years:
            notes.append(note("reach.level-missing", province=prov, track=track, level=level))
        elif latest is not None and years[-1] < latest:
            notes.append(note("reach.level-stale", province=prov, track=track, level=level, last=years[-1],
                              latest=latest))
    if not any(rec.tiers.values()):
        notes.append(note("reach.none-found"))
        brief.append(notes[-1])
    elif not rec.tiers["保"] and missing:
        notes.append(note("reach.safe-missing-data", **who))
    elif not rec.tiers["保"]:
        notes.append(note("reach.safe-none", **who))
        brief.append(notes[-1])
    return notes, brief


def next_step(rec: Recommendation, have: dict[str, set[int]], filters: Sequence[str],
              margins: dict[str, float], private: int = 0) -> Note | None:
    """What to do when 保 is weak or thin (fewer than SAFE_FEW schools). With filters: drop them (unless the weak or
    missing 保's note says so already). Without: add 专科 schools, when the list has none, the user clears the 专科
    line and the data has 专科 schools. `private`: how many of the listed 保 are 民办. None when the facts support
    neither, or when nothing was found at all."""
    if not any(rec.tiers.values()):
        return None
    count = rec.totals.get("保", len(rec.tiers["保"]))
    weak = bool(rec.weak_safe)
    if not weak and count >= SAFE_FEW:
        return None
    levels = list(rec.safe_fallback or rec.levels)
    if filters:
        if weak or not count:
            return None
        return note("reach.next-step", count=count, weak=False, levels=levels, zhuanke_margin=None,
                    filters=list(filters), province=None, private=private)
    zk = margins.get("专科")
    if zk is None or zk < 0 or "专科" in rec.levels + rec.safe_fallback or not have.get("专科"):
        return None
    return note("reach.next-step", count=count, weak=weak, levels=levels, zhuanke_margin=zk, filters=[], province=None,
                private=private)


def profile(store: Store, sid: int, prov: str | None, track: str | None, campus: str | None = None,
            cities: Collection[str] = ()) -> dict[str, Any]:
    """A school's profile and cutoffs: in the user's province/track if given, else in its home province.

    `campus` (as `names.campus_base` writes it: 威海): that campus only, named as such, and by default in the
    campus's own province (哈尔滨工业大学(威海) is in 山东)."""
    s = store.schools[sid]
    city = campus_city(campus, cities) if campus else None
    home = (city_province(store, city) if city else None) or s.province
    where = prov or home
    rows = store.school_cutoffs(sid, where) if where else []
    if campus:
        rows = [(p, c) for p, c in rows if campus_base(c.campus) == campus]
    if track:
        wanted = set(equivalent_tracks(track)) if track in ("理科", "文科", "物理类", "历史类", "综合") else {track}
        rows = [(p, c) for p, c in rows if c.track in wanted]
    by_key: dict[tuple[str, str, str | None], list[Cutoff]] = defaultdict(list)
    for _, c in rows:
        by_key[(c.track, c.batch, c.campus)].append(c)
    cutoffs = []
    def order(key: tuple[str, str, str | None]) -> tuple[object, ...]:  # 本科 before 专科, 提前批 after the rest
        trk, batch, label = key
        return trk, batch_level(batch) != "本科", "提前" in batch, batch, label or ""

    for (trk, batch, label), cs in sorted(by_key.items(), key=lambda kv: order(kv[0])):
        for c in sorted(cs, key=lambda c: -c.year)[:4]:
            cutoffs.append({"province": where, "track": trk, "batch": batch, "campus": label, "year": c.year,
                            "cutoff_rank": c.min_rank, "cutoff_score": c.min_score, "rank_source": c.rank_source,
                            "verified": c.verified})
    notes: list[Note] = []
    name = s.name + (f"({campus})" if campus else "")
    if where and not cutoffs:
        notes.append(note("school.no-cutoffs", school=name, province=where, track=track))
    strengths = store.strengths(sid)
    return {
        "school": name,
        "school_id": sid,
        "campus": campus,
        "province": home,
        "city": city or s.city,
        "level": s.level,
        "nature": s.nature,
        "authority": s.authority,
        "category": s.category,
        "tags": tags(s),
        "ranking": s.ranking,
        "ranking_name": s.ranking_name,
        "cutoffs_in": where,
        "cutoffs": cutoffs,
        "strong_majors": _strong(strengths),
        "notes": notes,
    }


def _strong(rows: list[Any]) -> dict[str, Any]:
    ruanke = [r for r in rows if r.kind == "软科专业排名" and r.grade in ("A+", "A")]
    ruanke.sort(key=lambda r: (r.grade != "A+", r.rank or 10**6))
    evals = [r for r in rows if r.kind == "学科评估" and r.grade and r.grade.startswith("A")]
    evals.sort(key=lambda r: r.grade or "")
    dfc = [r.major for r in rows if r.kind == "双一流学科"]
    ylzy = [r for r in rows if r.kind == "一流专业"]
    return {
        "ruanke": [{"major": r.major, "grade": r.grade, "rank": r.rank} for r in ruanke[:6]],
        "eval4": [{"discipline": r.major, "grade": r.grade} for r in evals[:6]],
        "double_first_class": dfc[:10],
        "first_class_majors": len(ylzy),
    }


def compare_notes(profiles: list[dict[str, Any]]) -> list[Note]:
    """Notes for a comparison: what is missing on either side."""
    notes: list[Note] = []
    for p in profiles:
        notes += p.pop("notes", [])
        if p["ranking"] is None:
            notes.append(note("compare.unranked", school=p["school"]))
    return notes


def _major_keys(store: Store, sid: int, major_text: str) -> tuple[str | None, list[str]]:
    """The major name to show and the name parts to look up: a field word's majors (计算机 -> 计算机科学与技术,
    软件工程 …), else the school's major closest to the text (a typo such as 土木工层 finds 土木工程)."""
    wide = majors.expand(major_text)
    if wide:
        return None, list(wide)
    matches = resolve_major(major_text, store.majors_of(sid)) if major_text else []
    if not matches or matches[0][1] < 60:
        return None, [major_text] if major_text else []
    best = matches[0][0]
    # the asked text when it is part of the name (计算机 in 计算机科学与技术(师范)), else the name itself
    return best, [major_text if major_text in best else _core(best)]


def major_info(store: Store, sid: int, major_text: str, prov: str | None, track: str | None = None) -> dict[str, Any]:
    """A major's cutoffs at one school, the asked province's years first, and its standing; `track`: the asked
    province's rows of that track family only (other provinces keep every track)."""
    best, keys = _major_keys(store, sid, major_text)
    school = store.schools[sid].name
    home = store.schools[sid].province
    notes: list[Note] = []
    rows = [r for key in keys for r in store.major_cutoffs(sid, key, first=prov)]
    rows = [r for r in rows if r.programme == Programme.ORDINARY and r.round == Round.FIRST] or rows
    if track and prov:
        family = set(equivalent_tracks(track))
        rows = [r for r in rows if r.province != prov or r.track in family]
    seen: set[tuple[object, ...]] = set()
    unique = []
    # the same cutoff from two files differs only in its batch label, bracket widths or a derived rank: keep one,
    # the verified one first
    for r in sorted(rows, key=lambda r: (r.quality == "third-party", r.rank_source == "derived")):
        ident = (r.province, r.year, r.track, fold(r.major or ""), r.min_score,
                 r.min_rank if r.min_score is None else None)
        if ident not in seen:
            seen.add(ident)
            unique.append(r)
    # the asked province first (else the school's own), then the others; each province's latest year first
    unique.sort(key=lambda r: (r.province != (prov or home), r.province, -r.year, r.track, r.min_rank or 0))
    cutoffs = [
        {"province": r.province, "year": r.year, "track": r.track, "batch": r.batch, "major": majors.clean_major(r.major) if r.major else r.major,
         "group": majors.group_code(r.grp, school),
         "cutoff_score": r.min_score, "cutoff_rank": r.min_rank, "rank_source": r.rank_source,
         "special": None if r.programme == Programme.ORDINARY else Programme(r.programme).zh,
         "round": None if r.round == Round.FIRST else Round(r.round).zh, "verified": r.quality != "third-party"}
        for r in unique[:40]
    ]
    standing = [
        {"kind": r.kind, "major": r.major, "rank": r.rank, "grade": r.grade, "year": r.year}
        for r in store.strengths(sid)
        if any(key in r.major or r.major in key for key in keys)
    ]
    wide = [k for k in keys if k != major_text]  # the majors a field word covers besides itself
    name = best or (f"{major_text}（{'、'.join(wide[:4])}…）" if majors.expand(major_text) and wide else major_text)
    if not cutoffs:
        notes.append(note("major.no-cutoffs", school=school, major=major_text))
    elif prov and all(c["province"] != prov for c in cutoffs):
        notes.append(note("major.not-in-province", major=major_text, province=prov))
    if best and best != major_text and major_text not in best:
        notes.append(note("major.read-as", major=best, asked=major_text))
    if not standing:
        notes.append(note("major.no-standing", major=major_text))
    provinces = sorted({str(c["province"]) for c in cutoffs})
    return {"name": name, "asked": major_text, "cutoffs": cutoffs, "standing": standing,
            "provinces": provinces, "notes": notes}


def _core(name: str) -> str:
    """A major name without its bracketed remarks: 计算机科学与技术(师范) -> 计算机科学与技术."""
    f = fold(name)
    return f.split("(")[0] or f
