"""Ranks beyond a cohort, scores outside a table, truncated tables and bad numbers get honest answers."""

from __future__ import annotations

import re

from bot.core.answer import Engine
from bot.core.render import render
from bot.core.render.notes import maybe_text, texts


def _text(engine: Engine, message: str) -> str:
    return "\n".join(render(engine.answer(message)))


def _no_pretence(text: str) -> None:
    """No share above 100%, no made-up score at the table's end, no '0分' gap."""
    assert all(float(p) <= 100 for p in re.findall(r"前([\d.]+)%", text)), text
    assert "约合0分" not in text and "分0分" not in text, text


def test_truncated_table_is_marked(engine: Engine) -> None:
    assert engine.store.table("江苏", "物理类", 2026).truncated  # type: ignore[union-attr]
    assert not engine.store.table("江苏", "物理类", 2024).truncated  # type: ignore[union-attr]
    assert not engine.store.table("河南", "理科", 2024).truncated  # type: ignore[union-attr]


def test_rank_beyond_a_truncated_table_is_placed_below_its_lowest_score(engine: Engine) -> None:
    a = engine.answer("江苏 物理 位次900")
    text = "\n".join(render(a))
    _no_pretence(text)
    assert "低于表内最低分456分" in texts(a.placement)[0]
    assert "约合2026年" not in texts(a.placement)[0] and "%" not in texts(a.placement)[0]
    assert "低于本科批线456分" in text and "高于本科批线" not in text
    # the previous year's full table, named as such
    assert "按2024年江苏物理类的完整一分一段表" in text and "这是2024年的表" in text
    assert any("最后一名" in n and "直接比较" in n for n in texts(a.notes))


def test_rank_beyond_every_table_names_none(engine: Engine) -> None:
    a = engine.answer("江苏 物理 位次5000")
    text = "\n".join(render(a))
    _no_pretence(text)
    assert "完整一分一段表" not in text


def test_rank_beyond_a_full_cohort_is_said_plainly(engine: Engine) -> None:
    a = engine.answer("河南 理科 1000000")
    assert a.problem is not None and not a.results and not texts(a.placement)
    assert "超过2025年河南物理类的考生总数" in maybe_text(a.problem) and "请核对位次" in maybe_text(a.problem)
    _no_pretence("\n".join(render(a)))


def test_score_below_a_truncated_table_uses_the_named_full_table(engine: Engine) -> None:
    a = engine.answer("江苏 物理 300分")
    text = "\n".join(render(a))
    _no_pretence(text)
    assert a.query["table_year"] == 2024 and a.query["rank"] == 801
    assert any("低于2026年江苏物理类一分一段表内的最低分456分" in n and "2024年" in n for n in texts(a.notes))


def test_score_below_every_table_cannot_be_converted(engine: Engine) -> None:
    a = engine.answer("江苏 物理 150分")
    assert a.problem is not None and "无法换算位次" in maybe_text(a.problem) and "最低分456分" in maybe_text(a.problem)
    assert not a.results


def test_share_of_a_truncated_table_is_not_a_percentage(engine: Engine) -> None:
    a = engine.answer("江苏 物理 500分")
    assert "算不出位次百分比" in texts(a.placement)[0] and "%" not in texts(a.placement)[0]
    assert a.query["table_truncated"] is True


def test_score_above_the_table_says_so(engine: Engine) -> None:
    a = engine.answer("河南 理科 720分")
    assert any("高于" in n and "最高分700分" in n for n in texts(a.notes))


def test_full_table_keeps_its_percentage(engine: Engine) -> None:
    a = engine.answer("河南 理科 500")
    assert re.search(r"位次约前[\d.]+%", texts(a.placement)[0])


def test_bad_numbers_are_refused_with_an_example(engine: Engine) -> None:
    for message, shown in (("河南 理科 1e308", "1e308"), ("河南 理科 -5000", "-5000"),
                           ("河南 理科 位次-5000", "-5000"), ("河南 理科 -580分", "-580")):
        a = engine.answer(message)
        assert a.intent == "help" and a.query["rank"] is None and a.query["score"] is None, message
        assert a.problem is not None and f"“{shown}”不能是位次或分数" in maybe_text(a.problem) and "580分" in maybe_text(a.problem)
        assert not any(shown in n for n in texts(a.notes))  # said once


def test_long_off_topic_text_is_help(engine: Engine) -> None:
    report = ("本周工作汇报：周一8点到山东省济南市参加项目启动会，14:30与客户对接需求，晚上整理会议纪要并提交。"
              "周二9点30分继续在山东省内走访三家合作单位，下午16:00回公司汇报进度，讨论下一阶段的预算和人员安排。"
              "周三上午10点参加部门例会，布置季度目标，下午处理合同审批流程和报销单据，18:00前完成周报初稿。"
              "周四出差青岛，与供应商确认交付时间，晚上20点返回。周五总结本周问题，制定下周计划，安排团队培训。") * 2
    assert len(report) > 300
    a = engine.answer(report)
    assert a.intent == "help" and maybe_text(a.problem) is None and a.query["province"] is None
    assert render(a)[0].startswith("您好")


def test_long_question_with_a_rank_word_is_still_answered(engine: Engine) -> None:
    text = "老师您好，我家孩子是河南的理科考生，今年发挥得不算太好，位次大概500名左右，" * 2 + "想问问能报哪些学校？"
    assert engine.answer(text).intent == "rank"
