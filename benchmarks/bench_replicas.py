"""Benchmark of several replicas: 1 receiver + 2 workers on Redis next to the single process, and a worker
killed in the middle of a run (issue 13).

    .venv/bin/python benchmarks/bench_replicas.py [--db FILE] [--rate 250] [--seconds 10] [--burst 2000]
                                                  [--die-seconds 60] [--die-rate 200]

Needs redis-server (started here on a free loopback port, AOF off). Pacing is off (GAOKAO_PACING=0), every
update comes from its own chat. Phases, for the single process (`run`, long polling) and then for the
replica set (updates posted to the receiver as Telegram's webhook does): a sustained phase at `--rate`
updates/s (latency from the moment an update is queued at the fake API or posted to the receiver, to the
moment the reply's sendMessage arrives), then a burst of `--burst` updates at once (updates/s answered).
Last, the worker-dies run: `--die-rate` updates/s for `--die-seconds`, one worker killed with SIGKILL
half-way; counts the updates never answered (lost) and those answered twice (duplicates), and how many
of those were first answered within a second before the kill (the window the design admits).
Without --db a tiny test database is written.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import platform
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_telegram import question
from tests.redis_server import RedisServer, redis_binary
from tests.telegram.fake_api import FakeBotAPI, message, spawn_bot, stop_bot
from tests.telegram.replicas import Replicas
from tests.tinydb import make_tiny_db


class Load:
    """Sends updates (one new chat each) through `send` and matches replies to them."""

    def __init__(self, api: FakeBotAPI, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self.api, self.send = api, send
        self.chats = itertools.count(1_000_000)
        self.uids = itertools.count(1)
        self.rng = random.Random(42)
        self.sent_at: dict[int, float] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def fire(self) -> int:
        chat = next(self.chats)
        self.sent_at[chat] = time.perf_counter()
        task = asyncio.create_task(self.send({"update_id": next(self.uids), **message(question(self.rng), chat)}))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return chat

    async def paced(self, rate: float, seconds: float, at: Callable[[float], None] | None = None) -> list[int]:
        chats: list[int] = []
        t0 = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if at is not None:
                at(time.perf_counter() - t0)
            chats.append(self.fire())
        return chats

    def first_replies(self) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        for call in self.api.sent("sendMessage"):
            out.setdefault(call.params.get("chat_id"), []).append(call)
        return out

    async def wait(self, chats: list[int], timeout: float) -> dict[int, float]:
        wanted = set(chats)
        await self.api.wait_for(lambda: wanted <= {c.params.get("chat_id") for c in self.api.sent("sendMessage")},
                                timeout)
        replies = self.first_replies()
        return {c: replies[c][0].at for c in chats if c in replies}


def report(name: str, load: Load, chats: list[int], replies: dict[int, float], t0: float) -> str:
    lat = sorted(1000 * (replies[c] - load.sent_at[c]) for c in chats if c in replies)
    lost = len(chats) - len(lat)
    span = max(replies.values()) - t0 if replies else float("nan")
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [float("nan")] * 99
    line = (f"{name}: {len(chats)} updates, {len(lat) / span:.0f} updates/s answered, p50 {q[49]:.1f} ms, "
            f"p99 {q[98]:.1f} ms, max {lat[-1]:.1f} ms" + (f", {lost} UNANSWERED" if lost else ""))
    print(line, flush=True)
    return line


async def phases(label: str, load: Load, rate: float, seconds: float, burst: int, warmup: float) -> None:
    warm = [load.fire() for _ in range(50)]
    await load.wait(warm, 60)
    await asyncio.sleep(warmup)  # let the engines warm up in the background
    t0 = time.perf_counter()
    chats = await load.paced(rate, seconds)
    report(f"{label} sustained {rate:.0f}/s", load, chats, await load.wait(chats, 60), t0)
    t0 = time.perf_counter()
    chats = [load.fire() for _ in range(burst)]
    report(f"{label} burst of {burst}", load, chats, await load.wait(chats, 120), t0)


async def single(api: FakeBotAPI, db: Path, tmp: Path, args: argparse.Namespace) -> None:
    proc = await spawn_bot(api.base_url, db, tmp / "single.log", verbose=False, extra_env={"GAOKAO_PACING": "0"})
    try:
        assert await api.wait_for(lambda: bool(api.sent("getUpdates")), 60), (tmp / "single.log").read_text()

        async def push(update: dict[str, Any]) -> None:
            api.push({k: v for k, v in update.items() if k != "update_id"})

        await phases("single process", Load(api, push), args.rate, args.seconds, args.burst, args.warmup)
    finally:
        await stop_bot(proc)


async def replicated(api: FakeBotAPI, db: Path, tmp: Path, args: argparse.Namespace, redis: RedisServer) -> None:
    env = {"GAOKAO_REDIS_URL": redis.url, "GAOKAO_PACING": "0", "GAOKAO_CLAIM_IDLE": str(args.claim_idle),
           "GAOKAO_PUBLISH_DIR": str(tmp)}
    rs = Replicas(api, db, tmp, env)
    try:
        await rs.start(workers=2)

        async def post(update: dict[str, Any]) -> None:
            status = await rs.post(update)
            if status != 200:
                print(f"receiver answered {status}", file=sys.stderr)

        load = Load(api, post)
        await phases("1 receiver + 2 workers", load, args.rate, args.seconds, args.burst, args.warmup)
        # the worker-dies run
        api.calls.clear()
        killed: list[float] = []

        def kill(elapsed: float) -> None:
            if not killed and elapsed >= args.die_seconds / 2:
                rs.workers[0].send_signal(signal.SIGKILL)
                killed.append(time.perf_counter())

        t0 = time.perf_counter()
        chats = await load.paced(args.die_rate, args.die_seconds, kill)
        report(f"worker dies: {args.die_rate:.0f}/s for {args.die_seconds:.0f} s", load, chats,
               await load.wait(chats, 120), t0)
        await asyncio.sleep(max(3.0, args.claim_idle + 1))  # late duplicates
        replies = load.first_replies()
        lost = [c for c in chats if c not in replies]
        dups = [c for c in chats if c in replies and len({r.params["text"] for r in replies[c]})
                < len(replies[c]) and replies[c][0].params["text"] in [r.params["text"] for r in replies[c][1:]]]
        near = [c for c in dups if killed and killed[0] - 1.0 <= replies[c][0].at <= killed[0] + 0.1]
        print(f"worker dies: {len(chats)} updates, {len(lost)} lost, {len(dups)} answered twice "
              f"({len(near)} of them first answered in the second before the kill)", flush=True)
    finally:
        await rs.stop()


async def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=None, help="database file (default: a tiny test database)")
    p.add_argument("--rate", type=float, default=250.0, help="sustained updates per second (default 250)")
    p.add_argument("--seconds", type=float, default=10.0, help="length of the sustained phase (default 10)")
    p.add_argument("--burst", type=int, default=2000, help="updates at once in the burst phase (default 2000)")
    p.add_argument("--die-rate", type=float, default=200.0, help="updates/s in the worker-dies run (default 200)")
    p.add_argument("--die-seconds", type=float, default=60.0, help="length of the worker-dies run (default 60)")
    p.add_argument("--warmup", type=float, default=15.0, help="seconds to let the engines warm up (default 15)")
    p.add_argument("--claim-idle", type=float, default=5.0, help="GAOKAO_CLAIM_IDLE of the workers (default 5)")
    args = p.parse_args()
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{len(__import__('os').sched_getaffinity(0))} cores; python {platform.python_version()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = (args.db or make_tiny_db(tmp / "tiny.duckdb")).resolve()
        print(f"database: {db if args.db else 'tiny test database'}", flush=True)
        (tmp / "redis").mkdir()
        redis = RedisServer(redis_binary(), tmp / "redis")
        redis.start()
        api = FakeBotAPI()
        await api.start()
        try:
            await single(api, db, tmp, args)
            api.calls.clear()
            await replicated(api, db, tmp, args, redis)
        finally:
            await api.stop()
            redis.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
