"""Issue 11 §1–2 on the database built from the full sources: the grain students apply at, and major interest."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.render import render
from bot.core.render.notes import texts

pytestmark = pytest.mark.integration


def test_fujian_lists_groups_with_their_majors_and_ranges(full_engine: Any) -> None:
    a = full_engine.answer("福建 物理 位次12000")
    grouped = [r for r in a.results if r["unit_kind"] == "group"]
    assert grouped, a.results
    for r in grouped:
        assert r["group"]["name"] and r["unit_rank"] and r["unit_year"]
        if r["range"]:
            assert r["range"]["highest"] <= r["unit_rank"] <= r["range"]["lowest"]
    text = "\n".join(render(a, detail=True))
    assert any(f"{r['school']} · " in text for r in grouped)
    # one school once per tier, each entry at most two lines
    for tier in ("冲", "稳", "保"):
        names = [r["school"] for r in a.results if r["tier"] == tier]
        assert len(names) == len(set(names))
    assert all(r["programme"]["code"] == "ordinary" and r["round"]["code"] == "first" for r in a.results)


def test_guangdong_groups_carry_their_codes(full_engine: Any) -> None:
    a = full_engine.answer("广东 物理 位次12000")
    coded = [r for r in a.results if r["group"] and r["group"]["code"]]
    assert len(coded) >= 5
    assert all(r["group"]["name"] == f"{r['group']['code']}组" for r in coded)
    assert "组" in "\n".join(render(a))


def test_guangdong_computer_science_shows_the_matching_majors(full_engine: Any) -> None:
    a = full_engine.answer("广东 物理 位次3万 想学计算机")
    assert "major:计算机" in a.query["filters"]
    assert len(a.results) >= 10
    words = a.query["major_words"]
    for r in a.results:
        assert r["majors"] and all(any(w in m for w in words) for m in r["majors"]), r
    text = "\n".join(render(a))
    assert "计算机" in text and "学校列表暂不能按专业筛选" not in text
    assert all(len(line) < 120 for line in text.splitlines())


def test_henan_computer_science_no_longer_lists_schools_without_a_matching_major(full_engine: Any) -> None:
    a = full_engine.answer("河南 物理 位次3万 想学计算机")
    assert a.results and all(r["majors"] for r in a.results)
    assert all(any(w in m for w in a.query["major_words"] for m in r["majors"]) for r in a.results)


def test_medicine_in_a_major_province_filters_majors(full_engine: Any) -> None:
    a = full_engine.answer("山东 位次2万 学医")
    assert a.results and "major:学医" in a.query["filters"]
    assert all(r["unit_kind"] in ("major", "school") and r["majors"] for r in a.results)


def test_without_major_lists_the_answer_says_so_and_lists_schools(full_engine: Any) -> None:
    a = full_engine.answer("湖南 历史 位次5000 师范")
    if "major:师范" in a.query["filters"]:  # a later build may list 湖南's group majors
        assert all(any("师范" in m for m in r["majors"]) for r in a.results)
    else:
        assert any("无法按“师范”筛选" in n for n in texts(a.notes)) and a.results
