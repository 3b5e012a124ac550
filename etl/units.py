"""The `group_units` table: each school's groups (院校专业组) or majors in a province, as the bot places them
(bot/core/units.py), derived once here from the first-round group and major rows instead of at run time: the
ordinary ones, and apart from them the sino-foreign (中外合作办学) ones, `programme` telling which."""

from __future__ import annotations

import logging
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from gaokao import groups, regions
from gaokao.majors import clean_major
from gaokao.regions import MAJOR_MODE, equivalent_tracks
from gaokao.terms import Programme
from gaokao.units import SchoolUnits, Unit

log = logging.getLogger(__name__)

QUALITY_ORDER = {"official": 0, "school": 1, "third-party": 2}


class UnitRow(NamedTuple):
    """An ordinary first-round group or major row of a school, from the school's latest year with such rows."""

    school_id: int
    campus: str | None
    year: int
    track: str
    batch_level: str
    level: str  # 'group' or 'major'
    grp: str | None  # the normal form (gaokao/groups.py)
    major: str | None
    min_rank: int | None
    min_score: float | None
    rank_source: str | None
    quality: str


UnitKey = tuple[int, str | None, str]  # school_id, campus, batch level

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
    """Fill `group_units` from `admissions` and `school_cutoffs` (both final); returns its row count.

    The bot asks for a track and the tracks that compare with it, and takes each school's latest year among
    them: so the rows of one school-campus-batch level in one year of comparable tracks make its units (`derive`).
    Such units are written under the first of their tracks (in name order). Sino-foreign units are derived apart
    from the ordinary ones (a programme of its own) and written after all of them, so the ordinary rows are those a
    table of them alone would hold."""
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
        for key, su in derive(rows, prov).items():
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


def derive(rows: Iterable[UnitRow], province: str) -> dict[UnitKey, SchoolUnits]:
    """Per (school, campus, batch level), its groups or majors of the latest year, hardest first, from the source's
    group and major rows (what `group_units` holds; the bot reads them back, bot/core/units.py `build`)."""
    by_key: dict[UnitKey, list[UnitRow]] = defaultdict(list)
    for r in rows:
        by_key[(r.school_id, r.campus, r.batch_level)].append(r)
    out: dict[UnitKey, SchoolUnits] = {}
    for key, rs in by_key.items():
        year = max(r.year for r in rs)  # the latest of the comparable tracks (理科 2024, 物理类 2025)
        rs = _best_quality([r for r in rs if r.year == year])
        system = regions.track_system(province, year)
        grouped = [r for r in rs if r.grp]
        if system != "old" and province not in MAJOR_MODE and grouped:
            units = _groups(grouped, year)
            kind = "group"
        else:
            units = _majors(rs, year)
            kind = "school" if system == "old" or province not in MAJOR_MODE else "major"
        if units:
            out[key] = SchoolUnits(year, kind, tuple(sorted(units, key=lambda u: u.min_rank)))
    return out


def _best_quality(rows: list[UnitRow]) -> list[UnitRow]:
    best = min(QUALITY_ORDER.get(r.quality, 3) for r in rows)
    return [r for r in rows if QUALITY_ORDER.get(r.quality, 3) == best]


def _plain(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


def _groups(rows: list[UnitRow], year: int) -> list[Unit]:
    """A unit per group: its code and short label from the normal form of `grp` (gaokao/groups.py), its cutoff
    the group row's (else its easiest major's), its majors hardest first."""
    by_group: dict[str, list[UnitRow]] = defaultdict(list)
    labels: dict[str, groups.GroupLabel] = {}
    for r in rows:
        assert r.grp is not None
        label = groups.parse(r.grp)
        k = label.code or label.name or ""  # a coded group is one group whatever name a source adds
        by_group[k].append(r)
        labels.setdefault(k, label)
    out = []
    for k, rs in by_group.items():
        label = labels[k]
        ranked = [r for r in rs if r.min_rank is not None]
        head = [r for r in ranked if r.level == "group"]
        anchor = max(head or ranked, key=lambda r: r.min_rank or 0, default=None)
        if anchor is None or anchor.min_rank is None:
            continue
        listed = sorted((r for r in rs if r.level == "major" and r.major), key=lambda r: r.min_rank or 1 << 30)
        majors = tuple(dict.fromkeys(r.major for r in listed if r.major))
        short = label.short
        if not short or (label.code is None and any(_plain(short) == _plain(m) for m in majors)):
            short = majors[0] if majors else "专业组"  # a label that says nothing, or a group named after its major
        out.append(Unit("group", label.code and sys.intern(label.code), sys.intern(short), majors,
                             anchor.min_rank, anchor.min_score, anchor.rank_source, year))
    return out


def _majors(rows: list[UnitRow], year: int) -> list[Unit]:
    best: dict[str, UnitRow] = {}
    for r in rows:
        if r.level != "major" or not r.major or r.min_rank is None:
            continue
        prev = best.get(r.major)
        if prev is None or (r.min_rank or 0) > (prev.min_rank or 0):
            best[r.major] = r
    return [Unit("major", None, sys.intern(m), (), r.min_rank or 0, r.min_score, r.rank_source, year)
            for m, r in best.items()]
