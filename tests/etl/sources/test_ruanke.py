"""Tests for the 软科 school list and 2025 ranking reader."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Alias, SchoolInfo
from etl.sources.ruanke import ORIGIN, SKIPPED, english_name, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

LIST = f"{ORIGIN}/derived_institution_univList.json"
BCUR = f"{ORIGIN}/derived_bcur2025_ranking.csv"
BCVCR = f"{ORIGIN}/derived_bcvcr2025_ranking.csv"


@pytest.fixture(scope="module")
def rows() -> list[object]:
    return list(read(FIXTURES))


def _schools(rows: list[object], source: str) -> dict[str, SchoolInfo]:
    return {r.name: r for r in rows if isinstance(r, SchoolInfo) and r.source_file == source}


def test_univ_list_school_fields(rows: list[object]) -> None:
    s = _schools(rows, LIST)
    assert s["清华大学"] == SchoolInfo(
        source_file=LIST,
        name="清华大学",
        province="北京",
        city="北京市",
        level="本科",
        nature="公办",
        authority="教育部直属",
        category="综合",
        is985=True,
        is211=True,
        double_first_class=True,
        ranking=1,
        ranking_name="软科2025",
        tags=("双一流", "985", "211"),
        english_name="Tsinghua University",
    )
    assert s["北京中医药大学"].is985 is False
    assert s["北京中医药大学"].is211 is True
    assert s["深圳职业技术大学"].level == "职业本科"
    assert s["北京工业职业技术学院"].level == "专科"
    assert s["北京工业职业技术学院"].tags == ("双高", "骨干高职院校")
    assert s["北京工业职业技术学院"].city is None
    assert s["海军指挥学院"].nature == "公办"
    assert s["海军指挥学院"].authority == "军事院校"


def test_school_without_tags_admin_type_or_category(rows: list[object]) -> None:
    s = _schools(rows, LIST)["山西艺术职业学院"]
    assert (s.nature, s.authority, s.category, s.english_name) == (None, None, None, None)
    assert (s.is985, s.is211, s.double_first_class) == (None, None, None)
    assert s.level == "专科"


def test_rank_lists(rows: list[object]) -> None:
    s = _schools(rows, LIST)
    assert (s["浙江树人学院"].ranking, s["浙江树人学院"].ranking_name) == (1, "软科2025民办")
    assert s["浙江树人学院"].nature == "民办"
    assert (s["北京中医药大学"].ranking, s["北京中医药大学"].ranking_name) == (1, "软科2025中医药类")
    assert (s["上海立信会计金融学院"].ranking, s["上海立信会计金融学院"].ranking_name) == (
        20,
        "软科2025财经类",
    )
    assert s["阿坝师范学院"].ranking is None
    assert s["阿坝师范学院"].tags == ("软科2025主榜500+",)
    assert s["三江学院"].tags == ("软科2025民办100+",)
    assert s["海军指挥学院"].ranking is None


def test_renamed_records_become_former_aliases(rows: list[object]) -> None:
    aliases = [r for r in rows if isinstance(r, Alias)]
    assert aliases == [
        Alias(source_file=LIST, alias="嘉兴学院", name="嘉兴大学", kind="former"),
        Alias(source_file=LIST, alias="上海金融学院", name="上海立信会计金融学院", kind="former"),
        Alias(source_file=BCUR, alias="常熟理工学院", name="苏州工学院", kind="former"),
    ]
    names = [r.name for r in rows if isinstance(r, SchoolInfo) and r.source_file == LIST]
    assert "嘉兴学院" not in names
    assert "新疆农业大学科学技术学院" not in names  # merged, no current record
    assert names.count("宿迁学院") == 1  # the 转设 twin with the same name is dropped
    assert _schools(rows, LIST)["宿迁学院"].nature == "公办"


def test_bcur_and_bcvcr_rankings(rows: list[object]) -> None:
    bcur = [r for r in rows if isinstance(r, SchoolInfo) and r.source_file == BCUR]
    assert bcur == [
        SchoolInfo(source_file=BCUR, name="清华大学", ranking=1, ranking_name="软科2025"),
        SchoolInfo(source_file=BCUR, name="西安交通大学", ranking=9, ranking_name="软科2025"),
        SchoolInfo(source_file=BCUR, name="嘉兴大学", ranking=225, ranking_name="软科2025"),
        SchoolInfo(source_file=BCUR, name="阿坝师范学院", tags=("软科2025主榜500+",)),
    ]
    bcvcr = [r for r in rows if isinstance(r, SchoolInfo) and r.source_file == BCVCR]
    assert [(r.name, r.ranking, r.ranking_name) for r in bcvcr] == [
        ("深圳职业技术大学", 1, "软科2025职业技术大学"),
        ("金华职业技术大学", 2, "软科2025职业技术大学"),
    ]


@pytest.mark.parametrize(
    ("raw", "slug", "expected"),
    [
        ("Xi'anJiaotongUniversity", "xian-jiaotong-university", "Xi'an Jiaotong University"),
        (
            "ChinaMedicalUniversity(Shenyang)",
            "china-medical-university-shenyang",
            "China Medical University (Shenyang)",
        ),
        (
            "NanjingUniversityofScience&Technology",
            "nanjing-university-of-science-and-technology",
            "Nanjing University of Science & Technology",
        ),
        ("NavalCommandCollege", "naval-command-college-old", "Naval Command College"),
        ("NanjingUniversityoftheArts", "nanjing-arts-institute", "Nanjing University of the Arts"),
    ],
)
def test_english_name_spacing(raw: str, slug: str, expected: str) -> None:
    assert english_name(raw, slug) == expected


def test_corrupt_json_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / ORIGIN
    shutil.copytree(FIXTURES / ORIGIN, folder)
    (folder / "derived_institution_univList.json").write_text("[{", encoding="utf-8")
    with pytest.raises(SourceError, match=r"derived_institution_univList\.json"):
        list(read(tmp_path))


def test_missing_csv_column_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / ORIGIN
    shutil.copytree(FIXTURES / ORIGIN, folder)
    (folder / "derived_bcur2025_ranking.csv").write_text(
        "year,rank,name\n2025,1,清华大学\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"derived_bcur2025_ranking\.csv"):
        list(read(tmp_path))


def test_skipped_files_are_not_read() -> None:
    assert set(SKIPPED) == {
        "derived_institutions_shanghairanking.csv",
        "derived_bcur2025.json",
        "derived_bcvcr2025.json",
        "derived_institution_categoryData.json",
    }


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = list(read(SOURCES))
    listed = _schools(rows, LIST)
    assert len(listed) == 2967  # 3,129 records minus 162 old-name (changeType) records
    assert sum(1 for r in rows if isinstance(r, Alias)) == 155
    assert len([r for r in rows if isinstance(r, SchoolInfo) and r.source_file == BCUR]) == 584
    assert len([r for r in rows if isinstance(r, SchoolInfo) and r.source_file == BCVCR]) == 37
    bcur = _schools(rows, BCUR)
    assert bcur["广州大学"].ranking == 105
    assert bcur["长春师范大学"].ranking == 332
    assert bcur["长春工程学院"].ranking == 373
    assert listed["广州大学"].ranking == 105
    assert sum(1 for s in listed.values() if s.level == "本科") == 1326
    assert sum(1 for s in listed.values() if s.is985) == 39
    for r in rows:
        assert r.source_file.startswith(ORIGIN + "/")
