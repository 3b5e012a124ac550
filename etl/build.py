"""Build the admissions database: load, normalise, resolve, derive, validate, swap in."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from etl import duck, shrink
from etl import normalize as nz
from etl.cohorts import mark_truncated
from etl.collect import Collected, collect
from etl.guard import disk_full_names, stop_on_signals
from etl.identity import (
    RENAMES_FILE,
    SHORT_NAMES_FILE,
    Catalogue,
    SchoolResolver,
    build_catalogue,
    with_campus_aliases,
)
from etl.progress import Progress
from etl.quarantine import quarantine as quarantine_rows
from etl.rows import Admission, ControlLine, ScoreRank
from etl.sources import load_readers
from etl.units import build_group_units
from etl.validate import validate
from gaokao.names import faculty

log = logging.getLogger(__name__)

SCHEMA = Path(__file__).with_name("schema.sql")
QUALITY_ORDER = {"official": 0, "school": 1, "third-party": 2}
# Which 一分一段 table wins when several sources give the same province-year-track.
SCORE_TABLE_PRIORITY: tuple[str, ...] = (
    "/data/admissions/official-",  # provincial authorities' 2025 tables
    "ZhixinZhang-12__ShandongGaokao-admin-data/",
    "insensible104__GaokaoAgent/",
    "pypi__mcp-gaokao-rank/",
    "liuxusummer__gaokao-advisor/",
    "liuguanghui0226__gaokao-zhiyuan-site/site/",
    "immaotianyi__gaokao-volunteer-v2/",  # third-party copies; fills gaps only (陕西/甘肃 2025)
    "botonwa83-byte__gaokao-data/",  # third-party copies: only where no table above exists (山东 2025)
)
# Which batch line wins when several sources give the same province-year-track-batch (DESIGN.md trust order:
# the authorities' files of #2 first); every other source follows, then #20's copies.
CONTROL_LINE_PRIORITY: tuple[str, ...] = (
    "/data/admissions/official-",
    "liuguanghui0226__gaokao-zhiyuan-site/site/",
)
CONTROL_LINE_LAST: tuple[str, ...] = ("immaotianyi__gaokao-volunteer-v2/", "botonwa83-byte__gaokao-data/")
# Bracketed words that only restate a line's level (高职（专科）, 专科（高职、提前专科）) or its ordinary class.
# Lines of one category that special_plan() does not name: 戏曲类 (art), 中国消防救援学院, 省际联考.
_NOT_ORDINARY_LINE = ("戏曲", "消防", "联考", "表(导)演", "表（导）演")
_INNER_BRACKETS = re.compile(r"\([^()]*\)")
_LEVEL_REMARK = re.compile(r"普通类?|特殊类型(?:招生|资格线|录取控制分数线)?|提前专科|高职|专科|本科|批次|[、|,，\s()（）]")


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did: where it wrote, row counts, and the share of resolved rows."""

    out: Path
    seconds: float
    counts: dict[str, int]
    resolved_share: float
    unresolved_top: list[tuple[str, int]]
    skipped: dict[str, str]
    size_bytes: int


def default_sources() -> Path:
    """`GAOKAO_SOURCES`, else ../shared/data/sources when it exists, else data/sources."""
    env = os.environ.get("GAOKAO_SOURCES")
    if env:
        return Path(env)
    shared = Path("..") / "shared" / "data" / "sources"
    if shared.is_dir():
        return shared
    return Path("data") / "sources"


