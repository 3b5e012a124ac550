"""Tests for the Zhejiang 2020 普通类第一段 major-level filing-line reader."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Admission
from etl.sources.zhejiang_2020 import CSV_FILE, ORIGIN, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get("GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources")
)
needs_sources = pytest.mark.skipif(not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}")

SRC = f"{ORIGIN}/{CSV_FILE}"


def _adm(school: str, major: str, plan: int, score: float, rank: int | None, note: str | None = None) -> Admission:
    return Admission(
        source_file=SRC, province="浙江", year=2020, track="综合", batch="普通类第一段", school=school,
        level="major", min_score=score, min_rank=rank, major=major, plan_count=plan, note=note,
    )


def test_rows() -> None:
    assert list(read(FIXTURES)) == [
        _adm("浙江大学(一流大学建设高校)", "新闻传播学类", 78, 666.0, 3505),
        _adm("浙江大学(一流大学建设高校)", "社会科学试验班(竺可桢学院人文社科实验班、智能财务班)", 2, 691.0, 337,
             "竺可桢学院人文社科实验班、智能财务班"),
        _adm("浙江工业大学(省重点建设高校)", "软件工程(中外合作办学)", 40, 601.0, 50290, "中外合作办学"),
        _adm("宁波诺丁汉大学(中外合作办学)", "经济学类(含经济学,国际经济与贸易)", 120, 614.0, 37510,
             "中外合作办学 | 含经济学,国际经济与贸易"),
        _adm("温州医科大学仁济学院(独立学院)", "口腔医学", 20, 594.0, None),  # 位次 0: unfilled major
        _adm("北京师范大学-香港浸会大学联合国际学院(内地与港澳台地区合作办学)", "工商管理类", 30, 600.0, 51500,
             "内地与港澳台地区合作办学"),
        # 北京大学 数学类 has neither score nor rank; the line without a school is garbage
        _adm("中国人民公安大学(一流学科建设高校)", "法学", 3, 654.0, 7122),
    ]


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    (tmp_path / ORIGIN / CSV_FILE).write_text("序号,学校代号,学校名称,专业名称\n0,1,浙江大学,法学\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"2020投档线\.csv.*分数线"):
        list(read(tmp_path))


def test_not_utf8_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    path = tmp_path / ORIGIN / CSV_FILE
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(SourceError, match=r"2020投档线\.csv"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    assert len(rows) == 5294
    assert len({r.school for r in rows}) == 429
    unranked = [r for r in rows if r.min_rank is None]
    assert len(unranked) == 515 and {r.min_score for r in unranked} == {594.0}
    assert min(r.min_score or 0 for r in rows) == 594 and max(r.min_score or 0 for r in rows) == 721
    zju = [r for r in rows if r.school == "浙江大学(一流大学建设高校)" and r.major == "新闻传播学类"]
    assert [(r.min_score, r.min_rank, r.plan_count) for r in zju] == [(666.0, 3505, 78)]
