"""The 冲/稳/保 method on hand-made histories."""

from __future__ import annotations

import math

from bot.core.advise import (
    SAFE_KEEP,
    WEAK_UNREACHED,
    WEAK_UNSAFE,
    Ladder,
    Params,
    estimate,
    recommend,
    tier_of,
    unit_history,
)
from bot.core.store import Cutoff, SchoolProfile

SCALED = Params(cohort_power=1.0)


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
    rec = recommend(hist, cohort, user_rank=400, target_year=2025, target_cohort=2000, params=SCALED)
    tiers = {p.school_id: t for t, ps in rec.tiers.items() for p in ps}
    assert 1 not in tiers
    assert tiers[2] == "稳"
    assert tiers[3] == "保"
    assert rec.years_used == (2024, 2023)


def test_equivalent_rank_scales_with_cohort_size() -> None:
    hist = unit_history([cut(1, 2023, 100)])  # 10% of a 1,000 cohort
    rec = recommend(hist, cohort, user_rank=200, target_year=2024, target_cohort=2000, params=SCALED)
    pick = next(p for ps in rec.tiers.values() for p in ps)
    assert pick.points[0].equivalent_rank == 200  # 10% of 2,000
    assert pick.expected_rank == 200
    assert rec.scaled


def test_default_compares_ranks_as_they_are() -> None:
    hist = unit_history([cut(1, 2023, 100)])
    rec = recommend(hist, cohort, user_rank=100, target_year=2024, target_cohort=2000)
    pick = next(p for ps in rec.tiers.values() for p in ps)
    assert pick.points[0].equivalent_rank == 100 and pick.expected_rank == 100
    assert not rec.scaled


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


def test_a_school_known_only_from_three_years_back_is_left_out() -> None:
    # 安徽 物理类 2026: 江苏大学's latest cutoff was 2023, nothing in 2024 or 2025 (it was listed in 稳)
    for latest, kept in ((2023, False), (2024, True)):
        hist = unit_history([cut(1, latest - 2, 35_000), cut(1, latest - 1, 30_000), cut(1, latest, 27_000)])
        rec = recommend(hist, lambda y, t: None, user_rank=30_000, target_year=2026, target_cohort=None)
        assert any(rec.tiers.values()) == kept, latest
    old = Params(stale_years=3)  # as it was: placed on 2023 data alone
    rec = recommend(unit_history([cut(1, 2023, 27_000)]), lambda y, t: None, 24_000, 2026, None, old)
    assert [p.school_id for ps in rec.tiers.values() for p in ps] == [1]


def test_a_latest_cutoff_above_the_user_is_at_most_a_reach() -> None:
    # 东北电力大学 in 海南: ranks 6,990, 6,368, 4,963 (2023–2025) are expected near 5,460 in 2026; a user at 5,351
    # would be 稳 by the bands, but the school turned 5,351 down in 2025.
    hist = unit_history([cut(1, 2023, 6990), cut(1, 2024, 6368), cut(1, 2025, 4963), cut(2, 2025, 9000)])
    (e, _) = estimate(hist, lambda y, t: None, 2026, None)
    assert e.expected_rank > 5351  # by its trend, easier than the user's rank
    lad = Ladder(estimate(hist, lambda y, t: None, 2026, None), 2026)
    tiers = {p.school_id: p.tier for p in lad.place(5351).tiers["冲"] + lad.place(5351).tiers["稳"]}
    assert tiers[1] == "冲"
    assert {p.tier for p in lad.chances(5351, 1)} == {"冲"}
    assert {p.tier for p in lad.chances(4963, 1)} == {"稳"}  # its latest cutoff admitted 4,963
    off = Ladder(estimate(hist, lambda y, t: None, 2026, None), 2026, Params(latest_cap=False))
    assert [p.school_id for p in off.place(5351).tiers["稳"]] == [1]  # by the bands alone


def test_a_school_that_filled_at_the_line_stays_safe_above_its_latest_cutoff() -> None:
    # its cutoffs sat at the batch line: a user 100 points above the line is 保 even past its latest cutoff rank
    hist = unit_history([cut(1, 2024, 9000), cut(1, 2025, 8000), cut(2, 2025, 30_000)])
    est = estimate(hist, lambda y, t: None, 2026, None)
    lad = Ladder(est, 2026, line_units=lambda level, es: {(1, None, "本科"): 5.0})
    rec = lad.place(8500, margins={"本科": 100.0})
    assert [(p.school_id, p.at_line) for p in rec.tiers["保"] if p.school_id == 1] == [(1, True)]
    assert 1 not in {p.school_id for p in lad.place(8500).tiers["稳"] + lad.place(8500).tiers["保"]}


def test_tier_bands_are_ordered() -> None:
    p = Params()
    assert tier_of(p.safe_z - 0.01, p) == "保"
    assert tier_of(p.match_z, p) == "稳"
    assert tier_of(p.reach_z, p) == "冲"
    assert tier_of(p.reach_z + 0.01, p) is None


