"""Benchmark of paced sending: a burst against the fake Bot API enforcing Telegram's limits.

    .venv/bin/python benchmarks/bench_outbox.py [--db FILE] [--updates 500] [--chats 50] [--groups 5] [--no-pacing]

The real bot process (`python -m bot run`, pacing on unless --no-pacing) gets `--updates` updates
queued at once, round-robin over `--chats` private chats and `--groups` groups (in groups, /rank
commands from different users). The fake API answers 429 with retry_after whenever a send breaks
30/s overall, 1/s per chat or 20/min per group (sliding windows). Reported: 429s met (target 0),
answers lost (target 0), updates/s accepted (confirmed to the API; target >= 200/s), and the time
until every answer has been delivered (bounded by the pacing: about 25 sends/s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_telegram import question
from tests.telegram.fake_api import FakeBotAPI, message, spawn_bot, stop_bot
from tests.tinydb import make_tiny_db


async def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=None, help="database file (default: a tiny test database)")
    p.add_argument("--updates", type=int, default=500, help="updates in the burst (default 500)")
    p.add_argument("--chats", type=int, default=50, help="private chats (default 50)")
    p.add_argument("--groups", type=int, default=5, help="groups (default 5)")
    p.add_argument("--no-pacing", action="store_true", help="run the bot with GAOKAO_PACING=0")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or make_tiny_db(Path(tmp) / "tiny.duckdb")
        api = FakeBotAPI()
        await api.start()
        api.enforce()
        log_file = Path(tmp) / "bot.log"
        proc = await spawn_bot(api.base_url, db.resolve(), log_file, verbose=True,
                               extra_env={"GAOKAO_PACING": "0" if args.no_pacing else "1"})
        try:
            if not await api.wait_for(lambda: bool(api.sent("getUpdates")), 60):
                print(log_file.read_text(), file=sys.stderr)
                return 1
            rng = random.Random(7)
            privates = list(range(2_000_001, 2_000_001 + args.chats))
            groups = list(range(-1_009_000_001, -1_009_000_001 - args.groups, -1))
            everyone = privates + groups
            expected: dict[int, int] = dict.fromkeys(everyone, 0)
            t0 = time.perf_counter()
            for i in range(args.updates):
                chat = everyone[i % len(everyone)]
                expected[chat] += 1
                if chat < 0:
                    api.push(message(f"/rank 河南 理科 {rng.randint(20, 1000)}", chat, user_id=5_000_000 + i,
                                     chat_type="supergroup", message_id=1000 + i))
                else:
                    text = question(rng)
                    api.push(message(text if not text.startswith("/") else "郑大怎么样", chat))
            await api.wait_for(lambda: api.pending == 0, 120)
            accepted = time.perf_counter() - t0

            def delivered(chat: int) -> int:
                return len(api.sent("sendMessage", chat))

            done = await api.wait_for(lambda: all(delivered(c) >= n for c, n in expected.items()), 300)
            await asyncio.sleep(1.0)  # late duplicates would show up now
            sends = [c for c in api.sent("sendMessage") if c.params.get("chat_id") in expected]
            drain = max(c.at for c in sends) - t0 if sends else float("nan")
            lost = sum(max(0, n - delivered(c)) for c, n in expected.items())
            extra = sum(max(0, delivered(c) - n) for c, n in expected.items())
            print(f"burst of {args.updates} updates over {args.chats} chats and {args.groups} groups, pacing "
                  f"{'off' if args.no_pacing else 'on'}: {len(api.limited)} 429s, {lost} answers lost"
                  f"{'' if done else ' (TIMED OUT)'}, {extra} extra messages; accepted in {accepted:.2f} s "
                  f"({args.updates / accepted:.0f} updates/s); every answer delivered after {drain:.1f} s "
                  f"({len(sends) / drain:.1f} sends/s)")
            if api.limited:
                print("429s for chats:", sorted({c for _, c in api.limited}))
            print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        finally:
            await stop_bot(proc)
            await api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
