"""State shared by replicas in a real redis-server: rate limits, pacing, the outbox, database versions."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.serve.outbox import Item, Outbound
from bot.serve.pacing import Limits, Rate
from bot.serve.publish import Published, Publisher, follow, follower
from bot.serve.ratelimit import Verdict
from bot.serve.redis_outbox import RedisOutbox
from bot.serve.replicas import newest_database
from bot.serve.shared import RedisPacer, RedisRateLimiter, connect
from tests.redis_server import RedisServer


@pytest.fixture
async def two(redis_server: RedisServer) -> AsyncIterator[tuple[Redis, Redis]]:
    """Two clients, as two worker processes would have."""
    a, b = connect(redis_server.url), connect(redis_server.url)
    yield a, b
    await a.aclose()
    await b.aclose()


async def test_a_users_rate_limit_is_counted_across_workers(two: tuple[Redis, Redis]) -> None:
    a, b = (RedisRateLimiter(r, "msg", capacity=3, per_second=0.01) for r in two)
    verdicts = [await (a if i % 2 else b).check(42) for i in range(5)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.NOTIFY, Verdict.DROP]
    assert await a.check(43) is Verdict.ALLOW  # per user


async def test_pacing_budgets_are_shared(two: tuple[Redis, Redis]) -> None:
    limits = Limits(overall=Rate(3, 100.0), chat=Rate(1, 0.5), group=Rate(2, 0.01))
    a, b = (RedisPacer(r, limits) for r in two)
    assert await a.try_take(1) and not await b.try_take(1)  # one chat: one message, whichever worker sends
    assert await b.try_take(2)
    assert await a.try_take(-5) and not await b.try_take(-5)  # a group's own budget
    t0 = asyncio.get_running_loop().time()
    await b.acquire(2)  # waits for chat 2's next token (2 s at 0.5/s)
    assert asyncio.get_running_loop().time() - t0 > 1.5


async def test_the_shared_outbox_is_drained_once_by_one_worker_per_chat(two: tuple[Redis, Redis]) -> None:
    stores = [RedisOutbox(r, f"w{i}", lease=5) for i, r in enumerate(two)]
    for n in range(5):
        await stores[n % 2].put(7, "sendMessage", {"chat_id": 7, "text": f"m{n}"}, 0.0)
    await stores[0].put(8, "sendMessage", {"chat_id": 8, "text": "x"}, 0.0)
    assert await stores[1].waiting() == 6 and await stores[1].waiting(7) == 5
    assert await stores[1].chats() == [7, 8]
    head = await stores[0].head(7)
    assert head is not None and head.payload["text"] == "m0"
    assert await stores[1].head(7) is None  # worker 0 drains chat 7 now
    sent: Counter[str] = Counter()
    order: list[str] = []

    async def attempt(item: Item) -> None:
        await asyncio.sleep(0.01)
        sent[item.payload["text"]] += 1
        if item.chat == 7:
            order.append(item.payload["text"])

    outbounds = [Outbound(s, sweep=0.1) for s in stores]
    for o in outbounds:
        await o.start(attempt)
    async with asyncio.timeout(10):
        while await stores[0].waiting():
            await asyncio.sleep(0.05)
    for o in outbounds:
        await o.close()
    assert sent == Counter({"m0": 1, "m1": 1, "m2": 1, "m3": 1, "m4": 1, "x": 1})
    assert order == ["m0", "m1", "m2", "m3", "m4"]


async def test_a_dead_workers_chat_lease_expires_and_another_worker_sends(two: tuple[Redis, Redis]) -> None:
    dead, live = RedisOutbox(two[0], "dead", lease=0.3), RedisOutbox(two[1], "live", lease=5)
    await dead.put(9, "sendMessage", {"chat_id": 9, "text": "late"}, 0.0)
    assert await dead.head(9) is not None  # it began to drain, then died
    sent: list[str] = []

    async def attempt(item: Item) -> None:
        sent.append(item.payload["text"])

    outbound = Outbound(live, sweep=0.1)
    await outbound.start(attempt)
    async with asyncio.timeout(5):
        while not sent:
            await asyncio.sleep(0.05)
    await outbound.close()
    assert sent == ["late"]


def db_file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


async def test_one_refresh_at_a_time_and_every_worker_follows_the_published_file(
        two: tuple[Redis, Redis], tmp_path: Path) -> None:
    a, b = Publisher(two[0], tmp_path, "a"), Publisher(two[1], tmp_path, "b")
    assert await a.lock() and not await b.lock()  # a second /refresh on another worker gives no second build
    await b.unlock()  # not b's lock: nothing happens
    assert not await b.lock()
    switched: list[Path] = []

    async def switch(path: Path) -> bool:
        switched.append(path)
        return True

    stop = asyncio.Event()
    listening = asyncio.create_task(follow(two[1], follower(switch), stop))
    await asyncio.sleep(0.3)  # subscribed
    new = db_file(a.next_path(), b"new database")
    pub = await a.publish(new)
    await a.unlock()
    assert await b.lock()
    assert pub.sha256 == hashlib.sha256(b"new database").hexdigest()
    assert new.with_name(new.name + ".sha256").read_text().split()[0] == pub.sha256
    async with asyncio.timeout(5):
        while not switched:
            await asyncio.sleep(0.02)
    assert switched == [new.resolve()]
    # a late worker opens the newest published file...
    assert await newest_database(b, tmp_path / "fallback.duckdb") == new.resolve()
    # ...unless it does not match its checksum; an announced file that does not is not swapped in either
    new.write_bytes(b"tampered")
    assert await newest_database(b, tmp_path / "fallback.duckdb") == tmp_path / "fallback.duckdb"
    await two[0].publish("gaokao:db:published", Published(new.resolve(), pub.sha256).to_json())
    await asyncio.sleep(0.5)
    stop.set()
    await listening
    assert switched == [new.resolve()]


async def test_the_redis_outbox_keeps_its_replies_across_a_redis_restart_and_drains_them_after(
        redis_aof: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    redis = connect(redis_aof.url)
    sent: list[int] = []

    async def attempt(item: Item) -> None:
        sent.append(item.payload["n"])

    outbound = Outbound(RedisOutbox(redis, "w"), sweep=0.2, log_every=0.1)
    try:
        await outbound.start(attempt)
        await outbound.put(5, "sendMessage", {"n": 1}, retry_after=0.5)  # waits in the outbox for half a second
        await asyncio.to_thread(redis_aof.stop)
        await asyncio.sleep(1.0)  # Redis is down when it is due: the drain stops, the report skips a beat
        assert sent == []
        await asyncio.to_thread(redis_aof.start)  # the AOF brings the reply back, and the sweep the drain
        async with asyncio.timeout(10):
            while sent != [1]:
                await asyncio.sleep(0.05)
        assert await outbound.waiting() == 0
        await asyncio.to_thread(redis_aof.stop)
    finally:
        await outbound.close()  # with Redis down: says so, does not raise
        await redis.aclose()
    assert "cannot count the replies left waiting" in caplog.text
    assert "outbox-5 stopped" in caplog.text and "cannot count the waiting replies" in caplog.text


async def test_the_swap_delay_is_measured_when_the_new_engine_serves_not_when_the_old_one_has_drained(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    serving = ["old"]
    drained = asyncio.Event()

    async def switch(path: Path) -> bool:
        await asyncio.sleep(0.1)  # opening the new file
        serving.append("new")  # new updates get the new engine from now on...
        await drained.wait()  # ...while the old one finishes the updates in hand
        return True

    new = db_file(tmp_path / "admissions-new.duckdb", b"new database")
    pub = Published(new, hashlib.sha256(b"new database").hexdigest(), time.time())
    on_new = follower(switch, lambda: serving[-1])
    task = asyncio.create_task(on_new(pub))
    await asyncio.sleep(1.5)
    drained.set()
    await task
    delays = [float(m[1]) for r in caplog.records if (m := re.search(r"\(([\d.]+)s after its publication", r.getMessage()))]
    assert len(delays) == 1 and 0.1 <= delays[0] < 1.0, caplog.text  # not the 1.5 s the drain took

    async def unchanged(path: Path) -> bool:
        return False

    await follower(unchanged, lambda: serving[-1])(pub)
    assert "already serving the published database" in caplog.text
