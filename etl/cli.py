"""Command line of the ETL: `python -m etl build|coverage|audit|fetch|manifest|info`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import duckdb

from etl import duck
from etl.errors import EtlError
from etl.progress import BuildLog, ConsoleHandler, Progress

log = logging.getLogger("etl")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DEFAULT_DB = Path("data") / "admissions.duckdb"


def _parser() -> argparse.ArgumentParser:
    from etl import fetch

    p = argparse.ArgumentParser(prog="python -m etl", description="Build and inspect the gaokao admissions database.")
    p.add_argument("-q", "--quiet", action="store_true", help="only print warnings and errors")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every detail line (a build always writes them to <database>.build.log)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the database from the source files (atomic: the old file survives failures)",
                       description="Read every source folder, normalise, resolve schools, derive ranks, validate, "
                                   "then atomically replace the database file.")
    b.add_argument("--sources", type=Path, default=None,
                   help="sources directory (default: $GAOKAO_SOURCES, else ../shared/data/sources, else data/sources)")
    b.add_argument("--out", type=Path, default=None, help=f"database file to write (default: $GAOKAO_DB or {DEFAULT_DB})")
    b.add_argument("--allow-shrink", action="store_true",
                   help="publish even when the build has fewer rows (per table, province or source file) "
                        "than the database it replaces")

    c = sub.add_parser("coverage", help="print which provinces, years and tracks have school cutoff ranks and batch lines",
                       description="Per province: the years and tracks with ordinary-batch school cutoff ranks, "
                                   "with school counts, 本科 and 专科 apart; the batch lines that exist and are "
                                   "missing per province-year-track; programme labels and unclassified labels; "
                                   "quarantined rows by reason and province; truncated 一分一段 tables; and what "
                                   "each new source (#20-#22) added (Markdown, for docs/data-coverage.md).")
    c.add_argument("--db", type=Path, default=None, help=f"database file (default: $GAOKAO_DB or {DEFAULT_DB})")

    a = sub.add_parser("audit", help="run the data-truth checks on a database; exit 1 when a must-be-zero check fails",
                       description="Print every check (unclassified labels, rows below lines, quarantined rows, "
                                   "truncated tables, ranks beyond cohorts, 本科 labelled 专科, missing lines) "
                                   "with counts by class. Exits 1 when a must-be-zero check is not zero.")
    a.add_argument("--db", type=Path, default=None, help=f"database file (default: $GAOKAO_DB or {DEFAULT_DB})")

    i = sub.add_parser("info", help="print build_info and per-file row counts of a database",
                       description="Show when and from what the database was built.")
    i.add_argument("--db", type=Path, default=None, help=f"database file (default: $GAOKAO_DB or {DEFAULT_DB})")

    f = sub.add_parser("fetch", help="download the source files listed in the manifest (needs internet)",
                       description="Download, resume and verify (sha256) the source files into a cache directory.")
    fetch.add_fetch_arguments(f)
    m = sub.add_parser("manifest", help="write a manifest (path, size, sha256, url) of a sources directory",
                       description="Walk a sources directory and write the manifest used by `fetch`.")
    fetch.add_manifest_arguments(m)
    return p


def _db_path(arg: Path | None) -> Path:
    import os

    return arg or Path(os.environ.get("GAOKAO_DB", DEFAULT_DB))


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    # A build shows compact progress; its detail goes to the build log (and to the terminal with -v).
    quiet_detail = args.quiet or (args.command == "build" and not args.verbose)
    logging.basicConfig(level=logging.WARNING if quiet_detail else logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "info":
            return _info(args)
        if args.command == "audit":
            return _audit(args)
        from etl import fetch

        if args.command == "fetch":
            return fetch.run_fetch(args)
        return fetch.run_manifest(args)
    except EtlError as exc:
        log.error("%s", exc)
        return exc.exit_code


def _build(args: argparse.Namespace) -> int:
    from etl.build import build, default_sources

    sources = args.sources or default_sources()
    out = _db_path(args.out)
    progress = None if args.quiet or args.verbose else Progress(sys.stderr)
    build_log = _open_build_log(out, progress)
    try:
        if progress is not None:
            progress.line(f"building {out} from {sources}")
        log.info("building %s from %s", out, sources)
        report = build(sources, out, allow_shrink=args.allow_shrink, progress=progress)
        log.info("built %s in %.1fs (%.1f MB)", out, report.seconds, report.size_bytes / 1e6)
        for table, n in report.counts.items():
            log.info("  %-16s %9d rows", table, n)
        log.info("admission rows resolved to a school: %.2f%%", 100 * report.resolved_share)
        if report.unresolved_top:
            log.info("most frequent unresolved names: %s",
                     ", ".join(f"{n} ({c})" for n, c in report.unresolved_top[:15]))
        for path, reason in sorted(report.skipped.items()):
            log.info("skipped %s: %s", path, reason)
    finally:
        if progress is not None:
            progress.end()
        if build_log is not None:
            logging.getLogger().removeHandler(build_log)
            build_log.close()
    if progress is not None:
        c = report.counts
        progress.line(f"built {out} in {report.seconds:.0f}s ({report.size_bytes / 1e6:.0f} MB): "
                      f"{c.get('schools', 0):,} schools, {c.get('admissions', 0):,} admission rows, "
                      f"{c.get('school_cutoffs', 0):,} school cutoffs, "
                      f"{100 * report.resolved_share:.1f}% of admission rows resolved")
        if build_log is not None and build_log.failure is None:
            progress.line(f"details: {build_log_path(out)}")
    if build_log is not None and build_log.failure is not None:
        log.warning("build log %s could not be written: %s", build_log.baseFilename, build_log.failure)
    return 0


def build_log_path(out: Path) -> Path:
    """Where a build of `out` writes its detail: data/admissions.duckdb -> data/admissions.build.log."""
    return out.with_name(f"{out.stem}.build.log")


def _open_build_log(out: Path, progress: Progress | None) -> BuildLog | None:
    """Send every INFO line to the build log; with a progress display, only warnings to the terminal."""
    root = logging.getLogger()
    if progress is not None:  # the bar is lifted before a warning and drawn again after
        for h in list(root.handlers):
            root.removeHandler(h)
        console = ConsoleHandler(progress)
        console.setFormatter(logging.Formatter(LOG_FORMAT))
        console.setLevel(logging.WARNING)
        root.addHandler(console)
    else:
        for h in root.handlers:
            h.setLevel(root.level)
    root.setLevel(logging.INFO)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handler = BuildLog(str(build_log_path(out)))
    except OSError as exc:
        log.warning("build log %s not written: %s", build_log_path(out), exc.strerror or exc)
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    return handler


def _open(args: argparse.Namespace) -> duckdb.DuckDBPyConnection:
    db = _db_path(args.db)
    if not db.is_file():
        raise EtlError(f"database {db} not found: run `python -m etl build` first")
    try:
        return duck.connect(db, read_only=True)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EtlError(f"database {db} cannot be opened ({first}): rebuild it with "
                       f"`python -m etl build --out {db}`") from exc


def _coverage(args: argparse.Namespace) -> int:
    from etl.coverage import render_document

    sys.stdout.write(render_document(_open(args)))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from etl.audit import render, run

    results = run(_open(args))
    sys.stdout.write(render(results))
    return 1 if any(r.failed for r in results) else 0


def _info(args: argparse.Namespace) -> int:
    con = _open(args)
    for key, value in con.execute("SELECT key, value FROM build_info ORDER BY key").fetchall():
        sys.stdout.write(f"{key}: {value}\n")
    sys.stdout.write("\nfiles:\n")
    for path, rows, status, reason in con.execute(
        "SELECT path, rows, status, reason FROM source_files ORDER BY path"
    ).fetchall():
        sys.stdout.write(f"  {status:8} {rows:8d}  {path}{'  (' + reason + ')' if reason else ''}\n")
    return 0
