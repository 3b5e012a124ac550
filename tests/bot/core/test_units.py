"""Groups and majors of a school placed on their own (bot/core/units.py)."""

from __future__ import annotations

import math
import random

from bot.core.advise import Ladder, Params, estimate, unit_history
from bot.core.majors import field_words
from bot.core.render.notes import maybe_text
from bot.core.store import Cutoff
from bot.core.units import DRIFT, SHOWN, easiest_note, expand, gap_shift, matcher
from etl.units import UnitRow, derive


def row(sid: int, grp: str | None, major: str | None, rank: int | None, *, year: int = 2025, level: str = "major",
        quality: str = "official", campus: str | None = None) -> UnitRow:
    return UnitRow(sid, campus, year, "物理类", "本科", level, grp, major, rank, None, "published", quality)


def test_groups_gather_their_majors_and_the_same_group_spelt_twice() -> None:
    rows = [row(1, "第212组", None, 6278, level="group"), row(1, "第212组 理工组", None, 6278, level="group"),
            row(1, "第212组", "计算机类", 5346), row(1, "第212组", "电气类", 6278),
            row(1, "第213组", "土木工程", 10764), row(1, "第213组", "软件工程", 9000),
            row(1, None, "临床医学", 100, quality="third-party"),  # a worse source that year: left out
            row(1, "第101组", "旧组", 50, year=2024)]  # an earlier year: left out
    su = derive(rows, "广东")[(1, None, "本科")]
    assert (su.year, su.kind, [u.code for u in su.units]) == (2025, "group", ["212", "213"])
    g212, g213 = su.units
    assert g212.majors == ("计算机类", "电气类") and g212.min_rank == 6278  # the group row's cutoff
    assert g213.majors == ("软件工程", "土木工程") and g213.min_rank == 10764  # no group row: its easiest major
    assert (su.highest, su.lowest) == (6278, 10764)


def test_major_provinces_place_majors_and_old_years_keep_the_school() -> None:
    rows = [row(1, "医学部", "临床医学", 900), row(1, None, "护理学", 5000), row(1, None, "护理学", 5200)]
    su = derive(rows, "山东")[(1, None, "本科")]
    assert su.kind == "major" and [(u.name, u.min_rank) for u in su.units] == [("临床医学", 900), ("护理学", 5200)]
    old = derive([row(1, None, "土木工程", 300, year=2024)], "河南")[(1, None, "本科")]
    assert old.kind == "school"  # 河南 2024: one 志愿 was a school


def _ladder_estimates() -> list:  # type: ignore[type-arg]
    history = unit_history([Cutoff(1, None, y, "物理类", "本科批", "本科", None, r, "published", True)
                            for y, r in ((2023, 10_000), (2024, 11_000), (2025, 10_500))])
    return estimate(history, lambda y, t: None, 2026, None, Params(), "物理类")


def test_each_group_is_placed_by_its_own_cutoff() -> None:
    (e,) = _ladder_estimates()
    su = derive([row(1, "第1组", "计算机类", 5000), row(1, "第2组", "护理学", 10_500)], "广东")
    units = expand([e], su)
    assert [u.unit.code for u in units if u.unit] == ["1", "2"]
    hard, easy = units
    # its own 2025 cutoff, not moved by the school's trend (the school is expected a little easier than in 2025)
    assert e.mean > math.log(10_500)
    assert abs(hard.mean - math.log(5000)) < 1e-9 and hard.sigma == e.sigma and hard.expected_rank == 5000
    assert abs(easy.mean - math.log(10_500)) < 1e-9 and easy.span is not None and easy.span.lowest == 10_500
    only = expand([e], su, matcher(field_words("计算机")))
    assert [u.unit.majors for u in only if u.unit] == [("计算机类",)]
    assert expand([e], {}, matcher(("计算机",))) == []  # nothing says what a school without group rows teaches
    assert expand([e], {}) == [e]


def test_groups_a_year_behind_move_with_the_school_over_the_missing_year() -> None:
    (e,) = _ladder_estimates()  # the school: 11,000 in 2024, 10,500 in 2025
    su = derive([row(1, "第1组", "计算机类", 5000, year=2024), row(1, "第2组", "护理学", 11_000, year=2024)], "广东")
    block = su[(1, None, "本科")]
    shift = gap_shift(e, block)
    assert abs(shift - math.log(10_500 / 11_000)) < 1e-9
    hard, easy = expand([e], su)
    assert abs(hard.mean - (math.log(5000) + shift)) < 1e-9 and abs(easy.mean - math.log(10_500)) < 1e-9
    jump = e._replace(used=(e.used[0]._replace(min_rank=20_000), *e.used[1:]))  # a weak major at the line
    assert gap_shift(jump, block) == DRIFT


