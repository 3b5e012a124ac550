"""The pacing buckets and the durable outbox on their own (no Telegram, no network)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from bot.serve.outbox import (
    Backoff,
    Item,
    Outbound,
    OutboxError,
    Rejected,
    SqliteOutbox,
    Transient,
    outbox_path,
)
from bot.serve.pacing import Limits, NoPacing, Rate, TokenPacer, make_pacer
from bot.settings import load_settings


class Clock:
    """Virtual time: `sleep` waits until `run` has moved the clock past the sleeper's wake-up time."""

    def __init__(self) -> None:
        self.now = 100.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, id(fut), fut))
        await fut

    async def run(self, *coros: Coroutine[Any, Any, None]) -> None:
        """Run the coroutines, jumping from one wake-up time to the next whenever all of them wait."""
        tasks = [asyncio.create_task(c) for c in coros]
        while not all(t.done() for t in tasks):
            for _ in range(20):
                await asyncio.sleep(0)
            if self._sleepers:
                when, _, fut = heapq.heappop(self._sleepers)
                self.now = max(self.now, when)
                fut.set_result(None)
        await asyncio.gather(*tasks)


def test_private_chat_gets_one_message_per_1_25_seconds() -> None:
    clock = Clock()
    pacer = TokenPacer(clock=clock)
    assert pacer.try_acquire(1) and not pacer.try_acquire(1)
    assert pacer.try_acquire(2)  # another chat is not held up
    clock.now += 1.2
    assert not pacer.try_acquire(1)
    clock.now += 0.06
    assert pacer.try_acquire(1)


def test_overall_budget_caps_a_burst_over_many_chats() -> None:
    clock = Clock()
    pacer = TokenPacer(clock=clock)
    assert [pacer.try_acquire(c) for c in range(6)] == [True] * 3 + [False] * 3
    clock.now += 1 / 24  # 24/s: one more token
    assert pacer.try_acquire(10) and not pacer.try_acquire(11)


async def test_acquire_keeps_every_sliding_window_limit() -> None:
    """Sends paced for 2 minutes: never more than 30 in 1 s, 1 per chat in 1 s, 20 per group in 60 s."""
    clock = Clock()
    pacer = TokenPacer(clock=clock, sleep=clock.sleep)
    sent: list[tuple[float, int]] = []

    async def chat_sender(chat: int, n: int) -> None:
        for _ in range(n):
            await pacer.acquire(chat)
            sent.append((clock.now, chat))

    await clock.run(*(chat_sender(c, 30) for c in [*range(1, 60), -1, -2, -3]))
    times = [t for t, _ in sent]
    assert all(sum(1 for u in times if t <= u < t + 1) <= 30 for t in times)
    for chat in {c for _, c in sent}:
        mine = [t for t, c in sent if c == chat]
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(mine)), chat
        if chat < 0:
            assert all(sum(1 for u in mine if t <= u < t + 60) <= 20 for t in mine), chat
    groups_done = max(t for t, c in sent if c < 0) - 100
    private_done = max(t for t, c in sent if c > 0) - 100
    assert private_done < 85 < groups_done  # the slow groups did not hold the private chats back
    assert len(sent) == 62 * 30


def test_pacing_can_be_switched_off() -> None:
    assert isinstance(make_pacer(False), NoPacing) and isinstance(make_pacer(True), TokenPacer)
    assert load_settings({"GAOKAO_PACING": "0"}, Path("/nonexistent")).pacing is False
    assert load_settings({}, Path("/nonexistent")).pacing is True
    s = load_settings({"GAOKAO_OUTBOX_RETRY": "0.1,2,30", "GAOKAO_OUTBOX": "/tmp/x.sqlite"}, Path("/nonexistent"))
    assert s.outbox_retry == (0.1, 2.0, 30.0) and s.outbox == Path("/tmp/x.sqlite")
    for bad in ({"GAOKAO_PACING": "maybe"}, {"GAOKAO_OUTBOX_RETRY": "1,x"}, {"GAOKAO_OUTBOX_RETRY": "-1"}):
        with pytest.raises(ValueError, match="GAOKAO_"):
            load_settings(bad, Path("/nonexistent"))


