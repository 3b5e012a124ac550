"""The `unit_rows` table: each school's ordinary first-round group and major rows that the bot splits its
estimates into (bot/core/units.py), chosen here once instead of by a scan of `admissions` per province at run time."""

from __future__ import annotations

import duckdb

# Of each school-campus-batch level in a province-track: the rows of its latest year with a school cutoff (what
# its estimate rests on) or else of the year before, when that year has no group or major rows; a later year of
# group rows is left out. No 提前 batch.
UNIT_ROWS_SQL = """
    INSERT INTO unit_rows
    WITH latest AS (
        SELECT province, track, school_id, coalesce(campus, '') AS campus, batch_level, max(year) AS year
        FROM school_cutoffs
        WHERE min_rank IS NOT NULL AND batch NOT LIKE '%提前%'
        GROUP BY ALL)
    SELECT a.province, a.track, a.school_id, a.campus, a.year, a.batch_level, a.level, a.grp, a.major,
           a.min_rank, a.min_score, a.rank_source, a.quality
    FROM admissions a JOIN latest l
      ON a.province = l.province AND a.track = l.track AND a.school_id = l.school_id
     AND coalesce(a.campus, '') = l.campus AND a.batch_level = l.batch_level AND a.year IN (l.year, l.year - 1)
    WHERE a.programme = 'ordinary' AND a.round = 'first'
      AND a.level IN ('group', 'major') AND a.batch NOT LIKE '%提前%'
      AND (a.grp IS NOT NULL OR a.major IS NOT NULL)
    QUALIFY a.year = max(a.year) OVER (PARTITION BY a.province, a.track, a.school_id, a.campus, a.batch_level)
    ORDER BY a.province, a.track, a.school_id, a.year  -- stored in the order the bot reads it (zone maps prune)
"""


def build_unit_rows(con: duckdb.DuckDBPyConnection) -> int:
    """Fill `unit_rows` from `admissions` and `school_cutoffs` (both final); returns its row count."""
    con.execute("DELETE FROM unit_rows")
    con.execute(UNIT_ROWS_SQL)
    (n,) = con.execute("SELECT count(*) FROM unit_rows").fetchone()  # type: ignore[misc]
    return int(n)
