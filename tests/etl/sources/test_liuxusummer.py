"""Reader for liuxusummer__gaokao-advisor: MOE list, 本科批 group filing lines, 一分一段 tables."""

from __future__ import annotations

import itertools
import os
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Admission, SchoolInfo, ScoreRank
from etl.sources import liuxusummer
from etl.sources.liuxusummer import ORIGIN, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

BASE = f"{ORIGIN}/public/data"


def _rows() -> list[object]:
    return list(read(FIXTURES))


def test_schools_from_the_moe_list() -> None:
    schools = [r for r in _rows() if isinstance(r, SchoolInfo)]
    src = f"{BASE}/common/colleges.json"
    assert schools == [
        SchoolInfo(src, "北京大学", moe_code="4111010001", province="北京", city="北京市", level="本科",
                   nature="公办", authority="教育部"),
        SchoolInfo(src, "上海商学院", moe_code="4131012050", province="上海", city="上海市", level="本科",
                   nature="公办", authority="上海市教委"),
        SchoolInfo(src, "西交利物浦大学", moe_code="4132016403", province="江苏", city="苏州市", level="本科",
                   nature="中外合作", authority="江苏省教育厅"),
        SchoolInfo(src, "广西英华国际职业学院", moe_code="4145013832", province="广西", city="钦州市",
                   level="专科", nature="民办", authority="广西壮族自治区"),
    ]  # fmt: skip


def test_group_filing_lines() -> None:
    adm = [r for r in _rows() if isinstance(r, Admission)]
    gd, sh, hb = (
        f"{BASE}/scores/广东/scores_2024.json",
        f"{BASE}/scores/上海/scores_2024.json",
        f"{BASE}/scores/湖北/scores_2024.json",
    )
    assert adm == [
        Admission(sh, "上海", 2024, "综合", "本科批", "上海商院", "group", min_score=451.0, min_rank=None,
                  moe_code="4131012050", group="02", note="(02)"),
        Admission(gd, "广东", 2024, "历史类", "本科批", "北京大学", "group", min_score=662.0, min_rank=32,
                  moe_code="4111010001", group="201", note="(201)"),
        Admission(gd, "广东", 2024, "物理类", "本科批", "佛山大学(原佛山科学技术学院)(中外合作办学", "group",
                  min_score=519.0, min_rank=123456, moe_code="4144011847", group="220",
                  note="中外合作办学 | )(220)"),
        Admission(hb, "湖北", 2024, "物理类", "本科批", "北京大学", "group", min_score=679.0, min_rank=None,
                  moe_code="4111010001", group="04", note="第04组"),
        Admission(hb, "湖北", 2024, "历史类", "本科批", "上海立信会计金融学院第 03组", "group", min_score=541.0,
                  min_rank=None, moe_code="4131011047", group="03", note=None),
    ]  # fmt: skip
    assert all(a.quality == "official" for a in adm)


def test_rank_table_drops_rows_inconsistent_with_neighbours() -> None:
    src = f"{BASE}/scores/江苏/rank_table_2024.json"
    ranks = [r for r in _rows() if isinstance(r, ScoreRank)]
    assert ranks == [
        ScoreRank(src, "江苏", 2024, "物理类", 689, 107, 107),
        ScoreRank(src, "江苏", 2024, "物理类", 688, 122, 15),
        ScoreRank(src, "江苏", 2024, "物理类", 687, 143, 21),
        ScoreRank(src, "江苏", 2024, "物理类", 681, 334, 36),
        ScoreRank(src, "江苏", 2024, "物理类", 680, 371, 37),
        ScoreRank(src, "江苏", 2024, "物理类", 463, 186998, 952),
        ScoreRank(src, "江苏", 2024, "物理类", 462, 187958, 960),
        ScoreRank(src, "江苏", 2024, "历史类", 651, 105, 105),
        ScoreRank(src, "江苏", 2024, "历史类", 650, 125, 20),
    ]


def test_skipped_files_are_named() -> None:
    assert "public/data/common/majors/catalog.json" in liuxusummer.SKIPPED
    assert all(reason for reason in liuxusummer.SKIPPED.values())


@pytest.fixture
def copy_root(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    return tmp_path


def test_bad_json_names_the_file(copy_root: Path) -> None:
    bad = copy_root / ORIGIN / "public/data/scores/湖北/scores_2024.json"
    bad.write_text('[{"collegeName": "北京大学"', encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(read(copy_root))
    assert err.value.path == str(bad)


def test_missing_key_names_the_file(copy_root: Path) -> None:
    bad = copy_root / ORIGIN / "public/data/scores/上海/scores_2024.json"
    bad.write_text('[{"collegeName": "上海商院", "year": 2024}]', encoding="utf-8")
    with pytest.raises(SourceError, match="lacks") as err:
        list(read(copy_root))
    assert err.value.path == str(bad)


def test_missing_catalogue_is_an_error(copy_root: Path) -> None:
    (copy_root / ORIGIN / "public/data/common/colleges.json").unlink()
    with pytest.raises(SourceError, match=r"colleges\.json"):
        list(read(copy_root))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    kinds = Counter(type(r).__name__ for r in rows)
    assert kinds["SchoolInfo"] == 2919
    adm = [r for r in rows if isinstance(r, Admission)]
    per_file = Counter((a.province, a.year) for a in adm)
    assert per_file[("江苏", 2023)] == 3663
    assert per_file[("湖北", 2024)] == 4379
    assert per_file[("广东", 2024)] == 4676 - 5  # five split PDF lines skipped
    assert sum(a.min_rank is not None for a in adm) == per_file[("广东", 2024)]
    pku_gd = [a for a in adm if a.province == "广东" and a.school == "北京大学" and a.group == "201"]
    assert [(a.min_score, a.min_rank) for a in pku_gd] == [(662.0, 32)]
    ranks = [r for r in rows if isinstance(r, ScoreRank)]
    assert {(r.province, r.year) for r in ranks} >= {("江苏", 2025), ("浙江", 2026), ("湖北", 2024)}
    hubei = {r.score: r.rank for r in ranks if (r.province, r.year, r.track) == ("湖北", 2024, "物理类")}
    assert hubei[750] == 1 and len(hubei) == 601
    tables: dict[tuple[str, int, str], list[tuple[int, int]]] = defaultdict(list)
    for r in ranks:
        tables[(r.province, r.year, r.track)].append((r.score, r.rank))
    for key, table in tables.items():  # the build rejects tables whose rank falls as the score falls
        assert all(a[1] >= b[1] for a, b in itertools.pairwise(sorted(table))), key
