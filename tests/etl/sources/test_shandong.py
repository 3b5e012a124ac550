"""Tests for the Shandong 2020–2024 major-level cutoffs, 一分一段, renames and school list reader."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl import normalize as nz
from etl.errors import SourceError
from etl.rows import Admission, Alias, Row, SchoolInfo, ScoreRank
from etl.sources.shandong import ORIGIN, SKIPPED, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get("GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources")
)
needs_sources = pytest.mark.skipif(not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}")

ADM = "山东省各批次志愿录取数据年份合并"
RANKS = "山东省分数一分一段表"
RENAMES = f"{ORIGIN}/报考要求信息/高校名称变化.xlsx"
SCHOOLS = f"{ORIGIN}/报考要求信息/高校信息.CSV"

# Rows as in the real workbooks (column order differs per year, as it does in the files).
ADMISSIONS: dict[int, list[list[object]]] = {
    2020: [
        ["投档计划数", "投出数", "最低分", "最低位次", "批次", "院校编号", "院校名称", "专业编号", "专业名称"],
        [2.0, 2.0, 688.0, 194.0, "一批次", "A001", "北京大学", "02", "中国语言文学类"],
        [5.0, 5.0, 560.0, 60000.0, "一批次", "A422", "山东大学(威海)", "X1", "电子信息类(中外合作办学)(就读地点威海"],
        [1.0, 0.0, "", "", "二批次", "A422", "山东大学", "03", "经济学类"],  # nobody filed: no cutoff
        [4.0, 0.0, 0.0, 0.0, "二批次", "Y001", "山东大学", "X7", "管理科学与工程类"],  # zeros: no cutoff
        [3.0, 3.0, 0.0, 1200.0, "二批次", "C687", "苏州托普信息职业技术学院", "18",
         "会计(校企合作，华道数据处理(苏州)有限公司合作)"],
        [1.0, 1.0, 600.0, 30000.0, "二批次", "A001", "", "09", "数学类"],  # no school: garbage
        [6.0, 6.0, 591.0, 61000.0, "二批次", "A422", "山东大学", "05", "临床医学"],  # 2nd round of 常规批, 本科
        [40.0, 40.0, 300.0, 400000.0, "二批次", "Y012", "山东外贸职业学院", "41", "市场营销"],  # 专科 (2024 says)
    ],
    2021: [
        ["投档计划数", "最低位次", "批次", "院校编号", "院校名称", "专业编号", "专业名称"],
        [1.0, "前50名", "一批次", "A003", "清华大学", "0Q", "文科试验班类(通用基础类)"],
        [9.0, 1028.0, "一批次", "A002", "中国人民大学", "A4", "社会科学试验班(管理学科类)"],
        [12.0, 50000.0, "一批次", "D359", "烟台理工学院(原烟台大学文经学院)", "01", "法学(地方专项计划)"],
    ],
    2024: [
        ["专业编号", "专业名称", "院校编号", "院校名称", "投档计划数", "最低位次", "层次", "批次"],
        [58.0, "理科试验班类(理科基础类专业)", "A001", "北京大学", 44.0, 125.0, "本科", "一批次"],
        ["1A", "数学与应用数学(师范类，地方专项计划)", "A433", "曲阜师范大学", 10.0, 80000.0, "本科", "二批次"],
        [41.0, "市场营销", "Y012", "山东外贸职业学院", 45.0, 447763.0, "专科", "二批次"],
        [7.0, "护理", "E770", "宝鸡中北职业学院", 3.0, 560000.0, "专科", "三批次"],
    ],
}


def _rank_table(year: int, overall_first: bool) -> list[list[object]]:
    """A 一分一段 sheet: title, column groups, sub-headers, then score rows (全体 first or last)."""
    groups = ["选考物理", "选考化学", "选考生物", "选考政治", "选考历史", "选考地理"]
    groups = ["全体", *groups] if overall_first else [*groups, "全体"]
    head: list[object] = ["分数段"]
    sub: list[object] = [""]
    for g in groups:
        head += [g, ""]
        sub += ["本段人数", "累计人数"]
    data = [(696, 9, 56), (695, 15, 71), (694, 8, 79)]
    rows: list[list[object]] = [[f"{year}夏季高考文化成绩一分一段表", *[""] * 14], head, sub]
    for score, count, cum in data:
        other = [1.0, 2.0] * 6
        pair = [float(count), float(cum)]
        rows.append([float(score), *(pair + other if overall_first else other + pair)])
    return rows


RENAME_ROWS: list[list[object]] = [
    ["院校代码", "院校名称2024", "院校名称2020"],
    ["A229", "牡丹江医科大学", "牡丹江医学院"],
    ["D359", "烟台理工学院", "烟台大学文经学院"],
    ["E527", "山西工程技术学院", "山西工程技术学院 "],  # trailing space only: no rename
]


def _xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    folder = tmp_path / ORIGIN
    for year, rows in ADMISSIONS.items():
        _xlsx(folder / ADM / f"{year}一二三批次合并.xlsx", rows)
    _xlsx(folder / RANKS / "2020年夏季高考一分一段表.xlsx", _rank_table(2020, False), "{worksheet}")
    _xlsx(folder / RANKS / "2024年夏季高考一分一段表.xlsx", _rank_table(2024, True), "{worksheet}")
    _xlsx(folder / "报考要求信息" / "高校名称变化.xlsx", RENAME_ROWS, "名称变化")
    return tmp_path


@pytest.fixture
def rows(root: Path) -> list[Row]:
    return list(read(root))


def _adm(year: int, **kw: object) -> Admission:
    base: dict[str, object] = {
        "source_file": f"{ORIGIN}/{ADM}/{year}一二三批次合并.xlsx",
        "province": "山东",
        "year": year,
        "track": "综合",
        "level": "major",
    }
    return Admission(**{**base, **kw})  # type: ignore[arg-type]


def test_admissions(rows: list[Row]) -> None:
    got = [r for r in rows if isinstance(r, Admission)]
    assert sorted(got, key=repr) == sorted([
        _adm(2020, batch="一批次", school="北京大学", major="中国语言文学类", min_score=688.0, min_rank=194,
             plan_count=2),
        _adm(2020, batch="一批次", school="山东大学(威海)", major="电子信息类(中外合作办学)(就读地点威海",
             min_score=560.0, min_rank=60000, plan_count=5, note="中外合作办学 | 就读地点威海"),
        _adm(2020, batch="二批次", school="苏州托普信息职业技术学院",
             major="会计(校企合作，华道数据处理(苏州)有限公司合作)", min_rank=1200, plan_count=3,
             note="校企合作，华道数据处理(苏州)有限公司合作"),
        _adm(2021, batch="一批次", school="清华大学", major="文科试验班类(通用基础类)", min_rank=50, plan_count=1,
             note="通用基础类 | 最低位次前50名"),
        _adm(2021, batch="一批次", school="中国人民大学", major="社会科学试验班(管理学科类)", min_rank=1028,
             plan_count=9, note="管理学科类"),
        _adm(2021, batch="一批次", school="烟台理工学院(原烟台大学文经学院)", major="法学(地方专项计划)",
             min_rank=50000, plan_count=12, note="地方专项计划"),
        _adm(2024, batch="本科一批次", school="北京大学", major="理科试验班类(理科基础类专业)", min_rank=125,
             plan_count=44, note="理科基础类专业"),
        _adm(2024, batch="本科二批次", school="曲阜师范大学", major="数学与应用数学(师范类，地方专项计划)",
             min_rank=80000, plan_count=10, note="师范类，地方专项计划"),
        _adm(2024, batch="专科二批次", school="山东外贸职业学院", major="市场营销", min_rank=447763, plan_count=45),
        _adm(2024, batch="专科三批次", school="宝鸡中北职业学院", major="护理", min_rank=560000, plan_count=3),
        _adm(2020, batch="二批次", school="山东大学", major="临床医学", min_score=591.0, min_rank=61000, plan_count=6),
        _adm(2020, batch="专科二批次", school="山东外贸职业学院", major="市场营销", min_score=300.0, min_rank=400000,
             plan_count=40),
    ], key=repr)


def test_rounds_are_not_batches(rows: list[Row]) -> None:
    """一/二/三批次 are 志愿 rounds of 常规批: the batch is 本科批 for a 本科 programme, 专科批 for a 专科 one."""
    got = {(r.year, r.school, r.major): r for r in rows if isinstance(r, Admission)}
    sdu = got[(2020, "山东大学", "临床医学")]  # 山东大学 2020 second round: was "专科批 591分"
    assert nz.batch_label(sdu.batch, "山东", "本科") == "本科批"
    assert nz.round_of(sdu.batch, "山东") == "later"
    pku = got[(2020, "北京大学", "中国语言文学类")]
    assert (nz.batch_label(pku.batch, "山东", "本科"), nz.round_of(pku.batch, "山东")) == ("本科批", "first")
    trade = got[(2020, "山东外贸职业学院", "市场营销")]  # level carried back from the 2024 file
    assert (nz.batch_label(trade.batch, "山东", None), nz.round_of(trade.batch, "山东")) == ("专科批", "later")
    vocational = got[(2020, "苏州托普信息职业技术学院", "会计(校企合作，华道数据处理(苏州)有限公司合作)")]
    assert nz.batch_label(vocational.batch, "山东", "专科") == "专科批"  # no level in the file: the school's
    qfnu = got[(2024, "曲阜师范大学", "数学与应用数学(师范类，地方专项计划)")]
    assert (nz.batch_label(qfnu.batch, "山东", "本科"), nz.round_of(qfnu.batch, "山东")) == ("本科批", "later")


def test_score_ranks_overall_column_only(rows: list[Row]) -> None:
    got = [r for r in rows if isinstance(r, ScoreRank)]
    src20 = f"{ORIGIN}/{RANKS}/2020年夏季高考一分一段表.xlsx"
    src24 = f"{ORIGIN}/{RANKS}/2024年夏季高考一分一段表.xlsx"
    assert got == [
        ScoreRank(source_file=src20, province="山东", year=2020, track="综合", score=696, rank=56, count=9),
        ScoreRank(source_file=src20, province="山东", year=2020, track="综合", score=695, rank=71, count=15),
        ScoreRank(source_file=src20, province="山东", year=2020, track="综合", score=694, rank=79, count=8),
        ScoreRank(source_file=src24, province="山东", year=2024, track="综合", score=696, rank=56, count=9),
        ScoreRank(source_file=src24, province="山东", year=2024, track="综合", score=695, rank=71, count=15),
        ScoreRank(source_file=src24, province="山东", year=2024, track="综合", score=694, rank=79, count=8),
    ]


def test_renames_become_former_aliases(rows: list[Row]) -> None:
    got = [r for r in rows if isinstance(r, Alias) and r.source_file == RENAMES]
    assert got == [
        Alias(source_file=RENAMES, alias="牡丹江医学院", name="牡丹江医科大学", kind="former"),
        Alias(source_file=RENAMES, alias="烟台大学文经学院", name="烟台理工学院", kind="former"),
    ]


def test_school_list_gbk(rows: list[Row]) -> None:
    schools = {r.name: r for r in rows if isinstance(r, SchoolInfo)}
    assert list(schools) == [
        "北京大学",
        "华北电力大学(北京)",
        "牡丹江医科大学",
        "宁波诺丁汉大学",
        "山东大学",
        "烟台南山学院",
        "北京师范大学-香港浸会大学联合国际学院",
        "华北电力大学",
        "北京工业职业技术学院",
    ]
    assert len([r for r in rows if isinstance(r, SchoolInfo)]) == 9  # 山东大学 x3 (three 院校代码) -> once
    assert schools["北京大学"] == SchoolInfo(
        source_file=SCHOOLS, name="北京大学", moe_code="4111010001", province="北京", city="北京市",
        level="本科", nature="公办", authority="教育部",
    )
    assert schools["华北电力大学(北京)"] == SchoolInfo(source_file=SCHOOLS, name="华北电力大学(北京)", province="北京")
    assert schools["牡丹江医科大学"].moe_code == "4123010229"
    assert schools["宁波诺丁汉大学"].nature == "中外合作"
    assert schools["北京师范大学-香港浸会大学联合国际学院"].nature == "中外合作"
    assert schools["烟台南山学院"].nature == "民办"
    assert (schools["华北电力大学"].province, schools["华北电力大学"].city) == (None, "北京市")
    assert schools["北京工业职业技术学院"].level == "专科"
    aliases = [r for r in rows if isinstance(r, Alias) and r.source_file == SCHOOLS]
    assert aliases == [
        Alias(source_file=SCHOOLS, alias="牡丹江医学院", name="牡丹江医科大学", kind="former", moe_code="4123010229")
    ]


def test_skipped_files_exist_in_the_layout() -> None:
    assert "山东省本专科招生变化/本科录取年际变化.CSV" in SKIPPED
    assert all(not k.startswith("/") for k in SKIPPED)


def test_missing_column_names_the_file(root: Path) -> None:
    path = root / ORIGIN / ADM / "2024一二三批次合并.xlsx"
    _xlsx(path, [[c for c in ADMISSIONS[2024][0] if c != "最低位次"]])
    with pytest.raises(SourceError, match=r"2024一二三批次合并\.xlsx.*最低位次"):
        list(read(root))


def test_corrupt_workbook_names_the_file(root: Path) -> None:
    path = root / ORIGIN / RANKS / "2024年夏季高考一分一段表.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(SourceError, match=r"2024年夏季高考一分一段表\.xlsx"):
        list(read(root))


def test_rank_table_without_overall_column(root: Path) -> None:
    table = _rank_table(2024, True)
    table[1][1] = "选考技术"
    _xlsx(root / ORIGIN / RANKS / "2024年夏季高考一分一段表.xlsx", table, "{worksheet}")
    with pytest.raises(SourceError, match="全体"):
        list(read(root))


def test_school_list_missing_column(root: Path) -> None:
    path = root / ORIGIN / "报考要求信息" / "高校信息.CSV"
    path.write_bytes("注释\n学校名称,主管部门\n北京大学,教育部\n".encode("gbk"))
    with pytest.raises(SourceError, match=r"高校信息\.CSV.*学校标识码"):
        list(read(root))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.source_file] = counts.get(r.source_file, 0) + 1
    adm = {year: counts[f"{ORIGIN}/{ADM}/{year}一二三批次合并.xlsx"] for year in range(2020, 2025)}
    # 24,887 / 25,937 / 28,472 / 29,760 / 31,755 lines, less those with neither score nor rank
    assert adm == {2020: 24538, 2021: 25936, 2022: 28471, 2023: 29760, 2024: 31755}
    assert counts[f"{ORIGIN}/{RANKS}/2024年夏季高考一分一段表.xlsx"] == 547
    assert counts[RENAMES] == 59
    admissions = [r for r in rows if isinstance(r, Admission)]
    pku = [
        r for r in admissions
        if r.year == 2024 and r.school == "北京大学" and r.major == "理科试验班类(理科基础类专业)"
    ]
    assert [(r.min_rank, r.batch) for r in pku] == [(125, "本科一批次")]
    assert {r.batch for r in admissions} == {
        "一批次", "二批次", "三批次", "本科一批次", "本科二批次", "本科三批次", "专科一批次", "专科二批次", "专科三批次"
    }  # 本科三批次, 专科一批次: 2020–2023 rows whose school-major the 2024 file gives a level
    ranks = {(r.year, r.score): r.rank for r in rows if isinstance(r, ScoreRank)}
    assert ranks[(2024, 696)] == 50
    assert ranks[(2020, 150)] == 524825
    schools = [r for r in rows if isinstance(r, SchoolInfo)]
    assert 2700 < len(schools) < 2825
