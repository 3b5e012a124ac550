"""One receiver and two worker processes on a real redis-server against the fake Bot API (issue 13): every
update answered exactly once, also when a worker is killed with SIGKILL in the middle of the run."""

from __future__ import annotations

import asyncio
import re
import shlex
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.serve.publish import sha256_file
from tests.redis_server import RedisServer
from tests.telegram.conftest import FAKE_ETL
from tests.telegram.fake_api import FakeBotAPI, free_port, message, spawn_bot, stop_bot
from tests.telegram.replicas import Replicas

QUESTIONS = ["郑大怎么样", "/rank 河南 理科 447", "你好", "河南 理科 580分"]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


def replies(api: FakeBotAPI) -> Counter[int]:
    """First message of each answer per chat (each update here comes from its own chat and gets one message)."""
    return Counter(c.params["chat_id"] for c in api.sent("sendMessage"))


async def test_two_workers_answer_every_update_once_even_when_one_is_killed(
        api: FakeBotAPI, tg_db: Path, tmp_path: Path, redis_server: RedisServer) -> None:
    env = {"GAOKAO_REDIS_URL": redis_server.url, "GAOKAO_CLAIM_IDLE": "2", "GAOKAO_PACING": "0",
           "GAOKAO_PUBLISH_DIR": str(tmp_path / "published")}
    rs = Replicas(api, tg_db, tmp_path, env)
    try:
        await rs.start(workers=2)
        chats = list(range(50_000, 50_400))
        killed_at = None
        for i, chat in enumerate(chats):
            assert await rs.post({"update_id": 9_000 + i, **message(QUESTIONS[i % len(QUESTIONS)], chat)}) == 200
            if i == 200:
                rs.workers[0].send_signal(signal.SIGKILL)
                killed_at = time.perf_counter()
            await asyncio.sleep(0.005)
        await rs.post({"update_id": 9_005, **message("你好", chats[5])})  # Telegram delivered one twice
        assert await api.wait_for(lambda: set(replies(api)) >= set(chats), 60), rs.logs()
        await asyncio.sleep(2.5)  # a late duplicate would show up now
        got = replies(api)
        assert set(got) == set(chats)  # none lost
        # a duplicate only for a reply Telegram accepted while the worker died (answered, not yet marked done)
        dups = [c for c, n in got.items() if n > 1]
        assert killed_at is not None
        died_during = [c for c in dups if min(x.at for x in api.sent("sendMessage", c)) <= killed_at + 0.05]
        assert dups == died_during and len(dups) <= 5, dups
        assert not any("抱歉" in c.params["text"] for c in api.sent("sendMessage"))
        # a restarted worker joins in
        await rs.start_worker(2)
        assert await rs.post({"update_id": 20_000, **message("你好", 60_000)}) == 200
        assert await api.wait_for(lambda: 60_000 in replies(api), 20), rs.logs()
    finally:
        codes = await rs.stop()
    assert codes and all(c == 0 for c in codes), rs.logs()


async def test_the_receiver_registers_its_webhook_and_the_update_types_the_bot_handles(
        api: FakeBotAPI, tg_db: Path, tmp_path: Path, redis_server: RedisServer) -> None:
    from bot.serve.receiver import ALLOWED_UPDATES
    from tests.telegram.conftest import make_harness

    h = await make_harness(tg_db)
    try:
        used = h.dp.resolve_used_update_types()
    finally:
        await h.engines.close()
    assert sorted(ALLOWED_UPDATES) == sorted(used)
    port = free_port()
    proc = await spawn_bot(api.base_url, tg_db, tmp_path / "web.log", verbose=False,
                           args=("web", "--listen", f"127.0.0.1:{port}", "--webhook", "https://bot.example.org/tg"),
                           extra_env={"GAOKAO_REDIS_URL": redis_server.url})
    try:
        assert await api.wait_for(lambda: bool(api.sent("setWebhook")), 20), (tmp_path / "web.log").read_text()
        params = api.sent("setWebhook")[0].params
        assert params["url"] == "https://bot.example.org/tg" and len(params["secret_token"]) >= 32
    finally:
        assert await stop_bot(proc) == 0


