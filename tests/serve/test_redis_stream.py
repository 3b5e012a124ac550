"""The receiver and the consumer group against a real redis-server (issue 13)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.serve.receiver import SECRET_HEADER, make_app
from bot.serve.shared import connect
from bot.serve.stream import GROUP, STREAM, Consumer, add_update, ensure_group
from tests.redis_server import RedisServer

SECRET = "s3cret"


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = connect(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(make_app(redis, SECRET, "/hook"))) as c:
        yield c


def update(uid: int, text: str = "你好") -> dict[str, Any]:
    return {"update_id": uid, "message": {"message_id": uid, "date": 0, "text": text,
                                          "chat": {"id": uid, "type": "private"}}}


async def test_receiver_checks_the_secret(client: TestClient[Any, Any], redis: Redis) -> None:
    for headers in ({}, {SECRET_HEADER: "wrong"}):
        resp = await client.post("/hook", json=update(1), headers=headers)
        assert resp.status == 401
    assert await redis.exists(STREAM) == 0


async def test_receiver_answers_200_after_the_update_is_in_the_stream(client: TestClient[Any, Any],
                                                                       redis: Redis) -> None:
    body = json.dumps(update(7)).encode()
    resp = await client.post("/hook", data=body, headers={SECRET_HEADER: SECRET})
    assert resp.status == 200
    entries = await redis.xrange(STREAM)
    assert [fields[b"u"] for _, fields in entries] == [body]  # the raw update, byte for byte


async def test_receiver_refuses_broken_json_and_drops_what_is_not_an_update(client: TestClient[Any, Any],
                                                                           redis: Redis) -> None:
    resp = await client.post("/hook", data=b'{"update_id": 1, "mess', headers={SECRET_HEADER: SECRET})
    assert resp.status == 400
    resp = await client.post("/hook", data=b'{"hello": 1}', headers={SECRET_HEADER: SECRET})
    assert resp.status == 200
    assert await redis.exists(STREAM) == 0


async def test_receiver_answers_503_while_redis_is_down(client: TestClient[Any, Any], redis_server: RedisServer,
                                                         redis: Redis) -> None:
    redis_server.stop()
    resp = await client.post("/hook", json=update(3), headers={SECRET_HEADER: SECRET})
    assert resp.status == 503  # Telegram retries it
    assert (await client.get("/healthz")).status == 503
    redis_server.start()  # empty again: nothing was confirmed
    resp = await client.post("/hook", json=update(3), headers={SECRET_HEADER: SECRET})
    assert resp.status == 200
    assert await redis.xlen(STREAM) == 1


async def run_consumers(consumers: list[Consumer], until: Any, timeout: float = 10.0) -> None:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(c.run(stop)) for c in consumers]
    try:
        async with asyncio.timeout(timeout):
            while not until():
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def test_two_workers_answer_every_update_once_and_ack_it(redis: Redis) -> None:
    answered: Counter[int] = Counter()

    async def handle(u: dict[str, Any]) -> None:
        await asyncio.sleep(0.001)
        answered[u["update_id"]] += 1

    for uid in range(200):
        await add_update(redis, json.dumps(update(uid)).encode())
    await add_update(redis, json.dumps(update(5)).encode())  # Telegram delivered update 5 twice
    workers = [Consumer(redis, f"w{i}", handle, claim_idle=5, block=0.1) for i in (1, 2)]
    await run_consumers(workers, lambda: sum(w.handled + w.duplicates for w in workers) == 201)
    assert answered == Counter(range(200))
    assert all(w.handled > 20 for w in workers)  # both took a share
    assert sum(w.duplicates for w in workers) == 1
    assert (await redis.xpending(STREAM, GROUP))["pending"] == 0  # every entry acknowledged...
    assert await redis.xlen(STREAM) == 0  # ...and deleted


async def test_a_dead_workers_entries_are_taken_over_after_the_idle_timeout(redis: Redis) -> None:
    await ensure_group(redis)
    for uid in (1, 2, 3):
        await add_update(redis, json.dumps(update(uid)).encode())
    await redis.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=2)  # read, then the worker was killed
    await redis.set("gaokao:upd:1", "dead", ex=1)  # it had claimed update 1 before it died
    answered: list[int] = []

    async def handle(u: dict[str, Any]) -> None:
        answered.append(u["update_id"])

    live = Consumer(redis, "live", handle, claim_idle=0.5, block=0.1)
    await run_consumers([live], lambda: len(answered) == 3)
    assert sorted(answered) == [1, 2, 3]
    assert live.claimed == 2
    assert (await redis.xpending(STREAM, GROUP))["pending"] == 0


async def test_an_update_answered_before_its_worker_died_is_not_answered_again(redis: Redis) -> None:
    await ensure_group(redis)
    await add_update(redis, json.dumps(update(9)).encode())
    await redis.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=1)
    await redis.set("gaokao:upd:9", "done")  # it answered and marked it, but died before the XACK
    answered: list[int] = []

    async def handle(u: dict[str, Any]) -> None:
        answered.append(u["update_id"])

    live = Consumer(redis, "live", handle, claim_idle=0.3, block=0.1)
    await run_consumers([live], lambda: live.duplicates == 1)
    assert answered == []
    assert (await redis.xpending(STREAM, GROUP))["pending"] == 0


async def test_a_failing_update_stays_pending_for_a_retry(redis: Redis) -> None:
    calls: list[int] = []

    async def handle(u: dict[str, Any]) -> None:
        calls.append(u["update_id"])
        if len(calls) == 1:
            raise RuntimeError("the first attempt fails")

    await add_update(redis, json.dumps(update(4)).encode())
    worker = Consumer(redis, "w", handle, claim_idle=0.3, block=0.1)
    await run_consumers([worker], lambda: worker.handled == 1)
    assert calls == [4, 4]


async def test_the_receiver_confirms_again_once_redis_is_back_and_aof_kept_what_it_confirmed(
        redis_aof: RedisServer) -> None:
    redis = connect(redis_aof.url)
    try:
        async with TestClient(TestServer(make_app(redis, SECRET, "/hook"))) as client:
            assert (await client.post("/hook", json=update(1), headers={SECRET_HEADER: SECRET})).status == 200
            redis_aof.stop()
            assert (await client.post("/hook", json=update(2), headers={SECRET_HEADER: SECRET})).status == 503
            redis_aof.start()  # same port and directory: the AOF is read back
            assert (await client.post("/hook", json=update(2), headers={SECRET_HEADER: SECRET})).status == 200
            assert [json.loads(f[b"u"])["update_id"] for _, f in await redis.xrange(STREAM)] == [1, 2]
    finally:
        await redis.aclose()


async def test_a_worker_rides_out_a_redis_restart_and_aof_keeps_the_group_and_its_pending_entries(
        redis_aof: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    redis = connect(redis_aof.url)
    await ensure_group(redis)
    for uid in (1, 2, 3):
        await add_update(redis, json.dumps(update(uid)).encode())
    await redis.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=2)  # read by a worker that then died
    gate = asyncio.Event()
    answered: Counter[int] = Counter()
    attempts: Counter[int] = Counter()

    async def handle(u: dict[str, Any]) -> None:
        uid = u["update_id"]
        attempts[uid] += 1
        if uid in (10, 11) and attempts[uid] == 1:
            await gate.wait()  # in hand when Redis goes away
            if uid == 11:
                await redis.incr("gaokao:test:side-effect")  # needs Redis: fails, so the update stays pending
        answered[uid] += 1

    live = Consumer(redis, "live", handle, claim_idle=0.5, block=0.1)
    stop = asyncio.Event()
    task = asyncio.create_task(live.run(stop))
    try:
        async with asyncio.timeout(20):
            while sum(answered.values()) < 3:
                await asyncio.sleep(0.02)
            await add_update(redis, json.dumps(update(10)).encode())
            await add_update(redis, json.dumps(update(11)).encode())
            while attempts[10] + attempts[11] < 2:
                await asyncio.sleep(0.02)
            redis_aof.stop()  # SHUTDOWN: the AOF is flushed
            gate.set()  # update 10 is answered while Redis is down, update 11 fails on it
            await asyncio.sleep(1.0)
            assert not task.done()
            await asyncio.to_thread(redis_aof.start)
            await add_update(redis, json.dumps(update(12)).encode())
            while set(answered) != {1, 2, 3, 10, 11, 12} or (await redis.xpending(STREAM, GROUP))["pending"]:
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
        await redis.aclose()
    assert answered == Counter({1: 1, 2: 1, 3: 1, 10: 1, 11: 1, 12: 1})  # each once
    assert attempts[11] == 2  # retried after Redis came back
    text = caplog.text
    assert "Redis unavailable" in text and "Redis answers again" in text


async def test_without_aof_a_restarted_redis_gets_the_consumer_group_again(redis_server: RedisServer,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    redis = connect(redis_server.url)
    answered: list[int] = []

    async def handle(u: dict[str, Any]) -> None:
        answered.append(u["update_id"])

    worker = Consumer(redis, "w", handle, claim_idle=0.5, block=0.1)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        await add_update(redis, json.dumps(update(1)).encode())
        async with asyncio.timeout(20):
            while answered != [1]:
                await asyncio.sleep(0.02)
            await asyncio.to_thread(redis_server.restart, 0.3)  # everything is gone, the group too
            await add_update(redis, json.dumps(update(2)).encode())
            while answered != [1, 2]:
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task
        await redis.aclose()
    assert "consumer group is gone" in caplog.text


async def test_a_slow_but_live_worker_is_not_taken_over(redis: Redis) -> None:
    answered: Counter[int] = Counter()

    async def slow(u: dict[str, Any]) -> None:
        await asyncio.sleep(2.5)  # five times the claim timeout: a loaded machine, a database swap
        answered[u["update_id"]] += 1

    async def quick(u: dict[str, Any]) -> None:
        answered[u["update_id"]] += 1

    for uid in range(5):
        await add_update(redis, json.dumps(update(uid)).encode())
    busy = Consumer(redis, "busy", slow, claim_idle=0.5, block=0.1)
    stop = asyncio.Event()
    first = asyncio.create_task(busy.run(stop))
    async with asyncio.timeout(5):
        while len(busy._inflight) < 5:  # it has read all five
            await asyncio.sleep(0.01)
    other = Consumer(redis, "other", quick, claim_idle=0.5, block=0.1)
    second = asyncio.create_task(other.run(stop))
    try:
        async with asyncio.timeout(10):
            while busy.handled < 5:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.6)
    finally:
        stop.set()
        await asyncio.gather(first, second)
    assert answered == Counter(range(5)) and other.claimed == 0
