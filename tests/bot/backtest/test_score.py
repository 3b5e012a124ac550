"""Scoring on a tiny hand-made history whose outcomes are known: the method and baseline 1."""

from __future__ import annotations

import pytest

from bot.backtest import baselines
from bot.backtest.score import Board, Outcome, merge, outcomes, safe_existed, score
from bot.core.advise import Ladder, Params, estimate, unit_history
from bot.core.store import Cutoff

# Spelled out so the test does not move when the defaults are recalibrated.
P = Params(weights=(3.0, 1.0, 0.5), cohort_power=1.0, spread_floor=0.11, one_year_floor=0.18, stale_growth=1.0, private_spread=1.0, campus_spread=1.0, reform_spread=1.0,
           safe_z=-1.9, match_z=0.0, reach_z=1.6, per_tier=2)
USER = 1000


def cut(sid: int, year: int, rank: int, *, verified: bool = True, batch: str = "本科批") -> Cutoff:
    return Cutoff(sid, None, year, "物理类", batch, "本科", None, rank, "published", verified)


def cohort(year: int, track: str) -> int | None:
    return 10_000  # the same every year: equivalent ranks are the ranks


# school: (2022, 2023) cutoff ranks, then what happened in 2024
HISTORY = {
    1: (1000, 1000),  # expected 1000: z = 0 -> 稳
    2: (2000, 2000),  # far below the user -> 保
    3: (3000, 3000),  # -> 保, but not shown with per_tier=2
    4: (5000, 5000),  # -> 保, not shown
    5: (800, 800),  # z = 2.0 > reach_z: not listed
    8: (700, 1250),  # expected ~1081, spread 0.25 -> z = -0.31: 稳 for the method; 1.25x last year: 保 for baseline 1
}
OUTCOME_2024 = {1: 950, 2: 1900, 3: 2500, 4: 5200, 5: 820, 8: 800}


def _cutoffs() -> list[Cutoff]:
    cuts = [cut(sid, y, r) for sid, ranks in HISTORY.items() for y, r in zip((2022, 2023), ranks, strict=True)]
    return cuts + [cut(sid, 2024, r) for sid, r in OUTCOME_2024.items()]


def _keys(lists: dict[str, list[tuple[int, str | None, str]]]) -> dict[str, list[int]]:
    return {t: [k[0] for k in v] for t, v in lists.items()}


def test_outcomes_take_the_easiest_verified_ordinary_cutoff() -> None:
    cuts = [cut(1, 2024, 900), cut(1, 2024, 950), cut(1, 2024, 5000, verified=False),
            cut(1, 2024, 4000, batch="本科提前批"), cut(2, 2023, 10)]
    assert outcomes(cuts, 2024) == {(1, None, "本科"): Outcome(950, "published")}


def test_method_lists_and_rates_are_the_known_ones() -> None:
    history = unit_history(_cutoffs(), before_year=2024)
    ladder = Ladder(estimate(history, cohort, 2024, 10_000, P), 2024, P)
    rec = ladder.place(USER)
    lists = {t: [p.key for p in rec.tiers[t]] for t in rec.tiers}
    assert _keys(lists) == {"保": [2, 3], "稳": [1, 8], "冲": []}
    assert rec.totals == {"保": 3, "稳": 2, "冲": 0}
    out = outcomes(_cutoffs(), 2024)
    board = Board()
    board.add("method", [("all", "all")], score(lists, out, USER, safe_existed(out, out, USER)))
    t = board.get("method", "all", "all")
    assert t is not None
    assert t.tiers["保"].rate == 1.0  # 1,900 and 2,500 both >= 1,000
    assert t.tiers["保"].tightness == pytest.approx((1.9 + 2.5) / 2)
    assert t.tiers["稳"].rate == 0.0  # 950 and 800 are better than 1,000: not admitted
    assert t.tiers["冲"].rate is None
    assert t.length("保") == 2 and t.safe_share == 1.0


def test_baseline_last_year_lists_and_rates_are_the_known_ones() -> None:
    history = unit_history(_cutoffs(), before_year=2024)
    lists = baselines.last_year(history, 2024).place(USER, ("本科",), per_tier=2)
    assert _keys(lists) == {"保": [8, 2], "稳": [1], "冲": []}  # 1.25x and 2x, nearest first; 1.0x
    out = outcomes(_cutoffs(), 2024)
    q = score(lists, out, USER, True)
    board = Board()
    board.add("baseline1", [("all", "all")], q)
    t = board.get("baseline1", "all", "all")
    assert t is not None
    assert t.tiers["保"].rate == 0.5  # school 8 fell to 800
    assert t.tiers["稳"].rate == 0.0


def test_baseline_raw_mean_weights_recent_years() -> None:
    history = unit_history(_cutoffs(), before_year=2024)
    refs = baselines.raw_mean(history, 2024, (3.0, 1.0)).refs
    assert refs[(8, None, "本科")] == pytest.approx((3 * 1250 + 700) / 4)


def test_schools_without_an_outcome_leave_the_denominator() -> None:
    lists = {"保": [(1, None, "本科"), (99, None, "本科")], "稳": [], "冲": []}
    q = score(lists, {(1, None, "本科"): Outcome(2000, "derived")}, 1000, True)
    board = Board()
    board.add("m", [("all", "all")], q)
    t = board.get("m", "all", "all")
    assert t is not None
    assert (t.tiers["保"].shown, t.tiers["保"].missing, t.tiers["保"].rate) == (2, 1, 1.0)
    src = board.get("m", "source", "derived")
    assert src is not None and src.tiers["保"].admitted == 1


def test_merge_pools_counts_and_ratios() -> None:
    a, b = Board(), Board()
    a.add("m", [("all", "all")], score({"保": [(1, None, "本科")]}, {(1, None, "本科"): Outcome(1200, "published")},
                                       1000, True))
    b.add("m", [("all", "all")], score({"保": [(1, None, "本科")]}, {(1, None, "本科"): Outcome(900, "published")},
                                       1000, False))
    ta, tb = a.get("m", "all", "all"), b.get("m", "all", "all")
    assert ta is not None and tb is not None
    m = merge([ta, tb])
    assert m.queries == 2 and m.tiers["保"].rate == 0.5 and m.safe_share == 1.0
    assert list(m.tiers["保"].ratios) == [1.2, 0.9]
