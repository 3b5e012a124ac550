"""`python -m etl audit`: every data-truth check of a built database, with counts by class.

Each check is a small function returning (class, count) pairs; a check marked must-be-zero
fails the audit when its total is not zero. Two of them (unclassified labels, 本科 labelled 专科)
work against today's schema and are meant to be swapped for the programme-type versions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb

from etl.labels import (
    bachelor_labelled_zhuanke_by_province,
    elite_in_zhuanke_by_province,
    unclassified_label_rows,
)
from etl.quarantine import LINE_LEVEL_SQL, NOT_A_BATCH_FLOOR_SQL, below_line_sql

log = logging.getLogger(__name__)

Classes = list[tuple[str, int]]
# An unclassified label carried by more rows than this is a must-fix (issue 10 §1).
UNCLASSIFIED_LABEL_MAX_ROWS = 50
_SHOWN_CLASSES = 25


@dataclass(frozen=True, slots=True)
class Check:
    """One audit check: its name, whether it must be zero, and its count by class."""

    name: str
    must_be_zero: bool
    count: Callable[[duckdb.DuckDBPyConnection], Classes]


@dataclass(frozen=True, slots=True)
class Result:
    """A check's outcome on one database."""

    check: Check
    classes: Classes

    @property
    def total(self) -> int:
        """The sum over the classes."""
        return sum(n for _, n in self.classes)

    @property
    def failed(self) -> bool:
        """A must-be-zero check that is not zero."""
        return self.check.must_be_zero and self.total != 0


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()
    return {str(r[0]) for r in rows}


def _pairs(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> Classes:
    return [(str(k), int(n)) for k, n in con.execute(sql, list(params)).fetchall()]


def big_unclassified_labels(con: duckdb.DuckDBPyConnection) -> Classes:
    """Unclassified labels carried by more than UNCLASSIFIED_LABEL_MAX_ROWS rows."""
    return [(k, n) for k, n in unclassified_label_rows(con) if n > UNCLASSIFIED_LABEL_MAX_ROWS]


def rows_below_lines(con: duckdb.DuckDBPyConnection) -> Classes:
    """Ordinary admission rows still below their batch line beyond the tolerance, by province."""
    return _pairs(con, below_line_sql("a.province, count(*)") + " GROUP BY a.province ORDER BY 1")


def quarantined_rows(con: duckdb.DuckDBPyConnection) -> Classes:
    """Quarantined rows by reason (none when the database predates the quarantine table)."""
    if not _columns(con, "quarantine"):
        return []
    return _pairs(con, "SELECT reason, count(*) FROM quarantine GROUP BY reason ORDER BY reason")


def truncated_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str, int, float | None]]:
    """一分一段 tables the build marked truncated (etl.cohorts): (province, year, track, lowest score, lowest line)."""
    rows = con.execute(f"""
        WITH lines AS (
            SELECT province, year, track,
                   min(score) FILTER (WHERE {LINE_LEVEL_SQL} = '专科') AS zhuanke,
                   min(score) FILTER (WHERE {LINE_LEVEL_SQL} = '本科') AS benke
            FROM control_lines WHERE NOT ({NOT_A_BATCH_FLOOR_SQL}) GROUP BY ALL
        )
        SELECT c.province, c.year, c.track, c.min_score, coalesce(l.zhuanke, l.benke) AS line
        FROM cohorts c LEFT JOIN lines l USING (province, year, track)
        WHERE c.truncated
        ORDER BY ALL
    """).fetchall()
    return [(str(p), int(y), str(t), int(s), None if line is None else float(line)) for p, y, t, s, line in rows]


def truncated_by_province(con: duckdb.DuckDBPyConnection) -> Classes:
    """Truncated 一分一段 tables, counted by province."""
    counts: dict[str, int] = {}
    for p, *_ in truncated_tables(con):
        counts[p] = counts.get(p, 0) + 1
    return sorted(counts.items())


def ranks_beyond_cohorts(con: duckdb.DuckDBPyConnection) -> Classes:
    """Admission rows whose rank exceeds everyone in their 一分一段 table, by province-year-track."""
    return _pairs(con, """
        SELECT concat_ws(' ', a.province, a.year, a.track), count(*)
        FROM admissions a JOIN cohorts h USING (province, year, track)
        WHERE a.min_rank > h.size
        GROUP BY ALL ORDER BY 1
    """)


def missing_lines(con: duckdb.DuckDBPyConnection) -> Classes:
    """Province-year-tracks with a 一分一段 table but no 本科 or no 专科 line, by level and province."""
    return _pairs(con, f"""
        WITH have AS (
            SELECT DISTINCT province, year, track, {LINE_LEVEL_SQL} AS level FROM control_lines
            WHERE NOT ({NOT_A_BATCH_FLOOR_SQL})
        ),
        want AS (SELECT c.province, c.year, c.track, v.level FROM cohorts c, (VALUES ('本科'), ('专科')) v(level))
        SELECT concat(w.level, ' line, ', w.province), count(*)
        FROM want w LEFT JOIN have h USING (province, year, track, level)
        WHERE h.province IS NULL
        GROUP BY ALL ORDER BY 1
    """)


CHECKS: list[Check] = [
    Check("unclassified labels (rows per label)", False, unclassified_label_rows),
    Check(f"unclassified labels with more than {UNCLASSIFIED_LABEL_MAX_ROWS} rows", True, big_unclassified_labels),
    Check("ordinary rows below their batch line", True, rows_below_lines),
    Check("quarantined rows (by reason)", False, quarantined_rows),
    Check("truncated 一分一段 tables (by province)", False, truncated_by_province),
    Check("ranks beyond the cohort (by province-year-track)", True, ranks_beyond_cohorts),
    Check("本科 programmes labelled 专科 (by province)", True, bachelor_labelled_zhuanke_by_province),
    Check("211/985 rows in a 专科 batch (some run 高职 programmes; by province)", False, elite_in_zhuanke_by_province),
    Check("province-year-tracks with a 一分一段 table but no line", False, missing_lines),
]


def run(con: duckdb.DuckDBPyConnection, checks: Sequence[Check] = tuple(CHECKS)) -> list[Result]:
    """Run the checks on a database."""
    return [Result(c, c.count(con)) for c in checks]


def render(results: Sequence[Result]) -> str:
    """Plain-text report: one block per check, its total and its classes."""
    out: list[str] = []
    for r in results:
        status = "FAIL" if r.failed else "ok"
        rule = " (must be zero)" if r.check.must_be_zero else ""
        out.append(f"[{status}] {r.check.name}{rule}: {r.total}")
        for k, n in r.classes[:_SHOWN_CLASSES]:
            out.append(f"    {k}: {n}")
        if len(r.classes) > _SHOWN_CLASSES:
            out.append(f"    … {len(r.classes) - _SHOWN_CLASSES} more classes, "
                       f"{sum(n for _, n in r.classes[_SHOWN_CLASSES:])} in all")
    failed = [r.check.name for r in results if r.failed]
    out.append(f"audit: {len(failed)} must-be-zero check(s) failed" + (": " + "; ".join(failed) if failed else ""))
    return "\n".join(out) + "\n"
