"""The control-line section of `python -m etl coverage`: lines that exist and lines missing."""

from __future__ import annotations

import duckdb

from etl.build import SCHEMA
from etl.coverage import line_cells, render_control_lines


def _db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    con.executemany("INSERT INTO control_lines VALUES (?, ?, ?, ?, ?, ?, 'f')", [
        ("河南", 2025, "物理类", "本科批", "普通本科批控制线", 427.0),
        ("河南", 2025, "物理类", "专科批", "普通高职（专科）批控制线", 185.0),
        ("河南", 2025, "物理类", "特殊类型招生线", "特殊类型招生录取控制线", 535.0),
        ("河南", 2024, "理科", "本科一批", "本科一批", 511.0),
        ("河南", 2024, "理科", "本科二批", "本科二批", 396.0),
    ])
    con.executemany("INSERT INTO cohorts (province, year, track, size, min_score, max_score, source_file, truncated) "
                    "VALUES (?, ?, ?, 1000, 100, 700, 'f', false)",
                    [("河南", 2025, "历史类"), ("山东", 2025, "综合"), ("山东", 2018, "综合")])
    return con


def test_lines_present_and_missing_per_province_year_track() -> None:
    cells, older = line_cells(_db())
    assert older == 1  # 山东 2018: data, no line, older than the last three years
    text = render_control_lines(cells, older)
    assert "| 河南 | 2025 | 物理类 | 本科批 427 | 专科批 185 | 535 | – |" in text
    assert "| 河南 | 2024 | 理科 | 本科一批 511; 本科二批 396 | – | – | 专科 |" in text
    assert "| 河南 | 2025 | 历史类 | – | – | – | 本科、专科 |" in text
    assert "| 山东 | 2025 | 综合 | – | – | – | 本科、专科 |" in text
    assert "1 of 4 have both a 本科 and a 专科 line" in text
