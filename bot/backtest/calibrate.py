"""Calibration of `Params` on the back-test, with leave-one-province-out to show it is not fitted to one.

For every point of a grid, the back-test runs on all targets and keeps one tally per province. A fold holds
one province out, picks the grid point that does best on the others and scores it on the held-out province.
"""

from __future__ import annotations

import itertools
import logging
import math
import multiprocessing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.backtest.run import BASELINE_LAST, METHOD, Options, Target, run
from bot.backtest.score import Tally, merge
from bot.core.advise import Params
from bot.core.store import Store

log = logging.getLogger(__name__)

# The grid searched by default: the z bands and the floors of the spread. Other fields stay as in the base.
GRID: dict[str, tuple[float, ...]] = {
    "safe_z": (-1.7, -1.8, -1.9, -2.0),
    "spread_floor": (0.12, 0.13, 0.14),
    "one_year_floor": (0.21, 0.23),
    "safe_span": (2.5, 3.0),
    "match_z": (0.0,),
}


@dataclass(frozen=True, slots=True)
class Goals:
    """What a good calibration reaches (the issue's targets)."""

    safe_rate: float = 0.98
    tightness_slack: float = 0.1  # 保 tightness may exceed baseline 1's by this much
    match_range: tuple[float, float] = (0.55, 0.85)
    reach_range: tuple[float, float] = (0.20, 0.50)
    match_aim: float = 0.70
    reach_aim: float = 0.35
    steady_safe_ratio: float = 1.3  # a school whose cutoff held steady at 1.3x the user's rank is always 保


def admits_steady(p: Params, goals: Goals = Goals()) -> bool:
    """True when a steady school at `steady_safe_ratio` times the user's rank is 保 under `p` (grid points
    that break this are not searched: the answer engine's tests hold the bot to it)."""
    return -p.safe_z * p.spread_floor <= math.log(goals.steady_safe_ratio) + 1e-9


@dataclass(frozen=True, slots=True)
class Fold:
    """One held-out province: the grid point chosen without it and how that point did on it."""

    province: str
    params: Params
    train: Tally
    held_out: Tally
    baseline_held_out: Tally


@dataclass(frozen=True, slots=True)
class Calibration:
    """The grid, the choice on all provinces and the leave-one-province-out folds."""

    grid: dict[str, tuple[float, ...]]
    n_points: int
    n_ranks: int
    best: Params
    best_all: Tally
    baseline_all: Tally
    folds: list[Fold]

    @property
    def pooled_held_out(self) -> Tally:
        """Every province scored with the parameters chosen without it."""
        return merge(f.held_out for f in self.folds)


def grid_points(base: Params, grid: Mapping[str, Sequence[float]] = GRID) -> list[Params]:
    """Every combination of the grid's values on top of `base`."""
    keys = list(grid)
    out = []
    for values in itertools.product(*grid.values()):
        changes: dict[str, Any] = dict(zip(keys, values, strict=True))
        out.append(replace(base, **changes))
    return out


def score_point(train: Tally, baseline: Tally, goals: Goals) -> tuple[Any, ...]:
    """Sort key of a grid point (larger is better).

    First reach the 保 rate, then keep 保 within the tightness limit, then 稳/冲 in their ranges; among points
    reaching the 保 rate the tightest wins, among the others the safest.
    """
    safe = train.tiers["保"]
    rate = safe.rate or 0.0
    limit = (baseline.tiers["保"].tightness or 0.0) + goals.tightness_slack
    tight = safe.tightness or 99.0
    match = train.tiers["稳"].rate or 0.0
    reach = train.tiers["冲"].rate or 0.0
    mid_ok = goals.match_range[0] <= match <= goals.match_range[1] and goals.reach_range[0] <= reach <= goals.reach_range[1]
    off_aim = abs(match - goals.match_aim) + abs(reach - goals.reach_aim)
    rate_ok = rate >= goals.safe_rate
    return (rate_ok, tight <= limit, mid_ok, -round(tight, 2) if rate_ok else round(rate, 3), -off_aim)


def choose(points: Sequence[Params], tallies: Sequence[Tally], baseline: Tally, goals: Goals) -> int:
    """Index of the best grid point."""
    return max(range(len(points)), key=lambda i: score_point(tallies[i], baseline, goals))


# -- running the grid (one process per core; each opens the database once) -------------------------------

_STORE: Store | None = None
_TARGETS: list[Target] = []


def _init(db: Path, targets: list[Target]) -> None:
    global _STORE, _TARGETS
    _STORE = Store(db)
    _TARGETS = targets


def _province_tallies(job: tuple[Params, int, str]) -> dict[str, Tally]:
    params, n_ranks, method = job
    assert _STORE is not None
    board = run(_STORE, _TARGETS, Options(params=params, n_ranks=n_ranks, methods=(method,)))
    return {v: t for (m, d, v), t in board.tallies.items() if m == method and d == "province"}


def calibrate(
    db: Path,
    targets: list[Target],
    base: Params,
    grid: Mapping[str, Sequence[float]] = GRID,
    n_ranks: int = 200,
    jobs: int = 2,
    goals: Goals = Goals(),
) -> Calibration:
    """Run the grid and the leave-one-province-out folds."""
    points = [p for p in grid_points(base, grid) if admits_steady(p, goals)]
    log.info("calibration: %d grid points x %d targets x %d ranks on %d processes", len(points), len(targets),
             n_ranks, jobs)
    work: list[tuple[Params, int, str]] = [(base, n_ranks, BASELINE_LAST)] + [(p, n_ranks, METHOD) for p in points]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs, initializer=_init, initargs=(db, targets)) as pool:
        results = pool.map(_province_tallies, work, chunksize=1)
    base_by_prov, by_point = results[0], results[1:]
    provinces = sorted(base_by_prov)
    pooled = [merge(t.values()) for t in by_point]
    baseline_all = merge(base_by_prov.values())
    best = choose(points, pooled, baseline_all, goals)
    folds = []
    for prov in provinces:
        train = [merge(t for q, t in tallies.items() if q != prov) for tallies in by_point]
        base_train = merge(t for q, t in base_by_prov.items() if q != prov)
        i = choose(points, train, base_train, goals)
        folds.append(Fold(prov, points[i], train[i], by_point[i].get(prov, Tally()), base_by_prov[prov]))
    return Calibration({k: tuple(v) for k, v in grid.items()}, len(points), n_ranks, points[best], pooled[best],
                       baseline_all, folds)
