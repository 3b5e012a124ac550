"""All SQL of the bot: a read-only view of the admissions database, with hot data in memory."""

from __future__ import annotations

import bisect
import gc
import logging
import os
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import duckdb

from bot.core import dbfile
from bot.core.majors import clean_major
from bot.core.names import NameEntry
from gaokao.regions import TRACKS
from gaokao.units import SchoolUnits as SchoolUnits  # re-exported: the bot reads units as these
from gaokao.units import Unit as Unit

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SchoolProfile:
    """One row of `schools`."""

    school_id: int
    name: str
    province: str | None
    city: str | None
    level: str | None
    nature: str | None
    authority: str | None
    category: str | None
    is985: bool
    is211: bool
    double_first_class: bool
    ranking: int | None
    ranking_name: str | None
    tags: tuple[str, ...]


class Cutoff(NamedTuple):
    """A school's easiest ordinary entry in one province-year-track-batch.

    A named tuple rather than a dataclass: a province's history is tens of thousands of these, built on
    the first question about it, and tuples are built several times faster.
    """

    school_id: int
    campus: str | None
    year: int
    track: str
    batch: str
    batch_level: str
    min_score: float | None
    min_rank: int | None
    rank_source: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class ScoreTable:
    """One 一分一段 table, scores descending."""

    province: str
    year: int
    track: str
    scores: tuple[int, ...]  # descending
    ranks: tuple[int, ...]  # cumulative, ascending
    truncated: bool = False  # stops before its cohort's end: `size` counts only the students above `low`

    @property
    def size(self) -> int:
        """Students in the table: the cohort size unless the table is truncated."""
        return self.ranks[-1]

    @property
    def low(self) -> int:
        """The table's lowest score."""
        return self.scores[-1]

    @property
    def high(self) -> int:
        """The table's highest score."""
        return self.scores[0]

    def rank_of(self, score: float) -> int:
        """Cumulative rank of a score: students with this score or more (a bound in grouped tails)."""
        s = int(score)
        lo, hi = 0, len(self.scores)
        while lo < hi:  # first index whose score <= s (scores descending)
            mid = (lo + hi) // 2
            if self.scores[mid] > s:
                lo = mid + 1
            else:
                hi = mid
        return self.ranks[min(lo, len(self.ranks) - 1)]

    def score_of(self, rank: int) -> int:
        """The lowest score whose cumulative rank still includes `rank`."""
        i = bisect.bisect_left(self.ranks, rank)
        if i >= len(self.ranks):
            return self.scores[-1]
        return self.scores[i]


@dataclass(frozen=True, slots=True)
class MajorCutoff:
    """A cutoff row of one major (or group) at one school."""

    province: str
    year: int
    track: str
    batch: str
    major: str | None
    grp: str | None
    min_score: float | None
    min_rank: int | None
    rank_source: str | None
    programme: str  # gaokao.terms.Programme code; 'ordinary' = 普通
    round: str  # gaokao.terms.Round code; 'first' = the first ordinary round
    quality: str


@dataclass(frozen=True, slots=True)
class UnitCutoff:
    """An ordinary first-round cutoff of one group or major of a school in one province."""

    year: int
    track: str
    batch_level: str
    campus: str | None
    grp: str | None
    major: str | None
    min_score: float | None
    min_rank: int | None
    rank_source: str | None
    quality: str


class UnitBlock(NamedTuple):
    """The groups (majors) of one school-campus-batch level in one year, as `group_units` holds them."""

    school_id: int
    campus: str | None
    batch_level: str
    year: int
    units: SchoolUnits


UNIT_LEVELS = ("本科", "专科")  # the batch levels of `group_units`, read one at a time
# Majors only where a unit lists some (most do not): turning 280k empty lists into Python costs about a second.
_GROUP_UNIT_COLUMNS = ("track, school_id, campus, batch_level, year, school_kind, kind, code, name, "
                       "CASE WHEN len(majors) > 0 THEN majors END, min_rank, min_score, rank_source")


