"""Comparisons on the full database: one province and the same years, campuses, a rank placed, like with like."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.render import render
from bot.core.render.notes import maybe_text

pytestmark = pytest.mark.integration


def _ask(engine: Any, text: str) -> tuple[Any, str]:
    a = engine.answer(text)
    assert a.intent == "compare" and not a.problem, maybe_text(a.problem)
    return a, "\n".join(render(a))


def test_chuan_vs_chongqing_in_one_province_and_years(full_engine: Any) -> None:
    a, text = _ask(full_engine, "川大和重大哪个好")
    c = a.query["compare"]
    assert c["province"] in ("四川", "重庆") and c["years"]
    for p in a.schools:  # both sides in the same province and exactly the same years
        assert p["cutoffs_in"] == c["province"] and sorted(p["years"]) == sorted(c["years"])
    assert "录取难度" in text and "排名" in text


def test_schools_far_apart_use_a_common_province(full_engine: Any) -> None:
    a, _text = _ask(full_engine, "长春师范大学和广州大学哪个好")
    c = a.query["compare"]
    assert c["years"] and all(p["cutoffs_in"] == c["province"] for p in a.schools)
    assert c["higher_ranked"] == "广州大学"


def test_rank_places_both_schools_and_their_groups(full_engine: Any) -> None:
    a, text = _ask(full_engine, "我是广东物理 位次3万，华师和深大选哪个")
    assert [p["school"] for p in a.schools] == ["华南师范大学", "深圳大学"]
    assert a.query["compare"]["province"] == "广东" and a.query["rank"] == 30000
    assert all(p["tier"] in ("冲", "稳", "保", "") for p in a.schools)
    assert all(any("tier" in u for u in p["units"]) for p in a.schools)
    assert "位次30,000｜" in text


def test_two_campuses_are_two_schools(full_engine: Any) -> None:
    a, _text = _ask(full_engine, "哈工大威海和哈工大深圳哪个好")
    assert [p["campus"] for p in a.schools] == ["威海", "深圳"]
    assert [p["city"] for p in a.schools] == ["威海市", "深圳市"]
    y = a.query["compare"]["basis_year"]
    assert a.schools[0]["years"][y]["cutoff_rank"] != a.schools[1]["years"][y]["cutoff_rank"]


def test_hust_vs_whu_compares_like_with_like(full_engine: Any) -> None:
    a, text = _ask(full_engine, "华科和武大哪个好")
    c = a.query["compare"]
    assert c["province"] == "湖北"
    assert "按学校最低线比较" in text and "同年最难进的专业组" in text
    for p in a.schools:  # the school line is the easiest group of the same year
        assert p["units"] and p["units"][-1]["cutoff_rank"] == p["years"][p["units_year"]]["cutoff_rank"]
