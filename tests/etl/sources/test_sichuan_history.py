"""Tests of the 四川/浙江/上海 scraper-export reader (Oliver666Young__…)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, ScoreRank
from etl.sources.sichuan_history import ORIGIN, read, score_rank, year_and_batch

SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

HEAD = ["文本", "文本1", "文本2", "年份", "录取批次", "招生类型", "最低分_最低位次", "省控线"]
WEN: list[list[object]] = [
    HEAD,
    ["北京大学", "四川", "文科", "2018", "本科一批", "普通类", "642/31", "553"],
    ["北京大学", "四川", "文科", "2020", "本科提前批", "普通类", "639/67", "-"],
    ["复旦大学", "四川", "文科", "2019", "本科一批", "普通类", "650/69", "540"],
    ["复旦大学", "四川", "文科", "2019", "本科一批", "普通类", "651/8289", "547"],  # 理科 line: mis-scraped
    ["四川大学", "四川", "文科", "2019", "本科一批", "普通类", "600/2500", "540"],
    ["清华大学", "四川", "文科", "2020", "本科一批", "普通类", "654/-", "527"],
    ["北京大学", "四川", "文科", "2016", "本科提前批", "普通类", "-/-", "-"],  # no cutoff
    ["", "", "", "2017", "本科一批", "普通类", "670/499", "511"],  # empty school
    ["北京外国语大学", "四川", "文科", "-", "-", "-", "-", "-"],  # placeholder
    ["西南大学", "四川", "文科", "2019", "国家专项计划本科批", "国家专项计划", "600/3000", "-"],
    ["贵州民用航空职业学院", "四川", "文科", "2020", "专科批", "普通类", "150/208715", "150"],
    ["沈阳建筑大学", "四川", "艺术文", "2019", "本科一批", "普通类", "250/-", "-"],
    ["成都某学院", "四川", "文科", "2024本科", "-", "中外合作办学", "500/0", "-"],
]
LI: list[list[object]] = [
    HEAD,
    ["北京大学", "四川", "理科", "2017", "本科一批", "普通类", "688/80", "511"],
    ["扬州大学", "四川", "科类", "-", "-", "-", "-", "-"],
]
SH: list[list[object]] = [
    [*HEAD, "专业组", "选科要求"],
    ["北京大学", "上海", "综合", "2018", "零批次", "普通类", "611/52", "-", "（02）", "不限"],
    ["南华大学", "上海", "", "2020", "本科批", "普通类", "418/33438", "400", "（01）", "物理必选"],
    [
        "上海电子信息职业技术学院",
        "上海",
        "综合",
        "2020",
        "专科批",
        "普通类",
        "300/40000",
        "100",
        "（z01）",
        "不限",
    ],
    ["皖江工学院", "上海", "理科", "2015", "本科二批", "普通类", "-/-", "348", "-", "-"],
    ["内蒙古大学", "上海", "科类", "-", "-", "-", "-", "-", "-", "-"],
]
SUMMARY: dict[str, list[list[object]]] = {
    "2017招生计划": [["文本", "文本1", "文本2", "文本3", "文本4", "专业名称", "学科门类", "计划招生"],
                 ["内蒙古大学", "浙江", "综合", "2017", "普通类平行录取段", "社会学", "法学", "1"]],
    "历年分数线": [
        ["文本", "文本1", "文本2", "年份", "录取批次", "招生类型", "最低分", "最低位次", "省控线"],
        ["北京工业大学", "浙江", "综合", "2020", "平行录取一段", "普通类", 638.0, 15256.0, "594"],
        ["江苏海洋大学", "浙江", "综合", "2020", "平行录取二段", "普通类", 565.0, 85465.0, "495"],
        ["", "浙江", "综合", "2020", "平行录取一段", "普通类", 594.0, 53756.0, "594"],
    ],
    "2017分数段": [["分数", "小计", "累计"], [686.0, 318.0, 318.0], [685.0, 38.0, 356.0]],
    "2019分数段": [["分数", "人数", "名次"], [695.0, 32.0, 330.0]],
}  # fmt: skip
FILES: dict[str, dict[str, list[list[object]]]] = {
    "四川文科历年录取线.xlsx": {"Sheet1": WEN},
    "四川理科历年录取线.xlsx": {"Sheet1": LI},
    "上海综合2017-2020录取线.xlsx": {"Sheet1": SH},
    "数据总表.xlsx": SUMMARY,
}


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
    """The four workbooks, built from the rows above."""
    for name, sheets in FILES.items():
        _write_xlsx(tmp_path / ORIGIN / name, sheets)
    return tmp_path


def _src(name: str) -> str:
    return f"{ORIGIN}/{name}"


def test_sichuan_cutoffs_and_lines(root: Path) -> None:
    src = _src("四川文科历年录取线.xlsx")
    rows = [r for r in read(root) if r.source_file == src]
    sc = {"source_file": src, "province": "四川", "level": "school"}
    assert rows == [
        Admission(**sc, year=2018, track="文科", batch="本科一批", school="北京大学", min_score=642, min_rank=31,
                  note="普通类"),
        Admission(**sc, year=2020, track="文科", batch="本科提前批", school="北京大学", min_score=639,
                  min_rank=67, note="普通类"),
        Admission(**sc, year=2019, track="文科", batch="本科一批", school="复旦大学", min_score=650, min_rank=69,
                  note="普通类"),
        Admission(**sc, year=2019, track="文科", batch="本科一批", school="四川大学", min_score=600,
                  min_rank=2500, note="普通类"),
        Admission(**sc, year=2020, track="文科", batch="本科一批", school="清华大学", min_score=654,
                  min_rank=None, note="普通类"),
        Admission(**sc, year=2019, track="文科", batch="国家专项计划本科批", school="西南大学", min_score=600,
                  min_rank=3000, note="国家专项计划 | 国家专项计划本科批"),
        Admission(**sc, year=2020, track="文科", batch="专科批", school="贵州民用航空职业学院", min_score=150,
                  min_rank=208715, note="普通类"),
        Admission(**sc, year=2019, track="艺术文", batch="本科一批", school="沈阳建筑大学", min_score=250,
                  min_rank=None, note="普通类"),
        Admission(**sc, year=2024, track="文科", batch="本科", school="成都某学院", min_score=500, min_rank=None,
                  note="中外合作办学"),
        ControlLine(src, "四川", 2018, "文科", "本科一批", 553),
        ControlLine(src, "四川", 2019, "文科", "本科一批", 540),
        ControlLine(src, "四川", 2020, "文科", "专科批", 150),
        ControlLine(src, "四川", 2020, "文科", "本科一批", 527),
    ]  # fmt: skip
    li = [r for r in read(root) if r.source_file == _src("四川理科历年录取线.xlsx")]
    assert li == [
        Admission(_src("四川理科历年录取线.xlsx"), "四川", 2017, "理科", "本科一批", "北京大学", "school",
                  min_score=688, min_rank=80, note="普通类"),
        ControlLine(_src("四川理科历年录取线.xlsx"), "四川", 2017, "理科", "本科一批", 511),
    ]  # fmt: skip


def test_shanghai_groups(root: Path) -> None:
    src = _src("上海综合2017-2020录取线.xlsx")
    rows = [r for r in read(root) if r.source_file == src]
    sh = {"source_file": src, "province": "上海", "level": "group", "note": "普通类"}
    assert rows == [
        Admission(**sh, year=2018, track="综合", batch="零批次", school="北京大学", min_score=611, min_rank=52,
                  group="02"),
        Admission(**sh, year=2020, track="综合", batch="本科批", school="南华大学", min_score=418,
                  min_rank=33438, group="01"),  # empty track: 上海 2020 has one list, 综合
        Admission(**sh, year=2020, track="综合", batch="专科批", school="上海电子信息职业技术学院", min_score=300,
                  min_rank=40000, group="z01"),
        ControlLine(src, "上海", 2015, "理科", "本科二批", 348),
        ControlLine(src, "上海", 2020, "综合", "专科批", 100),
        ControlLine(src, "上海", 2020, "综合", "本科批", 400),
    ]  # fmt: skip


def test_zhejiang_cutoffs_and_score_tables(root: Path) -> None:
    src = _src("数据总表.xlsx")
    rows = [r for r in read(root) if r.source_file == src]
    zj = {
        "source_file": src,
        "province": "浙江",
        "year": 2020,
        "track": "综合",
        "level": "school",
        "note": "普通类",
    }
    assert rows == [
        Admission(**zj, batch="平行录取一段", school="北京工业大学", min_score=638, min_rank=15256),
        Admission(**zj, batch="平行录取二段", school="江苏海洋大学", min_score=565, min_rank=85465),
        ControlLine(src, "浙江", 2020, "综合", "平行录取一段", 594),
        ControlLine(src, "浙江", 2020, "综合", "平行录取二段", 495),
        ScoreRank(src, "浙江", 2017, "综合", 686, 318, 318),
        ScoreRank(src, "浙江", 2017, "综合", 685, 356, 38),
        ScoreRank(src, "浙江", 2019, "综合", 695, 330, 32),
    ]  # fmt: skip


def test_cell_parsers() -> None:
    assert score_rank("642/31") == (642, 31)
    assert score_rank("150/-") == (150, None)
    assert score_rank("-/-") == (None, None)
    assert score_rank("-") == (None, None)
    assert score_rank("600/0") == (600, None)
    assert year_and_batch("2024本科", "-") == (2024, "本科")
    assert year_and_batch("2019", "本科一批") == (2019, "本科一批")
    assert year_and_batch("-", "-") is None


def test_missing_column_names_the_file(root: Path) -> None:
    _write_xlsx(root / ORIGIN / "四川理科历年录取线.xlsx", {"Sheet1": [HEAD[:-1], LI[1][:-1]]})
    with pytest.raises(SourceError, match=r"四川理科历年录取线\.xlsx.*省控线"):
        list(read(root))


def test_missing_sheet_names_the_file(root: Path) -> None:
    _write_xlsx(root / ORIGIN / "数据总表.xlsx", {"2017分数段": SUMMARY["2017分数段"]})
    with pytest.raises(SourceError, match=r"数据总表\.xlsx.*历年分数线"):
        list(read(root))


def test_corrupt_workbook_names_the_file(root: Path) -> None:
    (root / ORIGIN / "上海综合2017-2020录取线.xlsx").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(SourceError, match=r"上海综合2017-2020录取线\.xlsx"):
        list(read(root))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = list(read(SOURCES))
    adm = [r for r in rows if isinstance(r, Admission)]
    per_file = Counter(r.source_file.removeprefix(f"{ORIGIN}/") for r in adm)
    assert 8_000 < per_file["四川文科历年录取线.xlsx"] < 10_261
    assert 9_000 < per_file["四川理科历年录取线.xlsx"] < 11_489
    assert 3_500 < per_file["上海综合2017-2020录取线.xlsx"] < 6_184
    assert per_file["数据总表.xlsx"] == 4_878 - 8  # less the rows without a school name
    facts = {(r.province, r.year, r.track, r.batch, r.school, r.min_score, r.min_rank) for r in adm}
    assert ("四川", 2017, "理科", "本科一批", "北京大学", 688, 80) in facts
    assert ("四川", 2018, "文科", "本科一批", "北京大学", 642, 31) in facts
    assert not any(
        r.school == "复旦大学" and r.year == 2019 and r.track == "文科" and r.min_rank == 8289 for r in adm
    )
    zk = Counter((r.province, r.year) for r in adm if r.batch == "专科批")
    assert zk[("四川", 2020)] > 1_500
    assert zk[("上海", 2020)] > 40
    lines = {(r.province, r.year, r.track, r.batch): r.score for r in rows if isinstance(r, ControlLine)}
    assert lines[("四川", 2020, "理科", "本科一批")] == 529
    assert lines[("四川", 2019, "文科", "本科一批")] == 540
    assert lines[("浙江", 2020, "综合", "平行录取一段")] == 594
    assert {r.year for r in rows if isinstance(r, ScoreRank)} == {2017, 2018, 2019, 2020}
