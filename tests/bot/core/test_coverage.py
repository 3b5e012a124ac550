"""Honest coverage in a rank answer: tier counts and years, thin data said as thin data, schools that filled at the
batch line as 保, the short default answer and its long form (issue 11 §3, §6)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from bot.core.advise import Params
from bot.core.answer import Engine
from bot.core.render import MAX_LINES, render
from bot.core.render.notes import texts
from tests.tinydb import make_tiny_db

AT_LINE = 9  # a 公办 专科 school that filled at the 专科 line (185) in 2024 and 2025


@pytest.fixture(scope="module")
def line_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_tiny_db(tmp_path_factory.mktemp("line") / "line.duckdb")
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schools VALUES (?, '郑州线上职业学院', NULL, '河南', '郑州', '专科', '公办', '河南省', '理工', "
                "FALSE, FALSE, FALSE, NULL, '软科2025', NULL, NULL, [])", [AT_LINE])
    con.execute("INSERT INTO school_aliases VALUES ('郑州线上职业学院', ?, 'official', 'tiny')", [AT_LINE])
    for year, track, score, rank in ((2024, "理科", 188, 1000), (2025, "物理类", 186, 1000)):
        con.execute("""INSERT INTO school_cutoffs VALUES ('河南', ?, ?, '专科批', '专科', ?, NULL, ?, ?, 'published',
                       'school', TRUE, 1, 'tiny')""", [year, track, AT_LINE, score, rank])
    con.close()
    return path


@pytest.fixture(scope="module")
def line_engine(line_db: Path) -> Engine:
    return Engine.open(line_db)


def test_a_school_that_filled_at_the_line_is_safe_for_a_user_well_above_it(line_engine: Engine) -> None:
    a = line_engine.answer("河南 物理 位次960")  # about 309 points, 124 above the 专科 line
    safe = [r for r in a.results if r["tier"] == "保"]
    assert [r["school_id"] for r in safe] == [AT_LINE] and safe[0]["at_line"]
    assert a.query["at_line"] == 1 and a.query["weak_safe"] == ""
    text = render(a)[0]
    assert "往年在批次线附近录满，线上即可录取" in text
    assert any("批次线附近录满" in n for n in texts(a.notes))


def test_without_the_line_rule_the_same_school_is_only_the_best_there_is(line_db: Path) -> None:
    plain = Engine(Engine.open(line_db).store, replace(Params(), line_margin=0.0))
    a = plain.answer("河南 物理 位次960")
    assert a.query["weak_safe"] == "unsafe"  # by its rank spread alone it is no safe choice
    assert a.query["at_line"] == 0 and not any(r["at_line"] for r in a.results)


def test_tier_headers_say_how_many_schools_and_which_years(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次700")
    assert a.query["tier_years"]["冲"] == [2023, 2024, 2025]
    text = render(a)[0]
    assert "【冲（有机会，不稳）】共1所（2023–2025年数据）" in text


def test_thin_data_is_said_as_missing_data_not_as_no_safe_school(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次900")  # below the 本科 line: 专科 has one verified school in the tiny database
    assert a.query["weak_safe"] == "unsafe"
    cov = {c["level"]: c for c in a.query["coverage"]}
    assert set(cov) == {"专科"} and cov["专科"]["thin"] and cov["专科"]["verified"] == 1
    text = render(a)[0]
    assert "河南物理类专科院校：2024年仅1所有核验的逐校数据，无法给出可靠的专科冲稳保" in text
    assert "逐校数据不足" in text
    assert "没有哪所学校能算作稳妥的保底" not in text + "".join(texts(a.notes))
    assert any("不是没有学校能保底" in n for n in texts(a.notes))


def test_placement_names_the_benke_and_the_zhuanke_line(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次700")
    assert "低于本科批线427分" in texts(a.placement)[1] and "高于专科批线185分" in texts(a.placement)[1]
    assert a.query["line_margins"] == {"本科": -61, "专科": 181}


def test_the_default_answer_is_short_and_the_detail_has_every_year_and_note(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次300")
    short, detail = render(a)[0], render(a, detail=True)[0]
    assert len(short.splitlines()) <= MAX_LINES
    assert sum(1 for line in short.splitlines() if line.startswith("注：")) <= 2
    assert "录取位次取自" not in short and "注：录取位次取自" in detail  # boilerplate only in the detail
    assert "2024 555分/位次330" in detail  # every year of a school
    assert "数据覆盖" in detail
    assert render(a, more="发“更多”看详情。")[0].endswith("发“更多”看详情。")


def test_the_json_keeps_its_keys_and_gains_coverage(engine: Engine) -> None:
    d = engine.answer("河南 物理 位次700").to_dict()
    assert {"notes", "results", "placement", "query"} <= set(d)
    assert {"totals", "weak_safe", "safe_levels", "tier_years", "at_line", "coverage", "line_margins"} <= set(d["query"])
    assert all("at_line" in r for r in d["results"]) and isinstance(d["brief"], list)


def test_a_missing_zhuanke_line_is_said(engine: Engine) -> None:
    a = engine.answer("江苏 物理 位次100")  # the tiny 江苏 has a 2026 本科 line and no 专科 line
    line = next(x for x in texts(a.placement) if x.startswith("对照"))
    assert "本科批线456分" in line and "2026年专科批线暂缺" in line
