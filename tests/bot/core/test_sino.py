"""Sino-foreign programmes (中外合作办学) in the 冲/稳/保 list: "中外合作可以" adds their groups, labelled, at their
own cutoffs; without it the list is as it was."""

from __future__ import annotations

import math

import pytest

from bot.core.advise import Estimate, _easiest_of
from bot.core.answer import Engine
from bot.core.names import NameIndex
from bot.core.parse import parse
from bot.core.render import render
from bot.core.render.notes import texts
from bot.core.store import Cutoff, Unit
from tests.bot.core.test_names import build_index
from tests.tinydb import SINO_GROUPS, add_sino_rows, make_tiny_db

ASK = "河南 物理类 位次260"


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return build_index()


@pytest.fixture(scope="module")
def sino_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine.open(add_sino_rows(make_tiny_db(tmp_path_factory.mktemp("sino") / "tiny.duckdb")))


@pytest.mark.parametrize("words", ["中外合作可以", "中外合作也行", "接受中外合作", "可以中外合作", "含中外合作",
                                   "合作办学也可以", "中外合作的也行"])
def test_accepting_words_ask_for_sino_groups(names: NameIndex, words: str) -> None:
    q = parse(f"广东 物理 位次3万 {words}", names)
    assert (q.intent, q.rank, q.filters) == ("rank", 30_000, ("sino",))
    assert not any(n.startswith("filter-unsupported") for n in q.notes)


@pytest.mark.parametrize(("words", "said"), [("不要中外合作", True), ("不考虑合作办学", True), ("不接受中外合作", False)])
def test_refusing_words_keep_the_default(names: NameIndex, words: str, said: bool) -> None:
    q = parse(f"广东 物理 位次3万 {words}", names)
    assert q.filters == () and ("filter-unsupported: 不要中外合作" in q.notes) == said


def test_only_sino_is_said_to_be_unsupported(names: NameIndex) -> None:
    q = parse("广东 物理 位次3万 只看中外合作", names)
    assert q.filters == () and "filter-unsupported: 只看中外合作" in q.notes
    assert parse("郑州大学 中外合作可以吗", names).filters == ()  # not a list question


def test_the_list_places_sino_groups_labelled_at_their_own_cutoff(sino_engine: Engine) -> None:
    a = sino_engine.answer(f"{ASK} 中外合作可以")
    assert a.query["filters"] == ["sino"]
    sino = [r for r in a.results if r["programme"]["code"] == "sino_foreign"]
    (sid, _, rank, _, _), = SINO_GROUPS
    assert [(r["school_id"], r["group"]["code"], r["unit_rank"]) for r in sino] == [(sid, "103", rank)]
    assert sino[0]["programme"] == {"code": "sino_foreign", "name": "中外合作办学"} and sino[0]["tier"] in ("冲", "稳")
    assert all(r["programme"]["code"] == "ordinary" for r in a.results if r not in sino)
    assert "只列院校。" not in texts(a.notes)  # not a filter of schools
    short, long = "\n".join(render(a)), "\n".join(render(a, detail=True))
    assert "• 郑州大学（郑州·公办本科·211/双一流）【中外合作】103组（计算机科学与技术、电子信息工程） 2025 位次260" in short
    assert "• 郑州大学 · 【中外合作】103组" in long
    assert all("学费通常较高，数据里没有学费" in text for text in (short, long))
    assert "(中外合作办学)" not in short  # the label says it once


def test_without_the_words_the_list_is_ordinary(sino_engine: Engine, engine: Engine) -> None:
    a = sino_engine.answer(ASK)
    assert a.results and all(r["programme"]["code"] == "ordinary" for r in a.results)
    assert a.to_dict()["results"] == engine.answer(ASK).to_dict()["results"]  # the same as without sino rows
    assert "【中外合作】" not in "\n".join(render(a))


def test_a_province_without_sino_groups_says_so(engine: Engine) -> None:
    a = engine.answer(f"{ASK} 中外合作可以")
    plain = engine.answer(ASK)
    assert a.query["filters"] == ["sino"] and [r["school"] for r in a.results] == [r["school"] for r in plain.results]
    assert "河南物理类暂无中外合作办学的分专业组（专业）录取数据，下面只列普通类。" in texts(a.notes)


def _estimate(rank: int, unit: Unit | None) -> Estimate:
    cut = Cutoff(2, None, 2025, "物理类", "本科批", "本科", 500.0, rank, "published", True)
    return Estimate(2, None, "本科", math.log(rank), 0.2, rank, (cut,), (1.0,), True, unit)


def test_a_school_at_the_line_vouches_only_for_its_easiest_ordinary_group() -> None:
    ordinary = _estimate(300, Unit("group", "101", "101组", (), 300, 500.0, "published", 2025))
    sino = _estimate(400, Unit("group", "103", "103组", (), 400, 480.0, "published", 2025, "sino_foreign"))
    assert _easiest_of([ordinary, sino], {(2, None, "本科")}) == {id(ordinary)}


def test_the_buttons_keep_the_sino_filter(names: NameIndex) -> None:
    from bot.telegram.keyboards import TierCb, pack_filters

    cb = TierCb(p="广东", k="物理类", r=30_000, t="稳", f=pack_filters(["home", "sino", "place:武汉"]))
    assert cb.f == "hs~武汉" and TierCb.unpack(cb.pack()) == cb
    said = parse("广东 物理类 位次30000 省内 中外合作可以 只看武汉", names, frozenset({"武汉市"})).filters
    assert said == ("home", "sino", "place:武汉") == cb.to_ask().filters  # the button carries what was asked


def test_sino_groups_that_teach_no_asked_major_are_said_to_be_left_out(sino_engine: Engine) -> None:
    a = sino_engine.answer(f"{ASK} 中外合作可以 想学师范")
    assert a.results and all(r["programme"]["code"] == "ordinary" for r in a.results)
    assert "河南物理类的中外合作办学专业组（专业）没有可排入的（年份与学校录取数据不符，或不含所问专业），下面只列普通类。" in texts(
        a.notes)
    b = sino_engine.answer(f"{ASK} 中外合作可以 想学计算机")
    assert [r["group"]["code"] for r in b.results if r["programme"]["code"] == "sino_foreign"] == ["103"]


def test_a_tier_page_shows_the_group_and_its_label_as_the_list_does(sino_engine: Engine) -> None:
    from bot.core.render.reach import tier_page

    a = sino_engine.answer(f"{ASK} 中外合作可以")
    (r,) = [r for r in a.results if r["programme"]["code"] == "sino_foreign"]
    rows = [x for x in a.results if x["tier"] == r["tier"]]
    page = tier_page(a, r["tier"], rows, 0, 1, 10).split("\n")
    assert page[0].startswith(f"河南物理类 位次{a.query['rank']:,} ·【{r['tier']}】共")
    i = rows.index(r) + 1
    assert page[2 * i].startswith(f"{i}. 郑州大学 · 【中外合作】103组（计算机科学与技术、电子信息工程） 2025 位次260")
    assert tier_page(a, "保", [], 0, 1, 10).endswith("（暂无）")
