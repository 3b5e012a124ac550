"""Tests for the Zhejiang 2025 普通类第一段 major-level reader (SQLite)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Admission
from etl.sources.zhejiang_2025 import DATABASE, ORIGIN, read

SOURCES = Path(
    os.environ.get("GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources")
)
needs_sources = pytest.mark.skipif(not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}")

SRC = f"{ORIGIN}/{DATABASE}"
# The real schema (created by the repo's scripts/init_db.py), trimmed to the tables the reader meets.
SCHEMA = """
CREATE TABLE university (id INTEGER PRIMARY KEY AUTOINCREMENT, code VARCHAR(20) NOT NULL UNIQUE,
    name VARCHAR(100) NOT NULL, province VARCHAR(20) DEFAULT '浙江', city VARCHAR(50));
CREATE TABLE major (id INTEGER PRIMARY KEY AUTOINCREMENT, code VARCHAR(20), name VARCHAR(100) NOT NULL);
CREATE TABLE major_score (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    university_code VARCHAR(20) NOT NULL,
    major_code VARCHAR(20),
    university_name VARCHAR(100) NOT NULL,
    major_name VARCHAR(100) NOT NULL,
    year INTEGER NOT NULL DEFAULT 2025,
    plan_count INTEGER,
    min_score DECIMAL(5,2),
    min_rank INTEGER,
    avg_score DECIMAL(5,2),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE career_insight (id INTEGER PRIMARY KEY AUTOINCREMENT, major_name VARCHAR(100) NOT NULL UNIQUE,
    overview TEXT);
"""
SCORES = [
    ("1", "1", "浙江大学", "人文科学试验班", 2025, 73, 670, 3672),
    ("1", "6", "浙江大学", "社会科学试验班(竺可桢学院人文社科实验班)", 2025, 5, 690, 459),
    ("3", "20", "浙江工业大学", "软件工程(中外合作办学)", 2025, 40, 616, 34986),
    ("5", "7", "浙江师范大学", "小学教育（中外合作办学）（师范）", 2025, 30, 598, 54140),
    ("130", "1", "浙江师范大学 (金华职业技术学院教学点)", "小学教育(师范)", 2025, 40, 597, 0),  # rank 0
    ("33", "16", "浙江树人学院", "土木工程", 2025, 105, 490, None),  # unfilled: at the line, no rank
    ("8103", "1", "香港珠海学院", "工商管理", 2025, 10, None, None),  # no cutoff at all
    ("9", "2", " ", "法学", 2025, 3, 600, 60000),  # blank school: garbage
]


def _db(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.executemany(
        "INSERT INTO major_score (university_code, major_code, university_name, major_name, year, plan_count,"
        " min_score, min_rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        SCORES,
    )
    con.execute("INSERT INTO career_insight (major_name, overview) VALUES ('软件工程', 'not admission data')")
    con.commit()
    con.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _db(tmp_path / ORIGIN / DATABASE)
    return tmp_path


def _adm(school: str, major: str, plan: int, score: float, rank: int | None, note: str | None = None) -> Admission:
    return Admission(
        source_file=SRC, province="浙江", year=2025, track="综合", batch="普通类第一段", school=school,
        level="major", min_score=score, min_rank=rank, major=major, plan_count=plan, note=note,
    )


def test_rows(root: Path) -> None:
    assert list(read(root)) == [
        _adm("浙江大学", "人文科学试验班", 73, 670.0, 3672),
        _adm("浙江大学", "社会科学试验班(竺可桢学院人文社科实验班)", 5, 690.0, 459, "竺可桢学院人文社科实验班"),
        _adm("浙江工业大学", "软件工程(中外合作办学)", 40, 616.0, 34986, "中外合作办学"),
        _adm("浙江师范大学", "小学教育（中外合作办学）（师范）", 30, 598.0, 54140, "中外合作办学 | 师范"),
        _adm("浙江师范大学 (金华职业技术学院教学点)", "小学教育(师范)", 40, 597.0, None, "师范"),
        _adm("浙江树人学院", "土木工程", 105, 490.0, None),
    ]


def test_missing_table_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / DATABASE
    path.parent.mkdir(parents=True)
    sqlite3.connect(path).close()
    with pytest.raises(SourceError, match=r"gaokao\.db.*major_score"):
        list(read(tmp_path))


def test_corrupt_database_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / DATABASE
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a SQLite database" * 100)
    with pytest.raises(SourceError, match=r"gaokao\.db"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    assert len(rows) == 17890
    assert sum(r.min_rank is not None for r in rows) == 16565
    assert {(r.year, r.track, r.batch, r.level) for r in rows} == {(2025, "综合", "普通类第一段", "major")}
    assert min(r.min_score or 0 for r in rows) == 490
    zju = [r for r in rows if r.school == "浙江大学" and r.major == "人文科学试验班"]
    assert [(r.min_score, r.min_rank, r.plan_count) for r in zju] == [(670.0, 3672, 73)]
    assert all(r.min_score == 490 for r in rows if r.min_rank is None)
