"""The 冲/稳/保 method (位次法): equivalent ranks across years, expected cutoff, spread, tiers.

Pure functions over cutoff lists, so the back-test can run them on any slice of history.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.core.store import Cutoff

TIERS: tuple[str, ...] = ("冲", "稳", "保")


@dataclass(frozen=True, slots=True)
class Params:
    """Tuning of the method; calibrated by the back-test (docs/backtest.md)."""

    weights: tuple[float, ...] = (3.0, 2.0, 1.0)  # most recent year first
    max_years: int = 3
    spread_floor: float = 0.12  # log-rank spread never trusted below this
    one_year_floor: float = 0.25  # ... and with a single year of data
    safe_z: float = -1.6  # z <= safe_z: 保
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


def unit_history(cutoffs: Iterable[Cutoff], before_year: int | None = None) -> dict[tuple[int, str | None, str], dict[int, Cutoff]]:
    """Per (school, campus, batch level), the easiest ordinary cutoff of each year."""
    out: dict[tuple[int, str | None, str], dict[int, Cutoff]] = defaultdict(dict)
    for c in cutoffs:
        if c.min_rank is None or (before_year is not None and c.year >= before_year):
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


def recommend(
    history: dict[tuple[int, str | None, str], dict[int, Cutoff]],
    cohort: Callable[[int, str], int | None],
    user_rank: int,
    target_year: int,
    target_cohort: int | None,
    params: Params = Params(),
) -> Recommendation:
    """Place every school with history into 冲/稳/保 for `user_rank` in `target_year`."""
    picks: dict[str, list[Pick]] = {t: [] for t in TIERS}
    years: set[int] = set()
    for (sid, campus, level), by_year in history.items():
        pick = _place(sid, campus, level, by_year, cohort, user_rank, target_year, target_cohort, params)
        if pick is None:
            continue
        picks[pick.tier].append(pick)
    picks["冲"].sort(key=lambda p: (p.z, p.expected_rank))
    picks["稳"].sort(key=lambda p: (-p.z, p.expected_rank))
    picks["保"].sort(key=lambda p: (-p.z, p.expected_rank))
    shown = {t: v[: params.per_tier] for t, v in picks.items()}
    points = [pt for v in shown.values() for p in v for pt in p.points]
    for pt in points:
        years.add(pt.year)
    derived = sum(1 for pt in points if pt.rank_source == "derived")
    return Recommendation(
        user_rank=user_rank,
        target_year=target_year,
        tiers=shown,
        totals={t: len(v) for t, v in picks.items()},
        years_used=tuple(sorted(years, reverse=True)),
        derived_share=derived / len(points) if points else 0.0,
        tracks_used=tuple(sorted({pt.track for pt in points})),
    )


def _place(
    sid: int,
    campus: str | None,
    level: str,
    by_year: dict[int, Cutoff],
    cohort: Callable[[int, str], int | None],
    user_rank: int,
    target_year: int,
    target_cohort: int | None,
    params: Params,
) -> Pick | None:
    recent = sorted(by_year, reverse=True)
    if not recent or target_year - recent[0] > params.stale_years:
        return None
    verified_years = [y for y in recent if by_year[y].verified]
    use = (verified_years or recent)[: params.max_years]
    pts = [_point(by_year[y], cohort, target_cohort) for y in use]
    logs = [math.log(p.equivalent_rank) for p in pts]
    ws = params.weights[: len(logs)]
    mean = sum(w * x for w, x in zip(ws, logs, strict=True)) / sum(ws)
    if len(logs) > 1:
        spread = math.sqrt(sum(w * (x - mean) ** 2 for w, x in zip(ws, logs, strict=True)) / sum(ws))
        sigma = max(spread, params.spread_floor)
    else:
        sigma = params.one_year_floor
    expected = math.exp(mean)
    z = (math.log(max(user_rank, 1)) - mean) / sigma
    tier = tier_of(z, params)
    if tier is None:
        return None
    if tier == "保" and not all(p.verified for p in pts):
        return None  # an unverified history never vouches for a safe choice
    return Pick(sid, campus, level, tier, round(expected), sigma, z, tuple(pts))


def tier_of(z: float, params: Params) -> str | None:
    """The tier of a standardised distance z (user log-rank minus expected, over sigma)."""
    if z <= params.safe_z:
        return "保"
    if z <= params.match_z:
        return "稳"
    if z <= params.reach_z:
        return "冲"
    return None


def _point(c: Cutoff, cohort: Callable[[int, str], int | None], target_cohort: int | None) -> YearPoint:
    assert c.min_rank is not None
    size = cohort(c.year, c.track)
    eq = c.min_rank if not size or not target_cohort else max(1, round(c.min_rank / size * target_cohort))
    return YearPoint(c.year, c.track, c.batch, c.min_score, c.min_rank, c.rank_source, eq, c.verified)


def equivalent_tracks(track: str) -> tuple[str, ...]:
    """Tracks whose history compares with `track` as a share of the cohort (across a reform)."""
    return {"物理类": ("物理类", "理科"), "理科": ("理科", "物理类"), "历史类": ("历史类", "文科"),
            "文科": ("文科", "历史类"), "综合": ("综合",)}[track]


def merge_cutoffs(lists: Sequence[list[Cutoff]]) -> list[Cutoff]:
    """Concatenate the cutoff lists of equivalent tracks."""
    return [c for lst in lists for c in lst]
