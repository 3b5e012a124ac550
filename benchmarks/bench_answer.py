"""Benchmark: the answer engine on the full database.

Usage: python benchmarks/bench_answer.py [--db FILE] [-n 1000]
Reports start-up time, in-process answer latency p50/p99 over a mixed set of messages,
the time of `python -m bot ask --json -` over the same messages (one process, start-up
included), resident memory, and the first pass of a fresh engine warmed at start-up as the
served bot is (in a process of its own).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.core.answer import Engine
from bot.core.render import render

HELP = ["你好", "部门月度工作总结范文", "", "国庆节放假安排通知", "/start", "给老师的新年祝福语大全", "x" * 10_000]


def latencies(engine: Engine, msgs: list[str]) -> list[float]:
    """Milliseconds to answer and render each message, in one pass, sorted."""
    out = []
    for m in msgs:
        s = time.perf_counter()
        render(engine.answer(m))
        out.append((time.perf_counter() - s) * 1000)
    return sorted(out)


def messages(engine: Engine, n: int, seed: int = 7) -> list[str]:
    """A reproducible mix of rank, score, compare, school, major and help messages."""
    rnd = random.Random(seed)
    store = engine.store
    keys = sorted(store.tables)
    # Straight from SQL: loading the cutoff lists here would warm the engine before the cold pass.
    with_cutoffs = [r[0] for r in store._q("SELECT DISTINCT school_id FROM school_cutoffs ORDER BY 1")]
    names = [store.schools[s].name for s in with_cutoffs if s in store.schools]
    majors = [r[0] for r in store._q("SELECT DISTINCT major FROM admissions WHERE major IS NOT NULL LIMIT 3000")]
    majors = [m for m in majors if 2 <= len(m) <= 12 and "(" not in m]
    out: list[str] = []
    while len(out) < n:
        kind = rnd.random()
        prov, year, track = rnd.choice(keys)
        size = store.tables[(prov, year, track)].size
        if kind < 0.35:
            rank = int(10 ** rnd.uniform(1, max(1.1, __import__("math").log10(size))))
            out.append(rnd.choice([f"{prov} {track} {rank}", f"{prov}高考排名{rank}左右排位{track}可以上哪些大学"]))
        elif kind < 0.55:
            out.append(f"{prov} {track} {rnd.randint(300, 690)}分")
        elif kind < 0.7:
            a, b = rnd.sample(names, 2)
            out.append(f"{a}和{b}哪个好")
        elif kind < 0.8:
            out.append(f"{rnd.choice(names)}怎么样")
        elif kind < 0.92:
            out.append(f"{rnd.choice(names)}的{rnd.choice(majors)}专业排名怎么样 附历年录取分数线")
        else:
            out.append(rnd.choice(HELP))
    return out


def main() -> int:
    """Run the benchmark and print the figures."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=Path(os.environ.get("GAOKAO_DB", "data/admissions.duckdb")),
                   help="database file (default: $GAOKAO_DB or data/admissions.duckdb)")
    p.add_argument("-n", type=int, default=1000, help="number of messages (default 1000)")
    p.add_argument("--warmed-start", action="store_true",
                   help="only the pass of a fresh engine warmed at start-up, as the served bot is (run by the benchmark "
                        "in a process of its own)")
    args = p.parse_args()
    if args.warmed_start:
        return warmed_start(args.db, args.n)

    t0 = time.perf_counter()
    engine = Engine.open(args.db)
    startup = time.perf_counter() - t0
    msgs = messages(engine, args.n)
    cold = latencies(engine, msgs)  # first pass: each province-track's ladder is built on its first question
    s = time.perf_counter()
    warmed = engine.warm()
    warm_s = time.perf_counter() - s
    lat = latencies(engine, msgs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    stdin = "\n".join(m.replace("\n", " ") for m in msgs) + "\n"
    s = time.perf_counter()
    cpu0 = _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "bot", "--db", str(args.db), "ask", "--json", "-"],
                          input=stdin, capture_output=True, text=True, check=True)
    batch = time.perf_counter() - s
    batch_cpu = _children_cpu() - cpu0
    lines = proc.stdout.count("\n")
    s = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "--db", str(args.db), "ask", "你好"], capture_output=True, check=True)
    one = time.perf_counter() - s
    s = time.perf_counter()  # a rank question also reads every school cutoff once (on first use)
    subprocess.run([sys.executable, "-m", "bot", "--db", str(args.db), "ask", "河南 理科 447200"], capture_output=True,
                   check=True)
    one_rank = time.perf_counter() - s

    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"engine start-up (open db + name index): {startup * 1000:.0f} ms; one `ask` process: {one:.2f} s "
          f"(help), {one_rank:.2f} s (a rank question)")
    print(f"in-process answer+render over {len(msgs)} messages, cold (ladders built on first use): "
          f"p50 {statistics.median(cold):.2f} ms, p99 {cold[int(0.99 * len(cold)) - 1]:.2f} ms, max {cold[-1]:.1f} ms")
    print(f"warming all {warmed} province-track ladders: {warm_s:.1f} s")
    print(f"in-process answer+render over {len(msgs)} messages, warm: p50 {statistics.median(lat):.2f} ms, "
          f"p99 {lat[int(0.99 * len(lat)) - 1]:.2f} ms, max {lat[-1]:.1f} ms")
    print(f"`ask --json -` over {len(msgs)} messages: {batch:.2f} s, CPU {batch_cpu:.2f} s ({lines} JSON lines)")
    print(f"resident memory (peak RSS of this process): {rss:.0f} MB")
    # In a process of its own: this one's engine (and its peak RSS) stays as measured above.
    warmed = subprocess.run([sys.executable, __file__, "--db", str(args.db), "-n", str(args.n), "--warmed-start"],
                            capture_output=True, text=True, check=True)
    sys.stdout.write(warmed.stdout)
    return 0


def warmed_start(db: Path, n: int) -> int:
    """A fresh engine warmed at start-up (`Engine.warm()`, as the served bot does before its first update), then the
    messages' first pass: the start-up the bot pays so that no question pays for a province's first build."""
    t0 = time.perf_counter()
    engine = Engine.open(db)
    startup = time.perf_counter() - t0
    msgs = messages(engine, n)
    s = time.perf_counter()
    warmed = engine.warm()
    warm_s = time.perf_counter() - s
    first = latencies(engine, msgs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"fresh engine warmed at start-up (as the bot is): start-up {startup * 1000:.0f} ms + warming {warmed} "
          f"province-tracks {warm_s:.1f} s; then answer+render over {len(msgs)} messages, each asked for the first "
          f"time: p50 {statistics.median(first):.2f} ms, p99 {first[int(0.99 * len(first)) - 1]:.2f} ms, "
          f"max {first[-1]:.1f} ms (peak RSS {rss:.0f} MB)")
    return 0


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children: the machine is often shared."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


if __name__ == "__main__":
    raise SystemExit(main())
