"""Batch lines in the database built from the full sources: 专科 lines kept, 2026 lines from #20 and #2."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import duck

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def con(full_db: Path) -> duckdb.DuckDBPyConnection:
    return duck.connect(full_db, read_only=True)  # the same configuration as every other connection


def line(con: duckdb.DuckDBPyConnection, prov: str, year: int, track: str, batch: str) -> float | None:
    row = con.execute("SELECT score FROM control_lines WHERE province = ? AND year = ? AND track = ? AND batch = ?",
                      [prov, year, track, batch]).fetchone()
    return None if row is None else float(row[0])


@pytest.mark.parametrize("track", ["物理类", "历史类"])
def test_henan_zhuanke_lines(con: duckdb.DuckDBPyConnection, track: str) -> None:
    assert line(con, "河南", 2025, track, "专科批") == 185
    assert line(con, "河南", 2026, track, "专科批") == 179


def test_henan_2026_benke_line(con: duckdb.DuckDBPyConnection) -> None:
    assert line(con, "河南", 2026, "物理类", "本科批") == 419
    assert line(con, "河南", 2025, "物理类", "本科批") == 427


@pytest.mark.parametrize(("track", "benke"), [("物理类", 435), ("历史类", 455)])
def test_sichuan_2026_lines_exist(con: duckdb.DuckDBPyConnection, track: str, benke: float) -> None:
    assert line(con, "四川", 2026, track, "本科批") == benke
    assert line(con, "四川", 2026, track, "专科批") == 150


@pytest.mark.parametrize(("prov", "year", "track"), [("贵州", 2026, "物理类"), ("甘肃", 2026, "物理类"),
                                                     ("甘肃", 2025, "物理类"), ("陕西", 2025, "历史类")])
def test_zhuanke_lines_of_other_provinces(con: duckdb.DuckDBPyConnection, prov: str, year: int, track: str) -> None:
    assert line(con, prov, year, track, "专科批") is not None


def test_old_track_lines_and_guangdong_2026(con: duckdb.DuckDBPyConnection) -> None:
    assert line(con, "四川", 2024, "理科", "本科二批") == 459
    assert line(con, "四川", 2024, "物理类", "本科二批") is None
    assert line(con, "广东", 2026, "物理类", "本科批") == 425  # #2's official line, not the 少数民族班 385
    assert line(con, "福建", 2026, "物理类", "专科批") == 235  # #2 official wins over #20's 239


def test_shaanxi_and_gansu_2025_tables_come_from_source_20(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT province, track, source_file FROM cohorts WHERE year = 2025 AND province IN ('陕西', '甘肃')"
                       ).fetchall()
    assert {(p, t) for p, t, _ in rows} == {("陕西", "物理类"), ("陕西", "历史类"), ("甘肃", "物理类"), ("甘肃", "历史类")}
    assert all(src.startswith("immaotianyi__") for *_, src in rows)
