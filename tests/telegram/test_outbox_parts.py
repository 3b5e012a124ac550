"""The outbox inside the Telegram door: /datainfo shows what waits; permanent rejections are dropped."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.serve.outbox import Backoff, Outbound, SqliteOutbox
from bot.settings import Settings
from bot.telegram.app import make_bot
from bot.telegram.session import RetrySession
from tests.telegram.conftest import Harness
from tests.telegram.fake_api import TOKEN, FakeBotAPI


async def test_datainfo_shows_the_replies_waiting_in_the_outbox(h: Harness, tmp_path: Path) -> None:
    out = Outbound(SqliteOutbox(tmp_path / "o.sqlite"))
    for chat in (1, 2):
        await out.put(chat, "sendMessage", {"chat_id": chat, "text": "x"})
    h.dp["outbound"] = out
    (reply,) = await h.say("/datainfo")
    assert "待发送的回复：2" in reply.text
    out.store.close()


async def test_datainfo_without_an_outbox_says_nothing_about_it(h: Harness) -> None:
    (reply,) = await h.say("/datainfo")
    assert "待发送" not in reply.text


@pytest.mark.parametrize("fault", ["403", "400"])
async def test_a_permanent_rejection_is_dropped_with_one_log_line(
        tmp_path: Path, fault: str, caplog: pytest.LogCaptureFixture) -> None:
    api = FakeBotAPI()
    await api.start()
    out = Outbound(SqliteOutbox(tmp_path / "o.sqlite"), backoff=Backoff(0.01, 0.05, 60))
    bot = make_bot(Settings(token=TOKEN, api_base=api.base_url, pacing=False), outbound=out)
    session = bot.session
    assert isinstance(session, RetrySession)
    await out.start(lambda item: session.attempt(bot, item))
    api.inject("sendMessage", "500", fault)
    with caplog.at_level(logging.INFO):
        queued = await bot.send_message(77, "你好")  # the 500 sends it to the outbox; the caller is not held up
        assert queued.message_id == 0
        assert await api.wait_for(lambda: len(api.faulted) == 2, 5)
        assert await api.wait_for(lambda: out.store._counts.total() == 0, 5)  # type: ignore[attr-defined]
        await bot.send_message(77, "再见")  # the chat is free again: sent at once
    assert [c.params["text"] for c in api.sent("sendMessage")] == ["再见"]
    assert len([r for r in caplog.records if "dropped a reply to chat 77" in r.getMessage()]) == 1
    await out.close()
    await bot.session.close()
    await api.stop()
