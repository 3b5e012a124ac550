"""Benchmark: a full ETL build from all sources (wall time, peak memory, database size).

Usage: python benchmarks/bench_build.py [--sources DIR] [--out FILE]
Runs `python -m etl build` in a child process and reports its wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    """Run one build and print the figures."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sources", type=Path, default=None, help="sources directory (default as `python -m etl build`)")
    p.add_argument("--out", type=Path, default=None, help="database file (default: a temporary file)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "bench.duckdb"
        cmd = [sys.executable, "-m", "etl", "-q", "build", "--out", str(out)]
        if args.sources:
            cmd += ["--sources", str(args.sources)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - start
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        size = out.stat().st_size
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"full build: {wall:.1f} s wall, peak RSS {peak_kb / 1024:.0f} MB, database {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
