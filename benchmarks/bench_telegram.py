"""Benchmark of the Telegram door: the real bot process against the fake Bot API on loopback.

    .venv/bin/python benchmarks/bench_telegram.py [--db FILE] [--rate 250] [--seconds 10] [--burst 2000]

Phases: a warm-up; a sustained phase pushing `--rate` updates/s for `--seconds` (latency from the
moment an update is queued at the fake server to the moment the bot's sendMessage for it arrives);
a burst of `--burst` updates queued at once (how fast the bot drains them). Every update comes from
its own user, so the per-user rate limit never applies; the questions are a random mix (see
`question`), so repeated ones hit the bot's answer memory as they would in real use. Resident memory of the bot process from
/proc. Without --db a tiny test database is written (answers are cheap there; use a real build
for figures that include the engine's cost). Targets: >= 200 updates/s, p99 <= 150 ms, RSS <= 400 MB.
The bot runs with GAOKAO_PACING=0 (every update comes from a new chat, and pacing would hold replies
to about 24/s): this measures the bot itself; benchmarks/bench_outbox.py measures paced sending.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.telegram.fake_api import FakeBotAPI, message, spawn_bot, stop_bot
from tests.tinydb import make_tiny_db

SCHOOLS = ["北京大学", "郑州大学", "河南大学", "河南科技学院", "郑州铁路职业技术学院", "四川大学", "重庆大学", "郑大"]


def question(rng: random.Random) -> str:
    """A message like users send: mostly rank/score questions (numbers vary), schools, comparisons, chatter."""
    kind = rng.random()
    if kind < 0.35:
        return f"河南 {rng.choice(['理科', '物理类', '文科'])} {rng.randint(20, 1000)}"
    if kind < 0.55:
        return f"河南 理科 {rng.randint(300, 700)}分"
    if kind < 0.70:
        return f"{rng.choice(SCHOOLS)}怎么样"
    if kind < 0.85:
        a, b = rng.sample(SCHOOLS[:-1], 2)
        return f"{a}和{b}哪个好"
    if kind < 0.95:
        return f"/rank 河南 物理类 {rng.randint(20, 1000)}"
    return "你好"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class Load:
    """Pushes updates (one new chat each) and collects update-to-reply latencies."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.chats = itertools.count(1_000_000)
        self.rng = random.Random(42)
        self.pushed: dict[int, float] = {}  # chat -> when its update was queued

    def push(self) -> int:
        chat = next(self.chats)
        uid = self.api.push(message(question(self.rng), chat))
        self.pushed[chat] = self.api.pushed_at[uid]
        return chat

    async def wait(self, chats: list[int], timeout: float) -> dict[int, float]:
        """Reply time per chat, once every chat has its first reply (reads only new calls each time)."""
        wanted = set(chats)
        done: dict[int, float] = {}
        seen = 0

        def check() -> bool:
            nonlocal seen
            calls = self.api.calls
            for call in calls[seen:]:
                chat = call.params.get("chat_id")
                if call.method == "sendMessage" and chat in wanted and chat not in done:
                    done[chat] = call.at
            seen = len(calls)
            return len(done) == len(wanted)

        await self.api.wait_for(check, timeout)
        return done


def summary(name: str, load: Load, chats: list[int], replies: dict[int, float], t0: float) -> None:
    lat = sorted(1000 * (replies[c] - load.pushed[c]) for c in chats if c in replies)
    lost = len(chats) - len(lat)
    span = max(replies.values()) - t0 if replies else float("nan")
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [float("nan")] * 99
    print(f"{name}: {len(chats)} updates, {len(lat) / span:.0f} updates/s answered, "
          f"latency p50 {q[49]:.1f} ms, p90 {q[89]:.1f} ms, p99 {q[98]:.1f} ms, max {lat[-1]:.1f} ms"
          + (f", {lost} UNANSWERED" if lost else ""))


async def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=None, help="database file (default: a tiny test database)")
    p.add_argument("--rate", type=float, default=250.0, help="sustained updates per second (default 250)")
    p.add_argument("--seconds", type=float, default=10.0, help="length of the sustained phase (default 10)")
    p.add_argument("--burst", type=int, default=2000, help="updates queued at once in the burst phase (default 2000)")
    p.add_argument("--pacing", action="store_true", help="keep the bot's pacing of sends on (GAOKAO_PACING=1)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or make_tiny_db(Path(tmp) / "tiny.duckdb")
        api = FakeBotAPI()
        await api.start()
        log_file = Path(tmp) / "bot.log"
        started = time.perf_counter()
        proc = await spawn_bot(api.base_url, db.resolve(), log_file, verbose=True,
                               extra_env={"GAOKAO_PACING": "1" if args.pacing else "0"})
        try:
            if not await api.wait_for(lambda: bool(api.sent("getUpdates")), 60):
                print((Path(tmp) / "bot.log").read_text(), file=sys.stderr)
                return 1
            load = Load(api)
            t_warm = time.perf_counter()
            warm = [load.push() for _ in range(100)]
            summary("first 100 updates at start-up (engine still warming)", load, warm,
                    await load.wait(warm, 30), t_warm)
            # Steady state: wait until the engine has built its estimates in the background.
            if not await api.wait_for(lambda: "engine warmed" in log_file.read_text(errors="replace"), 120):
                print("the engine never reported being warmed", file=sys.stderr)
                return 1
            print(f"bot process: pid {proc.pid}, db {db if args.db else 'tiny test database'}, engine warmed "
                  f"{time.perf_counter() - started:.1f} s after start, RSS {rss_mb(proc.pid)[0]:.0f} MB")

            n = int(args.rate * args.seconds)
            chats: list[int] = []
            t0 = time.perf_counter()
            for i in range(n):
                delay = t0 + i / args.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                chats.append(load.push())
            summary(f"sustained {args.rate:.0f}/s for {args.seconds:.0f}s", load, chats,
                    await load.wait(chats, 60), t0)

            t0, cpu0 = time.perf_counter(), cpu_seconds(proc.pid)
            burst = [load.push() for _ in range(args.burst)]
            summary(f"burst of {args.burst}", load, burst, await load.wait(burst, 120), t0)
            print(f"bot CPU per update: {1000 * (cpu_seconds(proc.pid) - cpu0) / args.burst:.2f} ms "
                  f"(machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
            now, peak = rss_mb(proc.pid)
            print(f"resident memory: {now:.0f} MB now, {peak:.0f} MB peak")
        finally:
            await stop_bot(proc)
            await api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
