"""What the database can answer: per province-year-track, school cutoff ranks and batch control lines."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb

from etl.quarantine import LINE_LEVEL_SQL, NOT_A_BATCH_FLOOR_SQL
from gaokao.regions import PROVINCES
from gaokao.terms import SPECIAL_TYPE_LINE


@dataclass(frozen=True, slots=True)
class CoverageCell:
    """School counts with an ordinary cutoff rank for one province-year-track."""

    province: str
    year: int
    track: str
    benke: int  # 本科 schools with a verified cutoff rank
    zhuanke: int  # 专科 schools with a verified cutoff rank
    unverified: int  # schools known only from unverified third-party rows


def coverage(con: duckdb.DuckDBPyConnection) -> list[CoverageCell]:
    """Per province-year-track counts of schools with ordinary cutoff ranks."""
    rows = con.execute("""
        SELECT province, year, track,
               count(DISTINCT school_id) FILTER (WHERE batch_level = '本科' AND verified),
               count(DISTINCT school_id) FILTER (WHERE batch_level = '专科' AND verified),
               count(DISTINCT school_id) FILTER (WHERE NOT verified)
        FROM school_cutoffs WHERE min_rank IS NOT NULL
        GROUP BY ALL ORDER BY ALL
    """).fetchall()
    return [CoverageCell(*r) for r in rows]


def render_markdown(cells: list[CoverageCell], built_at: str | None = None) -> str:
    """A Markdown report: one table per province, years down, tracks across."""
    by_prov: dict[str, list[CoverageCell]] = defaultdict(list)
    for c in cells:
        by_prov[c.province].append(c)
    lines = ["# Data coverage", ""]
    if built_at:
        lines += [f"Database built {built_at}. Counts are schools with an ordinary-batch cutoff rank "
                  "(本科 / 专科); `+N?` counts schools known only from unverified third-party rows.", ""]
    missing = [p for p in PROVINCES if p not in by_prov]
    lines += ["| province | year | track | 本科 schools | 专科 schools | unverified |", "|---|---|---|---|---|---|"]
    for prov in PROVINCES:
        for c in by_prov.get(prov, []):
            lines.append(f"| {c.province} | {c.year} | {c.track} | {c.benke} | {c.zhuanke} | {c.unverified} |")
    if missing:
        lines += ["", f"No school cutoff ranks at all: {'、'.join(missing)}."]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- control lines

LEVELS_EXPECTED = ("本科", "专科")


@dataclass(frozen=True, slots=True)
class LineCell:
    """The batch lines of one province-year-track: (batch, score) pairs, ordered 本科 first."""

    province: str
    year: int
    track: str
    lines: tuple[tuple[str, float], ...]

    def missing(self) -> tuple[str, ...]:
        """The expected levels (本科, 专科) that have no line."""
        have = {"专科" if b.startswith("专科") else "本科" for b, _ in self.lines if b != SPECIAL_TYPE_LINE}
        return tuple(level for level in LEVELS_EXPECTED if level not in have)


RECENT_YEARS = 3  # advice rests on the last three years: those are listed even without any line


def line_cells(con: duckdb.DuckDBPyConnection) -> tuple[list[LineCell], int]:
    """Province-year-tracks with lines or with recent data (一分一段 or cutoffs), and how many older ones have none."""
    keys = con.execute("""
        WITH data AS (SELECT province, year, track FROM cohorts UNION SELECT province, year, track FROM school_cutoffs),
             lined AS (SELECT DISTINCT province, year, track FROM control_lines)
        SELECT province, year, track, year > (SELECT max(year) FROM data) - ? OR l.province IS NOT NULL AS shown
        FROM data FULL JOIN lined l USING (province, year, track)
    """, [RECENT_YEARS]).fetchall()
    lines: dict[tuple[str, int, str], list[tuple[str, float]]] = defaultdict(list)
    for prov, year, track, batch, score in con.execute(
        "SELECT province, year, track, batch, score FROM control_lines"
    ).fetchall():
        lines[(prov, year, track)].append((batch, float(score)))
    order = {p: i for i, p in enumerate(PROVINCES)}
    cells = [LineCell(p, y, t, tuple(sorted(lines.get((p, y, t), []), key=lambda bs: _BATCH_ORDER.get(bs[0], 9))))
             for p, y, t, shown in keys if shown]
    hidden = sum(1 for *_, shown in keys if not shown)
    return sorted(cells, key=lambda c: (order.get(c.province, len(order)), c.year, c.track)), hidden


_BATCH_ORDER = {b: i for i, b in enumerate(
    ("本科提前批", "本科一批", "本科二批", "本科三批", "本科批", "专科提前批", "专科批", SPECIAL_TYPE_LINE))}


def render_control_lines(cells: list[LineCell], older_without_lines: int = 0) -> str:
    """A Markdown section: per province-year-track the lines that exist and the 本科/专科 lines missing."""
    complete = sum(1 for c in cells if not c.missing())
    missing = Counter(level for c in cells for level in c.missing())
    out = ["## Control lines", "",
           f"Batch control lines (批次线): every province-year-track with a line, and every one with data in the last "
           f"{RECENT_YEARS} years. {complete} of {len(cells)} have both a 本科 and a 专科 line; "
           f"本科 is missing in {missing['本科']}, 专科 in {missing['专科']}. "
           f"{older_without_lines} older province-year-tracks have data but no line and are not listed. "
           "特殊类型 is the 特殊类型招生控制线 (a threshold, not a batch). Missing lines are not guessed.", "",
           "| province | year | track | 本科 | 专科 | 特殊类型 | missing |", "|---|---|---|---|---|---|---|"]
    for c in cells:
        benke = [f"{b} {s:g}" for b, s in c.lines if not b.startswith("专科") and b != SPECIAL_TYPE_LINE]
        zhuanke = [f"{b} {s:g}" for b, s in c.lines if b.startswith("专科")]
        special = [f"{s:g}" for b, s in c.lines if b == SPECIAL_TYPE_LINE]
        cols = ("; ".join(x) or "–" for x in (benke, zhuanke, special))
        out.append(f"| {c.province} | {c.year} | {c.track} | {' | '.join(cols)} | {'、'.join(c.missing()) or '–'} |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- truncated tables


@dataclass(frozen=True, slots=True)
class TruncatedTable:
    """A 一分一段 table that stops before its cohort's end: where it stops and the lines below it."""

    province: str
    year: int
    track: str
    min_score: int
    last_rank: int  # cumulative count at the lowest score: everyone above the table's end
    benke: float | None
    zhuanke: float | None
    source_file: str


