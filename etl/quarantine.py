"""Move impossible admission rows out of `admissions` into `quarantine`, each with its reason.

Runs after ranks are derived and exact duplicates removed, before school_cutoffs are built.
Nothing is dropped: every row that leaves `admissions` is inserted into `quarantine` first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import duckdb

log = logging.getLogger(__name__)

# The rows that feed 冲/稳/保: ordinary admission in the first round. ONE place to switch when
# `programme`/`round` replace `special`: "programme = 'ordinary' AND round = 'first'".
ORDINARY_SQL = "programme = 'ordinary' AND round = 'first'"
# The programme part of the duplicate key (two programmes of one major are not duplicates).
# At the merge: "programme, round".
PROGRAMME_KEY_SQL = "programme || '/' || round"

# A control line's level, in the spelling of etl.normalize.batch_level.
LINE_LEVEL_SQL = "CASE WHEN batch LIKE '专科%' THEN '专科' ELSE '本科' END"
# Lines that are not the floor of an ordinary batch.
NOT_A_BATCH_FLOOR_SQL = "batch = '特殊类型招生线'"

# Points an ordinary row may sit below its batch line before it is taken for impossible. Sources
# publish 投档 minimums that are sometimes the raw score without a policy bonus (少数民族、烈士子女
# bonuses are 3–5 points in most provinces, applied to the 投档分 compared with the line) and
# sometimes rounded (吉林 337.08): a gap of 1–3 points is explained by that, a larger one is not.
# On main's full build 38 ordinary rows with an exact batch line fall 1–3 points short and 273
# fall further.
LINE_TOLERANCE = 3.0

# A school-year whose easiest ordinary entry, as a share of the cohort, is this many times easier
# (or harder) than the median of the school's other years is taken for a slip. On main's full
# build the ratio of a school-year to its other years' median (same province, track lineage and
# level, at least two other years) has median 1.12, 95th percentile 1.76, 99th percentile 2.79
# and 99.5th 3.55: a factor of 3 is beyond what schools really move from year to year.
YEAR_FACTOR = 3.0
# With fewer other years there is no majority to tell which year is wrong.
YEAR_MIN_OTHER_YEARS = 2
# Top schools move between share 0.0005 and 0.0015 without anything wrong: small shares are noise.
YEAR_MIN_SHARE_GAP = 0.01
# Tracks that continue each other across the 3+1+2 reform, so years on both sides compare.
TRACK_LINEAGE_SQL = ("CASE WHEN track IN ('文科', '历史类') THEN '历史' "
                     "WHEN track IN ('理科', '物理类') THEN '物理' ELSE track END")

REASONS: dict[str, str] = {
    "conflicting_duplicate": "the same row from a less trusted source with different values",
    "below_control_line": f"ordinary row more than {LINE_TOLERANCE:g} points below its batch's control line",
    "year_outlier": f"school-year more than {YEAR_FACTOR:g}x away from the school's other years in rank share",
    "rank_beyond_cohort": "a published rank larger than everyone in that year's 一分一段 table",
}

_KEY = ("province", "year", "track", "batch", "campus", "grp", "major", "level")
_TRUST_SQL = "CASE quality WHEN 'official' THEN 0 WHEN 'school' THEN 1 ELSE 2 END"


def quarantine(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Run every check in order; returns the number of rows moved per reason."""
    checks: list[tuple[str, Callable[[duckdb.DuckDBPyConnection], None]]] = [
        ("conflicting_duplicate", _pick_conflicting_duplicates),
        ("below_control_line", _pick_below_line),
        ("year_outlier", _pick_year_outliers),
        ("rank_beyond_cohort", _pick_ranks_beyond_cohort),
    ]
    moved: dict[str, int] = {}
    for reason, pick in checks:
        pick(con)  # fills TEMP TABLE q_pick (rid, detail)
        moved[reason] = _move(con, reason)
        log.info("quarantined %d admission rows: %s", moved[reason], REASONS[reason])
    return moved


def _move(con: duckdb.DuckDBPyConnection, reason: str) -> int:
    examples = con.execute("SELECT detail FROM q_pick ORDER BY detail LIMIT 20").fetchall()
    for (detail,) in examples:
        log.info("quarantine %s: %s", reason, detail)
    con.execute("""
        INSERT INTO quarantine BY NAME
        SELECT a.*, ? AS reason, p.detail FROM admissions a JOIN q_pick p ON a.rowid = p.rid
    """, [reason])
    row = con.execute("SELECT count(*) FROM q_pick").fetchone()
    con.execute("DELETE FROM admissions WHERE rowid IN (SELECT rid FROM q_pick)")
    con.execute("DROP TABLE q_pick")
    return int(row[0]) if row else 0


