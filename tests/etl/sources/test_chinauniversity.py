"""Tests for the 2021 MOE list and former-name reader (WenryXu__ChinaUniversity)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Alias, SchoolInfo
from etl.sources.chinauniversity import ORIGIN, read, renames

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

LIST = f"{ORIGIN}/ChinaUniversityList.json"
LOG = f"{ORIGIN}/CHANGELOG.md"
HISTORY = f"{ORIGIN}/derived_moe_code_name_history.csv"


@pytest.fixture(scope="module")
def rows() -> list[object]:
    return list(read(FIXTURES))


def test_school_list(rows: list[object]) -> None:
    schools = [r for r in rows if isinstance(r, SchoolInfo)]
    assert schools[0] == SchoolInfo(
        source_file=LIST,
        name="北京大学",
        moe_code="4111010001",
        province="北京",
        city="北京市",
        level="本科",
        nature="公办",
        authority="教育部",
    )
    assert schools[1] == SchoolInfo(
        source_file=LIST, name="中国人民解放军国防大学", province="北京", city="北京市", authority="中央军委"
    )
    by_name = {s.name: s for s in schools}
    assert by_name["北京师范大学-香港浸会大学联合国际学院"].nature == "中外合作"
    assert by_name["广州理工学院"].nature == "民办"
    assert by_name["长沙幼儿师范高等专科学校"].level == "专科"
    assert (by_name["澳门大学"].province, by_name["澳门大学"].city) == (None, "澳门特别行政区")
    # Taiwan's 南华大学 is left out; the blank-name record is skipped.
    assert [s.name for s in schools].count("南华大学") == 1
    assert by_name["南华大学"].province == "湖南"
    assert len(schools) == 7


def test_history_aliases(rows: list[object]) -> None:
    history = [r for r in rows if isinstance(r, Alias) and r.source_file == HISTORY]
    assert history == [
        Alias(
            source_file=HISTORY, alias="北京吉利学院", name="吉利学院", kind="former", moe_code="4111012802"
        ),
        Alias(
            source_file=HISTORY,
            alias="盐城卫生职业技术学院",
            name="江苏医药职业学院",
            kind="former",
            moe_code="4132012682",
        ),
        Alias(
            source_file=HISTORY,
            alias="新疆天山职业技术学院",
            name="新疆天山职业技术大学",
            kind="former",
            moe_code="4165013727",
        ),
    ]


def test_changelog_aliases_skip_city_changes(rows: list[object]) -> None:
    changelog = [r for r in rows if isinstance(r, Alias) and r.source_file == LOG]
    assert changelog == [
        Alias(source_file=LOG, alias="旅游学院", name="澳门旅游学院", kind="former"),
        Alias(source_file=LOG, alias="黑龙江信息技术职业学院", name="黑龙江交通职业技术学院", kind="former"),
        Alias(
            source_file=LOG,
            alias="广东技术师范大学天河学院",
            name="广州理工学院",
            kind="former",
            moe_code="4144012668",
        ),
        Alias(source_file=LOG, alias="山西中医学院", name="山西中医药大学", kind="former"),
    ]


def test_renames_parser() -> None:
    assert list(
        renames(
            [
                "- 信息更新：昆山杜克大学，苏州市 -> 昆山市",
                "- A大学 + B学院 -> B学院",
                "- 新增院校：X，北京市",
            ]
        )
    ) == [("A大学", "B学院")]


def test_missing_key_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    (tmp_path / ORIGIN / "ChinaUniversityList.json").write_text(
        '[{"province": "北京市", "schools": [{"name": "北京大学"}]}]', encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"ChinaUniversityList\.json"):
        list(read(tmp_path))


def test_missing_history_column_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    (tmp_path / ORIGIN / "derived_moe_code_name_history.csv").write_text("code,name\n1,x\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"derived_moe_code_name_history\.csv"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = list(read(SOURCES))
    schools = [r for r in rows if isinstance(r, SchoolInfo)]
    assert len(schools) == 2816  # 3,004 minus 188 Taiwan schools
    assert sum(1 for s in schools if s.moe_code) == 2740
    history = {r.alias: r for r in rows if isinstance(r, Alias) and r.source_file == HISTORY}
    assert len(history) == 211
    assert history["常熟理工学院"].name == "苏州工学院"
    assert history["邢台医学高等专科学校"].name == "邢台医学院"
    assert history["中国石油大学胜利学院"].name == "山东石油化工学院"
    changelog = {r.alias: r.name for r in rows if isinstance(r, Alias) and r.source_file == LOG}
    assert len(changelog) == 44
    assert changelog["浙江大学城市学院"] == "浙大城市学院"
    assert changelog["中原工学院信息商务学院"] == "郑州经贸学院"
    assert "昆山杜克大学" not in changelog
