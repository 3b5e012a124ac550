"""Benchmark of several replicas: 1 receiver + 2 workers on Redis next to the single process, a worker killed in
the middle of a run, Redis restarted in the middle of a run, and /refresh under load (issue 13).

    .venv/bin/python benchmarks/bench_replicas.py [--db FILE] [--scenarios throughput,die,redis,refresh]
                                                  [--rate 250] [--seconds 10] [--burst 2000]
                                                  [--die-seconds 60] [--die-rate 200]
                                                  [--restart-rate 150] [--restart-seconds 40] [--down 2]
                                                  [--refresh-rate 150] [--refresh-seconds 30] [--build-seconds 3]

Needs redis-server (started here on free loopback ports). Pacing is off (GAOKAO_PACING=0), every update comes
from its own chat. Scenarios:

throughput  the single process (`run`, long polling) and then the replica set (updates posted to the receiver
            as Telegram's webhook does): a sustained phase at `--rate` updates/s (latency from the moment an
            update is queued at the fake API or posted to the receiver, to the moment the reply's sendMessage
            arrives), then a burst of `--burst` updates at once (updates/s answered). Redis without AOF.
die         `--die-rate` updates/s for `--die-seconds`, one worker killed with SIGKILL half-way; counts the
            updates never answered (lost) and those answered twice (duplicates), and how many of those were
            first answered within a second before the kill (the window the design admits).
redis       Redis with AOF (appendfsync everysec): `--restart-rate` updates/s for `--restart-seconds`; at a third
            of the run Redis is shut down (SHUTDOWN, as a service manager stops it) and at two thirds killed with
            SIGKILL (a crash of the process), each time started again after `--down` seconds on the same port and
            directory. Updates are posted as Telegram does: a refused one (503, or no answer) is posted again
            every 0.2 s until the receiver confirms it (200). Counts refusals, confirmed updates never answered
            (lost), updates answered twice, and the latency from the first post to the reply.
refresh     `--refresh-rate` updates/s for `--refresh-seconds`; at a third of the run an admin sends /refresh, and
            again a second later (it must find the first build running). The build command
            (GAOKAO_BUILD_COMMAND) is tests/telegram/fake_etl.py sleeping `--build-seconds` and copying the
            served database with a new build time, not a real ETL run. Counts the builds (files published), and for each worker the time from
            publication to serving the new file (the workers log it), failed answers (an apology) and
            unanswered updates, and the latency around the swap.

Without --db a tiny test database is written.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import random
import re
import shlex
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
from bot.serve.publish import sha256_file
from tests.redis_server import RedisServer, redis_binary
from tests.telegram.conftest import FAKE_ETL
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
        self.uid_of: dict[int, int] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def fire(self) -> int:
        chat = next(self.chats)
        self.sent_at[chat] = time.perf_counter()
        self.uid_of[chat] = uid = next(self.uids)
        task = asyncio.create_task(self.send({"update_id": uid, **message(question(self.rng), chat)}))
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
        if "throughput" in args.scenarios:
            await phases("1 receiver + 2 workers", load, args.rate, args.seconds, args.burst, args.warmup)
        else:
            await load.wait([load.fire() for _ in range(50)], 60)  # warm up
            await asyncio.sleep(args.warmup)
        if "die" not in args.scenarios:
            return
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


def duplicates(load: Load, chats: list[int]) -> list[int]:
    """Chats whose update was answered twice (the same first text again)."""
    replies = load.first_replies()
    return [c for c in chats if c in replies and len(replies[c]) > 1
            and replies[c][0].params["text"] in [r.params["text"] for r in replies[c][1:]]]


async def redis_restarts(api: FakeBotAPI, db: Path, tmp: Path, args: argparse.Namespace) -> None:
    """Redis with AOF shut down, then killed, mid-run; every confirmed update must be answered."""
    (tmp / "redis-aof").mkdir()
    redis = RedisServer(redis_binary(), tmp / "redis-aof", appendonly=True, appendfsync="everysec")
    redis.start()
    run = tmp / "restart"
    run.mkdir()
    env = {"GAOKAO_REDIS_URL": redis.url, "GAOKAO_PACING": "0", "GAOKAO_CLAIM_IDLE": str(args.claim_idle),
           "GAOKAO_PUBLISH_DIR": str(run)}
    rs = Replicas(api, db, run, env)
    api.calls.clear()
    try:
        await rs.start(workers=2)
        refused: list[int] = []
        confirmed_at: dict[int, float] = {}

        async def deliver(update: dict[str, Any]) -> None:
            refused.append(await rs.deliver(update, timeout=600))
            confirmed_at[update["message"]["chat"]["id"]] = time.perf_counter()

        load = Load(api, deliver)
        await load.wait([load.fire() for _ in range(50)], 60)  # warm up
        await asyncio.sleep(args.warmup)
        api.calls.clear()
        outages: list[tuple[str, float, float]] = []
        pending: list[asyncio.Future[None]] = []

        def restart(how: str, crash: bool) -> None:
            async def go() -> None:
                t0 = time.perf_counter()
                await asyncio.to_thread(redis.restart, args.down, crash=crash)
                outages.append((how, t0, time.perf_counter()))
            pending.append(asyncio.ensure_future(go()))

        def at(elapsed: float) -> None:
            if not pending and elapsed >= args.restart_seconds / 3:
                restart("SHUTDOWN", False)
            elif len(pending) == 1 and elapsed >= 2 * args.restart_seconds / 3:
                restart("SIGKILL", True)

        t0 = time.perf_counter()
        chats = await load.paced(args.restart_rate, args.restart_seconds, at)
        await asyncio.gather(*pending)
        while load.tasks:  # every update confirmed in the end (Telegram keeps retrying)
            await asyncio.wait(list(load.tasks))
        label = f"redis restarts: {args.restart_rate:.0f}/s for {args.restart_seconds:.0f} s"
        report(label, load, chats, await load.wait(chats, 300), t0)
        await asyncio.sleep(max(3.0, args.claim_idle + 1))  # late duplicates
        replies = load.first_replies()
        lost = [c for c in chats if c not in replies]
        dups = duplicates(load, chats)
        for c in dups:
            times = ", ".join(f"{r.at - t0:.2f}" for r in replies[c])
            print(f"redis restarts: update {load.uid_of[c]} answered at {times} s (posted at {load.sent_at[c] - t0:.2f} s)",
                  flush=True)
        for how, start, end in outages:
            print(f"redis restarts: {how} at {start - t0:.1f} s, accepting again {end - start:.2f} s later "
                  f"(down {args.down:.1f} s + start)", flush=True)
        slow = sorted(replies[c][0].at - load.sent_at[c] for c in chats if c in replies)
        print(f"redis restarts: {len(chats)} updates, {sum(c in confirmed_at for c in chats)} confirmed, {sum(refused)} refusals "
              f"(503 or no answer) on {sum(1 for r in refused if r)} updates, {len(lost)} confirmed but lost, "
              f"{len(dups)} answered twice; slowest reply {slow[-1]:.1f} s after the first post", flush=True)
        for i in range(2):
            text = rs.log(f"worker{i}").read_text(errors="replace")
            print(f"redis restarts: worker {i}: {text.count('Redis unavailable')} outages seen, "
                  f"{text.count('Redis answers again')} recoveries, {text.count('left pending')} updates left "
                  f"pending, {text.count('took over update entry')} taken over", flush=True)
    finally:
        codes = await rs.stop()
        redis.stop()
    print(f"redis restarts: exit codes {codes}", flush=True)


SWAPPED = re.compile(r"^(\S+ \S+) WARNING bot\.serve\.publish: now serving the published database (\S+) "
                     r"\(([\d.]+)s after its publication\)", re.M)


async def refresh_under_load(api: FakeBotAPI, db: Path, tmp: Path, args: argparse.Namespace,
                             redis: RedisServer) -> None:
    """/refresh twice during a run: one build, the swap time of every worker, failed answers."""
    run = tmp / "refresh"
    publish = run / "published"
    publish.mkdir(parents=True)
    admin = 4242
    build = shlex.join([sys.executable, str(FAKE_ETL), "--template", str(db), "--copy", "--sleep",
                        str(args.build_seconds)])
    env = {"GAOKAO_REDIS_URL": redis.url, "GAOKAO_PACING": "0", "GAOKAO_CLAIM_IDLE": str(args.claim_idle),
           "GAOKAO_PUBLISH_DIR": str(publish), "GAOKAO_ADMIN_IDS": str(admin), "GAOKAO_BUILD_COMMAND": build}
    rs = Replicas(api, db, run, env)
    api.calls.clear()
    try:
        await rs.start(workers=2)

        async def post(update: dict[str, Any]) -> None:
            status = await rs.post(update)
            if status != 200:
                print(f"receiver answered {status}", file=sys.stderr)

        load = Load(api, post)
        await load.wait([load.fire() for _ in range(50)], 60)  # warm up
        await asyncio.sleep(args.warmup)
        api.calls.clear()
        asked: list[float] = []

        def at(elapsed: float) -> None:
            if len(asked) < 2 and elapsed >= args.refresh_seconds / 3 + len(asked):
                asked.append(time.perf_counter())
                task = asyncio.create_task(post({"update_id": 900_000 + len(asked),
                                                 **message("/refresh", admin, admin, message_id=len(asked))}))
                load.tasks.add(task)
                task.add_done_callback(load.tasks.discard)

        t0 = time.perf_counter()
        chats = await load.paced(args.refresh_rate, args.refresh_seconds, at)
        label = f"refresh under load: {args.refresh_rate:.0f}/s for {args.refresh_seconds:.0f} s"
        got = await load.wait(chats, 120)
        report(label, load, chats, got, t0)
        await api.wait_for(lambda: any("数据已更新" in c.params["text"] for c in api.sent("sendMessage", admin)), 120)
        built = sorted(publish.glob("admissions-*.duckdb"))
        to_admin = [c.params["text"].splitlines()[0] for c in api.sent("sendMessage", admin)]
        print(f"refresh under load: {len(built)} build(s) published; to the admin: {to_admin}", flush=True)
        for f in built:
            ok = f.with_name(f.name + ".sha256").read_text().split()[0] == sha256_file(f)
            print(f"refresh under load: {f.name} ({f.stat().st_size / 1e6:.0f} MB), sha256 file "
                  f"{'matches' if ok else 'DOES NOT MATCH'}", flush=True)
        published_at = None
        for i in range(2):
            text = rs.log(f"worker{i}").read_text(errors="replace")
            if "bot.serve.publish: published " in text:
                print(f"refresh under load: worker {i} built it and swapped before publishing", flush=True)
            for m in SWAPPED.finditer(text):
                print(f"refresh under load: worker {i} serving {Path(m[2]).name} {float(m[3]):.2f} s after "
                      f"its publication (verify sha256 + open + retire the old engine)", flush=True)
            if (m := re.search(r"^(\S+ \S+) WARNING bot\.serve\.publish: published ", text, re.M)):
                published_at = m[1]
        failed = [c for c in chats if any("抱歉" in r.params["text"] for r in load.first_replies().get(c, []))]
        lost = [c for c in chats if c not in got]
        print(f"refresh under load: {len(chats)} updates, {len(failed)} failed answers, {len(lost)} unanswered, "
              f"{len(duplicates(load, chats))} answered twice; published at {published_at}", flush=True)
        if asked:  # latency of the updates sent before the first /refresh, in the 10 s from it, and after
            before = [c for c in chats if load.sent_at[c] < asked[0] and c in got]
            near = [c for c in chats if asked[0] <= load.sent_at[c] <= asked[0] + 10 and c in got]
            after = [c for c in chats if load.sent_at[c] > asked[0] + 10 and c in got]
            for name, group in (("before /refresh", before), ("10 s from /refresh", near), ("after those", after)):
                lat = sorted(1000 * (got[c] - load.sent_at[c]) for c in group)
                if len(lat) > 1:
                    q = statistics.quantiles(lat, n=100, method="inclusive")
                    print(f"refresh under load: {name}: {len(lat)} updates, p50 {q[49]:.0f} ms, p99 {q[98]:.0f} ms",
                          flush=True)
    finally:
        codes = await rs.stop()
    print(f"refresh under load: exit codes {codes}", flush=True)


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
    p.add_argument("--scenarios", default="throughput,die,redis,refresh",
                   help="which to run, comma-separated (default throughput,die,redis,refresh)")
    p.add_argument("--restart-rate", type=float, default=150.0,
                   help="updates/s in the Redis-restarts run (default 150)")
    p.add_argument("--restart-seconds", type=float, default=40.0,
                   help="length of the Redis-restarts run (default 40)")
    p.add_argument("--down", type=float, default=2.0, help="seconds Redis stays down at each restart (default 2)")
    p.add_argument("--refresh-rate", type=float, default=150.0, help="updates/s in the refresh run (default 150)")
    p.add_argument("--refresh-seconds", type=float, default=30.0, help="length of the refresh run (default 30)")
    p.add_argument("--build-seconds", type=float, default=3.0,
                   help="how long the stand-in build sleeps before copying the database (default 3)")
    p.add_argument("--keep", type=Path, default=None, metavar="DIR",
                   help="keep the logs and files of the run in a new directory under DIR")
    args = p.parse_args()
    args.scenarios = {x.strip() for x in args.scenarios.split(",") if x.strip()}
    unknown = args.scenarios - {"throughput", "die", "redis", "refresh"}
    if unknown:
        p.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{len(os.sched_getaffinity(0))} cores; python {platform.python_version()}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with contextlib.ExitStack() as stack:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix="bench-replicas-", dir=args.keep))
            print(f"logs kept in {tmp}", flush=True)
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        db = (args.db or make_tiny_db(tmp / "tiny.duckdb")).resolve()
        print(f"database: {db if args.db else 'tiny test database'}", flush=True)
        (tmp / "redis").mkdir()
        redis = RedisServer(redis_binary(), tmp / "redis")
        redis.start()
        api = FakeBotAPI()
        await api.start()
        try:
            if "throughput" in args.scenarios:
                await single(api, db, tmp, args)
                api.calls.clear()
            if args.scenarios & {"throughput", "die"}:
                await replicated(api, db, tmp, args, redis)
            if "redis" in args.scenarios:
                await redis_restarts(api, db, tmp, args)
            if "refresh" in args.scenarios:
                await refresh_under_load(api, db, tmp, args, redis)
        finally:
            await api.stop()
            redis.stop()
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
