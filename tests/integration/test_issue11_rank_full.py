"""Issue 11 §3 and §6 on the full build: honest coverage in every rank answer, 保 from schools that filled at the
batch line, and a default answer short enough for a phone (the long form behind 更多)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cli import MORE_HINT, chat_reply
from bot.core.render import MAX_LINES, render
from bot.core.render.notes import texts

pytestmark = pytest.mark.integration

NO_SAFE = "没有哪所学校能算作稳妥的保底"


def _short(a: Any) -> str:
    (text,) = render(a)
    return text


def _lines_vs(a: Any) -> str:
    return next(x for x in texts(a.placement) if x.startswith("对照"))


@pytest.mark.parametrize("text", ["河南 理科 447200", "甘肃 物理 400分", "贵州 物理 位次20万", "广东 物理 位次3万",
                                  "山东 位次40万", "江苏 物理 位次5万 公办", "四川 文科 500分", "浙江 位次10万"])
def test_every_rank_answer_fits_a_phone_with_two_note_lines(full_engine: Any, text: str) -> None:
    a = full_engine.answer(text)
    short = _short(a)
    assert len(short.splitlines()) <= MAX_LINES, short
    assert sum(1 for x in short.splitlines() if x.startswith("注：")) <= 2, short
    for tier in ("冲", "稳"):  # every tier header says how many schools and which years it rests on
        if a.query["totals"][tier]:
            assert f"共{a.query['totals'][tier]}所（" in short and "年数据）" in short, short


@pytest.mark.parametrize(("text", "zhuanke"), [("河南 理科 447200", "高于专科批线179分187分"),
                                               ("甘肃 物理 400分", "高于专科批线180分220分"),
                                               ("贵州 物理 位次20万", "高于专科批线200分115分")])
def test_the_user_is_placed_against_the_benke_and_the_zhuanke_line(full_engine: Any, text: str, zhuanke: str) -> None:
    a = full_engine.answer(text)
    assert "本科批线" in _lines_vs(a) and zhuanke in _lines_vs(a)


def test_henan_447200_says_its_zhuanke_data_is_thin_not_that_no_school_is_safe(full_engine: Any) -> None:
    a = full_engine.answer("河南 理科 447200")
    short = _short(a)
    cov = {c["level"]: c for c in a.query["coverage"]}
    assert set(cov) == {"专科"}  # 53 points below the 本科 line: only 专科 is within reach
    z = cov["专科"]
    assert z["thin"] and z["years"]["2024"]["verified"] == 4 and z["years"]["2025"]["verified"] == 1
    assert "河南物理类专科院校：" in short and "2025年1所有核验的逐校数据" in short
    assert "无法给出可靠的专科冲稳保" in short
    assert NO_SAFE not in short + "".join(texts(a.notes))
    assert "逐校数据不足" in short  # the 保 header says the data is missing


def test_guizhou_200k_gets_schools_that_filled_at_the_line_as_safe(full_engine: Any) -> None:
    a = full_engine.answer("贵州 物理 位次20万")
    safe = [r for r in a.results if r["tier"] == "保"]
    assert a.query["weak_safe"] == "" and a.query["at_line"] >= 3
    assert safe and all(r["at_line"] and r["verified"] for r in safe)
    for r in safe:  # each filled within 10 points of its year's 专科 line, and the user is 115 points above 200
        assert all(h["cutoff_score"] <= 200 for h in r["history"]), r
    assert "往年在批次线附近录满，线上即可录取" in _short(a)


def test_gansu_400_says_why_there_is_no_sure_safe_school(full_engine: Any) -> None:
    a = full_engine.answer("甘肃 物理 400分")
    short = _short(a)
    cov = {c["level"]: c for c in a.query["coverage"]}
    assert cov["本科"]["thin"] and cov["专科"]["stale"]  # 66 verified 本科 schools in 2025; 专科 only in 2024
    assert "甘肃物理类本科院校：" in short and "甘肃物理类专科院校：" in short
    assert NO_SAFE not in short + "".join(texts(a.notes))
    assert "逐校数据不足" in short


def test_a_thick_province_is_not_called_thin(full_engine: Any) -> None:
    a = full_engine.answer("广东 物理 位次3万")
    assert a.query["coverage"] and not any(c["thin"] for c in a.query["coverage"])
    assert "逐校数据" not in _short(a)


def test_shown_schools_mix_public_and_private(full_engine: Any) -> None:
    for text in ("河南 理科 位次30万", "广东 物理 位次20万", "山东 位次35万", "贵州 物理 位次20万"):
        a = full_engine.answer(text)
        for tier in ("冲", "稳", "保"):
            natures = [r["nature"] for r in a.results if r["tier"] == tier]
            run = 0
            for i, n in enumerate(natures):
                run = run + 1 if n == "民办" else 0
                # a third 民办 in a row only when no 公办 school of the tier was left to show
                assert run <= 2 or "公办" not in natures[i:], (text, tier, natures)


def test_more_in_the_chat_shows_the_long_form_of_the_last_rank_answer(full_engine: Any) -> None:
    first, last = chat_reply(full_engine, "河南 理科 447200", None)
    assert first.endswith(MORE_HINT) and len(first.splitlines()) <= MAX_LINES
    more, again = chat_reply(full_engine, "更多", last)
    assert again is last and len(more.splitlines()) > MAX_LINES
    assert "2023 329分/位次≈438,472" in more  # every year of a school (黄河科技学院)
    assert "注：录取位次取自" in more and "数据覆盖" in more
    detail, _ = chat_reply(full_engine, "/detail", last)
    assert detail == more
