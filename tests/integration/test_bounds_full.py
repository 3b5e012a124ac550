"""Ranks beyond a cohort and tables that stop early, on the full database (issue 10 §4, issue 12 §5)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.core.render import render
from bot.core.render.notes import maybe_text, texts

pytestmark = pytest.mark.integration


def _text(engine: Any, message: str) -> str:
    return "\n".join(render(engine.answer(message)))


def _honest(text: str) -> None:
    assert all(float(p) <= 100 for p in re.findall(r"前([\d.]+)%", text)), text
    assert not re.search(r"约合(?:\d{4}年)?0分", text) and not re.search(r"\d分0分", text), text


def test_jiangsu_2026_stops_at_its_benke_line(full_engine: Any) -> None:
    table = full_engine.store.table("江苏", "物理类", 2026)
    assert table is not None and table.truncated and table.low == 456
    a = full_engine.answer("江苏 物理 位次25万")
    text = "\n".join(render(a))
    _honest(text)
    assert "低于表内最低分456分（位次约" in texts(a.placement)[0] and "约合2026年" not in texts(a.placement)[0]
    assert "低于本科批线456分" in text and "高于本科批线" not in text
    assert any("最后一名" in n for n in texts(a.notes))


@pytest.mark.parametrize(("message", "cohort"), [("河南 理科 1000000", "河南物理类"), ("贵州 物理 51.3万", "贵州物理类")])
def test_rank_beyond_the_cohort_is_said_plainly(full_engine: Any, message: str, cohort: str) -> None:
    a = full_engine.answer(message)
    text = "\n".join(render(a))
    _honest(text)
    assert a.problem is not None and f"{cohort}的考生总数" in maybe_text(a.problem) and "请核对位次" in maybe_text(a.problem)
    assert not a.results and "约合" not in text


def test_score_below_a_truncated_table_names_the_full_one(full_engine: Any) -> None:
    a = full_engine.answer("江苏 物理 300分")
    _honest("\n".join(render(a)))
    assert a.query["table_year"] < 2026
    assert any("最低分456分" in n and "完整一分一段表" in n for n in texts(a.notes))


def test_bad_numbers_on_full_data(full_engine: Any) -> None:
    for message in ("河南 理科 1e308", "河南 理科 -5000"):
        a = full_engine.answer(message)
        assert a.intent == "help" and maybe_text(a.problem) and "不能是位次或分数" in maybe_text(a.problem), message