def test_per_tier_truncation_keeps_totals() -> None:
    hist = unit_history([cut(i, 2024, 1000 + i * 50) for i in range(1, 30)])
    rec = recommend(
        hist, cohort, user_rank=100, target_year=2025, target_cohort=2000, params=Params(per_tier=3, safe_span=0)
    )
    assert len(rec.tiers["保"]) == 3
    assert rec.totals["保"] > 3
    # the tightest safe schools come first
    ranks = [p.expected_rank for p in rec.tiers["保"]]
    assert ranks == sorted(ranks)


def profile(sid: int, nature: str = "公办") -> SchoolProfile:
    return SchoolProfile(sid, f"学校{sid}", "河南", "郑州", "本科", nature, None, None, False, False, False, None,
                         None, ())


def test_spread_follows_the_kind_of_unit() -> None:
    p = Params(spread_floor=0.1, one_year_floor=0.2, private_spread=0.5, campus_spread=2.0, reform_spread=1.5)
    kinds = {1: 1.0, 2: p.private_spread, 3: 1.0, 4: 1.0}
    hist = unit_history([
        cut(1, 2024, 1000, track="物理类"),
        cut(2, 2024, 1000, track="物理类"),
        Cutoff(3, "某校区", 2024, "物理类", "本科批", "本科", None, 1000, "published", True),
        cut(4, 2024, 1000, track="理科"),
    ])
    est = {e.school_id: e for e in estimate(hist, cohort, 2025, 2000, p, "物理类", kinds.__getitem__)}
    assert math.isclose(est[1].sigma, 0.2)
    assert math.isclose(est[2].sigma, 0.1)  # 民办
    assert math.isclose(est[3].sigma, 0.4)  # a campus of its own
    assert math.isclose(est[4].sigma, 0.3)  # last seen before the reform


def test_spread_of_a_steady_history_is_floored_and_of_a_jumpy_one_is_its_own() -> None:
    p = Params(spread_floor=0.1, weights=(1.0, 1.0))
    hist = unit_history([cut(1, 2023, 1000), cut(1, 2024, 1010), cut(2, 2023, 1000), cut(2, 2024, 2000)])
    est = {e.school_id: e for e in estimate(hist, cohort, 2025, 2000, p)}
    assert math.isclose(est[1].sigma, 0.1)
    assert math.isclose(est[2].sigma, math.log(2) / 2)
    assert est[2].expected_rank == round(math.sqrt(1000 * 2000))


def test_safe_choice_falls_back_to_another_level_and_says_so() -> None:
    hist = unit_history([
        cut(1, 2024, 1000),  # a 本科 school just below the user: 冲/稳, never 保
        cut(2, 2024, 5000, level="专科"),
    ])
    ladder = Ladder(estimate(hist, cohort, 2025, 2000), 2025)
    rec = ladder.place(990, ("本科",), safe_fallback=("本科", "专科"))
    assert [p.school_id for p in rec.tiers["保"]] == [2]
    assert rec.safe_fallback == ("专科",) and rec.levels == ("本科",)
    assert [p.school_id for p in rec.tiers["稳"] + rec.tiers["冲"]] == [1]
    plain = ladder.place(990, ("本科",))  # no fallback level: the safest 本科 one, flagged
    assert [p.school_id for p in plain.tiers["保"]] == [1] and plain.weak_safe and plain.safe_fallback == ()
    # a 本科 保 keeps the list 本科 only
    assert ladder.place(100, ("本科",), safe_fallback=("本科", "专科")).safe_fallback == ()


def test_without_any_safe_unit_the_safest_match_is_named_and_flagged() -> None:
    hist = unit_history([cut(1, 2024, 1000), cut(2, 2024, 1100), cut(3, 2024, 900)])
    ladder = Ladder(estimate(hist, cohort, 2025, 2000), 2025)
    rec = ladder.place(1000, ("本科",))
    assert [p.school_id for p in rec.tiers["保"]] == [2] and rec.weak_safe
    assert 2 not in [p.school_id for p in rec.tiers["稳"]]
    assert rec.totals["保"] == 1
    assert rec.weak_safe == WEAK_UNSAFE


