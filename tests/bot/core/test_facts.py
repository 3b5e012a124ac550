"""Notes that say what a recommendation rests on."""

from __future__ import annotations

from typing import Any

from bot.core import facts
from bot.core.advise import LEVELS, WEAK_UNREACHED, WEAK_UNSAFE, Pick, Recommendation, YearPoint
from bot.core.answer import Engine
from bot.core.render.notes import brief_text, note_text, texts
from bot.core.store import Store


def reach_text(store: Store, r: Recommendation, have: dict[str, set[int]], **kw: Any) -> tuple[list[str], list[str]]:
    """reach_notes as text: the notes and the brief phrases."""
    notes, brief = facts.reach_notes(store, "河南", "物理类", r, have, **kw)
    return texts(notes), [brief_text(b) for b in brief]


def rec(*, scaled: bool, fallback: tuple[str, ...] = (), weak: str = "") -> Recommendation:
    pt = YearPoint(2024, "物理类", "专科批", 300.0, 9000, "published", 9000, True)
    pick = Pick(1, None, "专科", "保", 9000, 0.2, -3.0, (pt,))
    return Recommendation(user_rank=1000, target_year=2025, tiers={"冲": [], "稳": [], "保": [pick]},
                          totals={"冲": 0, "稳": 0, "保": 1}, years_used=(2024,), derived_share=0.0,
                          tracks_used=("物理类",), levels=("本科",), safe_fallback=fallback, scaled=scaled,
                          weak_safe=weak)


def test_notes_say_how_ranks_were_compared(engine: Engine) -> None:
    have = {lv: {2024} for lv in LEVELS}
    plain = reach_text(engine.store, rec(scaled=False), have)[0]
    assert any("直接按位次比较" in n for n in plain) and not any("换算到" in n for n in plain)
    scaled = reach_text(engine.store, rec(scaled=True), have)[0]
    assert any("按当年考生人数换算到2025年" in n for n in scaled)


def test_notes_say_when_the_safe_choices_are_another_level(engine: Engine) -> None:
    have = {lv: {2024} for lv in LEVELS}
    notes = reach_text(engine.store, rec(scaled=False, fallback=("专科",)), have)[0]
    assert any("“保”列的是专科院校" in n for n in notes)
    assert not any("“保”列的是" in n for n in reach_text(engine.store, rec(scaled=False), have)[0])


def test_notes_say_when_the_safe_choice_is_not_safe(engine: Engine) -> None:
    have = {lv: {2024} for lv in LEVELS}
    unsafe = reach_text(engine.store, rec(scaled=False, weak=WEAK_UNSAFE), have)[0]
    assert any("把握最大的一所" in n and "仍有落榜可能" in n for n in unsafe)
    unreached = reach_text(engine.store, rec(scaled=False, fallback=("专科",), weak=WEAK_UNREACHED), have)[0]
    assert any("往年没有哪所学校的最低录取位次低到您的位次" in n and "（专科院校）" in n for n in unreached)
    assert not any("把握最大的一所" in n for n in unreached)


def test_thin_data_is_not_called_a_missing_safe_school(engine: Engine) -> None:
    have = {lv: {2024} for lv in LEVELS}
    thin = facts.Depth("专科", ((2023, 1, 2), (2024, 4, 46), (2025, 1, 157)), 5, 195)
    assert thin.thin and not thin.stale
    notes, brief = reach_text(engine.store, rec(scaled=False, fallback=("专科",), weak=WEAK_UNSAFE),
                                     have, depths=[thin])
    said = "".join(notes + brief)
    assert "没有哪所学校能算作稳妥的保底" not in said and "不是没有学校能保底" in said
    assert brief[0] == ("河南物理类专科院校：2023年仅1所、2024年4所、2025年1所有核验的逐校数据（另195所只有第三方数据），"
                        "无法给出可靠的专科冲稳保")
    thick = facts.Depth("专科", ((2024, 829, 10), (2025, 900, 0)), 1200, 10)
    notes, brief = reach_text(engine.store, rec(scaled=False, fallback=("专科",), weak=WEAK_UNSAFE),
                                     have, depths=[thick])
    assert any("没有哪所学校能算作稳妥的保底" in n for n in notes)  # enough data: no school is safe, said so


def test_a_level_whose_latest_year_is_nearly_empty_is_stale() -> None:
    d = facts.Depth("专科", ((2024, 829, 10), (2025, 1, 0)), 829, 10)
    assert d.stale and d.thin
    assert note_text(facts.depth_note("甘肃", "物理类", d)) == (
        "甘肃物理类专科院校：2024年829所、2025年仅1所有核验的逐校数据（另10所只有第三方数据），2025年数据缺失，专科冲稳保仅供参考。")


def test_a_campus_named_after_a_city_is_placed_there() -> None:
    cities = {"威海市", "深圳市", "秦皇岛市", "哈尔滨市"}
    assert facts.campus_city("威海", cities) == "威海市"
    assert facts.campus_city("秦皇岛分校", cities) == "秦皇岛市"
    assert facts.campus_city("深圳校区", cities) == "深圳市"
    for other in ("医学院", "软件类", "荣昌校区", None, ""):
        assert facts.campus_city(other, cities) is None