def _pick_conflicting_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """Rows whose key a more trusted source also gives, with other values: the less trusted lose."""
    key_cols = ", ".join(_KEY)
    same_key = " AND ".join(f"w.{c} IS NOT DISTINCT FROM d.{c}" for c in (*_KEY, "sch", "prog"))
    con.execute(f"""
        CREATE TEMP TABLE dup AS
        SELECT rowid AS rid, {key_cols}, coalesce(school_id::VARCHAR, school_raw) AS sch,
               {PROGRAMME_KEY_SQL} AS prog, {_TRUST_SQL} AS q, quality, min_score, min_rank, source_file,
               min({_TRUST_SQL}) OVER k AS best_q, count(DISTINCT quality) OVER k AS n_q
        FROM admissions
        WINDOW k AS (PARTITION BY {key_cols}, coalesce(school_id::VARCHAR, school_raw), {PROGRAMME_KEY_SQL})
    """)
    con.execute("DELETE FROM dup WHERE n_q < 2")
    con.execute(f"""
        CREATE TEMP TABLE q_pick AS
        SELECT d.rid, concat(d.province, ' ', d.year, ' ', d.track, ' ', d.batch, ' ', d.sch,
                             coalesce(' ' || d.grp, ''), coalesce(' ' || d.major, ''), ': ', d.quality, ' ',
                             coalesce(d.min_score::VARCHAR, '-'), '/', coalesce(d.min_rank::VARCHAR, '-'),
                             ' (', d.source_file, ') loses to ', arg_min(w.quality, w.source_file), ' ',
                             string_agg(DISTINCT coalesce(w.min_score::VARCHAR, '-') || '/'
                                        || coalesce(w.min_rank::VARCHAR, '-'), ', '),
                             ' (', min(w.source_file), ')') AS detail
        FROM dup d JOIN dup w ON {same_key} AND w.q = d.best_q
        WHERE d.q > d.best_q
        GROUP BY d.rid, d.province, d.year, d.track, d.batch, d.sch, d.grp, d.major, d.quality, d.min_score,
                 d.min_rank, d.source_file
        HAVING NOT bool_or(w.min_score IS NOT DISTINCT FROM d.min_score AND w.min_rank IS NOT DISTINCT FROM d.min_rank)
    """)
    con.execute("DROP TABLE dup")


def below_line_sql(select: str) -> str:
    """A query over ordinary admissions `a` more than LINE_TOLERANCE below their line `line`."""
    return f"""
        WITH exact AS (
            SELECT province, year, track, batch, score FROM control_lines WHERE NOT ({NOT_A_BATCH_FLOOR_SQL})
        ),
        floor AS (  -- a batch without its own line: the lowest line of its level (本科 / 专科)
            SELECT province, year, track, {LINE_LEVEL_SQL} AS batch_level, min(score) AS score
            FROM control_lines WHERE NOT ({NOT_A_BATCH_FLOOR_SQL}) AND batch NOT LIKE '%提前%'
            GROUP BY ALL
        ),
        lined AS (
            SELECT a.rowid AS rid, a.*, coalesce(e.score, f.score) AS line,
                   CASE WHEN e.score IS NOT NULL THEN a.batch ELSE f.batch_level || ' (lowest line)' END AS line_of
            FROM admissions a
            LEFT JOIN exact e ON e.province = a.province AND e.year = a.year AND e.track = a.track
                              AND e.batch = a.batch
            LEFT JOIN floor f ON f.province = a.province AND f.year = a.year AND f.track = a.track
                              AND f.batch_level = a.batch_level
            WHERE {ORDINARY_SQL} AND a.min_score IS NOT NULL
        )
        SELECT {select} FROM lined a WHERE a.min_score < a.line - {LINE_TOLERANCE}
    """


def _pick_below_line(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TEMP TABLE q_pick AS " + below_line_sql(
        "a.rid, concat(a.province, ' ', a.year, ' ', a.track, ' ', a.batch, ' ', a.school_raw, "
        "coalesce(' ' || a.major, ''), ': ', a.min_score, ' below the ', a.line_of, ' line ', a.line, "
        "' (', a.source_file, ')') AS detail"))


