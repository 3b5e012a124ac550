"""Naive baselines scored beside the method: one reference cutoff rank per school and fixed ratio bands."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.core.advise import TIERS, History, UnitKey


@dataclass(frozen=True, slots=True)
class Bands:
    """Fixed bands on reference cutoff rank / user rank."""

    safe: float = 1.2  # 保: ratio >= safe
    match: float = 1.0  # 稳: match <= ratio < safe
    reach: float = 0.9  # 冲: reach <= ratio < match


class FixedBands:
    """Tiers by fixed ratio bands on one reference rank per unit, nearest to the user first."""

    def __init__(self, refs: dict[UnitKey, float], bands: Bands = Bands()) -> None:
        self.refs = refs
        self.bands = bands

    def place(self, user_rank: int, levels: Collection[str], per_tier: int) -> dict[str, list[UnitKey]]:
        """The first `per_tier` units of each tier for `user_rank`."""
        b = self.bands
        found: dict[str, list[tuple[float, UnitKey]]] = {t: [] for t in TIERS}
        for key, ref in self.refs.items():
            if key[2] not in levels:
                continue
            ratio = ref / user_rank
            if ratio >= b.safe:
                found["保"].append((ratio, key))
            elif ratio >= b.match:
                found["稳"].append((ratio, key))
            elif ratio >= b.reach:
                found["冲"].append((-ratio, key))
        return {t: [k for _, k in sorted(v, key=_order)[:per_tier]] for t, v in found.items()}


def _order(item: tuple[float, UnitKey]) -> tuple[float, int, str, str]:
    r, (sid, campus, level) = item
    return (r, sid, campus or "", level)


def last_year(history: History, year: int) -> FixedBands:
    """Baseline 1: last year's verified cutoff rank as it was, fixed bands."""
    refs: dict[UnitKey, float] = {}
    for key, by_year in history.items():
        c = by_year.get(year - 1)
        if c is not None and c.verified and c.min_rank is not None:
            refs[key] = float(c.min_rank)
    return FixedBands(refs)


def raw_mean(
    history: History, year: int, weights: tuple[float, ...] = (3.0, 2.0, 1.0), stale_years: int = 3
) -> FixedBands:
    """Baseline 2: weighted mean of the last ≤3 verified cutoff ranks, not normalised by cohort size."""
    refs: dict[UnitKey, float] = {}
    for key, by_year in history.items():
        years = sorted((y for y, c in by_year.items() if c.verified and c.min_rank is not None), reverse=True)
        if not years or year - years[0] > stale_years:
            continue
        use = years[: len(weights)]
        ws = weights[: len(use)]
        refs[key] = sum(w * (by_year[y].min_rank or 0) for w, y in zip(ws, use, strict=True)) / sum(ws)
    return FixedBands(refs)
