"""Refuse to publish a build that lost rows against the database it would replace."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.errors import EtlError

log = logging.getLogger(__name__)

# A whole table may lose at most 5% of its rows: a reader fix or a stricter check moves a few
# percent at most (the quarantine took 0.4% of admissions when it came in); a missing folder
# takes tens of percent (the largest folder alone holds 64% of admission rows).
TABLE_DROP = 0.05
# One province or one source file may lose at most 20% of its rows: small groups move more from
# honest fixes, but a province or file that loses a fifth has lost data, not noise. A file that is
# empty (or gone) loses 100%.
GROUP_DROP = 0.20
# Tables whose rows are data (not bookkeeping such as build_info or unresolved_names, nor the
# quarantine, which shrinks when data gets better).
TABLES = ("admissions", "school_cutoffs", "score_ranks", "cohorts", "control_lines", "schools",
          "school_aliases", "major_strength")
PROVINCE_TABLES = ("admissions", "school_cutoffs", "score_ranks", "cohorts", "control_lines")
_SHOWN = 12


class ShrinkError(EtlError):
    """The new build has fewer rows than the database it would replace, beyond the thresholds."""


@dataclass(frozen=True, slots=True)
class Drop:
    """Rows of one table, province or source file: before (old database) and after (new build)."""

    what: str
    before: int
    after: int

    @property
    def share(self) -> float:
        """The share of rows lost."""
        return 1 - self.after / self.before if self.before else 0.0


def compare(con: duckdb.DuckDBPyConnection, old: Path) -> list[Drop]:
    """Drops beyond the thresholds of the build in `con` against the database file `old`."""
    try:
        con.execute("ATTACH ? AS old_db (READ_ONLY)", [str(old)])
    except duckdb.Error as exc:
        log.warning("no shrink check: the database being replaced (%s) cannot be read: %s", old, exc)
        return []
    try:
        return _drops(con)
    finally:
        con.execute("DETACH old_db")


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [catalog]).fetchall()
    return {str(r[0]) for r in rows}


def _grouped(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, int]:
    return {str(k): int(n) for k, n in con.execute(sql).fetchall()}


def _drops(con: duckdb.DuckDBPyConnection) -> list[Drop]:
    new_db = str(con.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
    shared = _tables(con, new_db) & _tables(con, "old_db")
    drops: list[Drop] = []
    for t in TABLES:
        if t not in shared:
            continue
        before = int(con.execute(f"SELECT count(*) FROM old_db.{t}").fetchone()[0])  # type: ignore[index]
        after = int(con.execute(f"SELECT count(*) FROM {new_db}.main.{t}").fetchone()[0])  # type: ignore[index]
        if before and after < before * (1 - TABLE_DROP):
            drops.append(Drop(f"table {t}", before, after))
    for t in PROVINCE_TABLES:
        if t not in shared:
            continue
        sql = "SELECT province, count(*) FROM {} GROUP BY province"
        drops += _group_drops(f"{t} of province", _grouped(con, sql.format(f"old_db.{t}")),
                              _grouped(con, sql.format(f"{new_db}.main.{t}")))
    if "source_files" in shared:
        sql = "SELECT path, rows FROM {} WHERE rows > 0"
        drops += _group_drops("rows read from", _grouped(con, sql.format("old_db.source_files")),
                              _grouped(con, sql.format(f"{new_db}.main.source_files")))
    return drops


def _group_drops(label: str, before: dict[str, int], after: dict[str, int]) -> list[Drop]:
    out = []
    for key, n in sorted(before.items()):
        m = after.get(key, 0)
        if m < n * (1 - GROUP_DROP):
            out.append(Drop(f"{label} {key}", n, m))
    return out


def report(drops: list[Drop], old: Path) -> str:
    """One paragraph: what dropped, from what to what, and how to publish anyway."""
    ordered = sorted(drops, key=lambda d: (not d.what.startswith("table"), -(d.before - d.after)))
    parts = [f"{d.what} {d.before:,} → {d.after:,} (-{100 * d.share:.1f}%)" for d in ordered[:_SHOWN]]
    more = f"; and {len(ordered) - _SHOWN} more" if len(ordered) > _SHOWN else ""
    return (f"refusing to publish: the new build has fewer rows than {old} (limits: a table may lose "
            f"{100 * TABLE_DROP:g}%, a province or source file {100 * GROUP_DROP:g}%): " + "; ".join(parts) + more
            + ". Check the sources directory (a missing folder or an emptied file?); pass --allow-shrink to publish "
              "anyway. The old database is unchanged.")


def guard(con: duckdb.DuckDBPyConnection, old: Path, *, allow_shrink: bool) -> None:
    """Raise ShrinkError when the build in `con` lost rows against `old`, unless allowed."""
    if not old.exists():
        return
    drops = compare(con, old)
    if not drops:
        return
    text = report(drops, old)
    if not allow_shrink:
        raise ShrinkError(text)
    log.warning("publishing despite the drop (--allow-shrink): %s", text)
