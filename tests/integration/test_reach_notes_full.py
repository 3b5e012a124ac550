"""Issue 11 on the full build: rank answers speak only in note codes, and a thin 保 comes with a next step."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.notes import Note
from bot.core.render import render
from bot.core.render.notes import TEXT, brief_text, note_text

pytestmark = pytest.mark.integration

MESSAGES = [
    "河南 理科 447200", "甘肃 物理 400分", "贵州 物理 位次20万", "广东 物理 位次3万", "山东 位次40万", "浙江 位次10万",
    "江苏 物理 位次5万 公办", "四川 文科 500分", "江西 历史 520分", "吉林 文科 420分", "青海 理科 385分",
    "湖北 物理类 612分 只看985", "河南 物理 位次5万 只看985", "江苏 历史 位次3万 只看江浙沪 公办", "广东 物理 200分",
    "北京 理科 位次5000", "河南 物理类 位次99999999", "河南 理科 580分 位次5000", "山东 位次5000 想学计算机",
    "江苏 物理 位次1.5万 想学计算机", "河南 2019 理科 位次5000", "甘肃 物理类 350分", "新疆 理科 300分",
    "西藏 理科 位次5000", "海南 综合 600分", "河南 理科 -5000", "香港 位次5000", "河南 理科", "位次5000",
]


def test_every_rank_answer_item_is_a_note_with_a_text(full_engine: Any) -> None:
    codes: set[str] = set()
    for m in MESSAGES:
        a = full_engine.answer(m)
        items = [*a.notes, *getattr(a, "brief", []), *getattr(a, "placement", []), *([a.problem] if a.problem else [])]
        for n in items:
            assert isinstance(n, Note), (m, n)
            assert n.code in TEXT and note_text(n) and brief_text(n), (m, n)
            codes.add(n.code)
        assert render(a) and render(a, detail=True)
    assert len(codes) >= 30, sorted(codes)


def test_a_single_private_safe_choice_comes_with_a_next_step(full_engine: Any) -> None:
    a = full_engine.answer("江西 历史 520分")
    assert a.query["totals"]["保"] == 1 and a.query["line_margins"]["专科"] > 0
    step = next(n for n in a.notes if isinstance(n, Note) and n.code == "reach.next-step")
    assert step["zhuanke_margin"] == a.query["line_margins"]["专科"] and step["levels"] == ("本科",)
    assert f"高于专科批线{step['zhuanke_margin']:g}分，可以再填几所专科院校兜底" in note_text(step)
    (short,) = render(a)
    (safe,) = [r for r in a.results if r["tier"] == "保"]
    if safe["nature"] == "民办":  # the one 保 is private: said so
        assert step["private"] == 1 and "本科“保”只有1所（民办），可加填专科院校兜底" in short
    else:
        assert step["private"] == 0 and "本科“保”只有1所，可加填专科院校兜底" in short
    assert not any(n.code == "reach.next-step" for n in full_engine.answer("江西 历史 600分").notes
                   if isinstance(n, Note))  # a 保 list of its own: no next step
