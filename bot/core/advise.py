"""The 冲/稳/保 method (位次法): equivalent ranks across years, expected cutoff, spread, tiers.

Pure functions over cutoff lists, so the back-test can run them on any slice of history;
`shortlist` is the one selection both the answer engine and the back-test (bot/backtest) call.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from bot.core.store import Cutoff, SchoolProfile
from gaokao.regions import equivalent_tracks as equivalent_tracks  # re-exported: the bot imports it from here

if TYPE_CHECKING:
    from bot.core.store import Store
    from bot.core.units import SchoolUnits, Unit

TIERS: tuple[str, ...] = ("冲", "稳", "保")
LEVELS: tuple[str, ...] = ("本科", "专科")
WEAK_UNSAFE = "unsafe"  # 保 is the safest unit whose latest cutoff admitted the rank, though not safe by the bands
WEAK_UNREACHED = "unreached"  # no unit's latest cutoff reached the rank: 保 is the one most likely to admit it
SAFE_KEEP = 2  # 保 schools always shown (when there are that many), however far below the user
POOL = 3  # 稳 and 保 keep this many times the schools shown (and the first 公办 ones past them), to mix the shown

UnitKey = tuple[int, str | None, str]  # school_id, campus, batch level
History = dict[UnitKey, dict[int, Cutoff]]


@dataclass(frozen=True, slots=True)
class Params:
    """Tuning of the method; calibrated by the back-test (docs/backtest.md)."""

    weights: tuple[float, ...] = (3.0, 1.0, 0.5)  # most recent year first
    max_years: int = 3
    cohort_power: float = 0.0  # equivalent rank = rank * (target cohort / that year's cohort) ** cohort_power
    spread_floor: float = 0.13  # log-rank spread of the cutoff never trusted below this ...
    one_year_floor: float = 0.23  # ... and the spread assumed with a single year of data
    # Units whose cutoffs move more (or less) than their own history shows, measured on the back-test's
    # misses (docs/backtest.md): the spread is multiplied by these.
    private_spread: float = 0.6  # 民办: cutoffs usually sit at the batch line
    campus_spread: float = 2.0  # a named campus: programmes move between campuses
    reform_spread: float = 1.4  # latest cutoff from the track before a reform
    stale_growth: float = 1.0  # the spread grows by this share per year missing before the target year
    safe_z: float = -2.0  # z <= safe_z: 保
    match_z: float = 0.0  # safe_z < z <= match_z: 稳
    reach_z: float = 1.6  # match_z < z <= reach_z: 冲
    # Units whose latest cutoff is more than this many years before the target year are left out: in the back-test,
    # three years back most had no cutoff in the target year at all, and leaving them out changed no rate (docs/backtest.md).
    stale_years: int = 2
    # A unit whose own latest cutoff rank is better (smaller) than the user's rank turned that rank down last time: at
    # most 冲, whatever its trend says, unless it filled at the batch line. In the back-test such 稳 were admitted about
    # half the time, as often as 冲 (docs/backtest.md). False: by the bands only.
    latest_cap: bool = True
    per_tier: int = 5
    safe_span: float = 2.5  # 保 beyond the first SAFE_KEEP stop at this multiple of the user's rank (0: no limit)
    # When no cutoff ever reached the user's rank, the closest unit is named (flagged) only if its latest cutoff
    # came this close: in the back-test, no school at all admitted a rank further away (docs/backtest.md).
    near_ratio: float = 0.7
    # A unit whose cutoff sat within `line_tolerance` points of its year's batch line in each of the (at least
    # `line_years`) years used filled at the line (anyone above it was admitted): 保 for a user `line_margin` points
    # more above the target year's line than the unit ever stood, whatever its rank spread says (ranks bunch up near
    # the line). In the back-test one year at the line was not enough (a fifth of them rose well above it the next
    # year), nor a margin of 15 (docs/backtest.md). 0 turns it off.
    line_tolerance: float = 10.0
    line_margin: float = 30.0
    line_years: int = 2
    # Shown schools: at most this many 民办 in a row when the tier has 公办 ones to show, and not all of them in (or
    # all out of) the user's province when the tier has the other kind (0: likelihood order only).
    private_run: int = 2


@dataclass(frozen=True, slots=True)
class YearPoint:
    """One year of a school's history, with its rank made comparable to the target year."""

    year: int
    track: str
    batch: str
    min_score: float | None
    min_rank: int
    rank_source: str | None
    equivalent_rank: int
    verified: bool


