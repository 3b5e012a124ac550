"""Tests for the major/discipline strength reader (manmonthW__gaokao-canmou)."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import MajorStrength
from etl.sources.canmou import DFC, EVAL4, ORIGIN, RUANKE, SWYC, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)


@pytest.fixture(scope="module")
def rows() -> list[MajorStrength]:
    out = list(read(FIXTURES))
    assert all(isinstance(r, MajorStrength) for r in out)
    return [r for r in out if isinstance(r, MajorStrength)]


def _of(rows: list[MajorStrength], rel: str) -> list[MajorStrength]:
    return [r for r in rows if r.source_file == f"{ORIGIN}/{rel}"]


def test_ruanke_major_ranking(rows: list[MajorStrength]) -> None:
    got = _of(rows, RUANKE)
    assert len(got) == 5  # the row without a school is skipped
    assert got[0] == MajorStrength(
        source_file=f"{ORIGIN}/{RUANKE}",
        school="北京大学",
        major="哲学",
        kind="软科专业排名",
        rank=1,
        grade="A+",
        year=2026,
        major_code="010101",
    )
    assert (got[3].school, got[3].rank, got[3].grade) == ("南开大学", None, None)
    assert got[4].major_code == "010104T"


def test_discipline_evaluation(rows: list[MajorStrength]) -> None:
    got = _of(rows, EVAL4)
    assert [(r.school, r.major, r.grade, r.major_code) for r in got] == [
        ("北京大学", "哲学", "A+", "0101"),
        ("复旦大学", "哲学", "A+", "0101"),
        ("中国人民大学", "哲学", "A", "0101"),
        ("清华大学", "计算机科学与技术", "A+", "0812"),
        ("山东科技大学", "计算机科学与技术", "C-", "0812"),
    ]
    assert {(r.kind, r.year, r.rank) for r in got} == {("学科评估", 2017, None)}


def test_double_first_class_disciplines(rows: list[MajorStrength]) -> None:
    got = _of(rows, DFC)
    assert [(r.school, r.major) for r in got] == [
        ("北京大学", "自主确定建设学科并自行公布"),
        ("中国人民大学", "哲学"),
        ("中国人民大学", "理论经济学"),
        ("清华大学", "自主确定建设学科并自行公布"),
    ]
    assert {(r.kind, r.year, r.grade) for r in got} == {("双一流学科", 2022, None)}


def test_first_class_majors(rows: list[MajorStrength]) -> None:
    got = _of(rows, SWYC)
    assert [(r.school, r.major, r.grade, r.year) for r in got] == [
        ("三峡大学", "临床医学", "国家级", None),
        ("三峡大学", "临床医学（卓越医师实验班）", "国家级", None),
        ("东莞理工学院", "会计学", "国家级", 2021),
        ("东莞理工学院", "工业工程", "省级", 2021),
        ("北京师范大学-香港浸会大学联合国际学院", "金融学", "国家级", None),
    ]
    assert {r.kind for r in got} == {"一流专业"}


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    (tmp_path / ORIGIN / EVAL4).write_text("code,name,school\n0101,哲学,北京大学\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"eval4_official\.csv"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = [r for r in read(SOURCES) if isinstance(r, MajorStrength)]
    counts = Counter(r.kind for r in rows)
    assert counts == {"软科专业排名": 30301, "学科评估": 5212, "双一流学科": 435, "一流专业": 11738}
    grades = Counter(r.grade for r in rows if r.kind == "一流专业")
    assert grades == {"国家级": 11445, "省级": 293}
    pku_phil = next(r for r in rows if r.kind == "学科评估" and r.school == "北京大学" and r.major == "哲学")
    assert pku_phil.grade == "A+"
