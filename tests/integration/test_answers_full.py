"""The answer engine on the full database: the acceptance messages and tier sanity."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from bot.core.render import LIMIT, render
from bot.core.render.notes import maybe_text, texts

pytestmark = pytest.mark.integration

QUERIES = Path(__file__).resolve().parents[2].parent / "shared" / "acceptance" / "queries.tsv"


def acceptance_lines() -> list[list[str]]:
    if not QUERIES.is_file():
        return []
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        out.append((line.split("\t") + [""] * 9)[:9])
    return out


@pytest.mark.skipif(not QUERIES.is_file(), reason=f"acceptance file not found at {QUERIES}")
@pytest.mark.parametrize("row", acceptance_lines(), ids=lambda r: r[0][:20] or "<empty>")
def test_acceptance_line_on_full_data(full_engine: Any, row: list[str]) -> None:
    text, intent, province, track, rank, score, school_a, school_b, major = row
    a = full_engine.answer(text)
    assert a.intent == intent
    q = a.query
    if province:
        assert q["province"] == province
    if track:
        assert q["track"] == track
    if rank:
        assert q["rank"] == int(rank)
    if score:
        assert q["score"] == float(score)
    if school_a:
        assert q["school_a"] == school_a, maybe_text(a.problem)
    if school_b:
        assert q["school_b"] == school_b, maybe_text(a.problem)
    if major:
        assert q["major"] == major
    parts = render(a)
    assert all(0 < len(p) <= LIMIT for p in parts)
    if intent in ("rank", "score"):
        assert a.results, "a reach answer lists schools"
        assert all(r["year"] and r["cutoff_rank"] for r in a.results)


@pytest.mark.parametrize(("province", "track"), [("河南", "理科"), ("广东", "物理类"), ("山东", "综合"), ("四川", "文科"),
                                                  ("湖南", "历史类"), ("江苏", "物理类")])
def test_tiers_are_sane_across_the_cohort(full_engine: Any, province: str, track: str) -> None:
    store = full_engine.store
    first = full_engine.answer(f"{province} {track} 位次1").query  # the table the answers use (a rank beyond it
    table = store.table(province, first["track_used"], first["table_year"])  # is refused)
    assert table is not None, f"no 一分一段 table for {province} {track}"
    size = table.size
    for rank in sorted({1, 50, *(int(10 ** x) for x in _frange(2, math.log10(size), 6)), size}):
        a = full_engine.answer(f"{province} {track} 位次{rank}")
        assert a.intent == "rank" and maybe_text(a.problem) is None
        for r in a.results:
            if r["tier"] == "保" and a.query["weak_safe"] == "unreached":
                # no cutoff ever reached the rank: the closest school, flagged, and never a far one
                assert rank > r["cutoff_rank"] >= 0.7 * rank, r
                assert any("往年没有哪所学校的最低录取位次低到您的位次" in n for n in texts(a.notes))
            elif r["tier"] == "保":
                assert r["expected_rank"] >= rank
                assert r["cutoff_rank"] >= rank, r  # the cited cutoff is not better than the user
        text = "\n".join(render(a))
        assert len(text) > 50
    top = full_engine.answer(f"{province} {track} 位次50")
    assert any(r["tier"] == "保" for r in top.results), "rank 50 has safe choices"
    bottom = full_engine.answer(f"{province} {track} 位次{int(size * 0.9)}")
    assert bottom.results or any("暂缺" in n for n in texts(bottom.notes)), "the bottom of the cohort gets 专科 options or a gap note"


def _frange(a: float, b: float, n: int) -> list[float]:
    return [a + (b - a) * i / (n - 1) for i in range(n)]
