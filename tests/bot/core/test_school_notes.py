"""The school, major, comparison and batch-line answers say everything besides their facts as note codes: no
sentence is written outside bot.core.render (issue #11 §8), and every code has a text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.core.answer import Engine
from bot.core.answers import Answer, CompareAnswer, LinesAnswer, MajorAnswer, SchoolAnswer
from bot.core.names import Candidate, Mention
from bot.core.notes import Note
from bot.core.parse import Query
from bot.core.render import render
from bot.core.render.notes import maybe_text, note_text, texts

MESSAGES = (
    # schools
    "郑州大学怎么样", "郑大怎么样", "北大 河南 分数线", "四川大学 河南 理科 分数线", "重庆大学 西藏 分数线",
    "深圳职业技术大学怎么样", "郑州铁路职业技术学院 河南 物理类", "我是河南理科 位次5000 能上郑州大学吗",
    "河南 物理类 600分 能上河南大学吗", "河南 物理类 位次 900 能上北京大学吗", "四川大学 四川 文科",
    "河南 物理类 位次 900 能上深圳职业技术大学吗",
    # majors
    "郑州大学的土木工程专业排名怎么样 附历年录取分数线", "郑州大学的考古学专业怎么样", "郑州大学 土木工层",
    "郑州大学 计算机 河南", "郑州大学 临床医学 四川", "河南大学 法学 河南 文科", "北京大学 火箭工程 河南 物理类",
    # comparisons
    "郑州大学和河南大学哪个好", "郑大和河大哪个好 河南 理科", "郑州铁路职业技术学院和深圳职业技术大学哪个好",
    "四川大学和重庆大学 四川", "郑州大学和河南大学 河南 物理类 位次3000", "北京大学和郑州大学 河南 历史类 550分",
    # batch lines
    "河南 2025 批次线", "河南 2019 批次线", "河南 批次线 理科", "河南 2025 批次线 综合", "江苏 批次线", "广东 本科线",
    "西藏 批次线",
)


def _mention(span: str, *ids_names: tuple[int, str]) -> Mention:
    return Mention(0, len(span), span, tuple(Candidate(i, n, span, 100.0, True) for i, n in ids_names))


def _typed(engine: Engine) -> Iterator[Answer]:
    """Answers the parser rarely builds: a name shared by two schools, with and without one in the user's province;
    a comparison of one school found; batch lines without a province."""
    shared = _mention("河科", (3, "河南大学"), (4, "河南科技学院"))
    split = _mention("两地大学", (2, "郑州大学"), (6, "四川大学"))
    one = _mention("郑大", (2, "郑州大学"))
    yield engine.ask(Query("school", "河科怎么样", schools=(shared,)))
    yield engine.ask(Query("school", "两地大学 河南", province="河南", schools=(split,)))
    yield engine.ask(Query("compare", "两地大学和郑大 河南", province="河南", schools=(split, one)))
    yield engine.ask(Query("compare", "郑大和火星大学", schools=(one,)))
    yield engine.ask(Query("major", "河科 计算机", schools=(shared,), major="计算机"))
    yield engine.ask(Query("lines", "批次线"))


def _items(a: Answer) -> Iterator[Any]:
    """Every note of an answer: its notes, its problem, and the notes its profiles and major carry."""
    yield from a.notes
    if a.problem is not None:
        yield a.problem
    dicts = [*getattr(a, "schools", []), getattr(a, "school", None), getattr(a, "major", None)]
    for d in dicts:
        if d:
            yield from d.get("notes", [])


def test_school_major_compare_and_lines_notes_are_codes_with_a_text(engine: Engine) -> None:
    answers = [engine.answer(m) for m in MESSAGES] + list(_typed(engine))
    kinds = {type(a) for a in answers}
    assert kinds == {SchoolAnswer, MajorAnswer, CompareAnswer, LinesAnswer}, kinds
    said: set[str] = set()
    for a in answers:
        for n in _items(a):
            assert isinstance(n, Note), (a.query["text"], n)
            assert n.code.split(".")[0] in {"parse", "school", "major", "compare", "lines", "reach"}, (
                a.query["text"], n)  # reach: where the user stands, and the track used, shared with the rank answer
            assert note_text(n), (a.query["text"], n)
            said.add(n.code)
        assert all(render(a)), a.query["text"]
        d = a.to_dict()  # the JSON: each note as text, and under note_codes as its code
        assert d["notes"] == texts(a.notes), a.query["text"]
        assert all(c is not None for c in d["note_codes"]["notes"]), a.query["text"]
        assert (d["note_codes"]["problem"] is None) == (a.problem is None), a.query["text"]
    # the answers above reach every sentence of these answers
    assert said >= {"school.read-as-local", "school.ambiguous", "school.not-found", "school.no-cutoffs",
                    "school.no-chance-data", "major.no-cutoffs", "major.not-in-province", "major.read-as",
                    "major.no-standing", "compare.unranked", "lines.no-province", "lines.no-data",
                    "lines.year-fallback", "lines.no-track", "lines.benke-batch"}, said


def test_notes_are_facts_and_render_writes_them(engine: Engine) -> None:
    a = engine.answer("郑州大学 土木工层")
    got = next(n for n in a.notes if isinstance(n, Note) and n.code == "major.read-as")
    assert got.kw == {"major": "土木工程", "asked": "土木工层"}
    assert "按“土木工程”查找（您写的是“土木工层”）。" in texts(a.notes)
    b = engine.answer("郑州铁路职业技术学院和深圳职业技术大学哪个好")
    unranked = [n.kw for n in b.notes if isinstance(n, Note) and n.code == "compare.unranked"]
    assert unranked == [{"school": "郑州铁路职业技术学院"}, {"school": "深圳职业技术大学"}]
    c = engine.answer("西藏 批次线")
    assert c.problem == Note("lines.no-data", (("province", "西藏"),))
    assert maybe_text(c.problem) == "暂无西藏的批次线数据。" and render(c) == ["暂无西藏的批次线数据。"]
    d = c.to_dict()  # the JSON says the problem as text and, under note_codes, as its code and facts
    assert d["problem"] == "暂无西藏的批次线数据。"
    assert d["note_codes"]["problem"] == {"code": "lines.no-data", "province": "西藏"}


def test_a_note_without_a_text_is_an_error(engine: Engine) -> None:
    a = engine.answer("郑州大学怎么样")
    with pytest.raises(KeyError):
        render(replace(a, notes=[Note("school.no-such-note")]))
