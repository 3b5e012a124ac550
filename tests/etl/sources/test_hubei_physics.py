"""Reader for cathyjay__hubei-gaokao-volunteer-2026: Hubei 物理类 本科普通批 group filing lines."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Admission
from etl.sources import hubei_physics
from etl.sources.hubei_physics import ORIGIN, read, strip_watermark

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)


def _adm(year: int, school: str, group: str, score: float, note: str | None = None) -> Admission:
    return Admission(
        source_file=f"{ORIGIN}/hubei-{year}-physics-toudang-parsed.csv",
        province="湖北",
        year=year,
        track="物理类",
        batch="本科普通批",
        school=school,
        level="group",
        min_score=score,
        group=group,
        note=note,
    )


def test_reads_both_years_and_repairs_watermarked_names() -> None:
    assert list(read(FIXTURES)) == [
        _adm(2023, "北京大学", "05", 693),
        _adm(2023, "北京大学", "06", 676, "国家专项计划"),
        _adm(2023, "华中科技大学", "02", 630),  # every spelling watermarked: common ending
        _adm(2023, "华中科技大学", "03", 628),
        _adm(2023, "华中科技大学", "04", 640),
        _adm(2023, "石家庄学院", "01", 480),
        _adm(2024, "北京大学", "04", 679, "国家专项计划"),
        _adm(2024, "北京大学", "05", 691),
        _adm(2024, "北京体育大学", "07", 560),
        _adm(2024, "北京体育大学", "08", 571, "国家专项计划"),  # "】国家专项计划"
        _adm(2024, "北京体育大学", "09", 555),
        _adm(2024, "中央民族大学", "03", 598, "少数民族预科班"),
        _adm(2024, "湖北大学", "01", 580),
        _adm(2024, "南昌大学", "03", 574),
        _adm(2024, "信阳师范大学", "01", 505),
        _adm(2024, "信阳学院", "02", 470),
        _adm(2024, "北部湾大学", "01", 488),
    ]  # the repeated header line of the 2024 file is skipped


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("微中央民族大学", "中央民族大学"),
        ("省湖湖北工程学院", "湖北工程学院"),
        ("北南京特殊教育师范学院", "南京特殊教育师范学院"),
        ("北京大学", "北京大学"),
        ("北华大学", "北华大学"),
        ("信阳学院", "信阳学院"),
        ("信保定理工学院", "保定理工学院"),
        ("湖州学院", "湖州学院"),
        ("湖南大学", "湖南大学"),
    ],
)
def test_strip_watermark(raw: str, clean: str) -> None:
    assert strip_watermark(raw) == clean


def test_pdfs_are_skipped() -> None:
    assert set(hubei_physics.SKIPPED) == {
        "hubei-2023-physics-toudang-official.pdf",
        "hubei-2024-physics-toudang-official.pdf",
    }


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    bad = tmp_path / ORIGIN / "hubei-2024-physics-toudang-parsed.csv"
    bad.write_text("page,code,name,req\n1,A00104,北京大学第04组,不限\n", encoding="utf-8")
    with pytest.raises(SourceError, match="score") as err:
        list(read(tmp_path))
    assert err.value.path == str(bad)


def test_not_utf8_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    bad = tmp_path / ORIGIN / "hubei-2023-physics-toudang-parsed.csv"
    bad.write_bytes("page,code,name,score,备注\n1,A00105,北京大学第05组,693,\n".encode("gbk"))
    with pytest.raises(SourceError) as err:
        list(read(tmp_path))
    assert err.value.path == str(bad)


def test_no_csv_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ORIGIN).mkdir()
    with pytest.raises(SourceError, match="no hubei-"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    assert Counter(r.year for r in rows) == {2023: 2874, 2024: 2800}
    by_key = {(r.year, r.school, r.group): r for r in rows}
    assert by_key[(2023, "北京大学", "05")].min_score == 693
    assert by_key[(2024, "北京大学", "04")].note == "国家专项计划"
    assert min(r.min_score or 0 for r in rows if r.year == 2024) == 398
    # no watermark fragment survives at the front of a name
    assert not [r.school for r in rows if r.school[0] in "【】众微教育学高校等省号"]
    assert len({r.school for r in rows if r.year == 2023}) < 1000  # 975 school codes, not 1,527 spellings
