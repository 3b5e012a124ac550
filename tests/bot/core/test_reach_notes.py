"""The rank (score) answer and the help answer speak only in note codes (issue #11 §8): every note, brief phrase,
placement line and problem is a Note whose code has a text; and a weak or thin 保 comes with a factual next step."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.core import facts
from bot.core.advise import WEAK_UNREACHED, WEAK_UNSAFE, Pick, Recommendation, YearPoint
from bot.core.answer import Engine
from bot.core.answers import HelpAnswer, ReachAnswer
from bot.core.notes import Note, note
from bot.core.render import notes_reach, render
from bot.core.render.notes import SHORT, TEXT, brief_text, note_text

# varied messages: ranks and scores (in and beyond the tables, truncated 江苏 2026), both stated, filters, a major
# interest (matched and not), other years, track words mapped or unknown, bad numbers, no province, no data
MESSAGES = [
    "河南 物理类 位次300", "河南 物理类 位次5000", "河南 物理类 位次800", "河南 理科 600分", "河南 物理类 427分",
    "河南 历史类 550分", "河南 文科 位次200", "河南 物理类 位次99999999", "河南 物理类 100分", "河南 物理类 800分",
    "河南 物理类 600分 位次200", "河南 物理类 600分 位次5", "河南 位次300", "河南 物理类 位次300 只看省内 公办",
    "河南 物理类 位次300 只看985", "河南 物理类 位次300 只看江浙沪", "河南 物理类 位次300 不要专科",
    "河南 物理类 位次300 想学软件工程", "河南 物理类 位次300 想学考古", "河南 理科 2024年 位次300",
    "河南 理科 2019年 位次300", "河南 2023 文科 500分", "江苏 物理 位次400", "江苏 物理 位次1500", "江苏 物理 300分",
    "江苏 物理 460分", "北京 理科 500分", "理科 500分", "香港 位次5000", "河南 理科 -5000", "河南 理科 1e308",
    "河南 理科", "河南 体育类 500分", "你好",
]


FULL_IN_BRIEF = {"reach.track-default", "reach.track-mapped", "reach.table-year", "reach.score-below", "reach.score-above",
                 "reach.score-and-rank", "reach.score-disagrees", "reach.rank-beyond-table"}


def _items(a: Any) -> list[Any]:
    return [*a.notes, *getattr(a, "brief", []), *getattr(a, "placement", []), *([a.problem] if a.problem else [])]


@pytest.fixture(scope="module")
def answers(engine: Engine) -> list[Any]:
    return [engine.answer(m) for m in MESSAGES]


def test_rank_and_help_answers_hold_only_note_codes_with_a_text(answers: list[Any]) -> None:
    seen: set[str] = set()
    for a in answers:
        assert isinstance(a, ReachAnswer | HelpAnswer), a.query["text"]
        for n in _items(a):
            assert isinstance(n, Note), (a.query["text"], n)
            assert n.code in TEXT, n.code
            text = note_text(n)
            assert text and not re.search(r"[{}]|None", text), (n, text)
            seen.add(n.code)
        for b in getattr(a, "brief", []):  # what the user wrote is said in full, the rest as short phrases
            if b.code.startswith("parse.") or b.code in FULL_IN_BRIEF:
                assert brief_text(b) == note_text(b)
            else:
                assert brief_text(b) and not brief_text(b).endswith("。"), b
        d = a.to_dict()
        assert all(isinstance(x, str) for k in ("notes", "brief", "placement") for x in d[k])
        assert d["note_codes"]["notes"] == [n.to_dict() for n in a.notes]
        assert render(a) and render(a, detail=True)
    # the messages reach the problems, conversions, placements, filters and coverage notes, not one path only
    wanted = {"help.bad-number", "help.no-rank-or-score", "reach.hmt", "reach.no-province", "reach.no-data",
              "reach.place-score", "reach.place-rank", "reach.place-beyond", "reach.lines", "reach.score-rank",
              "reach.score-below", "reach.score-above", "reach.filter", "reach.major-filter", "reach.track-mapped",
              "reach.track-default", "reach.years", "reach.rank-beyond-table"}
    assert wanted <= seen, wanted - seen
    assert len(seen) >= 25, sorted(seen)


# notes the tiny database's messages do not reach, with facts as the engine gives them
SAMPLES = [
    note("reach.no-rank"), note("reach.no-table", province="河南", track="物理类"),
    note("reach.no-track", province="河南", track="体育类"), note("reach.score-and-rank", score=600.0, rank=5000),
    note("reach.track-default-compare", track="物理类"),
    note("reach.place-full", province="江苏", track="物理类", rank=900, year=2026, full_year=2024, full_size=1001,
         full_score=250),
    note("reach.at-line", count=2, tolerance=5.0), note("reach.level-stale", province="河南", track="物理类",
                                                        level="专科", last=2023, latest=2025),
    note("reach.safe-fallback", levels=["专科"]), note("reach.derived", share=0.31), note("reach.unverified"),
    note("reach.safe-unreached", filters=["public"], province="河南", fallback=["专科"]),
    note("reach.safe-unsafe", filters=[], province="河南", fallback=[]),
    note("reach.safe-missing-data", filters=["home"], province="河南"),
    note("reach.safe-none", filters=[], province="河南"),
]


def test_the_catalogue_says_every_rank_code_and_only_its_own(answers: list[Any]) -> None:
    assert all(c.startswith(("reach.", "help.")) for c in notes_reach.TEXT)
    assert set(notes_reach.SHORT) <= set(notes_reach.TEXT) and set(SHORT) >= set(notes_reach.SHORT)
    said = {n.code for a in answers for n in _items(a)} | {n.code for n in SAMPLES}
    assert set(notes_reach.TEXT) <= said, set(notes_reach.TEXT) - said  # every code is said by a test here
    for n in SAMPLES:
        assert note_text(n).endswith("。") and not re.search(r"[{}]|None", note_text(n)), n
        assert brief_text(n) and not re.search(r"[{}]|None", brief_text(n)), n
    assert note_text(SAMPLES[-4]) == ("在公办院校中，往年没有哪所学校的最低录取位次低到您的位次；“保”里列的是往年位次最接近的一所"
                                      "（专科院校），并不稳妥。去掉筛选条件可以看到更稳妥的学校。")


def test_a_stated_score_is_not_repeated_in_the_short_answer(engine: Engine) -> None:
    a = engine.answer("河南 物理类 600分")
    assert any(n.code == "reach.score-rank" for n in a.notes if isinstance(n, Note))
    assert not any(isinstance(n, Note) and n.code == "reach.score-rank" for n in a.brief)
    assert note_text(a.placement[0]).startswith("河南物理类 600分，约合2025年位次")


def _rec(safe: int, *, weak: str = "", levels: tuple[str, ...] = ("本科",), fallback: tuple[str, ...] = (),
         nothing: bool = False) -> Recommendation:
    pt = YearPoint(2024, "物理类", "本科批", 500.0, 9000, "published", 9000, True)
    picks = [Pick(i, None, "本科", "保", 9000, 0.2, -3.0, (pt,)) for i in range(safe)]
    tiers: dict[str, list[Pick]] = {"冲": [] if nothing else [Pick(99, None, "本科", "冲", 500, 0.5, 1.0, (pt,))],
                                    "稳": [], "保": [] if nothing else picks}
    return Recommendation(user_rank=1000, target_year=2025, tiers=tiers,
                          totals={t: len(v) for t, v in tiers.items()}, years_used=(2024,), derived_share=0.0,
                          tracks_used=("物理类",), levels=levels, safe_fallback=fallback, scaled=False, weak_safe=weak)


HAVE = {"本科": {2024}, "专科": {2024}}
CLEARS = {"本科": 41.0, "专科": 300.0}


def test_a_thin_safe_tier_says_to_add_zhuanke_when_the_user_clears_its_line() -> None:
    n = facts.next_step(_rec(1), HAVE, (), CLEARS)
    assert n is not None and n["zhuanke_margin"] == 300.0 and n["count"] == 1
    assert note_text(n) == "本科院校里按现有数据只有1所可作“保”：您的分数高于专科批线300分，可以再填几所专科院校兜底。"
    assert brief_text(n) == "本科“保”只有1所，可加填专科院校兜底"
    private = facts.next_step(_rec(1), HAVE, (), CLEARS, private=1)
    assert private is not None and brief_text(private) == "本科“保”只有1所（民办），可加填专科院校兜底"
    weak = facts.next_step(_rec(1, weak=WEAK_UNREACHED), HAVE, (), CLEARS)
    assert weak is not None and "没有稳妥的“保”" in note_text(weak) and "专科批线300分" in brief_text(weak)


def test_no_next_step_the_facts_do_not_support() -> None:
    assert facts.next_step(_rec(2), HAVE, (), CLEARS) is None  # enough 保
    assert facts.next_step(_rec(1), HAVE, (), {"本科": 41.0, "专科": -3.0}) is None  # below the 专科 line
    assert facts.next_step(_rec(1), HAVE, (), {"本科": 41.0}) is None  # no 专科 line known
    assert facts.next_step(_rec(1), {"本科": {2024}}, (), CLEARS) is None  # no 专科 data
    assert facts.next_step(_rec(1, levels=("本科", "专科")), HAVE, (), CLEARS) is None  # 专科 is in the list
    assert facts.next_step(_rec(1, weak=WEAK_UNSAFE, fallback=("专科",)), HAVE, (), CLEARS) is None  # 保 is 专科
    assert facts.next_step(_rec(0, nothing=True), HAVE, (), CLEARS) is None  # nothing found at all


def test_with_filters_the_next_step_is_to_drop_them() -> None:
    n = facts.next_step(_rec(1), HAVE, ("public",), CLEARS)
    assert n is not None and n["zhuanke_margin"] is None
    assert note_text(n) == "在公办院校中，按现有数据只有1所可作“保”：去掉筛选条件可以看到更多保底学校。"
    # a weak or missing 保's own note already says to drop the filters
    assert facts.next_step(_rec(1, weak=WEAK_UNSAFE), HAVE, ("public",), CLEARS) is None
    assert facts.next_step(_rec(0), HAVE, ("public",), CLEARS) is None


def test_the_next_step_is_in_the_notes_and_the_brief(engine: Engine) -> None:
    rec = _rec(1)
    notes, brief = facts.reach_notes(engine.store, "河南", "物理类", rec, HAVE, margins=CLEARS)
    codes = [n.code for n in notes]
    assert "reach.next-step" in codes and "reach.next-step" in [b.code for b in brief]
    notes, _ = facts.reach_notes(engine.store, "河南", "物理类", _rec(3), HAVE, margins=CLEARS)
    assert "reach.next-step" not in [n.code for n in notes]