async def test_outbox_keeps_order_per_chat_and_survives_reopening(tmp_path: Path) -> None:
    path = outbox_path(tmp_path / "admissions.duckdb")
    assert path.name == "admissions.outbox.sqlite"
    store = SqliteOutbox(path)
    for i in range(3):
        await store.put(7, "sendMessage", {"chat_id": 7, "text": f"第{i}条"}, 0.0)
    await store.put(-8, "sendMessage", {"chat_id": -8, "text": "群"}, 0.0)
    with pytest.raises(OutboxError, match="in use by another bot process"):
        SqliteOutbox(path)
    store.close()
    again = SqliteOutbox(path)
    assert await again.waiting() == 4 and await again.waiting(7) == 3 and await again.chats() == [-8, 7]
    head = await again.head(7)
    assert head is not None and head.payload["text"] == "第0条"
    await again.remove(head.id)
    head = await again.head(7)
    assert head is not None and head.payload["text"] == "第1条" and await again.waiting(7) == 2
    again.close()


def test_a_corrupt_outbox_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(OutboxError, match=r"bad\.sqlite is not a usable SQLite file"):
        SqliteOutbox(path)


class Script:
    """An attempt function failing as told per text, recording what got through and when."""

    def __init__(self, faults: dict[str, list[Exception]]) -> None:
        self.faults = faults
        self.tries: list[tuple[float, str]] = []
        self.delivered: list[tuple[int, str]] = []

    async def __call__(self, item: Item) -> None:
        text = item.payload["text"]
        self.tries.append((time.monotonic(), text))
        if self.faults.get(text):
            raise self.faults[text].pop(0)
        self.delivered.append((item.chat, text))


async def wait_until(predicate: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def test_outbound_retries_in_order_honours_retry_after_and_drops_rejections(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    script = Script({"a1": [Transient("500"), Transient("flood limit", 0.3)], "b1": [Rejected("403 blocked")]})
    out = Outbound(SqliteOutbox(tmp_path / "o.sqlite"), backoff=Backoff(0.02, 0.1, 60), log_every=0.05)
    for chat, text in ((1, "a1"), (1, "a2"), (2, "b1"), (2, "b2"), (1, "a3")):
        await out.put(chat, "sendMessage", {"chat_id": chat, "text": text})
    with caplog.at_level(logging.INFO, logger="bot.serve.outbox"):
        await out.start(script)
        assert await wait_until(lambda: len(script.delivered) == 4)
        await asyncio.sleep(0.1)
    assert [t for c, t in script.delivered if c == 1] == ["a1", "a2", "a3"]  # a2 waited behind a1's retries
    assert [t for c, t in script.delivered if c == 2] == ["b2"]  # b1 rejected for good, b2 not held up
    a1 = [t for t, text in script.tries if text == "a1"]
    assert len(a1) == 3 and a1[2] - a1[1] >= 0.29  # retry_after honoured
    assert len([r for r in caplog.records if "dropped a reply to chat 2" in r.getMessage()]) == 1
    assert any("replies waiting" in r.getMessage() for r in caplog.records)
    assert await out.waiting() == 0
    await out.close()


async def test_outbound_gives_up_on_old_replies_and_keeps_the_rest_for_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    never = Script({"x": [Transient("down")] * 1000})
    out = Outbound(SqliteOutbox(path), backoff=Backoff(0.01, 0.02, 0.3))
    await out.put(5, "sendMessage", {"chat_id": 5, "text": "x"})
    await out.start(never)
    assert await wait_until(lambda: len(never.tries) > 3)
    await out.close()  # stopped while the reply is still waiting: it stays on disk
    restarted = SqliteOutbox(path)
    assert await restarted.waiting() == 1
    restarted.close()
    out = Outbound(SqliteOutbox(path), backoff=Backoff(0.01, 0.02, 0.3))
    await out.start(never)
    assert await wait_until(lambda: out.store._counts.total() == 0, 3)  # type: ignore[attr-defined]
    await out.close()


def test_pacer_limits_are_under_telegrams() -> None:
    """c + W·r < limit + 1 for each bucket: no sliding window can see more than Telegram allows."""
    lim = Limits()
    for rate, (most, window) in ((lim.overall, (30, 1)), (lim.chat, (1, 1)), (lim.group, (20, 60))):
        assert rate.capacity + window * rate.per_second < most + 1, rate
    assert Rate(1, 1.0) != lim.chat


def test_the_refresh_build_command_can_be_configured() -> None:
    assert load_settings({}, Path("/nonexistent")).build_command == ()
    s = load_settings({"GAOKAO_BUILD_COMMAND": "/opt/fetch-db --from 'build host'"}, Path("/nonexistent"))
    assert s.build_command == ("/opt/fetch-db", "--from", "build host")
    with pytest.raises(ValueError, match="GAOKAO_BUILD_COMMAND"):
        load_settings({"GAOKAO_BUILD_COMMAND": "fetch 'unclosed"}, Path("/nonexistent"))
