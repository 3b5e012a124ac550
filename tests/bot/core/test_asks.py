"""Typed queries buttons carry (bot/core/asks.py): the engine answers them as it answers the same message."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.answer import Answer, Engine
from bot.core.asks import CompareAsk, RankAsk, canonical_filters, place_key, rank_ask
from bot.core.parse import parse

# a message -> the ask its rank answer's buttons carry
MESSAGES = {
    "河南 物理类 位次100": RankAsk("河南", "物理类", 100),
    "河南 理科 位次100 2024年": RankAsk("河南", "理科", 100, 2024),
    "河南 物理类 位次100 只看省内公办": RankAsk("河南", "物理类", 100, filters=("home", "public")),
    "河南 物理类 位次100 只看川渝": RankAsk("河南", "物理类", 100, filters=("region:川渝",)),
    "河南 物理类 位次100 只看成都或重庆 985": RankAsk("河南", "物理类", 100,
                                                     filters=("985", "place:成都", "place:重庆")),
    "河南 物理类 位次100 离家近 不要专科": RankAsk("河南", "物理类", 100, filters=("no_zk", "near")),
    "河南 理科 位次100 2024年 省外": RankAsk("河南", "理科", 100, 2024, filters=("away",)),
    "河南 物理类 位次200 想学软件工程": RankAsk("河南", "物理类", 200, major="软件工程"),
}


def plain(answer: Answer) -> dict[str, Any]:
    """An answer as JSON, without the query text (a button's is its display text)."""
    d = answer.to_dict()
    d["query"].pop("text")
    return d


@pytest.mark.parametrize("text", MESSAGES)
def test_a_rank_answer_names_the_ask_its_buttons_carry(engine: Engine, text: str) -> None:
    answer = engine.answer(text)
    assert answer.results, text
    assert rank_ask(answer.query) == MESSAGES[text]


@pytest.mark.parametrize("text", MESSAGES)
def test_an_ask_is_answered_as_the_message_it_came_from(engine: Engine, text: str) -> None:
    ask = MESSAGES[text]
    assert plain(engine.ask(ask.to_query())) == plain(engine.answer(text))


@pytest.mark.parametrize("ask", MESSAGES.values())
def test_the_display_text_reads_back_as_the_same_query(engine: Engine, ask: RankAsk) -> None:
    q = parse(ask.text, engine.names, frozenset({"成都", "重庆"}))
    assert q == ask.to_query()


def test_a_rank_ask_refuses_what_parse_never_produces() -> None:
    for bad in ("major:计算机", "place:", "nowhere", ""):
        with pytest.raises(ValueError):
            RankAsk("河南", "物理类", 100, filters=(bad,))
    with pytest.raises(ValueError):
        RankAsk("河南", "物理类", 0)


def test_place_words_read_back_as_parse_keys_them() -> None:
    assert place_key("江浙沪") == "region:江浙沪" and place_key("武汉") == "place:武汉"
    assert canonical_filters(["away", "place:武汉", "985", "near", "home", "985"]) == (
        "home", "985", "place:武汉", "near", "away")


def test_no_ask_without_a_rank_and_no_major_filter_among_the_filters(engine: Engine) -> None:
    assert rank_ask(engine.answer("河南 理科").query) is None
    answer = engine.answer("河南 物理类 位次200 想学软件工程")
    assert "major:软件工程" in answer.query["filters"]
    ask = rank_ask(answer.query)
    assert ask is not None and ask.filters == () and ask.major == "软件工程"


def test_a_compare_ask_is_answered_as_the_message(engine: Engine) -> None:
    ask = CompareAsk(2, 3, "河南", ("郑州大学", "河南大学"))
    got = engine.ask(ask.to_query())
    assert got.intent == "compare" and got.query["school_a"] == "郑州大学" and got.query["school_b"] == "河南大学"
    assert plain(got) == plain(engine.answer("河南 郑州大学和河南大学对比"))
    assert plain(engine.ask(CompareAsk(6, 7, None, ("四川大学", "重庆大学")).to_query())) == plain(
        engine.answer("四川大学和重庆大学对比"))


def test_queries_are_hashable_keys(engine: Engine) -> None:
    """The serving cache keys answers by the query: a parsed one holds mentions and candidates."""
    q = parse("郑大和川大对比", engine.names)
    assert q.schools and hash(q) == hash(parse("郑大和川大对比", engine.names))
    assert len({MESSAGES["河南 物理类 位次100"], RankAsk("河南", "物理类", 100)}) == 1
