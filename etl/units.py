"""The `group_units` table: each school's groups (院校专业组) or majors in a province, as the bot places them
(bot/core/units.py), derived once here from the first-round group and major rows instead of at run time: the
ordinary ones, and apart from them the sino-foreign (中外合作办学) ones, `programme` telling which."""

from __future__ import annotations

import logging
import sys
from collections import defaultdict

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from bot.core.advise import equivalent_tracks
from bot.core.majors import clean_major
from bot.core.store import Unit, UnitRow
from bot.core.units import derive
from gaokao.terms import Programme

log = logging.getLogger(__name__)

# Of each school-campus-batch level in a province-track: the rows of its latest year with a school cutoff (what
# its estimate rests on) or else of the year before, when that year has no group or major rows; a later year of
# group rows is left out. No 提前 batch. Ordinary and sino-foreign rows are chosen apart (each its own latest year),
# both within the years the school's (ordinary) cutoff allows.
UNIT_PROGRAMMES: tuple[str, ...] = (Programme.ORDINARY.value, Programme.SINO_FOREIGN.value)
UNIT_ROWS_SQL = """
    WITH latest AS (
        SELECT province, track, school_id, coalesce(campus, '') AS campus, batch_level, max(year) AS year
        FROM school_cutoffs
        WHERE min_rank IS NOT NULL AND batch NOT LIKE '%提前%'
        GROUP BY ALL)
    SELECT a.province, a.track, a.school_id, a.campus, a.year, a.batch_level, a.level, a.grp, a.major,
           a.min_rank, a.min_score, a.rank_source, a.quality, a.programme
    FROM admissions a JOIN latest l
      ON a.province = l.province AND a.track = l.track AND a.school_id = l.school_id
     AND coalesce(a.campus, '') = l.campus AND a.batch_level = l.batch_level AND a.year IN (l.year, l.year - 1)
    WHERE a.programme IN ('ordinary', 'sino_foreign') AND a.round = 'first'
      AND a.level IN ('group', 'major') AND a.batch NOT LIKE '%提前%'
      AND (a.grp IS NOT NULL OR a.major IS NOT NULL)
    QUALIFY a.year = max(a.year) OVER (PARTITION BY a.programme, a.province, a.track, a.school_id, a.campus,
                                       a.batch_level)
    ORDER BY a.rowid  -- the order of `admissions`: ties (a group's anchor, majors of one rank) fall as they did when
                      -- the bot read these rows itself
"""

# programme (its place in UNIT_PROGRAMMES), province, family of comparable tracks (物理类 and 理科 …), year
_Batch = tuple[int, str, str, int]


def build_group_units(con: duckdb.DuckDBPyConnection) -> int:
    """Fill `group_units` from `admissions`, `school_cutoffs` and `schools` (all final); returns its row count.

    The bot asks for a track and the tracks that compare with it, and takes each school's latest year among
    them: so the rows of one school-campus-batch level in one year of comparable tracks make its units, as
    bot/core/units.py `derive` makes them from the same rows. Such units are written under the first of
    their tracks (in name order). Sino-foreign units are derived apart from the ordinary ones (a programme of its
    own) and written after all of them, so the ordinary rows are those a table of them alone would hold."""
    names = dict(con.execute("SELECT school_id, name FROM schools").fetchall())
    batches: dict[_Batch, list[UnitRow]] = defaultdict(list)
    cleaned: dict[str, str] = {}
    for prov, track, sid, campus, year, level_b, level, grp, major, rank, score, source, quality, programme in (
            con.execute(UNIT_ROWS_SQL).fetchall()):
        if major is not None:
            major = cleaned.get(major) or cleaned.setdefault(major, sys.intern(clean_major(major)))
        family = min(equivalent_tracks(track))
        batches[(UNIT_PROGRAMMES.index(programme), prov, family, year)].append(
            UnitRow(sid, campus, year, track, level_b, level, grp, major, rank, score, source, quality))
    cols: dict[str, list[object]] = {k: [] for k in ("province", "track", "school_id", "campus", "batch_level",
                                                     "school_kind", *Unit._fields)}
    for (prog, prov, _, _), rows in sorted(batches.items()):
        programme = UNIT_PROGRAMMES[prog]
        tracks: dict[tuple[int, str | None, str], str] = {}
        for r in rows:
            key = (r.school_id, r.campus, r.batch_level)
            tracks[key] = min(r.track, tracks.get(key, r.track))
        for key, su in derive(rows, prov, names).items():
            for u in su.units:
                for k, v in zip(cols, (prov, tracks[key], *key, su.kind, *u._replace(programme=programme)),
                                strict=True):
                    cols[k].append(list(v) if k == "majors" else v)  # type: ignore[arg-type]
    con.execute("DELETE FROM group_units")
    arrow = pa.table(cols)  # noqa: F841 - DuckDB reads it by name
    con.execute(f"INSERT INTO group_units ({', '.join(cols)}) SELECT {', '.join(cols)} FROM arrow")
    (n,) = con.execute("SELECT count(*) FROM group_units").fetchone()  # type: ignore[misc]
    log.info("group units: %d (%d province-year batches)", n, len(batches))
    return int(n)
