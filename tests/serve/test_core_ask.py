"""Core.ask / Core.tiers: a typed query answered in a worker thread, no text parsed, remembered by the query."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core import answer as answer_module
from bot.core.answer import Engine
from bot.core.asks import CompareAsk, RankAsk
from bot.core.parse import Query
from bot.serve.engines import DEEP_PER_TIER, Engines


@pytest.fixture
async def engines(tiny_db: Path) -> AsyncIterator[Engines]:
    e = Engines(Engine.open(tiny_db))
    yield e
    await e.close()


def spy(engine: Engine, name: str) -> list[tuple[Any, str]]:
    """Record (argument, thread name) of every call of `engine.<name>`."""
    calls: list[tuple[Any, str]] = []
    real: Callable[[Any], Any] = getattr(engine, name)

    def recording(arg: Any) -> Any:
        calls.append((arg, threading.current_thread().name))
        return real(arg)

    setattr(engine, name, recording)
    return calls


async def test_an_equal_ask_is_answered_from_memory_in_a_worker_thread(engines: Engines,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real_parse = answer_module.parse

    def no_parsing(*args: Any) -> Query:
        if threading.current_thread().name.startswith("engine"):  # the threads questions are answered in
            raise AssertionError("a typed query was parsed")
        return real_parse(*args)  # the start-up warm-up thread parses one message to load the parser's tables

    monkeypatch.setattr(answer_module, "parse", no_parsing)
    with engines.lease() as core:
        asks = spy(core.engine, "ask")
        first = await core.ask(RankAsk("河南", "物理类", 100, filters=("region:川渝",)))
        again = await core.ask(RankAsk("河南", "物理类", 100, filters=("region:川渝",)))
        assert again is first and len(asks) == 1
        (query, thread), = asks
        assert isinstance(query, Query) and query.filters == ("region:川渝",) and thread.startswith("engine")
        assert {r["school"] for r in first.results} == {"重庆大学", "四川大学"}
        other = await core.ask(RankAsk("河南", "物理类", 100))
        assert other is not first and len(asks) == 2 and len(other.results) > len(first.results)


async def test_tiers_use_the_deep_engine_and_their_own_memory(engines: Engines) -> None:
    ask = RankAsk("河南", "物理类", 100)
    with engines.lease() as core:
        deep, shallow = spy(core.slot.deep, "ask"), spy(core.engine, "ask")
        pages = await core.tiers(ask)
        assert await core.tiers(ask) is pages and len(deep) == 1 and not shallow
        assert await core.ask(ask) is not pages and len(shallow) == 1
    assert core.slot.deep.params.per_tier == DEEP_PER_TIER


async def test_the_text_path_stays_for_messages(engines: Engines) -> None:
    with engines.lease() as core:
        texts, asks = spy(core.engine, "answer"), spy(core.engine, "ask")
        said = await core.answer("河南 物理类 位次100")
        assert await core.answer("河南 物理类 位次100") is said and len(texts) == 1
        assert [len(texts), len(asks)] == [1, 1]  # answer() reaches ask() through the engine, not the Core
        pressed = await core.ask(RankAsk("河南", "物理类", 100))
        assert pressed is not said and pressed.results == said.results


async def test_compare_asks_and_parsed_queries_are_keys_too(engines: Engines) -> None:
    with engines.lease() as core:
        asks = spy(core.engine, "ask")
        pair = CompareAsk(2, 3, "河南", ("郑州大学", "河南大学"))
        got = await core.ask(pair)
        assert got.query["school_a"] == "郑州大学" and await core.ask(pair) is got
        parsed = pair.to_query()
        assert await core.ask(parsed) is not got and await core.ask(parsed) is not None
        assert len(asks) == 2
