"""The database built from the full public sources: coverage minima and spot facts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import duck

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def con(full_db: Path) -> duckdb.DuckDBPyConnection:
    return duck.connect(full_db, read_only=True)  # the same configuration as every other connection


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def test_school_identity_resolves_at_least_98_percent(con: duckdb.DuckDBPyConnection) -> None:
    total = one(con, "SELECT count(*) FROM admissions")
    unresolved = one(con, "SELECT count(*) FROM admissions WHERE school_id IS NULL")
    assert isinstance(total, int) and isinstance(unresolved, int)
    assert total > 800_000
    assert unresolved / total <= 0.02
    assert one(con, "SELECT count(*) FROM schools") >= 2900  # type: ignore[operator]


def test_henan_2024_table_spot_fact(con: duckdb.DuckDBPyConnection) -> None:
    rank = one(con, "SELECT rank FROM score_ranks WHERE province='河南' AND year=2024 AND track='理科' AND score=600")
    assert rank == 23_638


def test_peking_university_in_henan_2024(con: duckdb.DuckDBPyConnection) -> None:
    # 北京大学医学部 is a faculty of 北京大学, not a campus: its 护理学 (674分) is the school's easiest entry,
    # and the faculty stays visible as the rows' group.
    rank = one(con, """SELECT max(c.min_rank) FROM school_cutoffs c JOIN schools s USING (school_id)
                       WHERE s.name='北京大学' AND c.province='河南' AND c.year=2024 AND c.track='理科'
                         AND c.campus IS NULL AND c.verified""")
    assert isinstance(rank, int) and rank < 1_000
    main = one(con, """SELECT max(a.min_rank) FROM admissions a JOIN schools s USING (school_id)
                       WHERE s.name='北京大学' AND a.province='河南' AND a.year=2024 AND a.track='理科'
                         AND a.programme='ordinary' AND a.grp IS DISTINCT FROM '医学部'""")
    assert isinstance(main, int) and main < 500
    assert one(con, """SELECT count(*) FROM admissions a JOIN schools s USING (school_id)
                       WHERE s.name='北京大学' AND a.province='河南' AND a.grp='医学部'""") > 0


@pytest.mark.parametrize(
    ("province", "year", "track", "level", "minimum"),
    [("河南", 2024, "理科", "本科", 300), ("广东", 2024, "物理类", "本科", 300), ("山东", 2024, "综合", "本科", 500),
     ("山东", 2024, "综合", "专科", 300), ("湖南", 2024, "物理类", "本科", 300), ("江苏", 2024, "物理类", "本科", 300),
     ("四川", 2020, "理科", "专科", 300), ("湖北", 2025, "物理类", "专科", 300), ("浙江", 2025, "综合", "本科", 300),
     ("上海", 2024, "综合", "本科", 50), ("河北", 2025, "物理类", "本科", 300)],
)
def test_coverage_minima(con: duckdb.DuckDBPyConnection, province: str, year: int, track: str, level: str,
                         minimum: int) -> None:
    n = one(con, """SELECT count(DISTINCT school_id) FROM school_cutoffs
                    WHERE province=? AND year=? AND track=? AND batch_level=? AND min_rank IS NOT NULL AND verified""",
            [province, year, track, level])
    assert isinstance(n, int) and n >= minimum


def test_provinces_with_cutoffs(con: duckdb.DuckDBPyConnection) -> None:
    n = one(con, "SELECT count(DISTINCT province) FROM school_cutoffs WHERE min_rank IS NOT NULL AND verified")
    assert isinstance(n, int) and n >= 28


def test_renamed_schools_answer_under_their_new_name(con: duckdb.DuckDBPyConnection) -> None:
    for old, new in (("深圳职业技术学院", "深圳职业技术大学"), ("常熟理工学院", "苏州工学院")):
        sid = one(con, "SELECT school_id FROM schools WHERE name=?", [new])
        alias_sid = one(con, "SELECT any_value(school_id) FROM school_aliases WHERE alias=?", [old])
        assert sid == alias_sid


def test_build_info_lists_every_source_file_with_sha256(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT path, sha256, status FROM source_files").fetchall()
    assert len(rows) > 200
    assert all(len(sha) == 64 for _, sha, _ in rows)
    assert one(con, "SELECT count(*) FROM source_files WHERE status = 'unused'") == 0
    assert one(con, "SELECT value FROM build_info WHERE key='built_at'")


def test_only_ordinary_rows_feed_school_cutoffs(con: duckdb.DuckDBPyConnection) -> None:
    specials = one(con, "SELECT count(*) FROM admissions WHERE programme <> 'ordinary'")
    assert isinstance(specials, int) and specials > 10_000
    assert one(con, "SELECT count(*) FROM school_cutoffs WHERE min_rank <= 0") == 0