def _pick_ranks_beyond_cohort(con: duckdb.DuckDBPyConnection) -> None:
    """Rows whose rank exceeds the whole cohort of their table: no student can hold such a rank."""
    con.execute("""
        CREATE TEMP TABLE q_pick AS
        SELECT a.rowid AS rid,
               concat(a.province, ' ', a.year, ' ', a.track, ' ', a.batch, ' ', a.school_raw, coalesce(' ' || a.major, ''),
                      ': rank ', a.min_rank, ' beyond the cohort of ', h.size, ' (', a.source_file, ')') AS detail
        FROM admissions a JOIN cohorts h USING (province, year, track)
        WHERE a.min_rank > h.size
    """)


def _pick_year_outliers(con: duckdb.DuckDBPyConnection) -> None:
    """Rows making a school-year depart from the school's other years by more than YEAR_FACTOR.

    A school-year is measured by its easiest ordinary entry as a share of the cohort. When that
    is too easy, the rows beyond YEAR_FACTOR x the median of the other years leave (the school's
    harder rows of that year stay); when it is too hard, the whole school-year leaves.
    """
    con.execute(f"""
        CREATE TEMP TABLE yr AS
        SELECT a.rowid AS rid, a.province, {TRACK_LINEAGE_SQL.replace('track', 'a.track')} AS lineage,
               a.batch_level, a.school_id, a.school_raw, a.campus, a.year, a.min_rank::DOUBLE / h.size AS share
        FROM admissions a JOIN cohorts h ON h.province = a.province AND h.year = a.year AND h.track = a.track
        WHERE {ORDINARY_SQL} AND a.school_id IS NOT NULL AND a.min_rank IS NOT NULL AND h.size > 0
    """)
    con.execute("""
        CREATE TEMP TABLE sy AS
        SELECT province, lineage, batch_level, school_id, campus, year, max(share) AS share
        FROM yr GROUP BY ALL
    """)
    con.execute(f"""
        CREATE TEMP TABLE sy_med AS
        SELECT s.province, s.lineage, s.batch_level, s.school_id, s.campus, s.year, s.share,
               median(o.share) AS med, count(*) AS others
        FROM sy s JOIN sy o ON o.province = s.province AND o.lineage = s.lineage AND o.batch_level = s.batch_level
                           AND o.school_id = s.school_id AND o.campus IS NOT DISTINCT FROM s.campus
                           AND o.year <> s.year
        GROUP BY ALL
        HAVING count(*) >= {YEAR_MIN_OTHER_YEARS}
    """)
    con.execute(f"""
        CREATE TEMP TABLE q_pick AS
        SELECT y.rid, concat(y.province, ' ', y.year, ' ', y.lineage, ' ', y.batch_level, ' ', y.school_raw,
                             coalesce(' ' || y.campus, ''), ': rank share ', round(y.share, 4),
                             ' against a median of ', round(m.med, 4), ' over ', m.others, ' other years') AS detail
        FROM yr y JOIN sy_med m ON m.province = y.province AND m.lineage = y.lineage
                               AND m.batch_level = y.batch_level AND m.school_id = y.school_id
                               AND m.campus IS NOT DISTINCT FROM y.campus AND m.year = y.year
        WHERE abs(m.share - m.med) > {YEAR_MIN_SHARE_GAP}
          AND ((m.share > {YEAR_FACTOR} * m.med AND y.share > {YEAR_FACTOR} * m.med)
               OR m.share * {YEAR_FACTOR} < m.med)
    """)
    for t in ("yr", "sy", "sy_med"):
        con.execute(f"DROP TABLE {t}")


def counts_by_reason_and_province(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(reason, province, rows) of the quarantine table."""
    return [(str(r), str(p), int(n)) for r, p, n in con.execute(
        "SELECT reason, province, count(*) FROM quarantine GROUP BY ALL ORDER BY reason, province").fetchall()]


def render_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """The docs/data-coverage.md section: quarantined rows by reason and province."""
    rows = counts_by_reason_and_province(con)
    lines = ["## Quarantined admission rows", "",
             "Rows taken out of `admissions` because they cannot be true; they are kept in the "
             "`quarantine` table with their reason and detail.", ""]
    if not rows:
        return "\n".join([*lines, "No rows are quarantined.", ""])
    provinces = sorted({p for _, p, _ in rows})
    table: dict[str, dict[str, int]] = {}
    for reason, province, n in rows:
        table.setdefault(reason, {})[province] = n
    lines += ["| Reason | Total | " + " | ".join(provinces) + " |",
              "|---|---:|" + "---:|" * len(provinces)]
    for reason, per in table.items():
        cells = " | ".join(str(per.get(p, "")) for p in provinces)
        lines.append(f"| {reason}: {REASONS.get(reason, '')} | {sum(per.values())} | {cells} |")
    return "\n".join([*lines, ""])
