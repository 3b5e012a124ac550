"""Every example of issue 10 ("data truth"), answered on the database built from the full sources.

The rank-beyond-cohort examples (江苏 物理 位次25万, 河南 理科 1000000, 贵州 物理 51.3万) are in
test_bounds_full.py; the audit's exit code is in test_audit_full.py.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bot.core.render import render

pytestmark = pytest.mark.integration

# Raw labels that name a programme or a faculty, never a place (issue 10 §1).
NOT_A_CAMPUS = re.compile(r"特殊类|其他单列|单列|软件类|医学院|医护类|中外合作|专项|预科|民族班|定向|高收费|校企合作")


@pytest.fixture(scope="module")
def con(full_db: Path) -> duckdb.DuckDBPyConnection:
    from bot.core import dbfile

    return dbfile.connect(full_db)  # the engine's configuration: one process may hold both


@pytest.fixture(scope="module")
def long_engine(full_db: Path) -> Any:
    """The engine listing every school of each tier, not only the first few the bot shows."""
    from bot.core.advise import Params
    from bot.core.answer import Engine

    return Engine.open(full_db, dataclasses.replace(Params(), per_tier=10_000))


def _text(engine: Any, message: str) -> str:
    return "\n".join(render(engine.answer(message)))


def test_henan_rank_30000_lists_only_ordinary_entries(long_engine: Any, con: duckdb.DuckDBPyConnection) -> None:
    a = long_engine.answer("河南 理科 位次3万")
    assert a.intent == "rank" and len(a.results) > 100
    for r in a.results:
        places = [r["campus"] or "", *re.findall(r"[(（]([^)）]*)[)）]", r["school"])]
        assert not [p for p in places if NOT_A_CAMPUS.search(p)], r["school"]
        for h in r["history"]:  # every cited year is an ordinary first-round row of that school
            found = con.execute("""
                SELECT count(*) FROM admissions
                WHERE school_id = ? AND province = '河南' AND year = ? AND track = ?
                  AND programme = 'ordinary' AND round = 'first'
                  AND (min_rank = ? OR min_score IS NOT DISTINCT FROM ?)
            """, [r["school_id"], h["year"], h["track"], h["cutoff_rank"], h["cutoff_score"]]).fetchone()
            assert found is not None and found[0] > 0, (r["school"], h)


def test_no_programme_label_is_a_campus(con: duckdb.DuckDBPyConnection, full_engine: Any) -> None:
    for table in ("admissions", "school_cutoffs", "quarantine"):
        campuses = [c for (c,) in con.execute(f"SELECT DISTINCT campus FROM {table} WHERE campus IS NOT NULL").fetchall()]
        assert not [c for c in campuses if NOT_A_CAMPUS.search(c)], table
    text = _text(full_engine, "海南大学 河南 分数线")
    assert "海南大学" in text and "其他单列" not in text


def test_shandong_university_2020_has_no_zhuanke_row(full_engine: Any, con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""
        SELECT count(*) FROM admissions a JOIN schools s USING (school_id)
        WHERE s.name = '山东大学' AND a.batch_level = '专科'
    """).fetchone()
    assert rows == (0,)
    school = _text(full_engine, "山东大学 山东 分数线")
    assert "在山东的普通批录取线" in school and "专科" not in school
    major = _text(full_engine, "山东大学 临床医学")
    assert "山东 2020 综合" in major and "专科批" not in major


def test_shandong_later_rounds_are_not_batches(full_engine: Any, con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute("""
        SELECT a.batch_level, a.round FROM admissions a JOIN schools s USING (school_id)
        WHERE s.name = '中北大学' AND a.province = '山东' AND a.min_rank = 30690
    """).fetchall()
    assert row == [("本科", "later")]  # a 本科 row of a later 志愿 round, not 专科批
    assert "30,690" not in _text(full_engine, "中北大学 山东 分数线")


def test_henan_480_does_not_lean_on_the_417_row(long_engine: Any) -> None:
    a = long_engine.answer("河南 物理 480分")
    hpu = [r for r in a.results if r["school"] == "河南理工大学"]
    assert all(r["tier"] != "稳" for r in hpu)
    assert all(h["cutoff_score"] != 417 for r in hpu for h in r["history"])


def test_chengdu_university_outlier_is_not_shown(full_engine: Any) -> None:
    text = _text(full_engine, "成都大学 河南 历史类 分数线")
    assert "在河南的普通批录取线" in text and "482分" not in text and "79,353" not in text


@pytest.mark.parametrize(("message", "expected"), [
    ("河南 专科线", "专科批线 179分"),
    ("河南 2025 专科线", "专科批线 185分"),
    ("山东 分数线", "本科批线 441分；专科批线 150分"),
])
def test_batch_lines_are_answered(full_engine: Any, message: str, expected: str) -> None:
    text = _text(full_engine, message)
    assert expected in text, text
