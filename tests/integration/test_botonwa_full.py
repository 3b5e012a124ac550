"""botonwa83-byte (SOURCES.md #21/#22) in the full build: 2025 schools for 四川, 山东 and 河南 专科, derived ranks."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import duck
from etl.sources import botonwa

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def con(sources_dir: Path, full_db: Path) -> duckdb.DuckDBPyConnection:
    if not (sources_dir / botonwa.ORIGIN).is_dir():
        pytest.skip(f"{botonwa.ORIGIN} not in the sources at {sources_dir}")
    return duck.connect(full_db, read_only=True)  # the same configuration as every other connection


def _schools(con: duckdb.DuckDBPyConnection, province: str, level: str) -> int:
    row = con.execute("""SELECT count(DISTINCT school_id) FROM school_cutoffs
                         WHERE province = ? AND year = 2025 AND batch_level = ?""", [province, level]).fetchone()
    assert row is not None
    return int(row[0])


def test_sichuan_and_shandong_2025_have_hundreds_of_schools(con: duckdb.DuckDBPyConnection) -> None:
    # before this source: about 90 四川 and 2 山东 2025 schools with a cutoff
    assert _schools(con, "四川", "本科") + _schools(con, "四川", "专科") >= 500
    assert _schools(con, "山东", "本科") + _schools(con, "山东", "专科") >= 1800


def test_henan_2025_has_zhuanke_cutoffs(con: duckdb.DuckDBPyConnection) -> None:
    assert _schools(con, "河南", "专科") >= 100  # 3 before


def test_every_botonwa_rank_is_derived_from_the_score(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute("""SELECT count(*), count(*) FILTER (rank_source = 'derived'),
                                count(*) FILTER (quality = 'third-party')
                         FROM admissions WHERE source_file LIKE ? AND min_rank IS NOT NULL""",
                      [f"{botonwa.ORIGIN}/%"]).fetchone()
    assert got is not None and got[0] > 8000 and got[0] == got[1] == got[2]
    # 北京大学医学部 物理 674 is published as rank 82, which is about 1,917 in the official 河南 table
    rank = con.execute("""SELECT a.min_rank FROM admissions a JOIN score_ranks s
                            ON s.province = a.province AND s.year = a.year AND s.track = a.track AND s.score = 674
                          WHERE a.source_file LIKE ? AND a.school_raw = '北京大学医学部' AND a.min_score = 674
                            AND a.min_rank = s.rank""", [f"{botonwa.ORIGIN}/%"]).fetchone()
    assert rank is not None and rank[0] > 1500


def test_shandong_and_shaanxi_2025_tables_and_lines(con: duckdb.DuckDBPyConnection) -> None:
    tables = dict(con.execute("""SELECT province || track, split_part(source_file, '/', 1) FROM cohorts
                                 WHERE year = 2025 AND province IN ('山东', '陕西', '河南', '四川')""").fetchall())
    assert tables["山东综合"] == botonwa.ORIGIN
    assert tables["陕西物理类"] in (botonwa.ORIGIN, "immaotianyi__gaokao-volunteer-v2")  # #20 and #22 agree here
    assert tables["河南物理类"] != botonwa.ORIGIN and tables["四川物理类"] != botonwa.ORIGIN  # official #2 wins
    lines = set(con.execute("""SELECT province, track, batch, score FROM control_lines WHERE year = 2025""").fetchall())
    assert {("山东", "综合", "本科批", 441.0), ("山东", "综合", "专科批", 150.0), ("河南", "物理类", "专科批", 185.0),
            ("陕西", "物理类", "本科批", 394.0), ("四川", "历史类", "本科批", 467.0)} <= lines
