"""Tests of the Guangdong reader (insensible104__GaokaoAgent)."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, ScoreRank
from etl.sources import guangdong
from etl.sources.guangdong import ORIGIN, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

XLSX = "data/2011-2025广东高考一分一段表.xlsx"
SCORE_ROWS: list[list[object]] = [
    ["", "广东省高考2011到2025年一分一段表", "", "", "", "", "", "", ""],
    ["KeyID", "分数", "人数/分", "最差排名", "最好排名", "平均排位", "年份", "科类", ""],
    ["2025理科697", 697, 19, 19, 1, 10, 2025, "理科", ""],
    ["2025理科696", 696, 13, 32, 20, 26, 2025, "理科", ""],
    ["2021理科695", 695, "\\", 24, "", "", 2021, "理科", ""],
    ["2011文科660", 660, "/", 19, 1, 10, 2011, "文科", ""],
    ["2011文科510", 510, 1021.4, 66754, 65733.6, 66243.8, 2011, "文科", ""],
    ["2011文科509", 509, 1026.4, 67780.4, 66755, 67267.7, 2011, "文科", ""],  # interpolated
]
LINE_ROWS: list[list[object]] = [
    ["广东省2018-2025年高考线上人数汇总", "", "", "", "", "", "", "", "", "", ""],
    ["年份", "特控线(一本线、高优线)", "", "", "", "本科线", "", "", "", "分段表中人数", ""],
    [
        "",
        "文科",
        "线上\n人数",
        "理科",
        "线上\n人数",
        "文科",
        "线上\n人数",
        "理科",
        "线上\n人数",
        "文科",
        "理科",
    ],
    [2024, 539, 19040, 532, 96438, 428, 96266, 442, 253795, 269024, 450961],
]


def _write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The hand-written CSV fixtures plus the 一分一段 workbook built here."""
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    _write_xlsx(tmp_path / ORIGIN / XLSX, {"一分一段表": SCORE_ROWS, "线上人数": LINE_ROWS})
    return tmp_path


def _src(rel: str) -> str:
    return f"{ORIGIN}/{rel}"


def test_per_year_majors(root: Path) -> None:
    rows = [r for r in read(root) if r.source_file.endswith(("2021_history.csv", "2024_physics.csv"))]
    src21 = _src("backend/data/2021_history.csv")
    base = {"source_file": src21, "province": "广东", "year": 2021, "track": "历史类", "level": "major"}
    assert rows[:4] == [
        Admission(**base, batch="本科批", school="北京大学", min_score=668, min_rank=91, group="202",
                  major="中国语言文学类", plan_count=5),
        Admission(**base, batch="本科", school="中国人民大学", min_score=651, min_rank=185, group="1",
                  major="外国语言文学类", plan_count=4, note="日语、俄语"),
        Admission(**base, batch="本科提前批", school="中国人民大学", min_score=650, min_rank=201, group="101",
                  major="法学", plan_count=2, note="提前批"),
        Admission(**base, batch="本科批", school="华南师范大学", min_score=600, min_rank=None, group="201",
                  major="汉语言文学", plan_count=30, note="普师"),
    ]  # fmt: skip
    assert len(rows) == 6  # the empty-school row is skipped
    assert rows[5] == Admission(
        source_file=_src("backend/data/2024_physics.csv"), province="广东", year=2024, track="物理类",
        batch="本科批", school="广东东软学院", level="major", min_score=442, min_rank=253000, group="218",
        major="软件工程(中外合作办学)", plan_count=20, note="中外合作",
    )  # fmt: skip


def test_2025_groups_and_majors(root: Path) -> None:
    rows = [r for r in read(root) if "actual_2025" in r.source_file]
    assert rows == [
        Admission(_src("data/actual_2025_group_admissions.csv"), "广东", 2025, "历史", "本科提前批", "武汉大学",
                  "group", min_score=644, min_rank=397, group="102", plan_count=4),
        Admission(_src("data/actual_2025_group_admissions.csv"), "广东", 2025, "物理", "本科批", "广东工业大学",
                  "group", min_score=560, min_rank=52000, group="208", plan_count=60, note="中外合作"),
        Admission(_src("data/actual_2025_major_admissions.csv"), "广东", 2025, "历史", "本科批",
                  "哈尔滨工业大学(深圳)", "major", min_score=623, min_rank=1635, group="201",
                  major="经济管理试验班", plan_count=15, note="会计学"),
        Admission(_src("data/actual_2025_major_admissions.csv"), "广东", 2025, "物理", "本科批", "华南师范大学",
                  "major", min_score=600, min_rank=30000, group="205", major="数学类", plan_count=8, note="普师"),
    ]  # fmt: skip


