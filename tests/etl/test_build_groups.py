"""院校专业组 in a build: each group of a school is its own row, in one normal form, and raw group text
still decides the programme and the round."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.sources import liuxusummer, zhiyuan_site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARDS = f"{zhiyuan_site.ORIGIN}/{zhiyuan_site.RELEASE}"
LX = "liuxusummer__gaokao-advisor/public/data"
SCHOOLS = [("4142010487", "华中科技大学", "湖北省"), ("4150010617", "重庆邮电大学", "重庆市"),
           ("4135010386", "福州大学", "福建省")]
# 福建 2025 物理类 (score, cumulative rank) anchors; the table interpolates between them, so the
# published ranks of the fixture rows agree with their scores.
ANCHORS = [(700, 50), (656, 1271), (647, 2159), (626, 5610), (610, 9000), (601, 12436), (560, 40000), (450, 120000)]


def _table() -> list[dict[str, int]]:
    rows, prev = [], 0
    for (hi, r_hi), (lo, r_lo) in itertools.pairwise(ANCHORS):
        for s in range(hi, lo, -1):
            cum = r_hi + (r_lo - r_hi) * (hi - s) // (hi - lo)
            rows.append({"score": s, "rank": prev + 1, "count": cum - prev, "cumulativeCount": cum})
            prev = cum
    return rows


def _write(root: Path) -> Path:
    """The 福建 and 重庆 zhiyuan shards (gzipped, as released), a school list and a 福建 2025 物理类 table."""
    shards = root / SHARDS
    shards.mkdir(parents=True)
    for slug in ("fujian", "chongqing"):
        plain = (FIXTURES / SHARDS / f"{slug}.json").read_bytes()
        with gzip.open(shards / f"{slug}.json.gz", "wb") as fh:
            fh.write(plain)
    base = root / LX
    (base / "common").mkdir(parents=True)
    colleges = [{"id": c, "moeCode": c, "name": n, "province": p, "city": p, "level": ["本科"], "type": "综合",
                 "nature": "public", "affiliation": "教育部"} for c, n, p in SCHOOLS]
    (base / "common" / "colleges.json").write_text(json.dumps(colleges, ensure_ascii=False), encoding="utf-8")
    (base / "scores" / "福建").mkdir(parents=True)
    table = {"province": "福建", "year": 2025, "categories": {"物理类": _table()}}
    (base / "scores" / "福建" / "rank_table_2025.json").write_text(json.dumps(table, ensure_ascii=False),
                                                                  encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("groups")
    out = tmp / "admissions.duckdb"
    build(_write(tmp / "src"), out, readers=[liuxusummer, zhiyuan_site], short_names=None, renames=None)
    return duckdb.connect(str(out), read_only=True)


def test_each_group_of_a_school_is_its_own_row(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""
        SELECT grp, level, programme, round, min_rank FROM admissions
        WHERE school_raw = '华中科技大学' AND province = '福建' AND year = 2025 AND track = '物理类'
          AND quality = 'school'
        ORDER BY min_rank""").fetchall()
    assert rows == [
        ("理工组", "group", "ordinary", "first", 1271),
        ("医科组", "group", "ordinary", "first", 2159),
        ("分类投档-法医", "group", "ordinary", "first", 5610),
        ("分类投档-医科", "group", "ordinary", "first", 12436),
    ]
    # the 历史类 line is the school's only 历史类 group
    assert con.execute("""SELECT grp, level FROM admissions WHERE school_raw = '华中科技大学'
                          AND track = '历史类'""").fetchall() == [("文科组", "group")]


def test_school_cutoff_is_still_the_easiest_ordinary_entry(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("""
        SELECT c.min_rank, c.verified, c.n_rows FROM school_cutoffs c JOIN schools s USING (school_id)
        WHERE s.name = '华中科技大学' AND c.province = '福建' AND c.year = 2025 AND c.track = '物理类'
    """).fetchall() == [(12436, True, 3)]
    # 3 rows, not 4: the build's slip rule (a top-2 easiest row 2.5x the next) drops 分类投档-法医 (5,610 vs
    # 2,159) from the school's cutoff rows; the group itself stays in `admissions`.


def test_same_group_from_a_less_trusted_source_is_a_conflicting_duplicate(con: duckdb.DuckDBPyConnection) -> None:
    # the third-party 理工组 (650) meets the school's own 理工组 (656): same group, other values
    assert con.execute("""SELECT grp, min_score, reason FROM quarantine
                          WHERE school_raw = '华中科技大学'""").fetchall() == [("理工组", 650.0, "conflicting_duplicate")]
    # the third-party school line names no group: it is a school-level row and stays
    assert con.execute("""SELECT grp, level, min_score FROM admissions
                          WHERE school_raw = '华中科技大学' AND quality = 'third-party'""").fetchall() == [
        (None, "school", 600.0)]


def test_codes_and_noise(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""SELECT grp, level, major, programme FROM admissions WHERE school_raw IN ('福州大学', '重庆邮电大学')
                          AND province = '福建' ORDER BY ALL""").fetchall()
    assert rows == [
        ("第3组", "group", None, "ordinary"),  # 003专业组（化学）
        (None, "group", None, "sino_foreign"),  # 中外合作办学专业: a programme, no group name
        (None, "major", "计算机科学与技术", "ordinary"),  # 福州大学-福建-物理类-本科批-…: a path, not a group
    ]


def test_group_text_decides_the_round(con: duckdb.DuckDBPyConnection) -> None:
    # 重庆: the batch says 本科批, the group text says which round
    assert con.execute("""SELECT grp, round, min_score FROM admissions WHERE province = '重庆'
                          ORDER BY min_score""").fetchall() == [(None, "solicit", 560.0), (None, "first", 580.0)]


def test_no_raw_group_text_reaches_grp(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute("""SELECT count(*) FROM admissions
                          WHERE grp LIKE '%|%' OR grp LIKE '%大学%' OR grp LIKE '%批%'""").fetchone() == (0,)
