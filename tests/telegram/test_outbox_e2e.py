"""The real bot process against the fake Bot API: no answer lost to an outage or a restart during one,
and paced sends that never meet Telegram's limits (issue 12 §2, §3). Timings are shortened through
GAOKAO_OUTBOX_RETRY; the outage lasts 3 s here instead of 30 s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from tests.telegram.fake_api import FakeBotAPI, message, spawn_bot, stop_bot

FAST_RETRY = {"GAOKAO_OUTBOX_RETRY": "0.05,0.5,600"}
QUESTIONS = [("郑大怎么样", "【郑州大学】"), ("/rank 河南 理科 447", "位次447"), ("你好", "高考志愿查询助手")]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


async def start(api: FakeBotAPI, db: Path, log: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    proc = await spawn_bot(api.base_url, db, log, extra_env=env)
    assert await api.wait_for(lambda: bool(api.sent("getUpdates")) or proc.returncode is not None, 40), log.read_text()
    assert proc.returncode is None, log.read_text()
    return proc


def texts(api: FakeBotAPI, chat: int) -> list[str]:
    return [c.params["text"] for c in api.sent("sendMessage", chat)]


def assert_in_order(api: FakeBotAPI, chats: Sequence[int], expected: Sequence[str]) -> None:
    for chat in chats:
        got = texts(api, chat)
        assert len(got) == len(expected), (chat, [t[:30] for t in got])
        assert all(piece in text for piece, text in zip(expected, got, strict=True)), (chat, [t[:30] for t in got])


async def test_an_outage_loses_no_answer_and_keeps_each_chats_order(api: FakeBotAPI, tg_db: Path,
                                                                    tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    proc = await start(api, tg_db, log, FAST_RETRY)
    try:
        api.outage("sendMessage", 3.0)
        ends = time.monotonic() + 3.0
        chats = [20_001, 20_002, 20_003, 20_004]
        for text, _ in QUESTIONS:  # one question per chat at a time, so each chat's answers come in this order
            for chat in chats:
                api.push(message(text, chat))
            await asyncio.sleep(0.3)
        assert await api.wait_for(lambda: all(len(api.sent("sendMessage", c)) >= 3 for c in chats), 30), log.read_text()
        await asyncio.sleep(0.5)  # a late duplicate would show up now
        assert_in_order(api, chats, [piece for _, piece in QUESTIONS])
        assert all(c.at >= ends - 0.05 for c in api.sent("sendMessage"))  # nothing got through the outage...
        assert len([f for f in api.faulted if f == ("sendMessage", "outage")]) >= 4  # ...though it was tried
        assert not any("抱歉" in t for c in chats for t in texts(api, c))
    finally:
        assert await stop_bot(proc) == 0, log.read_text()
    assert "outbox" in log.read_text()


async def test_an_answer_survives_a_restart_during_an_outage(api: FakeBotAPI, tg_db: Path, tmp_path: Path) -> None:
    env = {**FAST_RETRY, "GAOKAO_OUTBOX": str(tmp_path / "shared.outbox.sqlite")}
    first = await start(api, tg_db, tmp_path / "first.log", env)
    api.outage("sendMessage", 600)
    api.push(message("郑大怎么样", 30_001))
    try:
        assert await api.wait_for(lambda: ("sendMessage", "outage") in api.faulted, 20)
        assert await api.wait_for(lambda: api.pending == 0, 30)  # the update is confirmed: Telegram won't resend it
    finally:
        assert await stop_bot(first) == 0
    assert "1 replies left waiting for the next start" in (tmp_path / "first.log").read_text()
    api.outage("sendMessage", 0)  # Telegram is back
    second = await start(api, tg_db, tmp_path / "second.log", env)
    try:
        assert await api.wait_for(lambda: bool(api.sent("sendMessage", 30_001)), 20), (tmp_path / "second.log").read_text()
        await asyncio.sleep(0.5)
        assert len(texts(api, 30_001)) == 1 and "【郑州大学】" in texts(api, 30_001)[0]
    finally:
        assert await stop_bot(second) == 0
    assert "outbox: 1 replies waiting for 1 chats" in (tmp_path / "second.log").read_text()


def burst(api: FakeBotAPI, privates: Sequence[int], groups: Sequence[int], per_chat: int) -> None:
    """`per_chat` questions to each private chat and each group (groups by command, from different users)."""
    for i in range(per_chat):
        for chat in privates:
            api.push(message(QUESTIONS[i % 3][0], chat))
        for g, chat in enumerate(groups):
            api.push(message("/rank 河南 理科 447", chat, user_id=900 + 10 * g + i, chat_type="supergroup",
                             message_id=100 + i))


@pytest.mark.parametrize("pacing", ["1", "0"])
async def test_paced_burst_meets_no_429_and_loses_nothing(api: FakeBotAPI, tg_db: Path, tmp_path: Path,
                                                          pacing: str) -> None:
    api.enforce()
    log = tmp_path / "bot.log"
    proc = await start(api, tg_db, log, {**FAST_RETRY, "GAOKAO_PACING": pacing})
    privates, groups = list(range(40_001, 40_013)), [-1_004_001, -1_004_002]
    try:
        burst(api, privates, groups, per_chat=4)
        everyone = [*privates, *groups]
        assert await api.wait_for(lambda: all(len(api.sent("sendMessage", c)) >= 4 for c in everyone), 60), \
            log.read_text()
        await asyncio.sleep(0.5)
        assert all(len(api.sent("sendMessage", c)) == 4 for c in everyone)  # none lost, none doubled
    finally:
        assert await stop_bot(proc) == 0, log.read_text()
    if pacing == "1":
        assert api.limited == []
    else:  # the check can fail: unpaced, the same burst runs into the limits (and the outbox recovers)
        assert api.limited