async def test_a_redis_restart_mid_run_loses_no_confirmed_update(
        api: FakeBotAPI, tg_db: Path, tmp_path: Path, redis_aof: RedisServer) -> None:
    """Redis (AOF, everysec) shut down and started again on the same port and directory while updates flow: the
    receiver refuses (503) while it is down, Telegram retries, the workers reconnect; every update the receiver
    confirmed is answered, once."""
    env = {"GAOKAO_REDIS_URL": redis_aof.url, "GAOKAO_CLAIM_IDLE": "2", "GAOKAO_PACING": "0",
           "GAOKAO_PUBLISH_DIR": str(tmp_path / "published")}
    rs = Replicas(api, tg_db, tmp_path, env)
    try:
        await rs.start(workers=2)
        chats = list(range(70_000, 70_300))
        refused: list[int] = []

        async def deliver(i: int, chat: int) -> None:
            refused.append(await rs.deliver({"update_id": 30_000 + i, **message(QUESTIONS[i % len(QUESTIONS)], chat)}))

        tasks = []
        restart: asyncio.Future[None] | None = None
        for i, chat in enumerate(chats):
            tasks.append(asyncio.create_task(deliver(i, chat)))
            if i == 100:  # SHUTDOWN (the AOF is flushed), down for a second, started again
                restart = asyncio.ensure_future(asyncio.to_thread(redis_aof.restart, 1.0))
            await asyncio.sleep(0.01)
        assert restart is not None
        await restart
        await asyncio.gather(*tasks)  # every update confirmed (200) in the end
        assert sum(refused) > 0  # some were refused while Redis was down, and delivered again
        assert await api.wait_for(lambda: set(replies(api)) >= set(chats), 60), rs.logs()
        await asyncio.sleep(2.5)  # a late duplicate would show up now
        got = replies(api)
        assert set(got) == set(chats)  # none lost
        assert [c for c, n in got.items() if n > 1] == []  # none answered twice: answered ones were marked done
        assert not any("抱歉" in c.params["text"] for c in api.sent("sendMessage"))  # no apology for the outage
        assert all(w.returncode is None for w in rs.workers)
        for i in range(2):
            log = rs.log(f"worker{i}").read_text()
            assert "Redis unavailable" in log and "Redis answers again" in log, rs.logs()
    finally:
        codes = await rs.stop()
    assert codes and all(c == 0 for c in codes), rs.logs()


SWAPPED = re.compile(r"now serving the published database (\S+) \(([\d.]+)s after its publication\)")


async def test_a_refresh_under_load_gives_one_build_and_every_worker_swaps_within_5s(
        api: FakeBotAPI, tg_db: Path, tmp_path: Path, redis_server: RedisServer) -> None:
    """/refresh (twice) while updates flow to two workers: one build under the Redis lock, one file published
    with its sha256, the other worker on it within 5 s of publication, every update answered, none failed."""
    admin, admin_chat = 4242, 4242
    publish = tmp_path / "published"
    publish.mkdir()
    build = shlex.join([sys.executable, str(FAKE_ETL), "--template", str(tg_db), "--sleep", "2"])
    env = {"GAOKAO_REDIS_URL": redis_server.url, "GAOKAO_CLAIM_IDLE": "2", "GAOKAO_PACING": "0",
           "GAOKAO_PUBLISH_DIR": str(publish), "GAOKAO_ADMIN_IDS": str(admin), "GAOKAO_BUILD_COMMAND": build}
    rs = Replicas(api, tg_db, tmp_path, env)
    try:
        await rs.start(workers=2)
        chats = list(range(80_000, 80_400))
        for i, chat in enumerate(chats):
            assert await rs.post({"update_id": 40_000 + i, **message(QUESTIONS[i % len(QUESTIONS)], chat)}) == 200
            if i in (50, 60):  # the admin asks twice: the second finds the build running
                update = {"update_id": 49_000 + i, **message("/refresh", admin_chat, admin, message_id=i)}
                assert await rs.post(update) == 200
            await asyncio.sleep(0.02)
        assert await api.wait_for(lambda: any("数据已更新" in c.params["text"]
                                              for c in api.sent("sendMessage", admin_chat)), 60), rs.logs()
        assert await api.wait_for(lambda: set(replies(api)) >= set(chats), 60), rs.logs()
        # one build, one file, published with its checksum
        built = sorted(publish.glob("admissions-*.duckdb"))
        assert len(built) == 1, built
        assert built[0].with_name(built[0].name + ".sha256").read_text().split()[0] == sha256_file(built[0])
        to_admin = [c.params["text"] for c in api.sent("sendMessage", admin_chat)]
        assert sum("数据已更新" in t for t in to_admin) == 1 and sum("已有一次数据更新在进行中" in t for t in to_admin) == 1
        # the builder swapped before publishing; the other worker on the announcement, within 5 s
        logs = [rs.log(f"worker{i}").read_text() for i in range(2)]
        builders = [text for text in logs if "bot.serve.publish: published " in text]
        assert len(builders) == 1, rs.logs()
        swaps = [SWAPPED.search(text) for text in logs if text is not builders[0]]
        assert all(m is not None and Path(m[1]) == built[0].resolve() and float(m[2]) <= 5.0 for m in swaps), rs.logs()
        # every worker answers from the new data (a school only the new build has); no update failed
        new_chats = list(range(81_000, 81_020))
        for i, chat in enumerate(new_chats):
            assert await rs.post({"update_id": 41_000 + i, **message("河南理工大学怎么样", chat)}) == 200
        assert await api.wait_for(lambda: set(replies(api)) >= set(new_chats), 30), rs.logs()
        assert all(api.sent("sendMessage", c)[0].params["text"].startswith("【河南理工大学】") for c in new_chats)
        got = replies(api)
        assert all(got[c] == 1 for c in chats + new_chats)
        assert not any("抱歉" in c.params["text"] for c in api.sent("sendMessage"))
    finally:
        codes = await rs.stop()
    assert codes and all(c == 0 for c in codes), rs.logs()