class Estimate(NamedTuple):
    """A unit's expected cutoff in the target year, known before any user rank is.

    A named tuple: a ladder holds thousands, built on a province's first question, and tuples are the
    cheapest immutable records to build.
    """

    school_id: int
    campus: str | None
    batch_level: str
    mean: float  # log of the expected cutoff rank in the target year
    sigma: float  # spread of that log rank, floored
    expected_rank: int
    used: tuple[Cutoff, ...]  # the years it rests on, most recent first
    factors: tuple[float, ...]  # each year's rank multiplier into the target year's cohort
    verified: bool  # all years rest on verified (official or the school's own) rows
    unit: Unit | None = None  # the group (major) this estimate places, when split from its school (bot/core/units.py)
    span: SchoolUnits | None = None  # every group (major) of the school that year

    @property
    def key(self) -> UnitKey:
        """(school, campus, batch level)."""
        return (self.school_id, self.campus, self.batch_level)

    @property
    def points(self) -> tuple[YearPoint, ...]:
        """The years it rests on, most recent first (built on demand: most estimates are never shown)."""
        return tuple(_point(c, f) for c, f in zip(self.used, self.factors, strict=True))


@dataclass(frozen=True, slots=True)
class Pick:
    """A school placed in a tier for a user's rank."""

    school_id: int
    campus: str | None
    batch_level: str
    tier: str
    expected_rank: int
    sigma: float
    z: float
    points: tuple[YearPoint, ...]  # most recent first
    at_line: bool = False  # 保 because it filled at the batch line in every year used (Params.line_margin)
    unit: Unit | None = None  # the group (major) placed, when the data has the school's groups
    span: SchoolUnits | None = None  # every group (major) of the school that year

    @property
    def key(self) -> UnitKey:
        """(school, campus, batch level): the unit whose cutoff the pick names."""
        return (self.school_id, self.campus, self.batch_level)

    @property
    def verified(self) -> bool:
        """All years rest on verified (official or the school's own) rows."""
        return all(p.verified for p in self.points)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Tiers for one user rank, with what the tiers rest on."""

    user_rank: int
    target_year: int
    tiers: dict[str, list[Pick]]
    totals: dict[str, int]  # how many schools qualified per tier before truncation
    years_used: tuple[int, ...]
    derived_share: float  # share of shown points whose rank was derived from a score
    tracks_used: tuple[str, ...] = field(default=())
    levels: tuple[str, ...] = LEVELS  # batch levels the list was drawn from
    safe_fallback: tuple[str, ...] = ()  # levels 保 was drawn from instead, when `levels` had no 保
    weak_safe: str = ""  # no unit was safe by the bands: 保 names the best there is (WEAK_UNSAFE or WEAK_UNREACHED)
    scaled: bool = False  # some shown rank was converted by cohort size into the target year
    tier_years: dict[str, tuple[int, ...]] = field(default_factory=dict)  # years each tier's schools rest on
    at_line: int = 0  # how many of 保's schools are there because they filled at the batch line


def latest_rank(e: Estimate) -> int:
    """The unit's own latest cutoff rank in the target year's cohort: a group's (major's) own when the estimate places
    one, else the school's easiest entry's."""
    rank = e.unit.min_rank if e.unit is not None else (e.used[0].min_rank or 0)
    return round(rank * e.factors[0]) if e.factors[0] != 1.0 else rank


def is_ordinary_batch(batch: str) -> bool:
    """Ordinary batches only: 提前批 entries need interviews or extra conditions."""
    return "提前" not in batch


def unit_history(cutoffs: Iterable[Cutoff], before_year: int | None = None) -> History:
    """Per (school, campus, batch level), the easiest ordinary cutoff of each year."""
    out: History = defaultdict(dict)
    limit = before_year if before_year is not None else 1 << 30
    for c in cutoffs:
        if c.min_rank is None or c.year >= limit or not is_ordinary_batch(c.batch):
            continue
        by_year = out[(c.school_id, c.campus, c.batch_level)]
        prev = by_year.get(c.year)
        if prev is None or _better(c, prev):
            by_year[c.year] = c
    return out


def _better(c: Cutoff, prev: Cutoff) -> bool:
    if c.verified != prev.verified:
        return c.verified
    return (c.min_rank or 0) > (prev.min_rank or 0)


Scale = Callable[[int, str], float]  # (year, track) -> rank multiplier into the target year's cohort
KindSpread = Callable[[int], float]  # school_id -> spread multiplier of its kind of school


def cohort_scale(
    cohort: Callable[[int, str], int | None], target_cohort: int | None, power: float
) -> Scale | None:
    """Rank multipliers from cohort sizes: (target cohort / that year's cohort) ** power, 1 when unknown;
    None when ranks are compared as they are."""
    if not power or not target_cohort:
        return None

    @functools.cache
    def scale(year: int, track: str) -> float:
        size = cohort(year, track)
        return (target_cohort / size) ** power if size else 1.0

    return scale


def kind_spreads(schools: Mapping[int, SchoolProfile], params: Params) -> KindSpread:
    """Spread multiplier of each school's kind (民办 cutoffs move less)."""

    @functools.cache
    def spread_of(sid: int) -> float:
        s = schools.get(sid)
        return params.private_spread if s is not None and s.nature == "民办" else 1.0

    return spread_of


def estimate(
    history: History,
    cohort: Callable[[int, str], int | None],
    target_year: int,
    target_cohort: int | None,
    params: Params = Params(),
    target_track: str | None = None,
    kind_spread: KindSpread | None = None,
) -> list[Estimate]:
    """Expected cutoff and spread of every unit with recent enough history.

    One loop with the parameters in locals: this runs for every unit of a province on its first question.
    """
    scale = cohort_scale(cohort, target_cohort, params.cohort_power)
    kind = kind_spread or (lambda sid: 1.0)
    stale, max_years, one_year, floor = params.stale_years, params.max_years, params.one_year_floor, params.spread_floor
    campus_spread, reform_spread, growth = params.campus_spread, params.reform_spread, params.stale_growth
    log, exp, sqrt = math.log, math.exp, math.sqrt
    out = []
    for (sid, campus, level), by_year in history.items():
        years = sorted(by_year, reverse=True)
        if target_year - years[0] > stale:
            continue
        use = [y for y in years if by_year[y].verified][:max_years]
        verified = bool(use) and target_year - use[0] <= stale  # old verified years never hide recent ones
        if not verified:
            use = years[:max_years]
        used = tuple([by_year[y] for y in use])
        if scale is None:
            factors: tuple[float, ...] = (1.0,) * len(used)
            logs = [log(c.min_rank or 1) for c in used]
        else:
            factors = tuple([scale(c.year, c.track) for c in used])
            logs = [log(max(1.0, (c.min_rank or 1) * f)) for c, f in zip(used, factors, strict=True)]
        if len(logs) == 1:
            mean, sigma = logs[0], one_year
        else:
            ws = params.weights[: len(logs)]
            total = sum(ws)
            mean = sum([w * x for w, x in zip(ws, logs, strict=False)]) / total
            own = sqrt(sum([w * (x - mean) ** 2 for w, x in zip(ws, logs, strict=False)]) / total)
            sigma = own if own > floor else floor
        latest = used[0]
        if latest.campus is not None:
            sigma *= campus_spread
        if target_track is not None and latest.track != target_track:
            sigma *= reform_spread
        gap = target_year - 1 - latest.year  # years missing before the target year
        sigma *= kind(sid) * (1 + growth * gap if gap > 0 else 1.0)
        out.append(Estimate(sid, campus, level, mean, sigma, round(exp(mean)), used, factors, verified))
    return out


class Ladder:
    """The estimates of one province-track and target year, ready to place any number of user ranks.

    Built from a list of estimates, or lazily per batch level by `build(level)`: a question above the 本科
    line never pays for the 专科 units.
    """

    def __init__(
        self,
        estimates: Iterable[Estimate],
        target_year: int,
        params: Params = Params(),
        build: Callable[[str], Iterable[Estimate]] | None = None,
        line_units: Callable[[str, list[Estimate]], Mapping[UnitKey, float]] | None = None,
    ) -> None:
        """`line_units(level, estimates)`: the units of a level that filled at the batch line, each with the most
        points its cutoff stood above the line (built on use)."""
        self.target_year = target_year
        self.params = params
        self._build = build
        self._line_units = line_units
        self._at_line: dict[str, Mapping[UnitKey, float]] = {}
        self._levels: dict[str, list[Estimate]] = {}
        self._rows: dict[tuple[str, ...], list[Estimate]] = {}
        self._arrays: dict[int, tuple[list[Estimate], _Arrays]] = {}  # per row list of _rows (by id)
        for e in estimates:
            self._levels.setdefault(e.batch_level, []).append(e)
        for es in self._levels.values():
            es.sort(key=_expected)

    def level(self, level: str) -> list[Estimate]:
        """Estimates of one batch level, best expected cutoff first."""
        got = self._levels.get(level)
        if got is None:
            got = sorted(self._build(level), key=_expected) if self._build is not None else []
            self._levels[level] = got  # a race builds the same list twice, harmlessly
        return got

    def at_line(self, level: str) -> Mapping[UnitKey, float]:
        """Units of a level that filled at their years' batch line in every year they rest on, each with the most
        points its cutoff stood above the line."""
        got = self._at_line.get(level)
        if got is None:
            got = self._line_units(level, self.level(level)) if self._line_units is not None else {}
            self._at_line[level] = got
        return got

    @property
    def estimates(self) -> list[Estimate]:
        """Every estimate (all batch levels), best expected cutoff first."""
        return sorted((e for lv in LEVELS for e in self.level(lv)), key=_expected)

    def warm(self) -> None:
        """Build every level's estimates and the row lists questions use, ahead of questions."""
        for key in (("本科",), ("专科",), LEVELS):
            self._rows_for(key)
        for lv in LEVELS:
            self.at_line(lv)

    def _rows_for(self, levels: Collection[str] | None) -> list[Estimate]:
        key = LEVELS if levels is None else tuple(sorted(levels))
        rows = self._rows.get(key)
        if rows is None:
            rows = self.level(key[0]) if len(key) == 1 else list(
                heapq.merge(*(self.level(lv) for lv in key), key=_expected))
            self._rows[key] = rows
        return rows

    def place(
        self,
        user_rank: int,
        levels: Collection[str] | None = None,
        safe_fallback: Collection[str] = (),
        per_tier: int | None = None,
        keep: Callable[[Estimate], bool] | None = None,
        margins: Mapping[str, float] | None = None,
        private: Callable[[int], bool] | None = None,
        home: Callable[[int], bool] | None = None,
        one_per_school: bool = False,
    ) -> Recommendation:
        """冲/稳/保 for `user_rank`, drawing only on units of `levels` (all when None), `per_tier` schools
        per tier (the ladder's Params when None).

        `one_per_school`: the ladder holds several units (groups, majors) of a school; a tier lists each school
        once, with its hardest unit of that tier in 稳 and 保 and its most attainable one in 冲, and counts schools.

        When no unit of `levels` is 保, 保 is drawn from the units of `safe_fallback` instead (a 专科 保底
        for a rank just above the 本科 line), and the recommendation says so.

        `margins`: the user's score minus the target year's batch line, per level (known lines only): at least
        Params.line_margin more than a unit that filled at the line ever stood above it makes that unit 保. `private`: whether a school is
        民办, and `home` whether it is in the user's province, to mix the schools shown (Params.private_run).
        """
        n = per_tier if per_tier is not None else self.params.per_tier
        user_log = math.log(max(user_rank, 1))
        p = self.params
        lined: set[Any] = set()  # unit keys; with several units a school, ids of the easiest (_easiest_of)
        if margins and p.line_margin:
            for lv, m in margins.items():
                if m >= p.line_margin:
                    lined.update(k for k, gap in self.at_line(lv).items() if m - gap >= p.line_margin)

        def rows(key: Collection[str] | None) -> list[Estimate]:
            got = self._rows_for(key)
            return got if keep is None else [e for e in got if keep(e)]

        base = rows(levels)
        keys = set(lined)
        if one_per_school and keys:
            lined = _easiest_of(base, keys)
        found, totals, years = self._found(base, user_rank, n, lined, private if p.private_run else None,
                                           one_per_school)
        fallback: tuple[str, ...] = ()
        extra = tuple(lv for lv in safe_fallback if levels is not None and lv not in levels)
        extra_rows: list[Estimate] = []  # built only when `levels` has no 保 (a 本科 question skips 专科)
        if not found["保"] and extra:
            extra_rows = rows(extra)
            if one_per_school and keys:
                lined |= _easiest_of(extra_rows, keys)
            more, more_totals, more_years = self._found(extra_rows, user_rank, n, lined,
                                                        private if p.private_run else None, one_per_school)
            if more["保"]:
                found["保"], totals["保"], fallback = more["保"], more_totals["保"], extra
                years["保"] = more_years["保"]
        weak = ""
        if not found["保"]:
            # No unit is safe by the bands. Rather than leave the student without a 保底, name the best there
            # is, flagged: the safest verified unit that is at least a 稳 and whose latest cutoff admitted this
            # rank; failing that (no cutoff reached it), the verified unit expected to admit the lowest rank, if
            # its latest cutoff came within near_ratio of the rank.
            pool = [(e, (user_log - e.mean) / e.sigma) for e in base + extra_rows if e.verified]
            admitted = [k for k in pool if latest_rank(k[0]) >= user_rank and k[1] <= self.params.match_z]
            near = self.params.near_ratio * user_rank
            best = (min(admitted, key=lambda k: k[1]) if admitted
                    else max((k for k in pool if latest_rank(k[0]) >= near),
                             key=lambda k: k[0].expected_rank, default=None))
            if best is not None:
                e = best[0]
                weak = WEAK_UNSAFE if admitted else WEAK_UNREACHED
                if levels is not None and e.batch_level not in levels:
                    fallback = extra
                for tier in ("冲", "稳"):
                    kept = [k for k in found[tier] if k[0] is not e]
                    totals[tier] -= len(found[tier]) - len(kept)
                    found[tier] = kept
                found["保"], totals["保"] = [best], 1
                years["保"] = {c.year for c in e.used}
        found["冲"].sort(key=lambda k: (-k[0].expected_rank, k[1]))
        if one_per_school:
            seen: set[tuple[int, str | None]] = set()
            reach = []
            for k in found["冲"]:
                if (k[0].school_id, k[0].campus) not in seen:
                    seen.add((k[0].school_id, k[0].campus))
                    reach.append(k)
            found["冲"] = reach
        found["稳"].sort(key=lambda k: (k[0].expected_rank, -k[1]))
        found["保"].sort(key=lambda k: (k[0].expected_rank, -k[1]))
        run = p.private_run if private is not None else 0
        shown = {t: [_pick(e, t, z, t == "保" and (id(e) if one_per_school else e.key) in lined) for e, z in mix(v, n, private, run, home)]
                 for t, v in found.items()}
        points = [pt for v in shown.values() for k in v for pt in k.points]
        derived = sum(1 for pt in points if pt.rank_source == "derived")
        return Recommendation(
            user_rank=user_rank,
            target_year=self.target_year,
            tiers=shown,
            totals=totals,
            years_used=tuple(sorted({pt.year for pt in points}, reverse=True)),
            derived_share=derived / len(points) if points else 0.0,
            tracks_used=tuple(sorted({pt.track for pt in points})),
            levels=tuple(levels) if levels is not None else LEVELS,
            safe_fallback=fallback,
            weak_safe=weak,
            scaled=any(pt.equivalent_rank != pt.min_rank for pt in points),
            tier_years={t: tuple(sorted(ys)) for t, ys in years.items()},
            at_line=sum(1 for pk in shown["保"] if pk.at_line),
        )

    def chances(self, user_rank: int, school_id: int) -> list[Pick]:
        """Every unit of one school placed for `user_rank`, most attainable first; tier "" is out of reach.

        The same bands as `place`, without the list's cuts: a school asked about by name is placed however
        far it is from the user.
        """
        user_log = math.log(max(user_rank, 1))
        out = []
        for e in (e for lv in LEVELS for e in self.level(lv) if e.school_id == school_id):
            z = (user_log - e.mean) / e.sigma
            tier = tier_of(z, self.params) or ""
            if tier in ("稳", "保") and self.params.latest_cap and latest_rank(e) < user_rank:
                tier = "冲"  # its own latest cutoff turned this rank down
            if tier == "保" and not e.verified:
                tier = "稳"  # an unverified history never vouches for a safe choice
            out.append(_pick(e, tier, z))
        return sorted(out, key=lambda pk: pk.z)

    def _found(
        self, rows: list[Estimate], user_rank: int, n: int, lined: Collection[Any] = (),
        private: Callable[[int], bool] | None = None, one_per_school: bool = False,
    ) -> tuple[dict[str, list[tuple[Estimate, float]]], dict[str, int], dict[str, set[int]]]:
        p = self.params
        user_log = math.log(max(user_rank, 1))
        pool = n * POOL if private is not None else n  # room to mix 公办 and 民办 among the shown
        arrays = self._arrays_of(rows) if one_per_school and not lined else None
        if arrays is not None:
            found, totals, years = _found_schools(rows, arrays, user_rank, n, pool, p, private)
        else:
            found, totals, years = self._found_rows(rows, user_rank, n, pool, lined, private, one_per_school)
        if p.safe_span and len(found["保"]) > SAFE_KEEP:
            # Past the first few, a 保 far below the user only wastes the score: stop at `safe_span` times
            # the user's rank.
            limit = p.safe_span * math.exp(user_log)
            safe = found["保"]
            found["保"] = safe[:SAFE_KEEP] + [k for k in safe[SAFE_KEEP:] if k[0][5] <= limit]
        return found, totals, years


    def _arrays_of(self, rows: list[Estimate]) -> _Arrays | None:
        """The arrays of one of the ladder's own row lists (built once); None for another list (a filtered one)."""
        got = self._arrays.get(id(rows))
        if got is not None and got[0] is rows:
            return got[1]
        if not any(rows is v for v in self._rows.values()):
            return None
        arrays = _arrays(rows)
        self._arrays[id(rows)] = (rows, arrays)
        return arrays

    def _found_rows(
        self, rows: list[Estimate], user_rank: int, n: int, pool: int, lined: Collection[Any] = (),
        private: Callable[[int], bool] | None = None, one_per_school: bool = False,
    ) -> tuple[dict[str, list[tuple[Estimate, float]]], dict[str, int], dict[str, set[int]]]:
        p = self.params
        user_log = math.log(max(user_rank, 1))
        cap = p.latest_cap
        found: dict[str, list[tuple[Estimate, float]]] = {t: [] for t in TIERS}
        totals = dict.fromkeys(TIERS, 0)
        years: dict[str, set[int]] = {t: set() for t in TIERS}
        reach_z, safe_z, match_z = p.reach_z, p.safe_z, p.match_z
        publics = dict.fromkeys(TIERS, 0)  # 公办 units kept past the pool, up to n a tier
        seen: dict[str, set[tuple[int, str | None]]] = {t: set() for t in TIERS}
        for e in rows:
            z = (user_log - e[3]) / e[4]  # mean, sigma (tuple indexing: this loop runs over every unit)
            at_line = bool(lined) and e[8] and ((id(e) if one_per_school else (e[0], e[1], e[2])) in lined)
            if z > safe_z and at_line:
                tier = "保"  # filled at the batch line, and the user is well above it
            elif z > reach_z:
                continue
            else:
                tier = "保" if z <= safe_z else "稳" if z <= match_z else "冲"
                if cap and tier != "冲" and not at_line and latest_rank(e) < user_rank:
                    tier = "冲"  # its own latest cutoff turned this rank down
                if tier == "保" and not e[8]:  # verified
                    continue  # an unverified history never vouches for a safe choice
            if one_per_school:
                school = (e[0], e[1])
                if school in seen[tier]:
                    if tier == "冲":  # every 冲 unit is kept: the most attainable is chosen after sorting
                        found[tier].append((e, z))
                    continue
                seen[tier].add(school)
            totals[tier] += 1
            years[tier].update(c.year for c in e[6])
            kept = found[tier]
            # 稳 and 保 are shown from the best school down (rows come in that order): keep the first
            # `pool` and any ties with the last; 冲 is shown from the most attainable up: keep all.
            if tier == "冲" or len(kept) < pool or e.expected_rank == kept[-1][0].expected_rank:
                kept.append((e, z))
            elif private is not None and publics[tier] < n and not private(e[0]):
                kept.append((e, z))
                publics[tier] += 1
        return found, totals, years

def _easiest_of(rows: list[Estimate], lined: Collection[Any]) -> set[Any]:
    """With several units (groups, majors) a school: the ids of the easiest unit of each school in `lined` (a school
    fills at the batch line by its easiest entry; its other groups did not)."""
    easiest: dict[UnitKey, Estimate] = {}
    for e in rows:
        k = e.key
        # (a programme admitted apart, 中外合作办学: the school's line says nothing of it)
        if k in lined and (k not in easiest or e.expected_rank > easiest[k].expected_rank) and (
                e.unit is None or e.unit.programme == "ordinary"):
            easiest[k] = e
    return {id(e) for e in easiest.values()}


def mix(ranked: list[tuple[Estimate, float]], n: int, private: Callable[[int], bool] | None,
        run: int, home: Callable[[int], bool] | None = None) -> list[tuple[Estimate, float]]:
    """The first `n` of `ranked` (most likely first), except that after `run` 民办 schools in a row the next one shown
    is the most likely 公办 one left, when there is one; then the order goes on as before. With `home`, when three or
    more are shown and all are in (or all out of) the user's province, the last gives way to the most likely school
    of the other kind, when the tier has one."""
    if private is None or run <= 0 or len(ranked) <= 1:
        return ranked[:n]
    out = _mix_private(ranked, n, private, run)
    if home is not None and len(out) >= 3:
        sides = {home(k[0].school_id) for k in out}
        if len(sides) == 1:
            trail = 0  # 民办 in a row before the last place: the newcomer must not make the run too long
            for k in reversed(out[:-1]):
                if not private(k[0].school_id):
                    break
                trail += 1
            other = next((k for k in ranked if home(k[0].school_id) not in sides
                          and (trail < run or not private(k[0].school_id))), None)
            if other is not None:
                out = out[:-1] + [other]
    return out


def _mix_private(ranked: list[tuple[Estimate, float]], n: int, private: Callable[[int], bool],
                 run: int) -> list[tuple[Estimate, float]]:
    left = list(range(len(ranked)))
    flags = [private(k[0].school_id) for k in ranked]
    out: list[int] = []
    streak = 0
    while left and len(out) < n:
        i = left[0]
        if flags[i] and streak >= run:
            i = next((j for j in left if not flags[j]), i)
        left.remove(i)
        out.append(i)
        streak = streak + 1 if flags[i] else 0
    return [ranked[i] for i in out]

class _Arrays(NamedTuple):
    """A row list's estimates as columns, for placing a ladder of many units per school at once."""

    mean: np.ndarray
    sigma: np.ndarray
    verified: np.ndarray
    expected: np.ndarray
    school: np.ndarray  # one code per (school, campus)
    years: np.ndarray  # the years each unit rests on, as bits (1 << (year - YEAR_BASE))
    latest: np.ndarray  # the unit's own latest cutoff rank (latest_rank)


YEAR_BASE = 2000  # years as bits: 2000-2062 fit an int64


def _year_bits(e: Estimate) -> int:
    return sum(1 << (y - YEAR_BASE) for y in {c.year for c in e.used} if 0 <= y - YEAR_BASE < 63)


def _arrays(rows: list[Estimate]) -> _Arrays:
    codes: dict[tuple[int, str | None], int] = {}
    return _Arrays(np.array([e.mean for e in rows], dtype=float), np.array([e.sigma for e in rows], dtype=float),
                   np.array([e.verified for e in rows], dtype=bool),
                   np.array([e.expected_rank for e in rows], dtype=np.int64),
                   np.array([codes.setdefault((e.school_id, e.campus), len(codes)) for e in rows], dtype=np.int64),
                   np.array([_year_bits(e) for e in rows], dtype=np.int64),
                   np.array([latest_rank(e) for e in rows], dtype=np.int64))


def _found_schools(
    rows: list[Estimate], a: _Arrays, user_rank: int, n: int, pool: int, p: Params,
    private: Callable[[int], bool] | None = None,
) -> tuple[dict[str, list[tuple[Estimate, float]]], dict[str, int], dict[str, set[int]]]:
    """`Ladder._found` with one entry per school and tier, over columns: in 稳 and 保 each school's first unit
    (rows come best first: its hardest unit of the tier), in 冲 its last (its most attainable); totals count
    schools. 稳 and 保 keep the first `pool` schools (and ties with the last), then with `private` the first `n`
    公办 ones past them, so that the shown can mix 公办 and 民办."""
    z = (math.log(max(user_rank, 1)) - a.mean) / a.sigma
    fresh = a.latest >= user_rank if p.latest_cap else np.ones(len(z), dtype=bool)  # else at most 冲
    masks = {"保": (z <= p.safe_z) & a.verified & fresh, "稳": (z > p.safe_z) & (z <= p.match_z) & fresh,
             "冲": ((z > p.match_z) & (z <= p.reach_z)) | ((z <= p.match_z) & ~fresh)}
    found: dict[str, list[tuple[Estimate, float]]] = {}
    totals: dict[str, int] = {}
    years: dict[str, set[int]] = {}
    for tier, mask in masks.items():
        idx = np.flatnonzero(mask)
        codes = a.school[idx]
        if tier == "冲":
            uniq, last = np.unique(codes[::-1], return_index=True)
            sel = idx[np.sort(len(idx) - 1 - last)]
        else:
            uniq, first = np.unique(codes, return_index=True)
            sel = idx[np.sort(first)]
            if len(sel) > pool:  # the first `pool`, any ties with the last of them, then 公办 ones
                tie = a.expected[sel[pool - 1]]
                rest = sel[pool:]
                ties = rest[a.expected[rest] == tie]
                extra: list[int] = []
                if private is not None:
                    for i in rest[a.expected[rest] != tie].tolist():
                        if len(extra) >= n:
                            break
                        if not private(rows[i][0]):
                            extra.append(i)
                sel = np.concatenate([sel[:pool], ties, np.array(extra, dtype=np.int64)])
        totals[tier] = len(uniq)
        bits = int(np.bitwise_or.reduce(a.years[idx])) if len(idx) else 0
        years[tier] = {YEAR_BASE + b for b in range(63) if bits >> b & 1}
        found[tier] = [(rows[i], float(z[i])) for i in sel.tolist()]
    return ({t: found[t] for t in TIERS}, {t: totals[t] for t in TIERS}, {t: years[t] for t in TIERS})


def _expected(e: Estimate) -> int:
    return e.expected_rank


def _pick(e: Estimate, tier: str, z: float, at_line: bool = False) -> Pick:
    return Pick(e.school_id, e.campus, e.batch_level, tier, e.expected_rank, e.sigma, z, e.points, at_line, e.unit,
                e.span)


def recommend(
    history: History,
    cohort: Callable[[int, str], int | None],
    user_rank: int,
    target_year: int,
    target_cohort: int | None,
    params: Params = Params(),
) -> Recommendation:
    """Place every school with history into 冲/稳/保 for `user_rank` in `target_year`."""
    ladder = Ladder(estimate(history, cohort, target_year, target_cohort, params), target_year, params)
    return ladder.place(user_rank)


def province_history(
    store: Store, province: str, track: str, before_year: int | None = None, level: str | None = None
) -> History:
    """Unit history of a province-track and the tracks comparable with it, before `before_year`
    (of one batch level when given)."""
    cutoffs = [c for t in equivalent_tracks(track) for c in store.province_cutoffs(province, t, level)]
    return unit_history(cutoffs, before_year)


def ladder_for(
    store: Store, province: str, track: str, target_year: int, before_year: int | None = None, params: Params = Params()
) -> Ladder:
    """The ladder `shortlist` places a user on: history before `before_year`, ranks in `target_year`'s cohort.

    Each batch level's estimates are built on first use."""
    target_cohort = store.cohort(province, target_year, track)
    scalable = bool(params.cohort_power) and reaches_tail(store, province, target_year, track)

    def cohort(year: int, trk: str) -> int | None:
        # Scale ranks only between tables that reach the tail: a truncated table's "cohort" is not one.
        return store.cohort(province, year, trk) if scalable and reaches_tail(store, province, year, trk) else None

    from bot.core import facts  # facts imports this module

    kinds = kind_spreads(store.schools, params)

    def build(level: str) -> list[Estimate]:
        history = province_history(store, province, track, before_year, level)
        return estimate(history, cohort, target_year, target_cohort, params, track, kinds)

    lined = (facts.line_units(store, province, track, params.line_tolerance, params.line_years)
             if params.line_margin else None)
    return Ladder((), target_year, params, build, lined)


def reaches_tail(store: Store, province: str, year: int, track: str) -> bool:
    """True when the year's 一分一段 table runs down to low scores, so its last rank is the cohort size.

    Some published tables stop at the 本科 line (江苏 2023 and 2025 end at 448-482 of 750): their last
    rank counts only the students above it, and scaling by it would move every rank by tens of percent.
    The build marks them (`cohorts.truncated`, etl/cohorts.py).
    """
    table = store.table(province, track, year)
    return table is not None and bool(table.scores) and not table.truncated


def shortlist(
    store: Store,
    province: str,
    track: str,
    rank: int,
    target_year: int,
    before_year: int | None = None,
    params: Params = Params(),
    ladder: Ladder | None = None,
    keep: Callable[[Estimate], bool] | None = None,
    one_per_school: bool = False,
) -> Recommendation:
    """The list the bot shows: `per_tier` schools per tier, 本科 only when the rank clears the 本科 line;
    only the units `keep` accepts when given (the user's "只看省内", "公办").

    Pass `ladder` (from `ladder_for` with the same arguments) to place many ranks on one history.
    """
    from bot.core import facts  # facts imports this module

    table = store.table(province, track, target_year)
    levels = facts.levels_within_reach(store, province, track, table, rank) if table else LEVELS
    margins = facts.user_margins(store, province, track, table, rank) if table else {}
    lad = ladder if ladder is not None else ladder_for(store, province, track, target_year, before_year, params)
    schools = store.schools

    def private(sid: int) -> bool:
        s = schools.get(sid)
        return s is not None and s.nature == "民办"

    def home(sid: int) -> bool:
        s = schools.get(sid)
        return s is not None and s.province == province

    return lad.place(rank, levels, safe_fallback=LEVELS, per_tier=params.per_tier, keep=keep, margins=margins,
                     private=private, home=home, one_per_school=one_per_school)


def tier_of(z: float, params: Params) -> str | None:
    """The tier of a standardised distance z (user log rank minus expected log rank, over sigma)."""
    if z <= params.safe_z:
        return "保"
    if z <= params.match_z:
        return "稳"
    if z <= params.reach_z:
        return "冲"
    return None


def _point(c: Cutoff, factor: float) -> YearPoint:
    assert c.min_rank is not None
    return YearPoint(c.year, c.track, c.batch, c.min_score, c.min_rank, c.rank_source,
                     max(1, round(c.min_rank * factor)), c.verified)
