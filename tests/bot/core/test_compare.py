"""Comparisons: one province and the same years, campuses as schools, rank placement, the side-by-side text."""

from __future__ import annotations

from bot.core.answer import Engine
from bot.core.names import NameEntry, NameIndex, campus_base
from bot.core.parse import parse
from bot.core.render import render


def test_schools_from_two_provinces_are_compared_where_both_have_data(engine: Engine) -> None:
    # 川大 (四川) and 重大 (重庆) have rows only in 河南 in the tiny database: compare there, same year.
    a = engine.answer("川大和重大哪个好")
    c = a.query["compare"]
    assert (c["province"], c["years"], c["how"]) == ("河南", [2024], "common")
    assert [p["cutoffs_in"] for p in a.schools] == ["河南", "河南"]
    assert c["easier"] == "重庆大学"  # cutoff rank 110 against 80
    assert c["higher_ranked"] == "四川大学"  # 软科 10 against 30
    text = "\n".join(render(a))
    assert "对比｜四川大学｜重庆大学" in text and "2024｜80（650分）｜110（630分）" in text
    assert "按两校都有数据的河南比较" in text and "重庆大学更容易进" in text


def test_same_home_province_and_rank_placement(engine: Engine) -> None:
    a = engine.answer("我是河南物理类 位次300，郑大和河南大学选哪个")
    c = a.query["compare"]
    assert c["province"] == "河南" and c["years"][0] == 2025
    tiers = [p["tier"] for p in a.schools]
    assert tiers[0] == "" and tiers[1] in ("冲", "稳")  # 郑大 ~185 is out of reach at 300; 河南大学 ~325 is not
    text = "\n".join(render(a))
    assert "位次300｜够不上｜" in text


def test_campus_after_a_short_name_is_its_own_school() -> None:
    idx = NameIndex([NameEntry("哈尔滨工业大学", 9, "哈尔滨工业大学", "official"),
                     NameEntry("哈工大", 9, "哈尔滨工业大学", "short"),
                     NameEntry("哈尔滨工业大学(威海)", 9, "哈尔滨工业大学", "spelling")],
                    [(9, "威海"), (9, "深圳校区"), (9, "威海分校")])
    ms = idx.find_mentions("哈工大威海和哈工大深圳哪个好")
    assert [(m.span, m.campus) for m in ms] == [("哈工大威海", "威海"), ("哈工大深圳", "深圳")]
    assert [m.campus for m in idx.find_mentions("哈尔滨工业大学（威海）怎么样")] == ["威海"]
    assert [m.campus for m in idx.find_mentions("哈工大怎么样")] == [None]
    q = parse("哈工大威海和哈工大深圳哪个好", idx)
    assert q.intent == "compare" and [m.campus for m in q.schools] == ["威海", "深圳"]
    assert campus_base("威海校区") == campus_base("威海分校") == "威海"


def test_an_alias_that_ends_with_a_campus_names_that_campus() -> None:
    idx = NameIndex([NameEntry("山东大学", 7, "山东大学", "official"), NameEntry("山大威海", 7, "山东大学", "short"),
                     NameEntry("东北大学", 8, "东北大学", "official"),
                     NameEntry("东北大学秦皇岛分校", 8, "东北大学", "spelling")],
                    [(7, "威海"), (8, "秦皇岛分校")])
    assert [(m.span, m.campus) for m in idx.find_mentions("山大威海怎么样")] == [("山大威海", "威海")]
    assert [m.campus for m in idx.find_mentions("东北大学秦皇岛分校 河北 分数线")] == ["秦皇岛"]
    assert [m.campus for m in idx.find_mentions("东北大学怎么样")] == [None]


def test_major_lines_label_programme_and_round(engine: Engine) -> None:
    from dataclasses import replace

    m = engine.answer("郑州大学的土木工程专业排名怎么样 附历年录取分数线")
    assert m.major is not None
    cut = dict(m.major["cutoffs"][0], special="中外合作", round="征集志愿")
    text = "\n".join(render(replace(m, major=dict(m.major, cutoffs=[cut]))))
    assert "土木工程【中外合作】【征集志愿】：" in text


def test_place_filter_tests_a_campus_in_its_own_city() -> None:
    from types import SimpleNamespace

    from bot.core import facts, places
    from bot.core.store import SchoolProfile

    def school(sid: int, name: str, prov: str, city: str) -> SchoolProfile:
        return SchoolProfile(sid, name, prov, city, "本科", "公办", None, None, False, False, False, None, None, ())

    store = SimpleNamespace(schools={1: school(1, "哈尔滨工业大学", "黑龙江", "哈尔滨市"),
                                     2: school(2, "山东大学", "山东", "济南市"), 3: school(3, "威海职业学院", "山东", "威海市")})
    where = places.place_test(["place:威海"], "山东")
    assert where is not None
    test = facts._campus_place_test(store, where)  # type: ignore[arg-type]
    assert test(1, "威海") and test(1, "威海校区") and not test(1, None) and not test(1, "深圳")
