"""Tests for the gaokao-zhiyuan-site reader (province shards and official import files)."""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Row, ScoreRank
from etl.sources.zhiyuan_site import ORIGIN, RELEASE, SKIPPED, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

HENAN = f"{ORIGIN}/{RELEASE}/henan.json.gz"
SHAANXI = f"{ORIGIN}/{RELEASE}/shaanxi.json.gz"
GUANGXI = f"{ORIGIN}/data/admissions/official-guangxi-rank-conversion-2025-v3320-import.json"
ZHEJIANG = f"{ORIGIN}/data/admissions/official-zhejiang-control-lines-2026-import.json"
HNU = f"{ORIGIN}/data/admissions/official-national-school-admission-2024-v3275-hnu-import.json"
FUJIAN = f"{ORIGIN}/{RELEASE}/fujian.json.gz"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The fixture tree with each plain shard JSON gzipped into <slug>.json.gz, as in the real release."""
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    for plain in (tmp_path / ORIGIN / RELEASE).glob("*.json"):
        with gzip.open(plain.with_suffix(".json.gz"), "wb") as fh:
            fh.write(plain.read_bytes())
        plain.unlink()
    return tmp_path


@pytest.fixture
def rows(root: Path) -> list[Row]:
    return list(read(root))


def _adm(rows: list[Row], source: str) -> list[Admission]:
    return [r for r in rows if isinstance(r, Admission) and r.source_file == source]


def _henan(**fields: Any) -> Admission:
    return Admission(source_file=HENAN, province="河南", **fields)


def test_shard_admissions_exact(rows: list[Row]) -> None:
    adm = _adm(rows, HENAN)
    assert adm == [
        # minRank 0 and minRankEnd 0 -> no rank; third-party
        _henan(
            year=2025,
            track="历史类",
            batch="本科批",
            school="武昌理工学院",
            level="major",
            min_score=480,
            major="工商管理(精英班)",
            note="third-party-school-score-summary-imported-score-only",
            quality="third-party",
        ),
        # rank only as a minRankStart-minRankEnd range; official-school- -> school
        _henan(
            year=2025,
            track="物理类",
            batch="本科批",
            school="武汉理工大学",
            level="major",
            min_score=639,
            min_rank=7382,
            group="武汉理工大学河南物理类|普通类|首选物理，再选化学",
            major="材料科学与工程(珠峰实验班)",
            note="普通录取 | 普通类 | school-official-only | "
            "official-school-whut-2018-2025-national-dynamic-query-score-rank",
            quality="school",
        ),
        # institution filing line: majorGroup only repeats the batch -> no group
        _henan(
            year=2021,
            track="历史类",
            batch="本科批",
            school="贵州师范大学",
            level="school",
            min_score=559,
            note="third-party-school-score-summary-imported-score-only",
            quality="third-party",
        ),
        # institution-admission whose majorName is a real major -> major level
        _henan(
            year=2025,
            track="历史类",
            batch="本科批",
            school="安徽财经大学(蚌埠市)",
            level="major",
            min_score=603,
            min_rank=5338,
            rank_derived_by_source=True,
            major="财政学类",
            note="third-party-filing-line-imported-score-only",
            quality="third-party",
        ),
        # "612/24018" score cell, a 10-digit MOE code, planCount
        _henan(
            year=2025,
            track="物理类",
            batch="本科批",
            school="郑州大学",
            level="group",
            min_score=612.0,
            min_rank=24018,
            rank_derived_by_source=True,
            moe_code="4141010459",
            group="101专业组",
            plan_count=120,
            note="official-henan-2025-undergraduate-major-group-filing-pdf-score-only",
            quality="official",
        ),
        # vocational (专科) record with a real major name -> major
        _henan(
            year=2025,
            track="物理类",
            batch="高职（专科）批",
            school="河南工程学院",
            level="major",
            min_score=279,
            min_rank=526426,
            group="河南工程学院-河南-物理类-高职（专科）批-工程造价（中外合作办学）",
            major="工程造价（中外合作办学）",
            plan_count=100,
            note="普通录取 | 中外合作/软件类/产业学院等单列专业 | 理/物理 | school-official-only | "
            "official-school-haue-2019-2026-national-major-api-score-rank",
            quality="school",
        ),
        # vocational group filing line; exam-authority-...-third-party-image-mirror -> third-party
        _henan(
            year=2025,
            track="历史类",
            batch="专科批",
            school="河南经贸职业学院",
            level="group",
            min_score=430.5,
            group="001专业组（不限）",
            note="exam-authority-url-discovered-third-party-image-mirror-score-only",
            quality="third-party",
        ),
        # vocational school filing line: the majorGroup text goes into the note and, raw, into the group
        # (the build's group_label finds no group in it)
        _henan(
            year=2024,
            track="历史类",
            batch="高职高专批",
            school="许昌职业技术学院(中外)",
            level="school",
            min_score=306,
            min_rank=237327,
            group="高职高专批部分院校公布分数",
            note="中外合作办学类 | 文科 | 高职高专批部分院校公布分数 | "
            "official-platform-henan-yggk-2024-vocational-school-published-score-rank",
            quality="official",
        ),
        _henan(
            year=2025,
            track="物理类",
            batch="本科批",
            school="成都信息工程大学",
            level="school",
            min_score=616,
            group="成都信息工程大学-河南-物理 + 化学（大气英才）-普通类-103",
            note="普通录取 | 普通类 | 物理 + 化学（大气英才） | "
            "成都信息工程大学-河南-物理 + 化学（大气英才）-普通类-103 | school-official-only | "
            "official-school-cuit-2025-national-html-province-and-sichuan-major-score-rank",
            quality="school",
        ),
        # minRank -1 falls back to minRankEnd; special-plan texts first, sourceQuality last
        _henan(
            year=2025,
            track="物理类",
            batch="本科批",
            school="北京大学",
            level="major",
            min_score=676,
            min_rank=10,
            major="法学(国家专项计划)",
            note="国家专项 | 官网列招生数：2 | 国家专项计划理 | special-path-only | "
            "official-henan-2025-undergraduate-major-filing",
            quality="official",
        ),
        # inverted rank range "8683~8": rank dropped, score kept
        _henan(
            year=2025,
            track="历史类",
            batch="本科批",
            school="武昌理工学院",
            level="major",
            min_score=470,
            major="会计学",
            note="third-party-school-score-summary-imported",
            quality="third-party",
        ),
    ]


def test_school_lines_keep_their_group_text(rows: list[Row]) -> None:
    # 华中科技大学 publishes one line per group (理工组, 医科组, 分类投档 - 医科 ...) as institution-admission
    # records: the raw majorGroup is kept so that the build can place each group on its own.
    hust = [r for r in _adm(rows, FUJIAN) if r.school == "华中科技大学" and r.quality == "school"]
    assert [(r.track, r.level, r.group, r.min_rank) for r in hust] == [
        ("历史类", "school", "华中科技大学2025福建普通批|文科组：仅历史", 1134),
        ("物理类", "school", "华中科技大学2025福建普通批|理工组：物+化", 1271),
        ("物理类", "school", "华中科技大学2025福建普通批|医科组：物+化", 2159),
        ("物理类", "school", "华中科技大学2025福建普通批|分类投档 - 医科：物+化", 12436),
        ("物理类", "school", "华中科技大学2025福建普通批|分类投档 - 法医：物+化", 5610),
        ("综合", "school", "华中科技大学2025福建高校专项|高校专项", None),
    ]
    # the group text still reaches the note (the programme classification reads it)
    assert all(r.note and r.group.split("|")[1] in r.note for r in hust if r.group)
    # a majorGroup that only repeats the batch is no group
    third = [r for r in _adm(rows, FUJIAN) if r.school == "华中科技大学" and r.quality == "third-party"]
    assert [(r.group, r.min_score) for r in third] == [("理工组", 650), (None, 600)]


def test_year_label_and_province_fallback(rows: list[Row]) -> None:
    adm = _adm(rows, SHAANXI)
    # no province field -> the shaanxi slug (陕西, not 山西); "2024本科" -> 2024 and batch 本科; year "去年" skipped
    assert [(r.province, r.year, r.batch, r.school, r.min_rank) for r in adm] == [
        ("陕西", 2024, "本科", "西安外国语大学", None),
        ("陕西", 2024, "本科二批", "西安石油大学", 41230),
    ]


def test_control_lines(rows: list[Row]) -> None:
    lines = [r for r in rows if isinstance(r, ControlLine)]
    assert lines == [
        ControlLine(HENAN, "河南", 2024, "理科", "普通类本科一批控制线", 511),
        ControlLine(HENAN, "河南", 2024, "文科", "本科一批（单列类）", 480),
        # the third-party copy comes after the official lines
        ControlLine(HENAN, "河南", 2024, "理科", "普通类本科一批控制线", 511),
        ControlLine(ZHEJIANG, "浙江", 2026, "综合", "普通类一段线", 494),
        ControlLine(ZHEJIANG, "浙江", 2026, "单独考试招生", "单独考试招生（机械类）", 319),
    ]


def test_score_ranks(rows: list[Row]) -> None:
    ranks = [r for r in rows if isinstance(r, ScoreRank)]
    assert ranks == [
        ScoreRank(HENAN, "河南", 2024, "理科", 700, 110, 110),
        ScoreRank(HENAN, "河南", 2024, "理科", 600, 23638, 675),
        # a 专科-level table is kept apart by its track; the art table and the zero-rank row are skipped
        ScoreRank(HENAN, "河南", 2026, "物理类（专科）", 450, 301000, 1000),
        # Guangxi: the 区外院校 (national bonus) table only
        ScoreRank(GUANGXI, "广西", 2025, "历史类", 659, 10, 10),
    ]


def test_import_file_school_rows(rows: list[Row]) -> None:
    assert _adm(rows, HNU) == [
        Admission(
            HNU,
            "山东",
            2024,
            "综合",
            "本科批",
            "湖南大学",
            "major",
            min_score=634,
            min_rank=5176,
            major="精算学",
            plan_count=1,
            note="普通类 | 首选物理，再选化学 | school-official-only | "
            "official-school-hnu-2025-province-pdf-2024-major-score-rank",
            quality="school",
        ),
    ]


def test_skipped_rows_are_counted(root: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="etl.sources.zhiyuan_site"):
        list(read(root))
    text = caplog.text
    assert "1 admission-plan records (plans, not cutoffs; skipped)" in text
    assert "1 admission records without a school name (skipped)" in text
    assert "1 admission records with neither score nor rank (skipped)" in text
    assert "1 rank rows of category tables, rankUsage 'art' (skipped)" in text
    assert "1 rank rows of Guangxi's 区内院校 (local-bonus) table (skipped)" in text


def test_plain_fixture_root_reads_import_files() -> None:
    # Without the gzipped shards only the data/admissions files yield rows.
    files = {r.source_file for r in read(FIXTURES)}
    assert files == {GUANGXI, ZHEJIANG, HNU}


def test_skipped_names_real_files() -> None:
    assert set(SKIPPED) == {
        "derived_flat_admissions.csv.gz",
        "derived_flat_rank_conversions.csv.gz",
        f"{RELEASE}/manifest.json.gz",
    }


def test_corrupt_gzip_raises(root: Path) -> None:
    (root / HENAN).write_bytes(b"not gzip at all")
    with pytest.raises(SourceError, match=r"henan\.json\.gz"):
        list(read(root))


def test_missing_key_raises(root: Path) -> None:
    with gzip.open(root / HENAN, "wt", encoding="utf-8") as fh:
        json.dump({"province": "河南", "records": []}, fh)
    with pytest.raises(SourceError, match=r"henan\.json\.gz.*rankConversions"):
        list(read(root))


def test_bad_import_json_raises(root: Path) -> None:
    (root / ZHEJIANG).write_text("{ not json", encoding="utf-8")
    with pytest.raises(SourceError, match="official-zhejiang-control-lines"):
        list(read(root))


def test_missing_release_folder_raises(tmp_path: Path) -> None:
    (tmp_path / ORIGIN).mkdir()
    with pytest.raises(SourceError, match="release"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = list(read(SOURCES))
    adm = [r for r in rows if isinstance(r, Admission)]
    ranks = [r for r in rows if isinstance(r, ScoreRank)]
    lines = [r for r in rows if isinstance(r, ControlLine)]
    assert len(adm) == 603_186
    assert len(ranks) == 74_192
    assert len(lines) == 2_327
    quality = Counter(r.quality for r in adm)
    assert quality == {"official": 312_348, "school": 195_083, "third-party": 95_755}
    by_py = Counter((r.province, r.year) for r in adm if r.quality == "official")
    with_rank = Counter((r.province, r.year) for r in adm if r.quality == "official" and r.min_rank)
    # SOURCES.md: 河北 2025 46,460 (all with rank); 重庆 2025 28,113 (27,951 with rank); 河南 2021 1,975
    assert by_py[("河北", 2025)] == with_rank[("河北", 2025)] == 46_460
    assert (by_py[("重庆", 2025)], with_rank[("重庆", 2025)]) == (28_113, 27_951)
    assert by_py[("河南", 2021)] == 1_975
    # SOURCES.md spot facts: 北京大学 Henan 2024 理科 一批 filing score 696; Henan 2024 理科 600 -> rank 23,638
    pku = [
        r
        for r in adm
        if r.school == "北京大学"
        and r.province == "河南"
        and r.year == 2024
        and r.track == "理科"
        and r.batch == "本科一批"
        and r.quality == "official"
    ]
    assert [r.min_score for r in pku] == [696]
    assert ScoreRank(HENAN, "河南", 2024, "理科", 600, 23638, 675) in ranks
    assert {r.province for r in adm} >= {"西藏", "内蒙古", "陕西", "山西"}
    assert not any(r.year < 2000 or r.year > 2030 for r in adm)
