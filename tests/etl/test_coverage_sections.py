"""The sections of docs/data-coverage.md beyond the line table: truncated tables, new sources, the whole document."""

from __future__ import annotations

import duckdb

from etl.build import SCHEMA
from etl.coverage import (
    added_by_new_sources,
    group_cells,
    render_added,
    render_document,
    render_groups,
    render_truncated,
    truncated_tables,
)

HENAN = "botonwa83-byte__gaokao-data/data/2025/henan/school-admission.csv"
SICHUAN = "botonwa83-byte__gaokao-data/data/2025/sichuan/school-admission.csv"
LINES20 = "immaotianyi__gaokao-volunteer-v2/backend/data/control_line_2025.csv"
OFFICIAL = "liuguanghui0226__gaokao-zhiyuan-site/site/data/release-v3.275/henan.json.gz"


def _admission(school: int, level: str, source: str, province: str = "河南") -> tuple[object, ...]:
    return (province, 2025, "物理类", f"{level}批", level, f"{level}批", "first", school, f"s{school}", None, None,
            None, "school", "ordinary", None, 500.0, 1000, "derived", None, "third-party", None, source)


def _db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    con.execute("INSERT INTO build_info VALUES ('built_at', '2026-12-01T00:00:00+00:00')")
    con.executemany("INSERT INTO admissions VALUES (" + ", ".join("?" * 22) + ")", [
        _admission(1, "本科", HENAN), _admission(1, "本科", HENAN), _admission(2, "本科", HENAN),
        _admission(2, "本科", OFFICIAL),  # school 2 is also known from another source
        _admission(3, "专科", HENAN), _admission(4, "本科", SICHUAN, "四川"),
    ])
    con.execute("INSERT INTO quarantine SELECT *, 'below_control_line', 'd' FROM admissions WHERE school_id = 3")
    con.executemany("INSERT INTO control_lines VALUES (?, 2025, ?, ?, ?, ?, ?)", [
        ("甘肃", "物理类", "本科批", "本科", 374.0, LINES20), ("甘肃", "物理类", "专科批", "专科", 180.0, LINES20),
        ("江苏", "物理类", "本科批", "本科", 463.0, OFFICIAL),
    ])
    con.executemany("INSERT INTO cohorts VALUES (?, 2025, '物理类', ?, ?, 700, 'f', ?)", [
        ("江苏", 205_975, 463, True), ("河南", 555_040, 100, False)])
    return con


def test_truncated_tables_say_where_they_stop() -> None:
    tables = truncated_tables(_db())
    assert [(t.province, t.min_score, t.last_rank, t.benke, t.zhuanke) for t in tables] == [
        ("江苏", 463, 205_975, 463.0, None)]
    assert "| 江苏 | 2025 | 物理类 | 463 | 205,975 | 463 | – | `f` |" in render_truncated(tables)


def test_new_sources_by_table_province_year_and_level() -> None:
    added = added_by_new_sources(_db())
    got = {(a.source[:3], a.table, a.province, a.level): (a.rows, a.schools, a.only_here, a.quarantined)
           for a in added}
    assert got[("#21", "admissions", "河南", "本科")] == (3, 2, 1, 0)  # school 2 is also in the official file
    assert got[("#21", "admissions", "河南", "专科")] == (1, 1, 1, 1)
    assert got[("#22", "admissions", "四川", "本科")] == (1, 1, 1, 0)  # the #21 file is not counted as #22
    assert got[("#20", "control_lines", "甘肃", "专科")] == (1, None, None, None)
    assert not [a for a in added if a.province == "江苏"]  # the official line is no new source's
    text = render_added(added)
    assert "| admissions | 河南 | 2025 | 本科 | 3 | 2 | 1 | 0 |" in text


def test_document_has_every_section() -> None:
    doc = render_document(_db())
    for heading in ("# Data coverage", "## Control lines", "## 院校专业组 (groups)", "## Programme labels", "## Quarantined admission rows",
                    "## Truncated 一分一段 tables", "## What each new source added"):
        assert heading in doc
    assert doc.index("## Control lines") < doc.index("## 院校专业组") < doc.index("## Programme labels") < doc.index("## Truncated")


def test_groups_per_province() -> None:
    con = _db()
    con.execute("""INSERT INTO admissions SELECT * REPLACE ('第3组' AS grp, 'group' AS level, 2024 AS year)
                   FROM admissions WHERE school_id = 1""")
    con.execute("""INSERT INTO admissions SELECT * REPLACE ('理工组' AS grp, 'group' AS level) FROM admissions
                   WHERE school_id = 4""")
    cells = {c.province: c for c in group_cells(con)}
    assert (cells["河南"].rows, cells["河南"].coded, cells["河南"].named, cells["河南"].group_level) == (7, 2, 0, 2)
    assert cells["河南"].years == "2024"
    assert (cells["四川"].coded, cells["四川"].named, cells["四川"].years) == (0, 1, "2025")
    assert "| 河南 | 7 | 2 | 0 | 2 | 2024 |" in render_groups(list(cells.values()))
