"""The ETL's group_units (etl/units.py) are the units the bot would derive from the rows themselves."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bot.core.store import Store
from bot.core.units import build
from etl.units import UNIT_ROWS_SQL, UnitRow, build_group_units, derive
from gaokao.majors import clean_major
from gaokao.regions import equivalent_tracks
from tests.tinydb import SINO_GROUPS, add_sino_rows, make_tiny_db


def _add_rows(path: Path) -> None:
    """Rows of one school in 2025: 物理类 ones (its latest cutoff year), a 理科 one (after its 理科 cutoffs: left
    out), and a group row later than any cutoff (left out)."""
    con = duckdb.connect(str(path))
    for track, grp, major, rank in (("理科", "第301组", "数学类", 300), ("物理类", "第301组", "物理学", 310),
                                    ("物理类", "第302组", "化学", 320)):
        con.execute("""INSERT INTO admissions VALUES ('河南', 2025, ?, '本科批', '本科', '本科批', 'first', 3, 'x', NULL,
                       ?, ?, 'major', 'ordinary', NULL, NULL, ?, 'published', NULL, 'official', NULL, 'tiny')""",
                    [track, grp, major, rank])
    con.execute("""INSERT INTO admissions VALUES ('河南', 2027, '物理类', '本科批', '本科', '本科批', 'first', 3, 'x', NULL,
                   '第999组', NULL, 'group', 'ordinary', NULL, NULL, 1, 'published', NULL, 'official', NULL, 'tiny')""")
    build_group_units(con)
    con.close()


def test_group_units_are_what_the_rows_derive(tmp_path: Path) -> None:
    path = make_tiny_db(tmp_path / "tiny.duckdb")
    _add_rows(path)
    con = duckdb.connect(str(path), read_only=True)
    rows = [UnitRow(sid, campus, year, track, lb, level, grp, major and clean_major(major), rank, score, source, q)
            for _, track, sid, campus, year, lb, level, grp, major, rank, score, source, q, programme
            in con.execute(UNIT_ROWS_SQL).fetchall() if programme == "ordinary"]
    con.close()
    store = Store(path)
    try:
        for track in ("物理类", "理科", "历史类", "文科"):
            tracks = equivalent_tracks(track)
            for year in (2024, 2025, 2026):
                want = derive([r for r in rows if r.track in tracks and r.year <= year], "河南")
                got = build([b for t in tracks for b in store.unit_rows("河南", t) if b.year <= year], "河南")
                assert got == want, (track, year)
        merged = build([b for t in ("物理类", "理科") for b in store.unit_rows("河南", t)], "河南")[(3, None, "本科")]
        assert [(u.code, u.majors) for u in merged.units] == [("301", ("物理学",)), ("302", ("化学",)),
                                                              ("201", ("软件工程", "学前教育(师范)"))]
    finally:
        store.close()


def test_groups_are_read_from_the_normal_form_of_their_labels() -> None:
    def row(grp: str, major: str, rank: int) -> UnitRow:
        return UnitRow(1, None, 2025, "物理类", "本科", "major", grp, major, rank, None, "published", "official")

    rows = [row("第2组", "数学类", 900), row("第0A2组", "化学类", 1000), row("第30组 理工组", "电气类", 1100),
            row("第30组", "自动化类", 1200), row("物理+化学组(苏州医学院)", "临床医学", 500),
            row("物理+化学组(苏州医学院)(I)", "口腔医学", 450), row("护理学组", "护理学", 3000)]
    units = derive(rows, "江苏")[(1, None, "本科")].units
    assert [(u.code, u.name, u.majors) for u in units] == [
        (None, "物理+化学组(苏州医学院)(I)", ("口腔医学",)), (None, "物理+化学组(苏州医学院)", ("临床医学",)),
        ("2", "2组", ("数学类",)), ("0A2", "0A2组", ("化学类",)), ("30", "30组", ("电气类", "自动化类")),
        (None, "护理学组", ("护理学",)),
    ]


def test_sino_foreign_units_are_apart_and_leave_the_ordinary_ones_as_they_were(tmp_path: Path) -> None:
    plain = make_tiny_db(tmp_path / "plain.duckdb")
    sino = add_sino_rows(make_tiny_db(tmp_path / "sino.duckdb"))
    with duckdb.connect(str(plain), read_only=True) as con:
        want = con.execute("SELECT * EXCLUDE programme FROM group_units ORDER BY rowid").fetchall()
        assert con.execute("SELECT DISTINCT programme FROM group_units").fetchall() == [("ordinary",)]
    with duckdb.connect(str(sino), read_only=True) as con:
        got = con.execute("SELECT * EXCLUDE programme FROM group_units WHERE programme = 'ordinary' "
                          "ORDER BY rowid").fetchall()
        apart = con.execute("SELECT province, track, school_id, batch_level, school_kind, kind, code, majors, "
                            "min_rank, min_score, year FROM group_units WHERE programme = 'sino_foreign'").fetchall()
        (last_ordinary,) = con.execute("SELECT max(rowid) FROM group_units WHERE programme = 'ordinary'").fetchone()
        (first_sino,) = con.execute("SELECT min(rowid) FROM group_units WHERE programme = 'sino_foreign'").fetchone()
    assert got == want and want  # the same ordinary rows, in the same order (the sino ones after them)
    # the first-round group of the school's cutoff year, at its own cutoff; not the later round, the 提前 batch
    # nor the year after every cutoff
    (sid, _, rank, score, majors), = SINO_GROUPS
    assert apart == [("河南", "物理类", sid, "本科", "group", "group", "103", [m for m, _ in majors], rank, score, 2025)]
    assert first_sino > last_ordinary
    store = Store(sino)
    try:
        assert all(u.programme == "ordinary" for b in store.unit_rows("河南", "物理类") for u in b.units.units)
        (block,) = store.unit_rows("河南", "物理类", programme="sino_foreign")
        assert (block.school_id, block.year) == (sid, 2025)
        assert [(u.code, u.min_rank, u.programme) for u in block.units.units] == [("103", rank, "sino_foreign")]
    finally:
        store.close()
