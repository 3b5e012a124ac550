"""Issue 11 §2 "中外合作可以" on the database built from the full sources: sino-foreign groups join the list, labelled,
at cutoffs that `group_units` holds for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core import dbfile
from bot.core.render import render
from bot.core.render.notes import texts

pytestmark = pytest.mark.integration


def test_guangdong_lists_labelled_sino_groups_at_their_own_cutoffs(full_engine: Any, full_db: Path) -> None:
    a = full_engine.answer("广东 物理 位次3万 中外合作可以")
    assert a.query["filters"] == ["sino"]
    sino = [r for r in a.results if r["programme"]["code"] == "sino_foreign"]
    assert sino, a.results
    con = dbfile.connect(full_db)  # the engine's configuration: other tests hold it open
    try:
        for r in sino:
            assert r["programme"]["name"] == "中外合作办学" and r["unit_kind"] == "group" and r["group"]["code"]
            (n,) = con.execute(
                """SELECT count(*) FROM group_units WHERE province = '广东' AND programme = 'sino_foreign'
                   AND school_id = ? AND code = ? AND min_rank = ? AND year = ?""",
                [r["school_id"], r["group"]["code"], r["unit_rank"], r["unit_year"]]).fetchone()
            assert n == 1, r
            ordinary = con.execute(
                """SELECT count(*) FROM group_units WHERE province = '广东' AND programme = 'ordinary'
                   AND school_id = ? AND code = ? AND year = ?""",
                [r["school_id"], r["group"]["code"], r["unit_year"]]).fetchone()
            assert ordinary == (0,), r  # a group code of the sino programme, not one of the school's ordinary groups
    finally:
        con.close()
    assert all(r["verified"] and not r["at_line"] for r in sino if r["tier"] == "保")
    text = "\n".join(render(a))
    for r in sino:
        assert f"{r['school']}（" in text and f"【中外合作】{r['group']['name']}" in text, r
    assert "学费通常较高，数据里没有学费" in text
    plain = full_engine.answer("广东 物理 位次3万")
    assert all(r["programme"]["code"] == "ordinary" for r in plain.results)
    assert "【中外合作】" not in "\n".join(render(plain))


def test_most_provinces_have_sino_groups(full_engine: Any, full_db: Path) -> None:
    con = dbfile.connect(full_db)  # the engine's configuration: other tests hold it open
    try:
        with_rows = {p for (p,) in con.execute("""SELECT DISTINCT province FROM admissions
                                                  WHERE programme = 'sino_foreign' AND round = 'first'""").fetchall()}
        with_units = {p for (p,) in con.execute(
            "SELECT DISTINCT province FROM group_units WHERE programme = 'sino_foreign'").fetchall()}
    finally:
        con.close()
    assert len(with_units) >= 25 and with_units <= with_rows
    a = full_engine.answer("山东 位次5万 中外合作可以")
    assert any(r["programme"]["code"] == "sino_foreign" for r in a.results)
    assert not any("暂无中外合作办学" in n for n in texts(a.notes))
