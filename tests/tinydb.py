"""A tiny real admissions database written by hand, for tests of the bot.

Henan 理科 2023–2024 and 物理类 2025, a handful of schools; numbers are made up but shaped
like the real tables (cohort ~ 1,000 students, monotonic 一分一段). 江苏 物理类 has a full 2024 table
(700–200, 1,001 students) and a 2026 table that stops at its 本科 line 456 (489 students, truncated).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.units import build_group_units

SCHEMA = Path(__file__).resolve().parents[1] / "etl" / "schema.sql"

SCHOOLS = [
    # id, name, province, city, level, nature, authority, category, 985, 211, dfc, ranking
    (1, "北京大学", "北京", "北京", "本科", "公办", "教育部", "综合", True, True, True, 2),
    (2, "郑州大学", "河南", "郑州", "本科", "公办", "河南省", "综合", False, True, True, 40),
    (3, "河南大学", "河南", "开封", "本科", "公办", "河南省", "综合", False, False, True, 90),
    (4, "河南科技学院", "河南", "新乡", "本科", "公办", "河南省", "理工", False, False, False, 400),
    (5, "郑州铁路职业技术学院", "河南", "郑州", "专科", "公办", "河南省", "理工", False, False, False, None),
    (6, "四川大学", "四川", "成都", "本科", "公办", "教育部", "综合", True, True, True, 10),
    (7, "重庆大学", "重庆", "重庆", "本科", "公办", "教育部", "理工", True, True, True, 30),
    (8, "深圳职业技术大学", "广东", "深圳", "职业本科", "公办", "广东省", "理工", False, False, False, None),
]
ALIASES = [
    ("郑大", 2, "short"), ("川大", 6, "short"), ("重大", 7, "short"), ("北大", 1, "short"),
    ("深圳职业技术学院", 8, "former"), ("北京大学医学部", 1, "spelling"),
]


def _table(top: int, size: int) -> list[tuple[int, int]]:
    """A smooth monotonic 一分一段 table from 700 down to 300."""
    rows = []
    for score in range(700, 299, -1):
        frac = ((700 - score) / 400) ** 2
        rows.append((score, max(1, round(frac * size)) + (700 - score) // 50))
    return rows


CUTOFFS = [
    # school, year, track, batch, level, score, rank
    (1, 2023, "理科", "本科一批", "本科", 690, 30), (1, 2024, "理科", "本科一批", "本科", 688, 35),
    (1, 2025, "物理类", "本科批", "本科", 689, 33),
    (2, 2023, "理科", "本科一批", "本科", 600, 180), (2, 2024, "理科", "本科一批", "本科", 598, 190),
    (2, 2025, "物理类", "本科批", "本科", 601, 185),
    (3, 2023, "理科", "本科一批", "本科", 560, 320), (3, 2024, "理科", "本科一批", "本科", 555, 330),
    (3, 2025, "物理类", "本科批", "本科", 558, 325),
    (4, 2023, "理科", "本科二批", "本科", 470, 640), (4, 2024, "理科", "本科二批", "本科", 465, 660),
    (4, 2025, "物理类", "本科批", "本科", 468, 650),
    (5, 2024, "理科", "专科批", "专科", 350, 930), (5, 2025, "物理类", "专科批", "专科", 345, 940),
    (6, 2024, "理科", "本科一批", "本科", 650, 80), (7, 2024, "理科", "本科一批", "本科", 630, 110),
]
MAJORS = [
    (2, 2024, "理科", "本科一批", "土木工程", 605, 170), (2, 2024, "理科", "本科一批", "临床医学", 640, 95),
]
# 河南 物理类 2025 (院校专业组 from 2025): group rows and their majors. 郑州大学's easiest group is its school cutoff.
GROUPS = [
    # school, group (the ETL's normal form of `grp`, gaokao/groups.py), rank, score, majors (name, rank)
    (2, "第101组", 120, 630, (("口腔医学", 100), ("生物科学", 120))),
    (2, "第102组", 185, 601, (("建筑学", 170), ("汉语言文学(师范)", 185))),
    (3, "第201组", 325, 558, (("软件工程", 300), ("学前教育(师范)", 325))),
]
STRENGTHS = [(2, "土木工程", "软科专业排名", 30, "A", 2026), (2, "材料科学与工程", "学科评估", None, "B+", 2017)]


def make_tiny_db(path: Path) -> Path:
    """Write the tiny database to `path` and return it."""
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    for s in SCHOOLS:
        con.execute("INSERT INTO schools VALUES (?,?,NULL,?,?,?,?,?,?,?,?,?,?,'软科2025',NULL,NULL,[])", list(s))
        con.execute("INSERT INTO school_aliases VALUES (?,?, 'official', 'tiny')", [s[1], s[0]])
    for a, sid, kind in ALIASES:
        con.execute("INSERT INTO school_aliases VALUES (?,?,?, 'tiny')", [a, sid, kind])
    for year, track in ((2023, "理科"), (2024, "理科"), (2025, "物理类"), (2023, "文科"), (2024, "文科"), (2025, "历史类")):
        rows = _table(700, 1000)
        con.executemany("INSERT INTO score_ranks VALUES ('河南', ?, ?, ?, ?, NULL, 'tiny')",
                        [(year, track, s, r) for s, r in rows])
        con.execute("INSERT INTO cohorts VALUES ('河南', ?, ?, ?, 300, 700, 'tiny', FALSE)", [year, track, rows[-1][1]])
    # 江苏 物理类: a full 2024 table down to 200, and a 2026 table that stops at its 本科 line (truncated).
    for year, low, truncated in ((2024, 200, False), (2026, 456, True)):
        rows = [(score, 2 * (700 - score) + 1) for score in range(700, low - 1, -1)]
        con.executemany("INSERT INTO score_ranks VALUES ('江苏', ?, '物理类', ?, ?, NULL, 'tiny')",
                        [(year, sc, r) for sc, r in rows])
        con.execute("INSERT INTO cohorts VALUES ('江苏', ?, '物理类', ?, ?, 700, 'tiny', ?)",
                    [year, rows[-1][1], low, truncated])
    con.execute("INSERT INTO control_lines VALUES ('江苏', 2026, '物理类', '本科批', '本科批', 456, 'tiny')")
    for year, track, lines in ((2024, "理科", (("本科一批", 511), ("本科二批", 396), ("专科批", 185))),
                               (2025, "物理类", (("本科批", 427), ("专科批", 185)))):
        for batch, score in lines:
            con.execute("INSERT INTO control_lines VALUES ('河南', ?, ?, ?, ?, ?, 'tiny')", [year, track, batch, batch, score])
    for sid, year, track, batch, level, score, rank in CUTOFFS:
        con.execute("""INSERT INTO school_cutoffs VALUES ('河南', ?, ?, ?, ?, ?, NULL, ?, ?, 'published', 'school',
                       TRUE, 1, 'tiny')""", [year, track, batch, level, sid, score, rank])
        con.execute("""INSERT INTO admissions VALUES ('河南', ?, ?, ?, ?, ?, 'first', ?, 'x', NULL, NULL, NULL, 'school',
                       'ordinary', NULL,
                       ?, ?, 'published', NULL, 'official', NULL, 'tiny')""", [year, track, batch, level, batch, sid, score, rank])
    for sid, year, track, batch, major, score, rank in MAJORS:
        con.execute("""INSERT INTO admissions VALUES ('河南', ?, ?, ?, '本科', ?, 'first', ?, 'x', NULL, NULL, ?, 'major',
                       'ordinary', NULL,
                       ?, ?, 'published', NULL, 'official', NULL, 'tiny')""", [year, track, batch, batch, sid, major, score, rank])
    for sid, grp, rank, score, majors in GROUPS:
        con.execute("""INSERT INTO admissions VALUES ('河南', 2025, '物理类', '本科批', '本科', '本科批', 'first', ?, 'x', NULL,
                       ?, NULL, 'group', 'ordinary', NULL, ?, ?, 'published', NULL, 'official', NULL, 'tiny')""",
                    [sid, grp, score, rank])
        for major, mrank in majors:
            con.execute("""INSERT INTO admissions VALUES ('河南', 2025, '物理类', '本科批', '本科', '本科批', 'first', ?, 'x',
                           NULL, ?, ?, 'major', 'ordinary', NULL, NULL, ?, 'published', NULL, 'official', NULL, 'tiny')""",
                        [sid, grp, major, mrank])
    for sid, major, kind, rank, grade, year in STRENGTHS:
        con.execute("INSERT INTO major_strength VALUES (?,?,?,?,?,?,NULL,'tiny')", [sid, major, kind, rank, grade, year])
    con.execute("INSERT INTO build_info VALUES ('built_at', '2026-01-01T00:00:00+00:00'), ('schema_version', '1')")
    build_group_units(con)  # as the ETL derives them from the rows above
    con.close()
    return path


# 郑州大学's 中外合作办学 group in 河南 物理类 2025 (admitted apart from its ordinary groups, easier than them):
# school, group, rank, score, majors (name, rank)
SINO_GROUPS = [(2, "第103组", 260, 540, (("计算机科学与技术(中外合作办学)", 250),
                                                  ("电子信息工程(中外合作办学)", 260)))]


def add_sino_rows(path: Path) -> Path:
    """Add first-round sino-foreign group rows (SINO_GROUPS) to a tiny database, and rows the units leave out: a
    sino group of a later round, one of a 提前 batch, and one of a year after every school cutoff. Rebuilds
    `group_units`."""
    con = duckdb.connect(str(path))
    row = """INSERT INTO admissions VALUES ('河南', ?, '物理类', ?, '本科', ?, ?, ?, 'x', NULL, ?, ?, ?, 'sino_foreign',
             '中外合作办学', ?, ?, 'published', NULL, 'official', NULL, 'tiny')"""
    for sid, grp, rank, score, majors in SINO_GROUPS:
        con.execute(row, [2025, "本科批", "本科批", "first", sid, grp, None, "group", score, rank])
        for major, mrank in majors:
            con.execute(row, [2025, "本科批", "本科批", "first", sid, grp, major, "major", None, mrank])
    con.execute(row, [2025, "本科批", "本科批", "solicit", 3, "第209组", None, "group", 400, 800])
    con.execute(row, [2025, "本科提前批", "本科提前批", "first", 3, "第208组", None, "group", 500, 500])
    con.execute(row, [2027, "本科批", "本科批", "first", 3, "第207组", None, "group", 500, 500])
    build_group_units(con)
    con.close()
    return path