def build(
    sources: Path,
    out: Path,
    *,
    readers: Sequence[ModuleType] | None = None,
    short_names: Path | None = SHORT_NAMES_FILE,
    renames: Path | None = RENAMES_FILE,
    allow_shrink: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build a database from `sources` into `out`, atomically; the old file survives any failure or shrink."""
    start = time.perf_counter()
    if not sources.is_dir():
        from etl.errors import SourceError

        raise SourceError(sources, "sources directory not found: set --sources or GAOKAO_SOURCES, "
                                   "or download the files with `python -m etl fetch --base-url URL`")
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out)
    tmp = out.with_name(f".{out.name}.building-{os.getpid()}")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    # The temporary files are removed (finally) before a signal or a full disk is reported.
    with stop_on_signals(), disk_full_names(out):
        try:
            data = collect(sources, list(readers) if readers is not None else load_readers(), progress)
            con = duck.connect(tmp)
            try:
                with _step(progress, "normalise, resolve schools, derive"):
                    report = _load(con, data, sources, short_names, renames)
                with _step(progress, "validate"):
                    problems = validate(con)
                if problems:
                    from etl.errors import ValidationError

                    raise ValidationError(problems)
                shrink.guard(con, out, allow_shrink=allow_shrink)
                with _step(progress, f"write {out.name}"):
                    con.execute("CHECKPOINT")
            finally:
                con.close()
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, out)
            _fsync_dir(out.parent)
        finally:
            for p in (tmp, Path(str(tmp) + ".wal")):
                p.unlink(missing_ok=True)
    seconds = time.perf_counter() - start
    return BuildReport(
        out=out,
        seconds=seconds,
        counts=report["counts"],
        resolved_share=report["resolved_share"],
        unresolved_top=report["unresolved_top"],
        skipped=data.skipped,
        size_bytes=out.stat().st_size,
    )


def _step(progress: Progress | None, label: str) -> AbstractContextManager[None]:
    return progress.step(label) if progress is not None else nullcontext()


def _remove_stale_temps(out: Path) -> None:
    for p in out.parent.glob(f".{out.name}.building-*"):
        pid_text = p.name.rsplit("-", 1)[-1].split(".")[0]
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue
        log.info("removing leftover temporary file %s", p)
        p.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[object]]) -> int:
    """Bulk-insert column lists into a table through Arrow."""
    arrow = pa.table(columns)
    names = ", ".join(columns)
    con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM arrow")
    return int(arrow.num_rows)


def _load(
    con: duckdb.DuckDBPyConnection, data: Collected, sources: Path, short_names: Path | None, renames: Path | None
) -> dict[str, Any]:
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    catalogue = build_catalogue(data.schools, data.aliases, short_names, renames)
    resolver = SchoolResolver(catalogue)
    log.info("catalogue: %d schools, %d aliases", len(catalogue.schools), len(catalogue.aliases))

    tables = _choose_score_tables(data.score_ranks)
    n_ranks = _load_score_ranks(con, tables)
    n_lines = _load_control_lines(con, data.control_lines)
    mark_truncated(con)
    resolved, total, unresolved = _load_admissions(con, data.admissions, resolver)
    catalogue = with_campus_aliases(catalogue, resolver.cache)
    _load_schools(con, catalogue)
    n_strength = _load_strengths(con, data, resolver)
    _derive_ranks(con)
    _dedupe_admissions(con)
    moved = quarantine_rows(con)
    quarantined = _build_school_cutoffs(con)
    build_group_units(con)
    log.info("normalised and loaded in %.1fs", time.perf_counter() - t0)

    counts = {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
        for t in ("schools", "school_aliases", "admissions", "school_cutoffs", "score_ranks", "cohorts",
                  "control_lines", "major_strength", "quarantine")
    }
    share = resolved / total if total else 1.0
    top = unresolved.most_common()
    _insert(con, "unresolved_names", {
        "school_raw": [n for n, _ in top], "rows": [c for _, c in top],
        "how": [resolver.cache[n].how for n, _ in top],
    })
    _write_source_files(con, data, sources)
    info = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": str(sources.resolve()),
        "schema_version": "1",
        "counts": json.dumps(counts, ensure_ascii=False),
        "admission_rows_resolved_share": f"{share:.4f}",
        "score_rank_rows": str(n_ranks),
        "control_line_rows": str(n_lines),
        "major_strength_rows": str(n_strength),
        "missing_origins": json.dumps(data.missing_origins, ensure_ascii=False),
        "quarantined_cutoffs": str(quarantined),
        "quarantined_rows": json.dumps(moved, ensure_ascii=False),
    }
    _insert(con, "build_info", {"key": list(info), "value": list(info.values())})
    return {"counts": counts, "resolved_share": share, "unresolved_top": top[:30]}


def _choose_score_tables(rows: Iterable[ScoreRank]) -> dict[tuple[str, int, str], list[ScoreRank]]:
    """Pick one monotonic 一分一段 table per province-year-track, by source priority."""
    grouped: dict[tuple[str, int, str, str], dict[int, ScoreRank]] = defaultdict(dict)
    for r in rows:
        track = nz.track_for_year(r.track, r.province, r.year) if "专科" not in r.track else None
        if track is None:
            continue
        table = grouped[(r.province, r.year, track, r.source_file)]
        prev = table.get(r.score)
        if prev is None or r.rank > prev.rank:
            table[r.score] = ScoreRank(r.source_file, r.province, r.year, track, r.score, r.rank, r.count)

    def priority(source_file: str) -> int:
        for i, marker in enumerate(SCORE_TABLE_PRIORITY):
            if marker in source_file or source_file.startswith(marker):
                return i
        return len(SCORE_TABLE_PRIORITY)

    candidates: dict[tuple[str, int, str], list[tuple[int, int, str]]] = defaultdict(list)
    for (prov, year, track, src), table in grouped.items():
        candidates[(prov, year, track)].append((priority(src), -len(table), src))
    chosen: dict[tuple[str, int, str], list[ScoreRank]] = {}
    for key, options in candidates.items():
        for _, _, src in sorted(options):
            ordered = sorted(grouped[(*key, src)].values(), key=lambda r: -r.score)
            if len(ordered) >= 20 and _monotonic(ordered):
                chosen[key] = ordered
                break
            log.warning("一分一段 %s %s %s from %s rejected (%d rows, monotonic=%s)",
                        *key, src, len(ordered), _monotonic(ordered))
    return chosen


def _monotonic(table: Sequence[ScoreRank]) -> bool:
    """Ranks must not decrease as scores fall."""
    return all(b.rank >= a.rank for a, b in itertools.pairwise(table)) and table[0].rank > 0


def _load_score_ranks(con: duckdb.DuckDBPyConnection, tables: dict[tuple[str, int, str], list[ScoreRank]]) -> int:
    cols: dict[str, list[object]] = {k: [] for k in ("province", "year", "track", "score", "rank", "count", "source_file")}
    coh: dict[str, list[object]] = {k: [] for k in ("province", "year", "track", "size", "min_score", "max_score", "source_file",
                                                    "truncated")}
    for (prov, year, track), table in tables.items():
        for r in table:
            for k, v in zip(cols, (prov, year, track, r.score, r.rank, r.count, r.source_file), strict=True):
                cols[k].append(v)
        summary: tuple[object, ...] = (prov, year, track, table[-1].rank, table[-1].score, table[0].score,
                                       table[0].source_file, False)  # set by cohorts.mark_truncated
        for k, val in zip(coh, summary, strict=True):
            coh[k].append(val)
    _insert(con, "cohorts", coh)
    return _insert(con, "score_ranks", cols)


def _line_priority(source_file: str) -> int:
    """Trust rank of a control-line source: lower wins."""
    for i, marker in enumerate(CONTROL_LINE_PRIORITY):
        if marker in source_file:
            return i
    if any(marker in source_file for marker in CONTROL_LINE_LAST):
        return len(CONTROL_LINE_PRIORITY) + 1
    return len(CONTROL_LINE_PRIORITY)


def control_line_key(r: ControlLine) -> tuple[str, int, str, str] | None:
    """(province, year, track, batch) of an ordinary batch or 特殊类型 line, or None when it is not one."""
    track = nz.track_for_year(r.track, r.province, r.year)
    if track is None or r.score <= 0:
        return None
    text = r.batch
    remark = nz.bracketed(text)
    if remark:
        if _LEVEL_REMARK.sub("", remark):  # 本科一批（单列类）, …资格线（男）, （A类考生）: not the ordinary line
            return None
        text = nz.fold(text)
        while _INNER_BRACKETS.search(text):  # nested too: 高职(专科)批次(普通类|高职(专科)批次)
            text = _INNER_BRACKETS.sub("", text)
    label = nz.batch_label(r.batch, r.province)
    if label != nz.SPECIAL_TYPE_LINE:  # the level is read without the remarks: 专科（高职、提前专科） is no 提前批
        label = nz.batch_label(text, r.province)
    if label != nz.SPECIAL_TYPE_LINE and (nz.special_plan(r.batch, r.track) or any(w in r.batch for w in _NOT_ORDINARY_LINE)):
        return None
    return (r.province, r.year, track, label)


def _load_control_lines(con: duckdb.DuckDBPyConnection, rows: Iterable[ControlLine]) -> int:
    """One line per province-year-track-batch, the most trusted source winning; disagreements are logged."""
    candidates: dict[tuple[str, int, str, str], list[ControlLine]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: (_line_priority(r.source_file), r.source_file)):  # stable: file order kept
        key = control_line_key(r)
        if key is not None:
            candidates[key].append(r)
    cols: dict[str, list[object]] = {k: [] for k in ("province", "year", "track", "batch", "batch_raw", "score", "source_file")}
    disagreements = 0
    for (prov, year, track, batch), options in candidates.items():
        best = options[0]
        seen: set[tuple[str, float]] = set()
        for other in options[1:]:
            if other.score != best.score and (other.source_file, other.score) not in seen:
                seen.add((other.source_file, other.score))
                disagreements += 1
                log.warning("control line %s %d %s %s: %g from %s (kept) disagrees with %g from %s (%s)", prov, year,
                            track, batch, best.score, best.source_file, other.score, other.source_file, other.batch)
        for k, v in zip(cols, (prov, year, track, batch, best.batch, best.score, best.source_file), strict=True):
            cols[k].append(v)
    log.info("control lines: %d kept, %d disagreements with a less trusted source", len(cols["score"]), disagreements)
    return _insert(con, "control_lines", cols)


_ADM_COLS = ("province", "year", "track", "batch", "batch_level", "batch_raw", "round", "school_id", "school_raw", "campus",
             "grp", "major", "level", "programme", "programme_label", "min_score", "min_rank", "rank_source", "plan_count", "quality", "note",
             "source_file")


def _load_admissions(
    con: duckdb.DuckDBPyConnection, rows: Sequence[Admission], resolver: SchoolResolver
) -> tuple[int, int, Counter[str]]:
    cols: dict[str, list[object]] = {k: [] for k in _ADM_COLS}
    track_cache: dict[tuple[str, str, int], str | None] = {}
    batch_cache: dict[tuple[str, str, str | None], str] = {}
    remark_cache: dict[str, str | None] = {}
    dropped: Counter[str] = Counter()
    unresolved: Counter[str] = Counter()
    resolved = 0
    for r in rows:
        tkey = (r.track, r.province, r.year)
        track = track_cache.get(tkey, "?")
        if track == "?":
            track = nz.track_for_year(r.track, r.province, r.year)
            track_cache[tkey] = track
        if track is None:
            dropped[f"track {r.province} {r.year} {r.track!r}"] += 1
            continue
        if r.min_score is None and r.min_rank is None:
            dropped["no score and no rank"] += 1
            continue
        res = resolver.resolve(r.school)
        school = resolver.school(res.school_id)
        bkey = (r.batch, r.province, school.level if school else None)
        batch = batch_cache.get(bkey)
        if batch is None:
            batch = batch_cache[bkey] = nz.batch_label(r.batch, r.province, bkey[2])
        if res.school_id is None:
            unresolved[r.school] += 1
        else:
            resolved += 1
        remark = remark_cache.get(r.school, "?")
        if remark == "?":
            remark = remark_cache[r.school] = nz.bracketed(r.school)
        # The raw group text feeds the programme and the round (湖南 第一次征集志愿 101 第101组, 重庆
        # 本科批第1次征集); `grp` keeps only its normal form (nz.group_label), so raw text never reaches users.
        programme, label = nz.classify_programme(remark, r.group, r.major, r.note, r.batch, r.track)
        grp = nz.group_label(r.group, r.school)
        level = "group" if r.level == "school" and grp else r.level
        round_text = f"{r.batch} {r.group}" if r.group else r.batch
        rank = r.min_rank if r.min_rank and r.min_rank > 0 else None
        rank_source = None if rank is None else ("derived" if r.rank_derived_by_source else "published")
        values = (r.province, r.year, track, batch, nz.batch_level(batch), r.batch,
                  nz.round_of(round_text, r.province, nz.batch_level(batch)),
                  res.school_id, r.school, res.campus, grp or faculty(r.school), r.major, level, programme.value, label,
                  r.min_score, rank, rank_source, r.plan_count, r.quality, r.note, r.source_file)
        for k, v in zip(_ADM_COLS, values, strict=True):
            cols[k].append(v)
    for reason, n in dropped.most_common(15):
        log.info("dropped %d admission rows: %s", n, reason)
    _insert(con, "admissions", cols)
    total = resolved + sum(unresolved.values())
    return resolved, total, unresolved


def _load_schools(con: duckdb.DuckDBPyConnection, cat: Catalogue) -> None:
    fields = ("school_id", "name", "moe_code", "province", "city", "level", "nature", "authority", "category", "is985",
              "is211", "double_first_class", "ranking", "ranking_name", "gaokao_id", "english_name", "tags")
    cols: dict[str, list[object]] = {f: [] for f in fields}
    for s in cat.schools.values():
        for f in fields:
            v = getattr(s, f)
            cols[f].append(list(v) if f == "tags" else v)
    _insert(con, "schools", cols)
    _insert(con, "school_aliases", {
        "alias": [a.alias for a in cat.aliases], "school_id": [a.school_id for a in cat.aliases],
        "kind": [a.kind for a in cat.aliases], "source": [a.source for a in cat.aliases],
    })


def _load_strengths(con: duckdb.DuckDBPyConnection, data: Collected, resolver: SchoolResolver) -> int:
    fields = ("school_id", "major", "kind", "rank", "grade", "year", "major_code", "source_file")
    cols: dict[str, list[object]] = {f: [] for f in fields}
    missed = 0
    for m in data.strengths:
        res = resolver.resolve(m.school)
        if res.school_id is None:
            missed += 1
            continue
        for f, v in zip(fields, (res.school_id, m.major, m.kind, m.rank, m.grade, m.year, m.major_code, m.source_file),
                        strict=True):
            cols[f].append(v)
    if missed:
        log.info("major strength rows whose school did not resolve: %d", missed)
    return _insert(con, "major_strength", cols)


def _derive_ranks(con: duckdb.DuckDBPyConnection) -> None:
    """Give rows with a score and no rank the rank of that score in the 一分一段 table.

    A published rank that its own score contradicts (OCR slips such as 796555 for 79655) is
    replaced by the table's rank and marked derived.
    """
    con.execute("""
        CREATE TEMP TABLE at_score AS
        SELECT a.rid, a.min_rank, s.rank AS cum
        FROM (SELECT rowid AS rid, province, year, track, min_rank, CAST(floor(min_score) AS INTEGER) AS score
              FROM admissions WHERE min_score IS NOT NULL) a
        ASOF JOIN score_ranks s
          ON a.province = s.province AND a.year = s.year AND a.track = s.track AND a.score >= s.score
    """)
    con.execute("""
        CREATE TEMP TABLE above AS
        SELECT a.rid, s.rank AS cum_above
        FROM (SELECT rowid AS rid, province, year, track, CAST(floor(min_score) AS INTEGER) + 1 AS score
              FROM admissions WHERE min_score IS NOT NULL AND min_rank IS NOT NULL) a
        ASOF JOIN score_ranks s
          ON a.province = s.province AND a.year = s.year AND a.track = s.track AND a.score >= s.score
    """)
    bad = con.execute("""
        SELECT count(*) FROM at_score t LEFT JOIN above b USING (rid)
        WHERE t.min_rank IS NOT NULL
          AND (t.min_rank > 1.25 * t.cum + 200 OR t.min_rank < 0.75 * coalesce(b.cum_above, 0) - 200)
    """).fetchone()
    con.execute("""
        UPDATE admissions SET min_rank = d.cum, rank_source = 'derived',
               note = concat_ws(' | ', admissions.note, 'published rank ' || d.min_rank || ' contradicts its score')
        FROM (SELECT t.rid, t.min_rank, t.cum FROM at_score t LEFT JOIN above b USING (rid)
              WHERE t.min_rank IS NOT NULL
                AND (t.min_rank > 1.25 * t.cum + 200 OR t.min_rank < 0.75 * coalesce(b.cum_above, 0) - 200)) d
        WHERE admissions.rowid = d.rid
    """)
    log.info("published ranks replaced because their score contradicts them: %d", bad[0] if bad else 0)
    con.execute("""
        UPDATE admissions SET min_rank = d.cum, rank_source = 'derived'
        FROM at_score d WHERE admissions.rowid = d.rid AND admissions.min_rank IS NULL
    """)
    con.execute("DROP TABLE at_score")
    con.execute("DROP TABLE above")


def _dedupe_admissions(con: duckdb.DuckDBPyConnection) -> None:
    """The same cutoff from several files: keep the most trusted copy."""
    con.execute("""
        CREATE TEMP TABLE adm AS
        SELECT * EXCLUDE (q) FROM (
            SELECT *, CASE quality WHEN 'official' THEN 0 WHEN 'school' THEN 1 ELSE 2 END AS q FROM admissions
        )
        QUALIFY row_number() OVER (
            PARTITION BY province, year, track, batch, coalesce(school_id, -1), school_raw, campus, grp, major, level,
                         min_score, min_rank, programme, round
            ORDER BY q, rank_source NULLS LAST, source_file) = 1
    """)
    con.execute("DELETE FROM admissions")
    con.execute("INSERT INTO admissions SELECT * FROM adm ORDER BY school_id, province, year")  # zone maps: fast per school
    con.execute("DROP TABLE adm")


# A school's easiest row that is this many times the next easiest is taken for a slip.
OUTLIER_FACTOR = 2.5
# A 985 university's ordinary cutoff beyond this share of the cohort is taken for a slip.
QUARANTINE_SHARE_985 = 0.35


def _build_school_cutoffs(con: duckdb.DuckDBPyConnection) -> int:
    """Fill school_cutoffs; returns how many implausible cutoffs were quarantined."""
    con.execute(f"""
        INSERT INTO school_cutoffs
        WITH ord AS (
            SELECT *, quality <> 'third-party' AS verified FROM admissions
            WHERE programme = 'ordinary' AND round = 'first' AND school_id IS NOT NULL
              AND (min_rank IS NOT NULL OR min_score IS NOT NULL)
        ),
        has_verified AS (  -- unverified rows fill only the schools no verified row covers
            SELECT DISTINCT province, year, track, batch, school_id FROM ord WHERE verified
        ),
        usable AS (
            SELECT o.* FROM ord o LEFT JOIN has_verified h USING (province, year, track, batch, school_id)
            WHERE o.verified OR h.province IS NULL
        ),
        ranked AS (
            SELECT *, lead(min_rank) OVER w AS next_rank, row_number() OVER w AS pos FROM usable
            WINDOW w AS (PARTITION BY province, year, track, batch, school_id, campus
                         ORDER BY min_rank DESC NULLS LAST)
        ),
        kept AS (
            SELECT * FROM ranked WHERE NOT coalesce(pos <= 2 AND min_rank > {OUTLIER_FACTOR} * next_rank, FALSE)
        )
        SELECT province, year, track, batch, any_value(batch_level), school_id, campus,
               -- score and rank of one row (the easiest entry): a source can print a pair no row holds
               CASE WHEN max(min_rank) IS NULL THEN min(min_score)
                    ELSE arg_max(min_score, coalesce(min_rank, 0)) END,
               max(min_rank),
               arg_max(rank_source, coalesce(min_rank, 0)),
               arg_max(level, coalesce(min_rank, 0)),
               bool_or(verified), count(*)::INTEGER,
               arg_max(source_file, coalesce(min_rank, 0))
        FROM kept
        GROUP BY province, year, track, batch, school_id, campus
        ORDER BY province, track, school_id, year  -- stored in the order the bot reads it (zone maps prune)
    """)
    where = f"""
        FROM school_cutoffs c JOIN schools s ON s.school_id = c.school_id
        JOIN cohorts h ON h.province = c.province AND h.year = c.year AND h.track = c.track
        WHERE s.is985 AND c.campus IS NULL AND c.batch_level = '本科'
          AND c.min_rank > {QUARANTINE_SHARE_985} * h.size"""
    bad = con.execute(f"SELECT s.name, c.province, c.year, c.track, c.min_rank, h.size {where}").fetchall()
    for row in bad:
        log.warning("quarantined implausible cutoff: %s %s %s %s rank %s of %s", *row)
    con.execute(f"""DELETE FROM school_cutoffs WHERE rowid IN (SELECT c.rowid {where})""")
    return len(bad)


def _write_source_files(con: duckdb.DuckDBPyConnection, data: Collected, sources: Path) -> None:
    cols: dict[str, list[object]] = {k: [] for k in ("path", "sha256", "size", "rows", "status", "reason")}
    for p in sorted(sources.rglob("*")):
        if not p.is_file() or p.name.startswith("."):
            continue
        rel = p.relative_to(sources).as_posix()
        rows = data.rows_per_file.get(rel, 0)
        if rel in data.skipped:
            status, reason = "skipped", data.skipped[rel]
        elif rel.endswith(".md"):
            status, reason = "skipped", "documentation of the sources, no rows"
        elif rows:
            status, reason = "read", None
        else:
            status, reason = "unused", "no reader yields rows from this file"
        for k, v in zip(cols, (rel, _sha256(p), p.stat().st_size, rows, status, reason), strict=True):
            cols[k].append(v)
    _insert(con, "source_files", cols)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
