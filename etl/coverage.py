"""What the database can answer: per province, the years and tracks with school cutoff ranks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb

from gaokao.regions import PROVINCES


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
