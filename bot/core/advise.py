"""The 冲/稳/保 method (位次法): equivalent ranks across years, expected cutoff, spread, tiers.

Pure functions over cutoff lists, so the back-test can run them on any slice of history;
`shortlist` is the one selection both the answer engine and the back-test (bot/backtest) call.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.store import Cutoff

if TYPE_CHECKING:
    from bot.core.store import Store

TIERS: tuple[str, ...] = ("冲", "稳", "保")
LEVELS: tuple[str, ...] = ("本科", "专科")
TAIL_SHARE = 0.5  # a 一分一段 table whose lowest score is above this share of its top score is truncated

UnitKey = tuple[int, str | None, str]  # school_id, campus, batch level
History = dict[UnitKey, dict[int, Cutoff]]


@dataclass(frozen=True, slots=True)
class Params:
    """Tuning of the method; calibrated by the back-test (docs/backtest.md)."""

    weights: tuple[float, ...] = (3.0, 1.0, 0.5)  # most recent year first
    max_years: int = 3
    cohort_power: float = 1.0  # equivalent rank = rank * (target cohort / that year's cohort) ** cohort_power
    spread_floor: float = 0.12  # log-rank spread of the cutoff never trusted below this ...
    one_year_floor: float = 0.21  # ... and the spread assumed with a single year of data
    stale_growth: float = 1.0  # the spread grows by this share per year missing before the target year
    safe_z: float = -2.0  # z <= safe_z: 保
    match_z: float = 0.0  # safe_z < z <= match_z: 稳
    reach_z: float = 1.6  # match_z < z <= reach_z: 冲
    stale_years: int = 3  # ignore schools whose latest data is older than this
    per_tier: int = 5


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


@dataclass(frozen=True, slots=True)
class Estimate:
    """A unit's expected cutoff in the target year, known before any user rank is."""

    school_id: int
    campus: str | None
    batch_level: str
    mean: float  # log of the expected cutoff rank in the target year
    sigma: float  # spread of that log rank, floored
    expected_rank: int
    points: tuple[YearPoint, ...]  # most recent first

    @property
    def key(self) -> UnitKey:
        """(school, campus, batch level)."""
        return (self.school_id, self.campus, self.batch_level)

    @property
    def verified(self) -> bool:
        """All years rest on verified (official or the school's own) rows."""
        return all(p.verified for p in self.points)


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


def is_ordinary_batch(batch: str) -> bool:
    """Ordinary batches only: 提前批 entries need interviews or extra conditions."""
    return "提前" not in batch


def unit_history(cutoffs: Iterable[Cutoff], before_year: int | None = None) -> History:
    """Per (school, campus, batch level), the easiest ordinary cutoff of each year."""
    out: History = defaultdict(dict)
    for c in cutoffs:
        if c.min_rank is None or (before_year is not None and c.year >= before_year) or not is_ordinary_batch(c.batch):
            continue
        key = (c.school_id, c.campus, c.batch_level)
        prev = out[key].get(c.year)
        if prev is None or _better(c, prev):
            out[key][c.year] = c
    return out


def _better(c: Cutoff, prev: Cutoff) -> bool:
    if c.verified != prev.verified:
        return c.verified
    return (c.min_rank or 0) > (prev.min_rank or 0)


def estimate(
    history: History,
    cohort: Callable[[int, str], int | None],
    target_year: int,
    target_cohort: int | None,
    params: Params = Params(),
) -> list[Estimate]:
    """Expected cutoff and spread of every unit with recent enough history."""
    out = []
    for (sid, campus, level), by_year in history.items():
        e = _estimate(sid, campus, level, by_year, cohort, target_year, target_cohort, params)
        if e is not None:
            out.append(e)
    return out


def _estimate(
    sid: int,
    campus: str | None,
    level: str,
    by_year: dict[int, Cutoff],
    cohort: Callable[[int, str], int | None],
    target_year: int,
    target_cohort: int | None,
    params: Params,
) -> Estimate | None:
    recent = sorted(by_year, reverse=True)
    if not recent or target_year - recent[0] > params.stale_years:
        return None
    verified_years = [y for y in recent if by_year[y].verified]
    use = (verified_years or recent)[: params.max_years]
    pts = [_point(by_year[y], cohort, target_cohort, params.cohort_power) for y in use]
    logs = [math.log(p.equivalent_rank) for p in pts]
    ws = params.weights[: len(logs)]
    mean = sum(w * x for w, x in zip(ws, logs, strict=True)) / sum(ws)
    if len(logs) > 1:
        spread = math.sqrt(sum(w * (x - mean) ** 2 for w, x in zip(ws, logs, strict=True)) / sum(ws))
        sigma = max(spread, params.spread_floor)
    else:
        sigma = params.one_year_floor
    sigma *= 1 + params.stale_growth * max(0, target_year - 1 - use[0])  # a gap before the target year
    return Estimate(sid, campus, level, mean, sigma, round(math.exp(mean)), tuple(pts))


