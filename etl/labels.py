"""The raw labels that decided each row's programme type, and the labels left unclassified.

Feeds the label table of docs/data-coverage.md and the audit (`unclassified_label_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl.normalize import neutral_remark
from gaokao.terms import Programme

# A label left unclassified with more rows than this is a defect the audit reports.
UNCLASSIFIED_LIMIT = 50


@dataclass(frozen=True, slots=True)
class LabelRow:
    """One raw label and the programme type it gave `rows` admission rows."""

    label: str
    programme: str  # gaokao.terms.Programme code
    rows: int


def label_rows(con: duckdb.DuckDBPyConnection) -> list[LabelRow]:
    """Every raw label that decided a non-ordinary programme, with its row count (largest first)."""
    found = con.execute("""
        SELECT programme_label, programme, count(*) FROM admissions
        WHERE programme <> 'ordinary' GROUP BY ALL ORDER BY 3 DESC, 1
    """).fetchall()
    return [LabelRow(str(label), str(prog), int(n)) for label, prog, n in found]


def programme_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Admission rows per programme type code (largest first)."""
    return [(str(p), int(n)) for p, n in con.execute(
        "SELECT programme, count(*) FROM admissions GROUP BY 1 ORDER BY 2 DESC").fetchall()]


def unclassified_label_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Bracketed labels of ordinary rows (school name, group, batch text) that say neither a place, a
    school's standing nor a programme type, with their row counts (largest first)."""
    found = con.execute(r"""
        WITH ordinary AS (
            SELECT school_raw, grp, batch_raw, campus,
                   EXISTS (SELECT 1 FROM school_aliases s  -- 中国石油大学(华东): part of the name, not a label
                           WHERE s.alias = replace(replace(a.school_raw, '（', '('), '）', ')')
                             AND s.kind <> 'spelling') AS named
            FROM admissions a WHERE programme = 'ordinary'
        ),
        labels AS (
            SELECT unnest(regexp_extract_all(school_raw, '[（(\[【]([^（()）\[\]【】]*)[）)\]】]', 1)) AS lab, campus
            FROM ordinary WHERE NOT named
            UNION ALL
            SELECT unnest(regexp_extract_all(concat_ws(' ', grp, batch_raw),
                                             '[（(\[【]([^（()）\[\]【】]*)[）)\]】]', 1)), NULL
            FROM ordinary
        )
        SELECT lab, count(*) FROM labels
        WHERE lab <> coalesce(campus, '') AND trim(lab) <> ''
        GROUP BY lab ORDER BY 2 DESC, 1
    """).fetchall()
    return [(str(lab), int(n)) for lab, n in found if not neutral_remark(str(lab))]


def render_markdown(con: duckdb.DuckDBPyConnection, limit: int = 80) -> str:
    """The label table and the unclassified labels as Markdown, for docs/data-coverage.md."""
    zh = {p.value: p.zh for p in Programme}
    lines = ["### 招生类型（programme）", "", "| 类型 | 代码 | 行数 |", "|---|---|---:|"]
    lines += [f"| {zh.get(p, p)} | `{p}` | {n:,} |" for p, n in programme_counts(con)]
    lines += ["", "### 原始标签 → 类型", "", "| 原始标签 | 类型 | 行数 |", "|---|---|---:|"]
    rows = label_rows(con)
    lines += [f"| {_cell(r.label)} | {zh.get(r.programme, r.programme)} | {r.rows:,} |" for r in rows[:limit]]
    if len(rows) > limit:
        rest = sum(r.rows for r in rows[limit:])
        lines.append(f"| 其余 {len(rows) - limit:,} 个标签 | — | {rest:,} |")
    unclassified = unclassified_label_rows(con)
    over = [u for u in unclassified if u[1] > UNCLASSIFIED_LIMIT]
    lines += ["", f"### 未归类的标签（{len(unclassified):,} 个，其中 {len(over)} 个超过 {UNCLASSIFIED_LIMIT} 行）", "",
              "| 标签 | 行数 |", "|---|---:|"]
    lines += [f"| {_cell(label)} | {n:,} |" for label, n in unclassified[:limit]]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def bachelor_labelled_zhuanke(con: duckdb.DuckDBPyConnection) -> int:
    """Admission rows in a 专科 batch that are evidently 本科 programmes (must be zero)."""
    return sum(n for _, n in bachelor_labelled_zhuanke_by_province(con))


def bachelor_labelled_zhuanke_by_province(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Per province, admission rows labelled 专科 whose own batch text says 本科 (and not 专科/高职)."""
    rows = con.execute("""
        SELECT province, count(*) FROM admissions
        WHERE batch_level = '专科'
          AND batch_raw LIKE '%本科%' AND batch_raw NOT LIKE '%专科%' AND batch_raw NOT LIKE '%高职%'
        GROUP BY ALL ORDER BY 1
    """).fetchall()
    return [(str(p), int(n)) for p, n in rows]


def elite_in_zhuanke_by_province(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Per province, 专科-batch rows of 211/985 universities: to look at, not errors by themselves.

    Some run real 高职 programmes (石河子大学, 延边大学 ...), so this is shown, not required to be zero.
    """
    rows = con.execute("""
        SELECT a.province, count(*) FROM admissions a JOIN schools s USING (school_id)
        WHERE a.batch_level = '专科' AND (s.is211 OR s.is985)
        GROUP BY ALL ORDER BY 1
    """).fetchall()
    return [(str(p), int(n)) for p, n in rows]
