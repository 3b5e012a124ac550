"""Tests for the Henan 理科 本科一批 major-level 2024/2023 reader."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.errors import SourceError
from etl.rows import Admission
from etl.sources.henan import ORIGIN, WORKBOOK, read

SOURCES = Path(
    os.environ.get("GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources")
)
needs_sources = pytest.mark.skipif(not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}")

SRC = f"{ORIGIN}/{WORKBOOK}"
HEADER: list[object] = ["学校", "专业", "", "年份", "最低录取分数", "最低录取位次", "年份", "最低录取分数",
                        "最低录取位次", "平均最低录取位次"]
ROWS: list[list[object]] = [
    HEADER,
    ["北京体育大学", "运动人体科学", "", 2024.0, 594.0, 27919.0, 2023.0, 594.0, 25874.0, 26896.5],
    ["中央美术学院", "艺术管理", "中外合作办学", 2024.0, 547.0, 77002.0, "", "", "", 77002.0],  # no 2023
    ["重庆工商大学", "工商管理类", "财会", 2024.0, "", "", 2023.0, 547.0, 74961.0, 74961.0],  # no 2024
    ["东北大学", "工科试验班", 2.0, 2024.0, 609.0, 18059.0, "", "", "", 18059.0],  # 2 tells twins apart
    ["苏州大学", "人工智能", "", 2024.0, 628.0, 9498.0, 2024.0, 625.0, 9462.0, 9480.0],  # OCR: 2024 in 2023 block
    ["河南农业大学（中外合作办学）", "工商管理", "中外合作办学", 2024.0, 508.0, 128329.0, 2023.0, 514.0, 0.0, 1.0],
    ["河南师范大学", "数学与应用数学(师范)", "[定向]师范", 2024.0, 499.0, 149493.0, "", "", "", 1.0],
    ["", "", "", "", "", "", "", "", "", ""],  # blank line: garbage
]


def _xlsx(path: Path, rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    wb.save(path)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _xlsx(tmp_path / ORIGIN / WORKBOOK, ROWS)
    return tmp_path


def _adm(year: int, school: str, major: str, score: float, rank: int | None, note: str | None = None) -> Admission:
    return Admission(
        source_file=SRC, province="河南", year=year, track="理科", batch="本科一批", school=school, level="major",
        min_score=score, min_rank=rank, major=major, note=note,
    )


def test_two_rows_per_line(root: Path) -> None:
    assert list(read(root)) == [
        _adm(2024, "北京体育大学", "运动人体科学", 594.0, 27919),
        _adm(2023, "北京体育大学", "运动人体科学", 594.0, 25874),
        _adm(2024, "中央美术学院", "艺术管理", 547.0, 77002, "中外合作办学"),
        _adm(2023, "重庆工商大学", "工商管理类", 547.0, 74961, "财会"),
        _adm(2024, "东北大学", "工科试验班", 609.0, 18059, "2"),
        _adm(2024, "苏州大学", "人工智能", 628.0, 9498),
        _adm(2023, "苏州大学", "人工智能", 625.0, 9462),  # the block decides the year
        _adm(2024, "河南农业大学（中外合作办学）", "工商管理", 508.0, 128329, "中外合作办学"),
        _adm(2023, "河南农业大学（中外合作办学）", "工商管理", 514.0, None, "中外合作办学"),  # rank 0 -> None
        _adm(2024, "河南师范大学", "数学与应用数学(师范)", 499.0, 149493, "[定向]师范 | 师范"),
    ]


def test_unexpected_header_names_the_file(root: Path) -> None:
    _xlsx(root / ORIGIN / WORKBOOK, [["学校", "专业", "", "年份", "最低分"], *ROWS[1:]])
    with pytest.raises(SourceError, match=r"河南高考物理类录取统计\.xlsx.*unexpected header"):
        list(read(root))


def test_missing_workbook_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"河南高考物理类录取统计\.xlsx"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    assert len(rows) == 18532  # 10,784 lines: 9,450 with 2024 numbers, 9,082 with 2023 numbers
    assert {(r.year, r.track, r.batch) for r in rows} == {(2024, "理科", "本科一批"), (2023, "理科", "本科一批")}
    assert len({r.school for r in rows}) == 436
    pku_2024 = [r for r in rows if r.school == "北京大学" and r.year == 2024 and r.min_score is not None]
    assert min(r.min_score or 0 for r in pku_2024) >= 696  # the school's 2024 filing score
    # 600 points in Henan 2024 理科 is cumulative rank 23,638: majors at 600 publish that rank
    at_600 = Counter(r.min_rank for r in rows if r.year == 2024 and r.min_score == 600)
    assert at_600.most_common(1)[0][0] == 23_638
