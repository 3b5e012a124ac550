"""The label table, unclassified labels and the 本科-labelled-专科 check, on a hand-written database."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import labels
from etl.build import SCHEMA


def _db(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    con.execute("""INSERT INTO schools (school_id, name, level, is985, is211, double_first_class) VALUES
                   (1, '华中科技大学', '本科', TRUE, TRUE, TRUE), (2, '郑州铁路职业技术学院', '专科', FALSE, FALSE, FALSE)""")
    con.execute("INSERT INTO school_aliases VALUES ('华中科技大学', 1, 'official', 't')")
    con.execute("INSERT INTO control_lines VALUES ('河南', 2024, '理科', '本科二批', '本科二批', 396, 't')")
    rows = [  # school_raw, batch, batch_level, batch_raw, school_id, programme, label, score
        ("华中科技大学（特殊类）", "本科一批", "本科", "本科一批", 1, "special_type", "特殊类", 600),
        ("华中科技大学", "本科一批", "本科", "本科一批", 1, "ordinary", None, 650),
        ("华中科技大学(八八计划)", "本科一批", "本科", "本科一批", 1, "ordinary", None, 640),
        ("华中科技大学(武汉市)", "本科一批", "本科", "本科一批", 1, "ordinary", None, 640),
        ("华中科技大学", "专科批", "专科", "专科批", 1, "ordinary", None, 591),  # a 985 in 专科: shown, not counted
        ("华中科技大学", "专科批", "专科", "本科一批次", 1, "ordinary", None, 592),  # batch text says 本科: wrong
        ("郑州铁路职业技术学院", "专科批", "专科", "高职（专科）批", 2, "ordinary", None, 420),  # a 专科 school: fine
    ]
    for raw, batch, level, batch_raw, sid, prog, label, score in rows:
        con.execute("""INSERT INTO admissions (province, year, track, batch, batch_level, batch_raw, round, school_id,
                       school_raw, level, programme, programme_label, min_score, quality, source_file)
                       VALUES ('河南', 2024, '理科', ?, ?, ?, 'first', ?, ?, 'school', ?, ?, ?, 'official', 't')""",
                    [batch, level, batch_raw, sid, raw, prog, label, score])
    return con


def test_label_rows_and_unclassified(tmp_path: Path) -> None:
    con = _db(tmp_path)
    assert labels.label_rows(con) == [labels.LabelRow("特殊类", "special_type", 1)]
    assert labels.unclassified_label_rows(con) == [("八八计划", 1)]  # 武汉市 is a place, 专科 a level
    md = labels.render_markdown(con)
    assert "| 特殊类 | 特殊类型 | 1 |" in md and "| 八八计划 | 1 |" in md


def test_bachelor_labelled_zhuanke(tmp_path: Path) -> None:
    con = _db(tmp_path)
    assert labels.bachelor_labelled_zhuanke(con) == 1
    assert labels.elite_in_zhuanke_by_province(con) == [("河南", 2)]
