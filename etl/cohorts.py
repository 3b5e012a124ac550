"""Which 一分一段 tables stop before their cohort's end (truncated), from their range and the batch lines."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

import duckdb

from etl import normalize as nz

log = logging.getLogger(__name__)

# A table whose lowest score is above this share of its top score stops well before the cohort's end
# (江苏 2023 and 2025 end at 448-482 of 750); full tables run down to 0-300.
TAIL_SHARE = 0.5


def is_truncated(min_score: float, max_score: float, lines: Sequence[tuple[str, float]]) -> bool:
    """True when a table with this score range does not reach its cohort's end.

    It does not when its lowest score is in the upper part of the range, above the year's 专科 line, or (with
    no 专科 line known) at or above its lowest ordinary 本科 line: the students below are missing.
    """
    if min_score > TAIL_SHARE * max_score:
        return True
    zhuanke = [s for b, s in lines if nz.batch_level(b) == "专科" and "提前" not in b]
    if zhuanke:
        return min_score > min(zhuanke)
    benke = [s for b, s in lines
             if nz.batch_level(b) == "本科" and "提前" not in b and b != nz.SPECIAL_TYPE_LINE]
    return bool(benke) and min_score >= min(benke)


def mark_truncated(con: duckdb.DuckDBPyConnection) -> int:
    """Set `cohorts.truncated` from each table's range and its year's batch lines; returns how many are."""
    lines: dict[tuple[str, int, str], list[tuple[str, float]]] = defaultdict(list)
    for prov, year, track, batch, score in con.execute(
            "SELECT province, year, track, batch, score FROM control_lines").fetchall():
        lines[(prov, year, track)].append((batch, score))
    flags = [
        (is_truncated(lo, hi, lines.get((prov, year, track), [])), prov, year, track)
        for prov, year, track, lo, hi in con.execute(
            "SELECT province, year, track, min_score, max_score FROM cohorts").fetchall()
    ]
    con.executemany("UPDATE cohorts SET truncated = ? WHERE province = ? AND year = ? AND track = ?", flags)
    cut = [f"{p}{y}{t}" for on, p, y, t in flags if on]
    log.info("%d of %d 一分一段 tables stop before their cohort's end: %s", len(cut), len(flags), "、".join(cut))
    return len(cut)
