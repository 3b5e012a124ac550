"""What the database can answer: per province-year-track, school cutoff ranks and batch control lines."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb

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