def truncated_tables(con: duckdb.DuckDBPyConnection) -> list[TruncatedTable]:
    """The tables marked cohorts.truncated, with the lowest 本科 and 专科 lines of their year."""
    rows = con.execute(f"""
        WITH lines AS (
            SELECT province, year, track,
                   min(score) FILTER (WHERE {LINE_LEVEL_SQL} = '本科') AS benke,
                   min(score) FILTER (WHERE {LINE_LEVEL_SQL} = '专科') AS zhuanke
            FROM control_lines WHERE NOT ({NOT_A_BATCH_FLOOR_SQL}) GROUP BY ALL
        )
        SELECT c.province, c.year, c.track, c.min_score, c.size, l.benke, l.zhuanke, c.source_file
        FROM cohorts c LEFT JOIN lines l USING (province, year, track)
        WHERE c.truncated
    """).fetchall()
    order = {p: i for i, p in enumerate(PROVINCES)}
    cells = [TruncatedTable(str(p), int(y), str(t), int(s), int(n), _float(b), _float(z), str(f))
             for p, y, t, s, n, b, z, f in rows]
    return sorted(cells, key=lambda c: (order.get(c.province, len(order)), c.year, c.track))


def _float(x: object) -> float | None:
    return None if x is None else float(str(x))


def render_truncated(tables: list[TruncatedTable]) -> str:
    """A Markdown section: the truncated 一分一段 tables and where each stops."""
    out = ["## Truncated 一分一段 tables", "",
           "Tables that stop before the cohort's end (their lowest score is above the lowest batch line, or the "
           "source says the table is partial). Below the lowest score the bot says what is known "
           "(\"低于表内最低分…\") and never extrapolates; the last cumulative count is not the cohort size.", ""]
    if not tables:
        return "\n".join([*out, "No table is truncated.", ""])
    out += [f"{len(tables)} tables.", "",
            "| province | year | track | lowest score | rank at it | 本科 line | 专科 line | source |",
            "|---|---|---|---:|---:|---:|---:|---|"]
    for t in tables:
        lines = ("–" if x is None else f"{x:g}" for x in (t.benke, t.zhuanke))
        out.append(f"| {t.province} | {t.year} | {t.track} | {t.min_score} | {t.last_rank:,} | "
                   f"{' | '.join(lines)} | `{t.source_file}` |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- what each new source added

# The sources of SOURCES.md #20-#22, by the source_file paths their rows carry.
NEW_SOURCES: tuple[tuple[str, str], ...] = (
    ("#20 immaotianyi (lines, 一分一段 2024–2026)", "immaotianyi__gaokao-volunteer-v2/%"),
    ("#21 botonwa 河南 2025 投档", "botonwa83-byte__gaokao-data/data/2025/henan/school-admission.csv"),
    ("#22 botonwa 四川/山东 2025 投档, 一分一段", "botonwa83-byte__gaokao-data/%"),
)

# Per table: the grain shown (level, or track for tables without one) and the school column if any.
_ADDED_SQL = {
    "admissions": ("batch_level", "school_id"),
    "school_cutoffs": ("batch_level", "school_id"),
    "score_ranks": ("track", None),
    "control_lines": (LINE_LEVEL_SQL, None),
}


@dataclass(frozen=True, slots=True)
class Added:
    """Rows one new source holds in one table for a province-year-level (or track)."""

    source: str
    table: str
    province: str
    year: int
    level: str
    rows: int
    schools: int | None  # distinct schools; None for tables without schools
    only_here: int | None  # of those, schools no other source has for that province-year-level
    quarantined: int | None  # admission rows of this source moved to quarantine


def _source_case() -> tuple[str, list[str]]:
    """A SQL CASE naming the new source of a source_file (first pattern wins), and its parameters."""
    whens = " ".join("WHEN source_file LIKE ? THEN ?" for _ in NEW_SOURCES)
    params = [x for label, pattern in NEW_SOURCES for x in (pattern, label)]
    return f"CASE {whens} END", params


def added_by_new_sources(con: duckdb.DuckDBPyConnection) -> list[Added]:
    """What the sources #20–#22 hold in the database, per table, province, year and level."""
    case, params = _source_case()
    out: list[Added] = []
    for table, (level, school) in _ADDED_SQL.items():
        if school is None:
            rows = con.execute(f"""
                SELECT src, province, year, lvl, count(*), NULL, NULL, NULL
                FROM (SELECT {case} AS src, province, year, {level} AS lvl FROM {table})
                WHERE src IS NOT NULL GROUP BY ALL
            """, params).fetchall()
        else:
            quarantined = (f"(SELECT count(*) FROM (SELECT {case} AS q_src, province, year, batch_level FROM quarantine) q "
                           "WHERE q.q_src = s.src AND q.province = s.province AND q.year = s.year "
                           "AND q.batch_level = s.lvl)") if table == "admissions" else "NULL"
            rows = con.execute(f"""
                WITH t AS (SELECT {case} AS src, province, year, {level} AS lvl, {school} AS sid FROM {table}),
                     s AS (SELECT src, province, year, lvl, count(*) AS n, count(DISTINCT sid) AS schools,
                                  list(DISTINCT sid) AS sids
                           FROM t WHERE src IS NOT NULL GROUP BY ALL)
                SELECT s.src, s.province, s.year, s.lvl, s.n, s.schools,
                       (SELECT count(DISTINCT u.sid) FROM t u
                        WHERE list_contains(s.sids, u.sid) AND u.province = s.province AND u.year = s.year
                          AND u.lvl = s.lvl AND u.src IS NULL) AS elsewhere,
                       {quarantined}
                FROM s
            """, params * (2 if table == "admissions" else 1)).fetchall()
        for src, prov, year, lvl, n, schools, elsewhere, quar in rows:
            only = None if schools is None else int(schools) - int(elsewhere)
            out.append(Added(str(src), table, str(prov), int(year), str(lvl), int(n),
                             None if schools is None else int(schools), only, None if quar is None else int(quar)))
    order = {label: i for i, (label, _) in enumerate(NEW_SOURCES)}
    tables = list(_ADDED_SQL)
    return sorted(out, key=lambda a: (order[a.source], tables.index(a.table), a.province, a.year, a.level))


def render_added(added: list[Added]) -> str:
    """A Markdown section: per new source, its rows and schools by table, province, year and level."""
    out = ["## What each new source added", "",
           "Rows in the database that come from the sources #20–#22 of SOURCES.md, by table, province, year and "
           "level (track for 一分一段 tables). Where a more trusted source has the same line or table, its row is "
           "kept and the new source adds nothing there (disagreements are in the build log). *Only here*: schools "
           "that no other source has for that province, year and level. *Quarantined*: this source's admission "
           "rows moved to the `quarantine` table. #21/#22 are unverified third-party rows; their ranks are "
           "re-derived from the score.", ""]
    for label, _ in NEW_SOURCES:
        mine = [a for a in added if a.source == label]
        out += [f"### {label}", ""]
        if not mine:
            out += ["No rows in the database.", ""]
            continue
        out += ["| table | province | year | level / track | rows | schools | only here | quarantined |",
                "|---|---|---|---|---:|---:|---:|---:|"]
        for a in mine:
            cells = ("–" if x is None else f"{x:,}" for x in (a.schools, a.only_here, a.quarantined))
            out.append(f"| {a.table} | {a.province} | {a.year} | {a.level} | {a.rows:,} | {' | '.join(cells)} |")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- 院校专业组


@dataclass(frozen=True, slots=True)
class GroupCell:
    """How many ordinary first-round admission rows of a province name their 院校专业组."""

    province: str
    rows: int  # ordinary first-round rows
    coded: int  # rows whose grp has a code (第3组, 第3组 理工组)
    named: int  # rows whose grp is a name only (理工组, 分类投档-医科)
    group_level: int  # level = 'group'
    years: str  # years with coded or named groups, e.g. 2021–2025


def group_cells(con: duckdb.DuckDBPyConnection) -> list[GroupCell]:
    """Per province: ordinary first-round rows and how many carry a group code or group name."""
    rows = con.execute(r"""
        WITH a AS (
            SELECT province, year, level,
                   regexp_matches(grp, '^第[0-9A-Z]+组') AS coded,
                   grp IS NOT NULL AND NOT regexp_matches(grp, '^第[0-9A-Z]+组')
                       AND grp NOT LIKE '%医学院' AND grp NOT LIKE '%医学部' AS named  -- faculties are no groups
            FROM admissions WHERE programme = 'ordinary' AND round = 'first'
        )
        SELECT province, count(*), count(*) FILTER (WHERE coded), count(*) FILTER (WHERE named),
               count(*) FILTER (WHERE level = 'group'),
               min(year) FILTER (WHERE coded OR named), max(year) FILTER (WHERE coded OR named)
        FROM a GROUP BY ALL ORDER BY ALL
    """).fetchall()
    return [GroupCell(p, n, c, m, g, "–" if lo is None else (f"{lo}" if lo == hi else f"{lo}–{hi}"))
            for p, n, c, m, g, lo, hi in rows]


def render_groups(cells: list[GroupCell]) -> str:
    """The docs/data-coverage.md section: 院校专业组 per province."""
    lines = ["## 院校专业组 (groups)", "",
             "Ordinary first-round admission rows per province and how many name their 院校专业组. `grp` holds one "
             "normal form (etl.normalize.group_label): `第{code}组` for a coded group (leading zeros dropped), "
             "`第{code}组 {name}` when the source also names it, and the name alone (理工组, 分类投档-医科) when it has "
             "no code. School names, batches, rounds, subject requirements and major codes are never kept in it.", "",
             "| province | ordinary rows | coded group | named group | group-level rows | years with groups |",
             "|---|---:|---:|---:|---:|---|"]
    by_prov = {c.province: c for c in cells}
    for prov in PROVINCES:
        c = by_prov.get(prov)
        if c is not None:
            lines.append(f"| {prov} | {c.rows:,} | {c.coded:,} | {c.named:,} | {c.group_level:,} | {c.years} |")
    return "\n".join([*lines, ""])


def render_document(con: duckdb.DuckDBPyConnection) -> str:
    """The whole docs/data-coverage.md: schools, lines, groups, labels, quarantine, truncated tables, new sources."""
    from etl import labels, quarantine

    row = con.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()
    parts = [render_markdown(coverage(con), row[0] if row else None),
             render_control_lines(*line_cells(con)),
             render_groups(group_cells(con)),
             "## Programme labels\n\n" + labels.render_markdown(con),
             quarantine.render_markdown(con),
             render_truncated(truncated_tables(con)),
             render_added(added_by_new_sources(con))]
    return "\n".join(parts)
