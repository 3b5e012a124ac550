"""The 冲/稳/保 method on hand-made histories."""

from __future__ import annotations

from bot.core.advise import Params, recommend, tier_of, unit_history
from bot.core.store import Cutoff


def cut(
    sid: int, year: int, rank: int, *, verified: bool = True, level: str = "本科", track: str = "理科"
) -> Cutoff:
    return Cutoff(sid, None, year, track, "本科一批", level, None, rank, "published", verified)


COHORT = {(2022, "理科"): 1000, (2023, "理科"): 1000, (2024, "理科"): 2000, (2025, "物理类"): 2000}


def cohort(year: int, track: str) -> int | None:
    return COHORT.get((year, track))


def test_tiers_follow_distance_from_expected_cutoff() -> None:
    hist = unit_history(
        [
            cut(1, 2023, 50),
            cut(1, 2024, 100),  # expected ~100 in the 2024 cohort
            cut(2, 2023, 200),
            cut(2, 2024, 400),  # ~400
            cut(3, 2023, 1000),
            cut(3, 2024, 2000),  # ~2000
        ]
    )
    rec = recommend(hist, cohort, user_rank=400, target_year=2025, target_cohort=2000)
    tiers = {p.school_id: t for t, ps in rec.tiers.items() for p in ps}
    assert 1 not in tiers
    assert tiers[2] == "稳"
    assert tiers[3] == "保"
    assert rec.years_used == (2024, 2023)


def test_equivalent_rank_scales_with_cohort_size() -> None:
    hist = unit_history([cut(1, 2023, 100)])  # 10% of a 1,000 cohort
    rec = recommend(hist, cohort, user_rank=200, target_year=2024, target_cohort=2000)
    pick = next(p for ps in rec.tiers.values() for p in ps)
    assert pick.points[0].equivalent_rank == 200  # 10% of 2,000
    assert pick.expected_rank == 200


def test_unverified_history_never_makes_a_safe_pick() -> None:
    hist = unit_history([cut(1, 2024, 1900, verified=False)])
    rec = recommend(hist, cohort, user_rank=100, target_year=2025, target_cohort=2000)
    assert rec.tiers["保"] == []
    assert rec.totals["保"] == 0


def test_history_before_year_excludes_that_year() -> None:
    hist = unit_history([cut(1, 2023, 100), cut(1, 2024, 150)], before_year=2024)
    assert set(hist[(1, None, "本科")]) == {2023}


def test_stale_schools_are_left_out() -> None:
    hist = unit_history([cut(1, 2015, 500)])
    rec = recommend(hist, cohort, user_rank=500, target_year=2025, target_cohort=2000)
    assert not any(rec.tiers.values())


def test_tier_bands_are_ordered() -> None:
    p = Params()
    assert tier_of(p.safe_z - 0.01, p) == "保"
    assert tier_of(p.match_z, p) == "稳"
    assert tier_of(p.reach_z, p) == "冲"
    assert tier_of(p.reach_z + 0.01, p) is None


def test_per_tier_truncation_keeps_totals() -> None:
    hist = unit_history([cut(i, 2024, 1000 + i * 50) for i in range(1, 30)])
    rec = recommend(
        hist, cohort, user_rank=100, target_year=2025, target_cohort=2000, params=Params(per_tier=3)
    )
    assert len(rec.tiers["保"]) == 3
    assert rec.totals["保"] > 3
    # the tightest safe schools come first
    ranks = [p.expected_rank for p in rec.tiers["保"]]
    assert ranks == sorted(ranks)