def test_enrollment_history_only_what_per_year_files_lack(root: Path) -> None:
    rows = [r for r in read(root) if "enrollment" in r.source_file]
    src = _src("backend/data/2025_enrollment_历史.csv")
    pku = {
        "source_file": src,
        "province": "广东",
        "track": "历史",
        "batch": "本科提前批",
        "school": "北京大学",
    }
    yk = {
        "source_file": src,
        "province": "广东",
        "track": "历史",
        "batch": "专科批",
        "school": "营口职业技术学院",
    }
    assert rows == [
        Admission(**pku, year=2022, level="major", min_score=650, min_rank=30, major="法语",
                  note="提前批本科.非军检院校 | (校本部)"),
        Admission(**pku, year=2024, level="group", min_score=659, min_rank=49, group="103",
                  note="提前批本科.非军检院校"),
        Admission(**pku, year=2022, level="major", min_score=649, min_rank=35, major="德语",
                  note="提前批本科.非军检院校 | (校本部)"),
        Admission(**pku, year=2023, level="major", min_score=668, min_rank=39, major="德语",
                  note="提前批本科.非军检院校 | (校本部)"),
        # the 2024 group row of 德语 repeats 法语's and is not yielded again
        Admission(**yk, year=2021, level="major", min_score=445, min_rank=None, major="护理"),
        Admission(**yk, year=2022, level="major", min_score=408, min_rank=None, major="护理"),
        Admission(**yk, year=2023, level="major", min_score=380, min_rank=156813, major="护理"),
        Admission(**yk, year=2024, level="group", min_score=366, min_rank=158576, group="503"),
        # 华南师范大学 2021 is in backend/data/2021_history.csv: not repeated
    ]  # fmt: skip


def test_score_table_and_control_lines(root: Path) -> None:
    src = _src(XLSX)
    ranks = [r for r in read(root) if isinstance(r, ScoreRank)]
    assert ranks == [
        ScoreRank(src, "广东", 2025, "理科", 697, 19, 19),
        ScoreRank(src, "广东", 2025, "理科", 696, 32, 13),
        ScoreRank(src, "广东", 2021, "理科", 695, 24, None),
        ScoreRank(src, "广东", 2011, "文科", 660, 19, None),
        ScoreRank(src, "广东", 2011, "文科", 510, 66754, None),
    ]
    lines = [r for r in read(root) if isinstance(r, ControlLine)]
    assert lines == [
        ControlLine(src, "广东", 2024, "文科", "特控线(一本线、高优线)", 539),
        ControlLine(src, "广东", 2024, "理科", "特控线(一本线、高优线)", 532),
        ControlLine(src, "广东", 2024, "文科", "本科线", 428),
        ControlLine(src, "广东", 2024, "理科", "本科线", 442),
    ]


def test_batch_from_group() -> None:
    assert [guangdong.batch_from_group(c) for c in ("101", "204", "503", "701", "1", "")] == [
        "本科提前批", "本科批", "专科批", "特殊类型招生批", "本科", "本科",
    ]  # fmt: skip


def test_missing_column_names_the_file(root: Path) -> None:
    path = root / ORIGIN / "backend/data/2024_physics.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace("院校名称", "学校"), encoding="utf-8-sig")
    with pytest.raises(SourceError, match=r"2024_physics\.csv.*院校名称"):
        list(read(root))


def test_corrupt_workbook_names_the_file(root: Path) -> None:
    (root / ORIGIN / XLSX).write_bytes(b"not a zip")
    with pytest.raises(SourceError, match=r"一分一段表\.xlsx"):
        list(read(root))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = list(read(SOURCES))
    per_file = Counter(r.source_file.removeprefix(f"{ORIGIN}/") for r in rows)
    for year, phys, hist in ((2021, 4684, 1900), (2022, 4703, 1794), (2023, 4408, 1587), (2024, 8379, 2846)):
        assert per_file[f"backend/data/{year}_physics.csv"] == phys
        assert per_file[f"backend/data/{year}_history.csv"] == hist
    assert per_file["data/actual_2025_group_admissions.csv"] == 2975
    assert per_file["data/actual_2025_major_admissions.csv"] == 10980
    assert per_file["backend/data/2025_enrollment_历史.csv"] > 10_000
    adm = [r for r in rows if isinstance(r, Admission)]
    assert any(
        r.school == "北京大学" and r.year == 2021 and r.track == "物理类" and r.major == "数学类"
        and r.min_score == 689 and r.min_rank == 71
        for r in adm
    )  # fmt: skip
    zk = {r.year for r in adm if r.batch.startswith("专科")}
    assert zk == {2021, 2022, 2023, 2024}
    ranks = {(r.year, r.track, r.score): r.rank for r in rows if isinstance(r, ScoreRank)}
    assert ranks[(2025, "理科", 697)] == 19
    assert {y for y, _, _ in ranks} == set(range(2011, 2026))
    lines = {(r.year, r.track, r.batch): r.score for r in rows if isinstance(r, ControlLine)}
    assert lines[(2024, "理科", "本科线")] == 442
