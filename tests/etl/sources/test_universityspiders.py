"""Tests for the gaokao.cn school id list reader."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import SchoolInfo
from etl.sources.universityspiders import ORIGIN, SKIPPED, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

SRC = f"{ORIGIN}/meta/university_province.json"


def test_reads_every_named_school() -> None:
    rows = list(read(FIXTURES))
    assert rows[:2] == [
        SchoolInfo(
            source_file=SRC,
            name="北京工业大学",
            province="北京",
            city="北京市",
            level="本科",
            nature="公办",
            is985=False,
            is211=True,
            double_first_class=True,
            gaokao_id="30",
        ),
        SchoolInfo(
            source_file=SRC,
            name="北京大学",
            province="北京",
            city="北京市",
            level="本科",
            nature="公办",
            is985=True,
            is211=True,
            double_first_class=True,
            gaokao_id="31",
            tags=("强基计划",),
        ),
    ]
    by_name = {r.name: r for r in rows if isinstance(r, SchoolInfo)}
    assert len(rows) == 7  # the record without a name is skipped
    assert (by_name["香港大学"].province, by_name["香港大学"].city, by_name["香港大学"].tags) == (
        None,
        "香港岛",
        ("香港",),
    )
    assert by_name["北京师范大学-香港浸会大学联合国际学院"].nature == "中外合作"
    assert by_name["安徽医科大学临床医学院"].nature == "民办"
    assert by_name["海南比勒费尔德应用科学大学"].nature is None
    assert (by_name["内蒙古建筑职业技术学院"].province, by_name["内蒙古建筑职业技术学院"].level) == (
        "内蒙古",
        "专科",
    )


def test_missing_key_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / "meta" / "university_province.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"30": {"name": "北京工业大学", "p": "北京"}}', encoding="utf-8")
    with pytest.raises(SourceError, match=r"university_province\.json"):
        list(read(tmp_path))


def test_bad_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / "meta" / "university_province.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"30": ', encoding="utf-8")
    with pytest.raises(SourceError, match=r"university_province\.json"):
        list(read(tmp_path))


def test_major_list_is_skipped() -> None:
    assert list(SKIPPED) == ["meta/university_major.json"]


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = [r for r in read(SOURCES) if isinstance(r, SchoolInfo)]
    assert len(rows) == 2931
    assert len({r.gaokao_id for r in rows}) == 2931
    assert sum(1 for r in rows if r.is985) == 50
    assert sum(1 for r in rows if r.is211) == 132
    assert sum(1 for r in rows if r.nature == "公办") == 2118
    assert sum(1 for r in rows if r.level == "本科") == 1388
    assert sum(1 for r in rows if r.level == "专科") == 1543
    pku = next(r for r in rows if r.name == "北京大学")
    assert (pku.gaokao_id, pku.is985, pku.province) == ("31", True, "北京")