def test_when_no_cutoff_ever_reached_the_rank_the_closest_unit_is_named_and_flagged() -> None:
    hist = unit_history([cut(1, 2024, 1000), cut(2, 2024, 1100), cut(3, 2024, 900), cut(4, 2024, 1300, verified=False)])
    ladder = Ladder(estimate(hist, cohort, 2025, 2000), 2025)
    rec = ladder.place(1500, ("本科",))
    # school 2 reached deepest among verified ones; the unverified 4 is never a 保
    assert [p.school_id for p in rec.tiers["保"]] == [2] and rec.weak_safe == WEAK_UNREACHED
    assert all(p.school_id != 2 for t in ("冲", "稳") for p in rec.tiers[t])
    assert rec.totals["保"] == 1 and rec.totals["冲"] + rec.totals["稳"] == len(rec.tiers["冲"] + rec.tiers["稳"])
    # a rank far below every latest cutoff (1,100 < 0.7 x 2,000) gets no 保 rather than a hopeless one
    far = ladder.place(2000, ("本科",))
    assert far.tiers["保"] == [] and not far.weak_safe
    looser = Ladder(ladder.estimates, 2025, Params(near_ratio=0.5))
    assert [p.school_id for p in looser.place(2000, ("本科",)).tiers["保"]] == [2]
    # without any verified unit there is nothing to name
    only_third_party = Ladder(estimate(unit_history([cut(4, 2024, 1300, verified=False)]), cohort, 2025, 2000), 2025)
    rec = only_third_party.place(1500, ("本科",))
    assert rec.tiers["保"] == [] and not rec.weak_safe


def test_recent_unverified_years_are_not_hidden_by_old_verified_ones() -> None:
    hist = unit_history([cut(1, 2018, 500), cut(1, 2024, 900, verified=False)])
    (e,) = estimate(hist, cohort, 2025, 2000)
    assert [c.year for c in e.used] == [2024, 2018] and not e.verified
    hist = unit_history([cut(1, 2023, 500), cut(1, 2024, 900, verified=False)])
    (e,) = estimate(hist, cohort, 2025, 2000)
    assert [c.year for c in e.used] == [2023] and e.verified


def test_safe_schools_far_below_the_user_are_not_listed_past_the_first_few() -> None:
    # 保 at 2x, 3x, 4x, 5x the user's rank: past SAFE_KEEP, only those within safe_span x are shown.
    hist = unit_history([cut(i, 2024, 100 * (i + 1)) for i in range(1, 5)])
    rec = recommend(hist, cohort, user_rank=100, target_year=2025, target_cohort=2000,
                    params=Params(safe_span=4.5))
    assert [p.school_id for p in rec.tiers["保"]] == [1, 2, 3]  # 200, 300, 400 shown; 500 is beyond 4.5x
    assert rec.totals["保"] == 4
    assert SAFE_KEEP == 2
    far = recommend(hist, cohort, user_rank=100, target_year=2025, target_cohort=2000, params=Params(safe_span=1.5))
    assert [p.school_id for p in far.tiers["保"]] == [1, 2]  # the first SAFE_KEEP always


def test_chances_place_every_unit_of_one_school() -> None:
    hist = unit_history([cut(1, 2024, 1000), cut(1, 2024, 3000, level="专科"), cut(2, 2024, 5000),
                         cut(3, 2024, 4000, verified=False)])
    ladder = Ladder(estimate(hist, cohort, 2025, 2000), 2025)
    got = ladder.chances(1500, 1)
    assert [(p.batch_level, p.tier) for p in got] == [("专科", "保"), ("本科", "")]  # most attainable first
    assert [p.tier for p in ladder.chances(1500, 3)] == ["稳"]  # unverified: never 保
    assert ladder.chances(1500, 99) == []


def test_mix_keeps_at_most_two_private_schools_in_a_row_when_public_ones_exist() -> None:
    from bot.core.advise import mix

    class E(tuple):  # type: ignore[type-arg]
        @property
        def school_id(self) -> int:
            return int(self[0])

    ranked = [(E((i,)), float(i)) for i in range(1, 9)]
    private = {1, 2, 3, 4, 5}.__contains__  # the five most likely are 民办, then 公办 6, 7, 8
    shown = [k[0].school_id for k in mix(ranked, 5, private, 2)]  # type: ignore[arg-type]
    assert shown == [1, 2, 6, 3, 4]
    assert [k[0].school_id for k in mix(ranked, 5, private, 0)] == [1, 2, 3, 4, 5]  # off: likelihood order
    only_private = [k for k in ranked if private(k[0].school_id)]
    assert [k[0].school_id for k in mix(only_private, 5, private, 2)] == [1, 2, 3, 4, 5]  # none public to mix in


def test_mix_shows_a_school_near_home_when_all_would_be_far() -> None:
    from bot.core.advise import mix

    class E(tuple):  # type: ignore[type-arg]
        @property
        def school_id(self) -> int:
            return int(self[0])

    ranked = [(E((i,)), float(i)) for i in range(1, 9)]
    private = {2, 7}.__contains__
    home = {7, 8}.__contains__  # only the two least likely are in the user's province
    shown = [k[0].school_id for k in mix(ranked, 5, private, 2, home)]  # type: ignore[arg-type]
    assert shown == [1, 2, 3, 4, 7]
    assert [k[0].school_id for k in mix(ranked, 5, private, 2, {1, 2, 3, 4, 5, 6, 7, 8}.__contains__)] == [1, 2, 3, 4, 5]