@dataclass(frozen=True, slots=True)
class Strength:
    """A row of `major_strength`."""

    major: str
    kind: str
    rank: int | None
    grade: str | None
    year: int | None


K = TypeVar("K")
V = TypeVar("V")


class Lazy(Mapping[K, V]):
    """A read-only mapping whose values are loaded on first access (keys are known up front)."""

    def __init__(self, keys: Iterable[K], load: Callable[[K], V]) -> None:
        self._keys = list(dict.fromkeys(keys))
        self._known = set(self._keys)
        self._load = load
        self._values: dict[K, V] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: K) -> V:
        if key not in self._known:
            raise KeyError(key)
        value = self._values.get(key)
        if value is None:
            value = self._load(key)
            with self._lock:
                self._values[key] = value
        return value

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class Store:
    """Read-only access to one database file; hot tables are held in memory."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise dbfile.missing(path)
        self.path = path
        self._stat = _stat(path)
        self._lock = threading.Lock()
        try:
            self._con = dbfile.connect(path)
        except duckdb.Error as exc:
            raise dbfile.unusable(path, exc) from exc
        try:
            self._load()
        except duckdb.Error as exc:
            self._con.close()
            raise dbfile.unusable(path, exc) from exc

    # -- loading -----------------------------------------------------------------

    def _q(self, sql: str, params: list[object] | tuple[object, ...] | dict[str, object] = ()) -> list[tuple]:  # type: ignore[type-arg]
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def _chunks(self, table: str, columns: str, size: int = 40_000) -> Iterator[list[tuple]]:  # type: ignore[type-arg]
        """Every row of `table` in rowid ranges: the lock is held for one chunk at a time, so other questions'
        queries interleave, and the whole result never sits in memory twice."""
        (last,) = self._q(f"SELECT coalesce(max(rowid), -1) FROM {table}")[0]
        for start in range(0, last + 1, size):
            yield self._q(f"SELECT {columns} FROM {table} WHERE rowid >= ? AND rowid < ?", [start, start + size])

    def _load(self) -> None:
        self.schools: dict[int, SchoolProfile] = {
            r[0]: _profile(r)
            for r in self._q("""SELECT school_id, name, province, city, level, nature, authority, category, is985,
                                       is211, double_first_class, ranking, ranking_name, tags FROM schools""")
        }
        self.name_entries: list[NameEntry] = [
            NameEntry(alias=a, school_id=sid, name=self.schools[sid].name, kind=k)
            for a, sid, k in self._q("SELECT alias, school_id, kind FROM school_aliases")
            if sid in self.schools
        ]
        table_keys = [tuple(r) for r in self._q("SELECT province, year, track FROM cohorts ORDER BY ALL")]
        self.cohorts: dict[tuple[str, int, str], int] = {}
        self.truncated: set[tuple[str, int, str]] = set()
        for p, y, t, n, cut in self._q("SELECT province, year, track, size, truncated FROM cohorts"):
            self.cohorts[(p, y, t)] = n
            if cut:
                self.truncated.add((p, y, t))
        # The loader holds the store weakly: a store -> tables -> store cycle would keep a replaced store (frozen out of
        # the cyclic GC with all its cutoffs and groups, bot/serve/engines.py) in memory for good.
        load = weakref.WeakMethod(self._load_table)
        self.tables: Lazy[tuple[str, int, str], ScoreTable] = Lazy(
            table_keys, lambda key: load()(key))  # type: ignore[arg-type,misc]
        # Every school cutoff is read at once on first use (about 0.5 s for 150k rows), rather than a province
        # at a time: a first question about a province then costs only its estimates (docs/benchmarks.md).
        self.cutoff_keys: list[tuple[str, str]] = [
            (p, t) for p, t in self._q("SELECT DISTINCT province, track FROM school_cutoffs ORDER BY ALL")]
        self._level_cutoffs: dict[tuple[str, str, str], list[Cutoff]] | None = None
        self._cutoffs: dict[tuple[str, str], list[Cutoff]] = {}
        self._read_lock = threading.Lock()
        self._school_index: dict[int, list[tuple[str, Cutoff]]] | None = None
        self._strengths: dict[int, list[Strength]] | None = None
        # per (province, batch level, programme), read on first use (unit_rows)
        self._unit_blocks: dict[tuple[str, str, str], dict[str, list[UnitBlock]]] = {}
        self._units_lock = threading.Lock()
        self._has_group_units = bool(self._q(
            "SELECT 1 FROM duckdb_tables() WHERE table_name = 'group_units' AND database_name = current_database()"))
        if not self._has_group_units:
            log.warning("%s has no group_units table (built before it): answers stay at the school grain", self.path)
        self._has_unit_programmes = bool(self._q(  # built before sino-foreign units: its rows are all ordinary
            "SELECT 1 FROM duckdb_columns() WHERE table_name = 'group_units' AND column_name = 'programme' "
            "AND database_name = current_database()"))
        self.lines: dict[tuple[str, int, str], list[tuple[str, float]]] = defaultdict(list)
        for p, y, t, b, s in self._q("SELECT province, year, track, batch, score FROM control_lines ORDER BY score DESC"):
            self.lines[(p, y, t)].append((b, s))
        self.build_info: dict[str, str] = dict(self._q("SELECT key, value FROM build_info"))  # type: ignore[arg-type]
        log.info("store opened: %d schools, %d aliases, %d score tables (tables and cutoffs are read on use)",
                 len(self.schools), len(self.name_entries), len(self.tables))

    def _load_table(self, key: tuple[str, int, str]) -> ScoreTable:
        rows = self._q("SELECT score, rank FROM score_ranks WHERE province = ? AND year = ? AND track = ? "
                       "ORDER BY score DESC", list(key))
        return ScoreTable(key[0], key[1], key[2], tuple(r[0] for r in rows), tuple(r[1] for r in rows),
                          key in self.truncated)

    def _read_cutoffs(self) -> dict[tuple[str, str, str], list[Cutoff]]:
        if self._level_cutoffs is not None:  # read already (every ladder build asks)
            return self._level_cutoffs
        with self._read_lock:
            if self._level_cutoffs is None:
                by_level: dict[tuple[str, str, str], list[Cutoff]] = defaultdict(list)
                strings: dict[Any, Any] = {}
                same = strings.setdefault  # same(s, s): the one object of that value (a C call, no frame)
                new = tuple.__new__
                ints: dict[int, int] = {}  # apart from scores: 500 == 500.0, and a rank stays an int
                scores: dict[float, float] = {}
                same_int, same_score = ints.setdefault, scores.setdefault

                for rows in self._chunks("school_cutoffs", "province, school_id, campus, year, track, batch, "
                                         "batch_level, min_score, min_rank, rank_source, verified"):
                    for prov, sid, campus, year, track, batch, level, score, rank, source, verified in rows:
                        # One object per distinct value (DuckDB hands out a new one per row): ~50 MB less.
                        c = new(Cutoff, (same_int(sid, sid), same(campus, campus), year, same(track, track),
                                         same(batch, batch), same(level, level), same_score(score, score),
                                         same_int(rank, rank), same(source, source), verified))
                        by_level[(same(prov, prov), c.track, c.batch_level)].append(c)
                by_track: dict[tuple[str, str], list[Cutoff]] = defaultdict(list)
                for (p, t, _), cs in by_level.items():
                    by_track[(p, t)].extend(cs)
                self._cutoffs = dict(by_track)
                self._level_cutoffs = dict(by_level)
                # 150k long-lived tuples: left to the cyclic GC, each full collection would walk them all
                # (~60 ms, in the middle of some answer). Frozen, they are skipped; refcounting still frees them.
                gc.freeze()
                log.info("read %d school cutoffs", sum(len(v) for v in by_track.values()))
            return self._level_cutoffs

    @property
    def cutoffs(self) -> dict[tuple[str, str], list[Cutoff]]:
        """Every school cutoff per (province, track)."""
        self._read_cutoffs()
        return self._cutoffs

    @property
    def level_cutoffs(self) -> dict[tuple[str, str, str], list[Cutoff]]:
        """Every school cutoff per (province, track, batch level)."""
        return self._read_cutoffs()

    def changed_on_disk(self) -> bool:
        """True when the database file was replaced since it was opened."""
        try:
            return _stat(self.path) != self._stat
        except FileNotFoundError:
            return False

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._con.close()

    # -- score tables ---------------------------------------------------------------

    def table(self, province: str, track: str, year: int | None = None) -> ScoreTable | None:
        """The 一分一段 table of that year (or the latest one) for a province-track."""
        if year is not None:
            return self.tables.get((province, year, track))
        years = [y for (p, y, t) in self.tables if p == province and t == track]
        return self.tables[(province, max(years), track)] if years else None

    def full_table(self, province: str, track: str, before: int, *, score: float | None = None,
                   rank: int | None = None) -> ScoreTable | None:
        """The latest table before year `before` that reaches its cohort's end and holds `score` or `rank`."""
        for y in sorted((y for (p, y, t) in self.tables if p == province and t == track and y < before), reverse=True):
            if (province, y, track) in self.truncated:
                continue
            table = self.tables[(province, y, track)]
            if (score is None or table.low <= score) and (rank is None or rank <= table.size):
                return table
        return None

    def table_years(self, province: str) -> dict[str, list[int]]:
        """Years with a 一分一段 table, per track."""
        out: dict[str, list[int]] = defaultdict(list)
        for p, y, t in self.tables:
            if p == province:
                out[t].append(y)
        return {t: sorted(v) for t, v in out.items()}

    def cohort(self, province: str, year: int, track: str) -> int | None:
        """Cohort size of a province-year-track, from its 一分一段 tail."""
        return self.cohorts.get((province, year, track))

    def control_lines(self, province: str, year: int, track: str) -> list[tuple[str, float]]:
        """Batch control lines (batch, score), highest first."""
        return self.lines.get((province, year, track), [])

    def line_tracks(self, province: str) -> dict[int, list[str]]:
        """Tracks with control lines, per year."""
        out: dict[int, list[str]] = defaultdict(list)
        for p, y, t in self.lines:
            if p == province:
                out[y].append(t)
        return dict(out)

    def control_line_years(self, province: str, track: str) -> list[int]:
        """Years with control lines for a province-track."""
        return sorted(y for (p, y, t) in self.lines if p == province and t == track)

    # -- cutoffs ---------------------------------------------------------------------

    def province_cutoffs(self, province: str, track: str, level: str | None = None) -> list[Cutoff]:
        """Every school cutoff of a province-track (all years), or of one batch level (本科/专科) of it."""
        if level is None:
            return self.cutoffs.get((province, track), [])
        return self.level_cutoffs.get((province, track, level), [])

    def coverage(self, province: str, tracks: Sequence[str]) -> dict[str, set[int]]:
        """Years with verified cutoff ranks in any of `tracks`, per batch level (from the cutoffs in memory)."""
        out: dict[str, set[int]] = {}
        for (prov, track, level), cs in self.level_cutoffs.items():
            if prov == province and track in tracks:
                years = {c.year for c in cs if c.verified and c.min_rank is not None}
                if years:
                    out.setdefault(level, set()).update(years)
        return out

    def school_cutoffs(self, school_id: int, province: str | None = None) -> list[tuple[str, Cutoff]]:
        """A school's cutoffs (province, cutoff), optionally in one province; by province, track, latest
        year first, batch (from memory: profiles and comparisons are the most frequent questions)."""
        rows = self._by_school().get(school_id, [])
        return rows if province is None else [r for r in rows if r[0] == province]

    def _by_school(self) -> dict[int, list[tuple[str, Cutoff]]]:
        if self._school_index is not None:
            return self._school_index
        level_cutoffs = self._read_cutoffs()
        with self._read_lock:
            if self._school_index is None:
                index: dict[int, list[tuple[str, Cutoff]]] = defaultdict(list)
                for (prov, _, _), cs in level_cutoffs.items():
                    for c in cs:
                        index[c.school_id].append((prov, c))
                for rows in index.values():
                    rows.sort(key=lambda r: (r[0], r[1].track, -r[1].year, r[1].batch))
                self._school_index = dict(index)
            return self._school_index

    def majors_of(self, school_id: int) -> list[str]:
        """Distinct major names seen for a school in admissions and strength tables."""
        rows = self._q(
            """SELECT DISTINCT major FROM admissions WHERE school_id = ? AND major IS NOT NULL
               UNION SELECT DISTINCT major FROM major_strength WHERE school_id = ?""",
            [school_id, school_id],
        )
        return list(dict.fromkeys(clean_major(r[0]) for r in rows))

    def major_cutoffs(self, school_id: int, major_like: str, province: str | None = None,
                      first: str | None = None) -> list[MajorCutoff]:
        """Cutoff rows of majors at a school whose name contains `major_like` (in `province` when given; the
        province `first` first), source remarks removed from the names."""
        rows = self._q(
            """SELECT province, year, track, batch, major, grp, min_score, min_rank, rank_source, programme, round, quality
               FROM admissions
               WHERE school_id = ? AND major IS NOT NULL AND contains(major, ?) AND (? IS NULL OR province = ?)
               ORDER BY province IS NOT DISTINCT FROM ? DESC, province, year DESC, min_rank DESC NULLS LAST
               LIMIT 200""",
            [school_id, major_like, province, province, first],
        )
        return [MajorCutoff(r[0], r[1], r[2], r[3], r[4] and clean_major(r[4]), *r[5:]) for r in rows]

    def campus_labels(self) -> list[tuple[int, str]]:
        """(school id, campus label) pairs that the cutoff tables hold (威海, 威海校区, 深圳 …)."""
        return [(sid, c) for sid, c in self._q(
            "SELECT DISTINCT school_id, campus FROM admissions WHERE campus IS NOT NULL AND school_id IS NOT NULL")]

    def school_units(self, school_id: int, province: str) -> list[UnitCutoff]:
        """A school's ordinary first-round group and major cutoffs in one province (no 提前 batch), latest year
        first: the grain students apply at, for comparisons."""
        rows = self._q(
            """SELECT year, track, batch_level, campus, grp, major, min_score, min_rank, rank_source, quality
               FROM admissions
               WHERE school_id = ? AND province = ? AND programme = 'ordinary' AND round = 'first'
                 AND (grp IS NOT NULL OR major IS NOT NULL) AND batch NOT LIKE '%提前%'
               ORDER BY year DESC, track, grp NULLS LAST, min_rank NULLS LAST""",
            [school_id, province],
        )
        return [UnitCutoff(r[0], r[1], r[2], r[3], r[4], r[5] and clean_major(r[5]), *r[6:]) for r in rows]

    def unit_rows(self, province: str, track: str, level: str | None = None,
                  programme: str = "ordinary") -> list[UnitBlock]:
        """The groups and majors of a province-track, a block per school-campus-batch level and year (`group_units`:
        of each school's latest year with a school cutoff, or else the year before; no 提前 batch), of one batch
        level (本科, 专科) when given; ordinary ones unless `programme` names another (gaokao.terms.Programme:
        'sino_foreign', whose units say so). A province's blocks of a level are read at once on first use and kept:
        the units in them are those the caller places, shared."""
        if level is None:
            return [b for lv in UNIT_LEVELS for b in self.unit_rows(province, track, lv, programme)]
        key = (province, level, programme)
        got = self._unit_blocks.get(key)
        if got is None:
            with self._units_lock:
                got = self._unit_blocks.get(key)
                if got is None:
                    got = self._unit_blocks[key] = self._read_units(province, level, programme)
                    # Long-lived, like the cutoffs: out of the cyclic GC's full passes, which would otherwise walk
                    # them again and again while later questions allocate (about a second over the benchmark).
                    gc.freeze()
        return got.get(track, [])

    def _read_units(self, province: str, batch_level: str, programme: str = "ordinary") -> dict[str, list[UnitBlock]]:
        out: dict[str, list[UnitBlock]] = {t: [] for t in TRACKS}  # every track, so one without rows is handed out too
        if not self._has_group_units or (programme != "ordinary" and not self._has_unit_programmes):
            return out
        if self._has_unit_programmes:
            rows = self._q(f"SELECT {_GROUP_UNIT_COLUMNS} FROM group_units WHERE province = $p AND batch_level = $l "
                           "AND programme = $g ORDER BY rowid", {"p": province, "l": batch_level, "g": programme})
        else:
            rows = self._q(f"SELECT {_GROUP_UNIT_COLUMNS} FROM group_units WHERE province = $p AND batch_level = $l "
                           "ORDER BY rowid", {"p": province, "l": batch_level})
        strings: dict[object, object] = {}
        same = strings.setdefault
        ranks: dict[int, int] = {}  # apart from scores: 500 == 500.0, and a rank stays an int
        scores: dict[float, float] = {}
        same_rank, same_score = ranks.setdefault, scores.setdefault
        new = tuple.__new__
        head: tuple[object, ...] = ()
        units: list[Unit] = []
        school_kind = ""

        def flush() -> None:
            track, sid, campus, level, year = head
            out.setdefault(track, []).append(UnitBlock(  # type: ignore[arg-type]
                sid, campus, level, year, SchoolUnits(year, school_kind, tuple(units))))  # type: ignore[arg-type]

        for track, sid, campus, level, year, s_kind, kind, code, name, majors, rank, score, source in rows:
            key = (track, sid, campus, level, year)
            if key != head:
                if units:
                    flush()
                head = (same(track, track), sid, campus and same(campus, campus), same(level, level), year)
                units = []
                school_kind = same(s_kind, s_kind)  # type: ignore[assignment]
            # One object per distinct value (DuckDB hands out a new one per row): ~20 MB less over all provinces.
            units.append(new(Unit, (same(kind, kind), code and same(code, code), same(name, name),
                                    () if majors is None else tuple([same(m, m) for m in majors]),
                                    same_rank(rank, rank), same_score(score, score), source and same(source, source),
                                    head[4], programme)))
        if units:
            flush()
        return out

    def strengths(self, school_id: int) -> list[Strength]:
        """Major and discipline strength rows of a school (all schools' rows are read on first use)."""
        if self._strengths is None:
            self._read_strengths()
        assert self._strengths is not None
        return self._strengths.get(school_id, [])

    def _read_strengths(self) -> None:
        with self._read_lock:
            if self._strengths is None:
                by_school: dict[int, list[Strength]] = defaultdict(list)
                for sid, *rest in self._q("""SELECT school_id, major, kind, rank, grade, year FROM major_strength
                                             ORDER BY school_id, kind, rank NULLS LAST, major"""):
                    by_school[sid].append(Strength(rest[0] and clean_major(rest[0]), *rest[1:]))
                self._strengths = dict(by_school)


def _profile(r: tuple) -> SchoolProfile:  # type: ignore[type-arg]
    return SchoolProfile(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), bool(r[9]), bool(r[10]), r[11],
                         r[12], tuple(r[13] or ()))


def _stat(path: Path) -> tuple[int, int, float]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime)
