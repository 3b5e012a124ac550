"""Group-grain checks on the database built from the full sources: what the school-grain back-test cannot see.

A group (major) listed in 稳 or 保 must not have turned the user's rank down in its own latest year (its cutoff rank
smaller than the user's), unless it is there because it filled at the batch line; no tier rests on a cutoff more
than Params.stale_years before the table's year; group labels read whole from the ETL's normal form.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.advise import Params

pytestmark = pytest.mark.integration

# Provinces that apply by group (or major), over the ranks students ask about.
QUESTIONS = [f"{prov} {track}位次{rank}" for prov, track in (("海南", ""), ("广东", "物理 "), ("江苏", "物理 "),
                                                              ("福建", "物理 "), ("湖南", "历史 "), ("安徽", "物理 "),
                                                              ("北京", ""), ("山东", ""), ("河南", "物理 "))
             for rank in (800, 5351, 12_000, 30_000, 80_000)]


@pytest.fixture(scope="module")
def answers(full_engine: Any) -> list[Any]:
    return [full_engine.answer(q) for q in QUESTIONS]


def test_no_group_in_match_or_safe_turned_the_rank_down_last_time(answers: list[Any]) -> None:
    placed = bad = 0
    for a in answers:
        rank = a.query["rank"]
        for r in a.results:
            if r["tier"] not in ("稳", "保") or r["at_line"]:
                continue
            if r["tier"] == "保" and a.query["weak_safe"]:
                continue  # the flagged 保底 (并不稳妥): the best there is, said so
            own = r["unit_rank"] if r.get("unit_kind") in ("group", "major") else r["cutoff_rank"]
            placed += 1
            bad += own is not None and own < rank
    assert placed >= 100, placed  # the check saw groups
    assert bad == 0, bad


def test_hainan_650_lists_no_group_above_the_user_in_match(full_engine: Any) -> None:
    a = full_engine.answer("海南 650分")
    rank = a.query["rank"]
    steady = [r for r in a.results if r["tier"] in ("稳", "保") and not r["at_line"]]
    assert steady and all((r["unit_rank"] or r["cutoff_rank"]) >= rank for r in steady), steady


def test_no_tier_rests_on_stale_years(answers: list[Any], full_engine: Any) -> None:
    stale = Params().stale_years
    checked = 0
    for a in [*answers, full_engine.answer("安徽 物理 位次3万")]:
        if a.problem is not None:
            continue  # a rank past the cohort's last: nothing placed
        table_year = a.query["table_year"]
        checked += len(a.results)
        for r in a.results:
            assert r["year"] >= table_year - stale, (a.query["text"], r["school"], r["year"])
    assert checked >= 300, checked


def test_group_labels_read_whole(answers: list[Any]) -> None:
    names = {r["group"]["name"] for a in answers for r in a.results if r.get("group")}
    assert names
    for name in names:
        assert not name.startswith(("组", "(", "（", "第")), name
        assert name.count("(") == name.count(")") and name.count("（") == name.count("）"), name
