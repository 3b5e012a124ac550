"""Third-party botonwa83 rows in a build: ranks derived from the trusted table, schools filled, lines loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.sources import botonwa, liuxusummer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LX = "liuxusummer__gaokao-advisor/public/data"
SCHOOLS = [("4141010459", "郑州大学", "河南省"), ("4111010001", "北京大学", "北京省"),
           ("4151010610", "四川大学", "四川省"), ("4151010656", "西南民族大学", "四川省"),
           ("4137010422", "山东大学", "山东省"), ("4137012913", "山东职业学院", "山东省"),
           ("4123010212", "黑龙江大学", "黑龙江省"), ("4136012993", "江西医学高等专科学校", "江西省")]


def _table(top: int, bottom: int, step: int) -> list[tuple[int, int, int]]:
    """(score, count, cumulative) rows from `top` down to `bottom`."""
    out, cum = [], 0
    for score in range(top, bottom - 1, -1):
        cum += step
        out.append((score, step, cum))
    return out


def _write(root: Path) -> Path:
    """The botonwa fixture, 30-row 2025 tables for 河南 物理 and 山东 in its format, and a liuxusummer tree with
    the school list, a 河南 2025 物理 table (more trusted, different ranks) and one official 四川 row."""
    shutil.copytree(FIXTURES / botonwa.ORIGIN, root / botonwa.ORIGIN)
    data = root / botonwa.ORIGIN / "data" / "2025"
    head = "province,year,category,batch,control_score,score,score_range,segment_count,cumulative_count,rank_range\n"
    henan = "".join(f"河南,2025,物理类,本科批,427,{s}.0,{s},{n},{c},{c - n + 1}-{c}\n" for s, n, c in _table(710, 681, 10))
    (data / "henan" / "score-range.csv").write_text(head + henan, encoding="utf-8")
    shandong = "".join(f"山东,2025,综合,普通类一段,441,{s}.0,{s},{n},{c},{c - n + 1}-{c}\n" for s, n, c in _table(700, 671, 4))
    (data / "shandong" / "score-range.csv").write_text(head + shandong, encoding="utf-8")

    base = root / LX
    (base / "common").mkdir(parents=True)
    colleges = [{"id": c, "moeCode": c, "name": n, "province": p, "city": p, "level": ["本科"], "type": "综合",
                 "nature": "public", "affiliation": "教育部"} for c, n, p in SCHOOLS]
    (base / "common" / "colleges.json").write_text(json.dumps(colleges, ensure_ascii=False), encoding="utf-8")
    (base / "scores" / "河南").mkdir(parents=True)
    rows = [{"province": "河南", "year": 2025, "category": "物理类", "score": s, "rank": c - n + 1, "count": n,
             "cumulativeCount": c} for s, n, c in _table(710, 681, 100)]
    table = {"province": "河南", "year": 2025, "categories": {"物理类": rows}}
    (base / "scores" / "河南" / "rank_table_2025.json").write_text(json.dumps(table, ensure_ascii=False),
                                                                  encoding="utf-8")
    (base / "scores" / "四川").mkdir(parents=True)
    official = [{"collegeId": "", "collegeName": "西南民族大学", "year": 2025, "majorName": "西南民族大学(101)",
                 "majorGroup": "101", "majorGroupName": "西南民族大学(101)", "province": "四川", "category": "物理类",
                 "batch": "本科批", "minScore": 500, "minRank": 0}]
    (base / "scores" / "四川" / "scores_2025.json").write_text(json.dumps(official, ensure_ascii=False),
                                                              encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("botonwa")
    out = tmp / "admissions.duckdb"
    build(_write(tmp / "src"), out, readers=[liuxusummer, botonwa], short_names=None, renames=None)
    return duckdb.connect(str(out), read_only=True)


def test_a_third_party_row_gets_its_rank_from_the_more_trusted_table(con: duckdb.DuckDBPyConnection) -> None:
    rank, source, quality = con.execute("""
        SELECT min_rank, rank_source, quality FROM admissions
        WHERE school_raw = '郑州大学' AND source_file LIKE 'botonwa%'""").fetchone()  # type: ignore[misc]
    # 700 is the 11th score down: 1,100 in liuxusummer's table (100 a point), 110 in botonwa's; published 3
    assert (rank, source, quality) == (1100, "derived", "third-party")
    src = con.execute("SELECT DISTINCT source_file FROM score_ranks WHERE province = '河南'").fetchall()
    assert src == [(f"{LX.split('/')[0]}/public/data/scores/河南/rank_table_2025.json",)]


def test_a_province_year_with_no_other_table_uses_botonwa(con: duckdb.DuckDBPyConnection) -> None:
    rank, source = con.execute("""
        SELECT c.min_rank, c.rank_source FROM school_cutoffs c JOIN schools USING (school_id)
        WHERE name = '山东大学' AND c.year = 2025""").fetchone()  # type: ignore[misc]
    assert (rank, source) == (4 * 4, "derived")  # 697 is the 4th score of the 4-a-point table


def test_third_party_rows_fill_schools_that_no_verified_row_covers(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute("""
        SELECT name, c.batch, c.verified FROM school_cutoffs c JOIN schools USING (school_id)
        WHERE c.province = '四川' ORDER BY name""").fetchall()
    # 四川大学's 本科批B段 row fills in beside the official 西南民族大学 row; its 国家专项 row and
    # 西南民族大学's 预科 row are special plans and stay out
    assert got == [("四川大学", "本科批", False), ("西南民族大学", "本科批", True)]


def test_the_batch_lines_are_loaded(con: duckdb.DuckDBPyConnection) -> None:
    got = set(con.execute("SELECT province, track, batch, score FROM control_lines").fetchall())
    assert {("河南", "物理类", "本科批", 427.0), ("山东", "综合", "本科批", 441.0), ("四川", "物理类", "专科批", 150.0),
            ("四川", "物理类", "本科批", 438.0), ("陕西", "历史类", "专科批", 200.0)} <= got
    assert ("四川", "物理类", "本科批", 365.0) not in got