def test_a_group_above_the_user_is_never_a_match_or_a_safety() -> None:
    # 海南 650分 (rank 5,351): 东北电力大学 1组's own 2025 cutoff was 4,963, yet it was listed in 稳 (its school's
    # older, easier years moved it to ≈5,460). Other schools fill 稳 and 保, so only the cap keeps it out.
    cuts = [Cutoff(1, None, y, "综合", "本科批", "本科", None, r, "published", True)
            for y, r in ((2023, 6990), (2024, 6368), (2025, 4963))]
    cuts += [Cutoff(sid, None, y, "综合", "本科批", "本科", None, r, "published", True)
             for sid, r in ((2, 5600), (3, 7000), (4, 20_000)) for y in (2024, 2025)]
    est = estimate(unit_history(cuts), lambda y, t: None, 2026, None, Params(), "综合")
    rows = [row(1, "第1组", "电气类", 4963), row(2, "第1组", "数学类", 5600), row(2, "第2组", "化学类", 5600),
            row(3, "第3组", "法学", 7000), row(4, "第4组", "护理学", 20_000)]
    lad = Ladder(expand(est, derive(rows, "海南")), 2026, Params())
    for rec in (lad.place(5351, one_per_school=True), lad.place(5351, one_per_school=True, keep=lambda e: True)):
        placed = {(p.school_id, p.unit.code if p.unit else None): p.tier for ps in rec.tiers.values() for p in ps}
        assert placed[(1, "1")] == "冲", placed
        assert all(p.unit is None or p.unit.min_rank >= 5351 for t in ("稳", "保") for p in rec.tiers[t])
        assert rec.tiers["稳"] and rec.tiers["保"]
    assert [p.tier for p in lad.chances(5351, 1)] == ["冲"]


def test_a_school_with_many_majors_places_a_few_over_its_range() -> None:
    (e,) = _ladder_estimates()
    su = derive([row(1, None, f"专业{i}", 5000 + 100 * i) for i in range(30)], "山东")
    units = expand([e], su)
    ranks = [u.unit.min_rank for u in units if u.unit]
    assert len(ranks) == SHOWN and ranks[0] == 5000 and ranks[-1] == 5000 + 2900


def test_the_column_placement_matches_the_row_by_row_one() -> None:
    rnd = random.Random(3)
    cuts = [Cutoff(sid, None, y, "物理类", "本科批", "本科", None, int(r * rnd.uniform(0.9, 1.1)), "published",
                   rnd.random() > 0.1)
            for sid, r in ((s, rnd.randint(100, 50_000)) for s in range(1, 300)) for y in (2023, 2024, 2025)]
    est = estimate(unit_history(cuts), lambda y, t: None, 2026, None, Params(), "物理类")
    rows = [row(c.school_id, f"第{g}组", f"专业{g}", int(c.min_rank * f)) for c in cuts if c.year == 2025
            for g, f in enumerate((0.3, 0.6, 0.8, 1.0))]
    lad = Ladder(expand(est, derive(rows, "广东")), 2026, Params())
    for user in (500, 3000, 12_000, 40_000):
        fast = lad.place(user, one_per_school=True)  # the ladder's own rows: columns
        slow = lad.place(user, one_per_school=True, keep=lambda e: True)  # a filtered list: row by row
        assert fast.totals == slow.totals
        for tier in ("冲", "稳", "保"):
            assert [(p.school_id, p.unit) for p in fast.tiers[tier]] == [(p.school_id, p.unit) for p in slow.tiers[tier]]
            assert len({p.school_id for p in fast.tiers[tier]}) == len(fast.tiers[tier])


def test_one_note_for_schools_shown_by_their_easiest_entry() -> None:
    assert easiest_note("河南", 2024, False, True) is None  # old 文理: one 志愿 was a school
    assert easiest_note("广东", 2025, True, False) is None  # every listed school has its groups
    assert "未列专业组的学校" in (maybe_text(easiest_note("广东", 2025, True, True)) or "")
    assert "山东按专业录取" in (maybe_text(easiest_note("山东", 2025, False, True)) or "")
