"""Tests of the Shanghai reader (666keke__Shanghai-Gaokao)."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from etl.errors import SourceError
from etl.rows import Admission, ScoreRank
from etl.sources.shanghai import ORIGIN, WORKBOOK, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

HEADER = ["代码", "组名", "院校名", "组号", "投档线", "语文数学合计", "语文数学高分", "外语", "选考最高",
          "选考次高", "选考最低", "加分", "年份", "同分人数", "最低排名", "最高排名"]  # fmt: skip
SHEETS: dict[str, list[list[object]]] = {
    "开始": [["2020-2024 上海高考普通批次平行志愿投档数据（v2025.1, 整理供参考）"]],
    "总表": [HEADER, [10101, "复旦大学(01)", "复旦大学", "01", "580及以上", "", "", "", "", "", "", "", 2020,
                    1293, 1293, 1]],
    "2020D": [
        ["分数", "人数", "累计人数"],
        ["611分及以上", 52, 52],
        ["610", 10, 62],
        ["580", 99, 1293],
        ["580及以上", 1293, 1293],  # helper row repeating 580
        ["579", 40, 1333],
    ],
    "2024D": [["分数", "人数", "累计人数"], ["619分及以上", 52, 52], ["403", 161, 41594]],
}  # fmt: skip


def _write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The hand-written data.json plus the workbook built here."""
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    _write_xlsx(tmp_path / ORIGIN / WORKBOOK, SHEETS)
    return tmp_path


def test_group_lines(root: Path) -> None:
    src = f"{ORIGIN}/data.json"
    base = {"source_file": src, "province": "上海", "track": "综合", "batch": "本科普通批", "level": "group",
            "rank_derived_by_source": True}  # fmt: skip
    rows = [r for r in read(root) if isinstance(r, Admission)]
    # 复旦大学 "580及以上" (a bound) and 建桥学院 without a line are skipped
    assert rows == [
        Admission(**base, year=2020, school="上海商院", min_score=440, min_rank=25012, group="02"),
        Admission(**base, year=2024, school="重庆大学", min_score=543, min_rank=9186, group="Q4"),
        Admission(**base, year=2024, school="上应大", min_score=403, min_rank=None, group="01"),
    ]


def test_score_tables(root: Path) -> None:
    src = f"{ORIGIN}/{WORKBOOK}"
    rows = [r for r in read(root) if isinstance(r, ScoreRank)]
    assert rows == [
        ScoreRank(src, "上海", 2020, "综合", 611, 52, 52),
        ScoreRank(src, "上海", 2020, "综合", 610, 62, 10),
        ScoreRank(src, "上海", 2020, "综合", 580, 1293, 99),
        ScoreRank(src, "上海", 2020, "综合", 579, 1333, 40),
        ScoreRank(src, "上海", 2024, "综合", 619, 52, 52),
        ScoreRank(src, "上海", 2024, "综合", 403, 41594, 161),
    ]


def test_bad_json_names_the_file(root: Path) -> None:
    (root / ORIGIN / "data.json").write_text('[{"组名": "x"', encoding="utf-8")
    with pytest.raises(SourceError, match=r"data\.json"):
        list(read(root))


def test_missing_key_names_the_file(root: Path) -> None:
    (root / ORIGIN / "data.json").write_text('[{"院校名": "上应大", "年份": 2024}]', encoding="utf-8")
    with pytest.raises(SourceError, match=r"data\.json.*投档线"):
        list(read(root))


def test_bad_table_header(root: Path) -> None:
    sheets = dict(SHEETS, **{"2021D": [["score", "n", "cum"], [600, 1, 1]]})
    _write_xlsx(root / ORIGIN / WORKBOOK, sheets)
    with pytest.raises(SourceError, match="2021D"):
        list(read(root))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = list(read(SOURCES))
    adm = [r for r in rows if isinstance(r, Admission)]
    assert len(adm) == 6715 - 86 - 120  # minus "580及以上" bounds and groups without a line
    per_year = Counter(r.year for r in adm)
    assert set(per_year) == {2020, 2021, 2022, 2023, 2024}
    assert any(r.school == "上海商院" for r in adm)
    ranks = {(r.year, r.score): r.rank for r in rows if isinstance(r, ScoreRank)}
    assert ranks[(2020, 580)] == 1293
    # every published rank is the table's rank of the filing score
    assert all(ranks[(r.year, int(r.min_score or 0))] == r.min_rank for r in adm)
