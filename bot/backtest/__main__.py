"""`python -m bot.backtest`: back-test 冲/稳/保 on the database, write docs/backtest.md, optionally calibrate."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from bot.backtest import report
from bot.backtest.calibrate import GRID, Calibration, calibrate
from bot.backtest.run import METHOD, Options, Target, run, targets
from bot.backtest.score import Board
from bot.core import rates
from bot.core.advise import Params, equivalent_tracks, reaches_tail
from bot.core.errors import BotError
from bot.core.store import Store
from bot.settings import load_settings

log = logging.getLogger("bot.backtest")

EPILOG = """examples:
  python -m bot.backtest                                 back-test with the current Params, write docs/backtest.md
  python -m bot.backtest --provinces 广东,山东 --out -      two provinces, report to stdout
  python -m bot.backtest --params safe_z=-2.2 spread_floor=0.09
  python -m bot.backtest --calibrate --write-rates       grid + leave-one-province-out, then store the rates
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot.backtest",
        description="Back-test the 冲/稳/保 recommender: for every province-track-year with school cutoff ranks in "
                    "it and the year before, recommend from the earlier years only and score the lists the bot "
                    "would show against what really happened. Two naive baselines are scored beside it.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--db", type=Path, default=None, help="database file (default: $GAOKAO_DB or data/admissions.duckdb)")
    p.add_argument("--provinces", default=None, metavar="P1,P2", help="only these provinces (default: all)")
    p.add_argument("--per-tier", type=int, default=None, metavar="N",
                   help="schools shown per tier (default: Params.per_tier, as the bot shows)")
    p.add_argument("--ranks", type=int, default=200, metavar="N",
                   help="user ranks per province-track-year, log-spaced over the cohort (default 200)")
    p.add_argument("--min-schools", type=int, default=50, metavar="N",
                   help="skip province-track-years with fewer schools having cutoffs in both years (default 50)")
    p.add_argument("--params", nargs="+", default=[], metavar="KEY=VALUE",
                   help="override Params fields, e.g. safe_z=-2.0 weights=3,1,0.5")
    p.add_argument("--variant", nargs="+", default=None, metavar="KEY=VALUE",
                   help="also score the method with these Params overrides, side by side (e.g. cohort_power=0)")
    p.add_argument("--out", default="docs/backtest.md", metavar="FILE",
                   help="where to write the Markdown report ('-' for stdout; default docs/backtest.md)")
    p.add_argument("--calibrate", action="store_true",
                   help="also run the calibration grid with leave-one-province-out (a few minutes) and report it")
    p.add_argument("--grid", nargs="+", default=[], metavar="KEY=V1,V2",
                   help="calibration grid axes replacing the default ones, e.g. safe_z=-1.8,-2.0 spread_floor=0.1")
    p.add_argument("--calibrate-ranks", type=int, default=200, metavar="N",
                   help="user ranks per province-track-year in the calibration grid (default 200)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                   help="processes for the calibration grid (default 2)")
    p.add_argument("--write-rates", action="store_true",
                   help="store the measured 冲/稳/保 rates in bot/core/rates.py (quoted by the bot's help text)")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress")
    return p


def parse_overrides(items: list[str], base: Params) -> Params:
    """Params with KEY=VALUE overrides applied (tuples as comma-separated numbers)."""
    types = {f.name: f.type for f in fields(Params)}
    changes: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key not in types:
            raise ValueError(f"--params: {item!r} is not KEY=VALUE with KEY one of {', '.join(types)}")
        kind = str(types[key])
        try:
            if "tuple" in kind:
                changes[key] = tuple(float(x) for x in value.split(","))
            elif kind == "int":
                changes[key] = int(value)
            elif kind == "bool":
                if value.lower() not in ("true", "false", "1", "0"):
                    raise ValueError(value)
                changes[key] = value.lower() in ("true", "1")
            else:
                changes[key] = float(value)
        except ValueError as exc:
            raise ValueError(f"--params: bad value in {item!r}") from exc
    return replace(base, **changes)


def parse_grid(items: list[str]) -> dict[str, tuple[float, ...]]:
    """Grid axes from KEY=V1,V2 items (numeric Params fields only)."""
    names = {f.name for f in fields(Params)} - {"weights", "max_years", "stale_years", "per_tier"}
    grid: dict[str, tuple[float, ...]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or key not in names:
            raise ValueError(f"--grid: {item!r} is not KEY=V1,V2 with KEY one of {', '.join(sorted(names))}")
        try:
            grid[key] = tuple(float(v) for v in values.split(","))
        except ValueError as exc:
            raise ValueError(f"--grid: bad value in {item!r}") from exc
    return grid


def data_notes(store: Store, used: list[Target], board: Board) -> list[str]:
    """What in the data a reader of the numbers should know."""
    notes = []
    short = set()
    for t in used:
        for y in (t.year, t.year - 1, t.year - 2, t.year - 3):
            for trk in equivalent_tracks(t.track):
                if store.cohort(t.province, y, trk) and not reaches_tail(store, t.province, y, trk):
                    table = store.table(t.province, trk, y)
                    low = table.scores[-1] if table else "?"
                    short.add(f"{t.province}{trk}{y}（最低{low}分）")
    if short:
        notes.append("这些一分一段表只到较高分数，末位不是考生总数，按考生人数换算位次时跳过了它们："
                     + "、".join(sorted(short)) + "。")
    later = sorted({t.label for t in used
                    if store.control_line_years(t.province, t.track)
                    and not any(y <= t.year for y in store.control_line_years(t.province, t.track))})
    if later:
        notes.append("这些省份-科类-年份没有当年或更早的批次线，“本科线上只列本科”用的是以后年份的批次线（与 bot 相同）："
                     + "、".join(later) + "。")
    misses = {v: tally.safe_existed - tally.safe_shown for v in board.values(METHOD, "band")
              if (tally := board.get(METHOD, "band", v)) is not None}
    if sum(misses.values()):
        notes.append("当年确有学校录取、列表里却没有“保”的查询按位次段：" + "、".join(
            f"{v} {n}" for v, n in misses.items() if n) + "。这些查询在推荐可选的范围内没有一所有核验数据的学校。")
    m = board.get(METHOD, "all", "all")
    if m:
        shown = sum(m.tiers[t].shown for t in m.tiers)
        missing = sum(m.tiers[t].missing for t in m.tiers)
        notes.append(f"本方法列出的学校中 {missing:,} / {shown:,} 条（{100 * missing / max(shown, 1):.1f}%）"
                     "当年没有核验过的录取位次，不计入录取率。")
    return notes


def _describe(store: Store, db: Path) -> str:
    """The data file by name and size (the build time is reported beside it)."""
    try:
        rows = json.loads(store.build_info.get("counts", "{}")).get("school_cutoffs")
    except ValueError:
        rows = None
    return f"{db.name}" + (f"，school_cutoffs {rows:,} 行" if isinstance(rows, int) else "")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        db = args.db or load_settings().db
        params = parse_overrides(args.params, Params())
        if args.per_tier is not None:
            params = replace(params, per_tier=args.per_tier)
        variant = parse_overrides(args.variant, params) if args.variant else None
        grid = parse_grid(args.grid) if args.grid else GRID
        store = Store(db)
    except (ValueError, BotError) as exc:
        log.error("%s", exc)
        return 2
    provinces = [p.strip() for p in args.provinces.split(",")] if args.provinces else None
    found = targets(store, provinces)
    used = [t for t in found if t.schools >= args.min_schools]
    skipped = [t for t in found if t.schools < args.min_schools]
    if not used:
        log.error("no province-track-year with at least %d schools in two consecutive years", args.min_schools)
        return 1
    t0 = time.perf_counter()
    board = run(store, used, Options(params=params, n_ranks=args.ranks, variant=variant, safe_bands=report.SAFE_BANDS))
    seconds = time.perf_counter() - t0
    cal: Calibration | None = None
    if args.calibrate:
        cal = calibrate(db, used, params, grid, n_ranks=args.calibrate_ranks, jobs=args.jobs)
    shown_args = list(argv if argv is not None else sys.argv[1:])
    if "--db" in shown_args:  # the data file is named in the report's data line
        i = shown_args.index("--db")
        del shown_args[i : i + 2]
    command = "python -m bot.backtest " + shlex.join(shown_args)
    meta = report.Meta(command=command.strip(), db=_describe(store, db), built_at=store.build_info.get("built_at", "?"),
                       params=params, n_ranks=args.ranks, targets=used, skipped=skipped, variant=variant,
                       min_schools=args.min_schools, seconds=seconds, notes=data_notes(store, used, board))
    text = report.render(board, meta, cal)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    measured = report.measured_rates(board, meta)
    if args.write_rates:
        path = Path(rates.__file__)
        path.write_text(rates.replace_block(path.read_text(encoding="utf-8"), measured), encoding="utf-8")
    summary = rates.tier_rates_text(measured) or ""
    sys.stderr.write(f"{len(used)} province-track-years, {seconds:.0f} s. {summary}\n")
    if cal is not None:
        sys.stderr.write("calibrated on all provinces: " + report._changes(cal.best) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
