"""院校专业组 on the database built from the full sources (issue 11 §1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import dbfile

pytestmark = pytest.mark.integration


def test_hust_fujian_2025_groups_each_on_their_own(full_db: Path) -> None:
    con = dbfile.connect(full_db)  # the engine's configuration: other tests hold it open
    rows = con.execute("""
        SELECT a.grp, min(a.min_rank) FROM admissions a JOIN schools s USING (school_id)
        WHERE s.name = '华中科技大学' AND a.province = '福建' AND a.year = 2025 AND a.track = '物理类'
          AND a.programme = 'ordinary' AND a.round = 'first' AND a.level = 'group' AND a.grp IS NOT NULL
        GROUP BY a.grp ORDER BY 2
    """).fetchall()
    assert len(rows) >= 3
    assert {(g, r) for g, r in rows} >= {("理工组", 1271), ("医科组", 2159), ("分类投档-法医", 5610),
                                         ("分类投档-医科", 12436)}


def test_no_raw_group_text_in_grp(full_db: Path) -> None:
    con = dbfile.connect(full_db)
    bad = con.execute("""
        SELECT grp, count(*) FROM admissions
        WHERE grp LIKE '%|%' OR grp LIKE '%/%批%' OR grp LIKE '%大学%' OR grp LIKE '%平行志愿%' OR grp LIKE '%征集%'
           OR grp LIKE '%投档线%' OR grp LIKE '%专业代号%' OR grp LIKE '专业组%'
        GROUP BY 1 ORDER BY 2 DESC LIMIT 10
    """).fetchall()
    assert bad == []


def test_group_provinces_have_group_rows(full_db: Path) -> None:
    con = dbfile.connect(full_db)
    coded = dict(con.execute("""
        SELECT province, count(*) FROM admissions WHERE regexp_matches(grp, '^第[0-9A-Z]+组') GROUP BY 1
    """).fetchall())
    for prov in ("广东", "江苏", "湖北", "湖南", "福建", "上海", "北京", "天津", "海南"):
        assert coded.get(prov, 0) > 500, prov
