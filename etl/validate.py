"""Sanity checks a database must pass before it is published."""

from __future__ import annotations

import duckdb

MIN_RESOLVED_SHARE = 0.98
# A 985 university's ordinary cutoff must sit within this share of its cohort.
TOP_SHARE_985 = 0.35


def validate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return a list of problems; an empty list means the database may be published."""
    problems: list[str] = []
    for table in ("schools", "school_aliases", "score_ranks", "admissions", "school_cutoffs"):
        n = _scalar(con, f"SELECT count(*) FROM {table}")
        if n == 0:
            problems.append(f"table {table} is empty")

    bad = con.execute("""
        SELECT province, year, track, count(*) FROM (
            SELECT province, year, track, score, rank,
                   lag(rank) OVER (PARTITION BY province, year, track ORDER BY score DESC) AS prev
            FROM score_ranks)
        WHERE rank < prev GROUP BY ALL ORDER BY ALL LIMIT 20
    """).fetchall()
    problems += [f"一分一段 {p} {y} {t} is not monotonic ({n} rows)" for p, y, t, n in bad]

    for table in ("score_ranks", "admissions", "school_cutoffs"):
        n = _scalar(con, f"SELECT count(*) FROM {table} WHERE rank_col <= 0".replace(
            "rank_col", "rank" if table == "score_ranks" else "min_rank"))
        if n:
            problems.append(f"{table} has {n} zero or negative ranks")

    total = _scalar(con, "SELECT count(*) FROM admissions")
    unresolved = _scalar(con, "SELECT count(*) FROM admissions WHERE school_id IS NULL")
    if total and unresolved / total > 1 - MIN_RESOLVED_SHARE:
        problems.append(f"{unresolved}/{total} admission rows ({unresolved / total:.1%}) name no known school")

    outliers = con.execute(f"""
        SELECT s.name, c.province, c.year, c.track, c.batch, c.min_rank, h.size
        FROM school_cutoffs c JOIN schools s ON s.school_id = c.school_id
        JOIN cohorts h ON h.province = c.province AND h.year = c.year AND h.track = c.track
        WHERE s.is985 AND c.verified AND c.campus IS NULL AND c.batch_level = '本科'
          AND c.min_rank > {TOP_SHARE_985} * h.size
        ORDER BY c.min_rank::DOUBLE / h.size DESC LIMIT 20
    """).fetchall()
    problems += [
        f"985 {n} ordinary cutoff in {p} {y} {t} {b} at rank {r} of {size} (> {TOP_SHARE_985:.0%})"
        for n, p, y, t, b, r, size in outliers
    ]
    return problems


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