class Ladder:
    """The estimates of one province-track and target year, ready to place any number of user ranks."""

    def __init__(self, estimates: Iterable[Estimate], target_year: int, params: Params = Params()) -> None:
        self.estimates = sorted(estimates, key=lambda e: e.expected_rank)
        self.target_year = target_year
        self.params = params
        self._rows: dict[tuple[str, ...] | None, list[tuple[Estimate, float, float, bool]]] = {}

    def _rows_for(self, levels: Collection[str] | None) -> list[tuple[Estimate, float, float, bool]]:
        key = None if levels is None else tuple(sorted(levels))
        rows = self._rows.get(key)
        if rows is None:
            rows = self._rows[key] = [(e, e.mean, e.sigma, e.verified) for e in self.estimates
                                      if key is None or e.batch_level in key]
        return rows

    def place(self, user_rank: int, levels: Collection[str] | None = None) -> Recommendation:
        """冲/稳/保 for `user_rank`, drawing only on units of `levels` (all when None)."""
        p = self.params
        n = p.per_tier
        user_log = math.log(max(user_rank, 1))
        found: dict[str, list[tuple[Estimate, float]]] = {t: [] for t in TIERS}
        totals = dict.fromkeys(TIERS, 0)
        for e, mean, sigma, verified in self._rows_for(levels):
            z = (user_log - mean) / sigma
            if z > p.reach_z:
                continue
            tier = "保" if z <= p.safe_z else "稳" if z <= p.match_z else "冲"
            if tier == "保" and not verified:
                continue  # an unverified history never vouches for a safe choice
            totals[tier] += 1
            kept = found[tier]
            # 稳 and 保 are shown from the best school down (rows come in that order): keep the first
            # `per_tier` and any ties with the last; 冲 is shown from the most attainable up: keep all.
            if tier == "冲" or len(kept) < n or e.expected_rank == kept[-1][0].expected_rank:
                kept.append((e, z))
        found["冲"].sort(key=lambda k: (-k[0].expected_rank, k[1]))
        found["稳"].sort(key=lambda k: (k[0].expected_rank, -k[1]))
        found["保"].sort(key=lambda k: (k[0].expected_rank, -k[1]))
        shown = {t: [_pick(e, t, z) for e, z in v[:n]] for t, v in found.items()}
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
        )


def _pick(e: Estimate, tier: str, z: float) -> Pick:
    return Pick(e.school_id, e.campus, e.batch_level, tier, e.expected_rank, e.sigma, z, e.points)


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


def province_history(store: Store, province: str, track: str, before_year: int | None = None) -> History:
    """Unit history of a province-track and the tracks comparable with it, before `before_year`."""
    cutoffs = [c for t in equivalent_tracks(track) for c in store.province_cutoffs(province, t)]
    return unit_history(cutoffs, before_year)


def ladder_for(
    store: Store, province: str, track: str, target_year: int, before_year: int | None = None, params: Params = Params()
) -> Ladder:
    """The ladder `shortlist` places a user on: history before `before_year`, ranks in `target_year`'s cohort."""
    history = province_history(store, province, track, before_year)
    target_cohort = store.cohort(province, target_year, track)
    scalable = reaches_tail(store, province, target_year, track)

    @functools.cache
    def cohort(year: int, trk: str) -> int | None:
        # Scale ranks only between tables that reach the tail: a truncated table's "cohort" is not one.
        return store.cohort(province, year, trk) if scalable and reaches_tail(store, province, year, trk) else None

    ests = estimate(history, cohort, target_year, target_cohort, params)
    return Ladder(ests, target_year, params)


def reaches_tail(store: Store, province: str, year: int, track: str) -> bool:
    """True when the year's 一分一段 table runs down to low scores, so its last rank is the cohort size.

    Some published tables stop at the 本科 line (江苏 2023 and 2025 end at 448-482 of 750): their last
    rank counts only the students above it, and scaling by it would move every rank by tens of percent.
    """
    table = store.table(province, track, year)
    return table is not None and bool(table.scores) and table.scores[-1] <= TAIL_SHARE * table.scores[0]


def shortlist(
    store: Store,
    province: str,
    track: str,
    rank: int,
    target_year: int,
    before_year: int | None = None,
    params: Params = Params(),
    ladder: Ladder | None = None,
) -> Recommendation:
    """The list the bot shows: `per_tier` schools per tier, 本科 only when the rank clears the 本科 line.

    Pass `ladder` (from `ladder_for` with the same arguments) to place many ranks on one history.
    """
    from bot.core import facts  # facts imports this module

    table = store.table(province, track, target_year)
    levels = facts.levels_within_reach(store, province, track, table, rank) if table else LEVELS
    lad = ladder if ladder is not None else ladder_for(store, province, track, target_year, before_year, params)
    return lad.place(rank, levels)


def tier_of(z: float, params: Params) -> str | None:
    """The tier of a standardised distance z (user log rank minus expected log rank, over sigma)."""
    if z <= params.safe_z:
        return "保"
    if z <= params.match_z:
        return "稳"
    if z <= params.reach_z:
        return "冲"
    return None


def _point(
    c: Cutoff, cohort: Callable[[int, str], int | None], target_cohort: int | None, power: float = 1.0
) -> YearPoint:
    assert c.min_rank is not None
    size = cohort(c.year, c.track)
    eq = c.min_rank if not size or not target_cohort else max(1, round(c.min_rank * (target_cohort / size) ** power))
    return YearPoint(c.year, c.track, c.batch, c.min_score, c.min_rank, c.rank_source, eq, c.verified)


def equivalent_tracks(track: str) -> tuple[str, ...]:
    """Tracks whose history compares with `track` as a share of the cohort (across a reform)."""
    return {"物理类": ("物理类", "理科"), "理科": ("理科", "物理类"), "历史类": ("历史类", "文科"),
            "文科": ("文科", "历史类"), "综合": ("综合",)}[track]
