"""Rate limit, errors turned into apologies, long answers split, plain text, the retrying session."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.serve.engines import Core
from bot.serve.ratelimit import RateLimiter, Verdict
from bot.settings import Settings
from bot.telegram.app import make_bot
from bot.telegram.replies import send_parts
from bot.telegram.session import RetryPolicy, RetrySession
from tests.telegram.conftest import Harness, make_harness
from tests.telegram.fake_api import TOKEN, FakeBotAPI

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


def test_rate_limiter_allows_a_burst_then_notifies_once_then_drops() -> None:
    now = [0.0]
    rl = RateLimiter(capacity=3, per_second=1.0, clock=lambda: now[0])
    assert [rl.hit(1) for _ in range(5)] == [Verdict.ALLOW] * 3 + [Verdict.NOTIFY, Verdict.DROP]
    assert rl.hit(2) is Verdict.ALLOW  # per user
    now[0] = 1.0
    assert rl.hit(1) is Verdict.ALLOW


async def test_flooding_user_gets_one_polite_notice(tg_db: Path) -> None:
    h = await make_harness(tg_db, limiter=RateLimiter(capacity=2, per_second=0.001))
    replies = [await h.say("郑大怎么样", chat_id=9, user_id=9) for _ in range(5)]
    assert [len(r) for r in replies] == [1, 1, 1, 0, 0]
    assert "稍等" in replies[2][0].text
    assert len(await h.say("郑大怎么样", chat_id=10, user_id=10)) == 1  # other users are not affected
    await h.engines.close()


async def test_a_handler_exception_becomes_an_apology_and_a_log_line(
        h: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def boom(self: Core, text: str) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(Core, "answer", boom)
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        sent = await h.say("郑大怎么样")
    assert len(sent) == 1 and "抱歉" in sent[0].text
    assert any("failed" in r.getMessage() and r.exc_info for r in caplog.records)
    monkeypatch.undo()
    assert "【郑州大学】" in (await h.say("郑大怎么样"))[0].text  # and the next update is fine


async def test_long_answers_are_split_under_4096_and_sent_as_plain_text(h: Harness) -> None:
    h.session.clear()
    long = "\n".join(f"第{i}行 <b>不是HTML</b> & 符号" for i in range(800))
    await send_parts(h.bot, 5, [long])
    sent = h.session.sends("SendMessage")
    assert len(sent) >= 4 and all(len(r.text) <= 4096 and r.parse_mode is None for r in sent)
    assert "\n".join(r.text for r in sent) == long


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


async def session_bot(api: FakeBotAPI, policy: RetryPolicy = FAST) -> Bot:
    return make_bot(Settings(token=TOKEN, api_base=api.base_url), policy)


@pytest.mark.parametrize("fault", ["500", "drop"])
async def test_session_retries_5xx_and_dropped_connections(api: FakeBotAPI, fault: str) -> None:
    bot = await session_bot(api)
    api.inject("sendMessage", fault, fault)
    await bot.send_message(1, "hi")
    assert api.faulted == [("sendMessage", fault)] * 2 and len(api.sent("sendMessage")) == 1
    await bot.session.close()


async def test_session_honours_retry_after_for_that_chat(api: FakeBotAPI) -> None:
    bot = await session_bot(api)
    api.inject("sendMessage", "429")
    t0 = time.monotonic()
    await asyncio.gather(bot.send_message(1, "a"), bot.send_message(1, "b"))
    assert time.monotonic() - t0 >= 0.95  # retry_after=1
    assert sorted(c.params["text"] for c in api.sent("sendMessage")) == ["a", "b"]
    await bot.session.close()


async def test_session_gives_up_after_its_attempts(api: FakeBotAPI) -> None:
    bot = await session_bot(api, RetryPolicy(attempts=2, base_delay=0.01))
    api.inject("sendMessage", "500", "500", "500")
    with pytest.raises(Exception, match="Internal Server Error"):
        await bot.send_message(1, "x")
    await bot.session.close()
    bot = await session_bot(api, RetryPolicy(attempts=3, max_retry_after=0.5))
    api.inject("sendMessage", "429")
    with pytest.raises(TelegramRetryAfter):  # a flood wait longer than we accept is not waited out
        await bot.send_message(1, "x")
    await bot.session.close()


async def test_unreachable_server_is_a_network_error_after_retries() -> None:
    bot = make_bot(Settings(token=TOKEN, api_base="http://127.0.0.1:9"), FAST)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1, "x")
    await bot.session.close()


def test_requests_go_to_base_bot_token_method(api: FakeBotAPI) -> None:
    bot = make_bot(Settings(token=TOKEN, api_base=api.base_url + "/"))
    assert isinstance(bot.session, RetrySession)
    assert bot.session.api.api_url(TOKEN, "getMe") == f"{api.base_url}/bot{TOKEN}/getMe"


async def test_sends_use_no_parse_mode(h: Harness) -> None:
    sent = await h.say("<script>alert(1)</script> 郑大怎么样")
    assert all(isinstance(r, SendMessage) and r.parse_mode is None for r in sent)
