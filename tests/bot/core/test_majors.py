"""Major questions: typos, field words, school + major + province, province first, no source remarks."""

from __future__ import annotations

import duckdb
import pytest

from bot.core.answer import Engine
from bot.core.majors import clean_major, expand, group_code
from bot.core.names import NameIndex
from bot.core.parse import parse
from bot.core.render import render
from bot.core.render.notes import texts
from tests.bot.core.test_names import build_index
from tests.tinydb import make_tiny_db

# school, province, year, track, batch, group, major, score, rank
EXTRA = [
    (2, "河南", 2024, "理科", "本科一批", None, "软件工程（注：原专业代码为080902。授予工学学士", 610, 150),
    (2, "广东", 2024, "物理类", "本科批", "204", "软件工程", 600, 20_000),
    (2, "广东", 2024, "物理类", "本科批", "205", "临床医学(5+3一体化)", 630, 9_000),
    (2, "河南", 2024, "理科", "本科一批", None, "计算机科学与技术", 615, 140),
    (2, "湖南", 2024, "物理类", "本科批", "郑州大学-湖南-物理类-本科普通类-软件工程", "软件工程", 605, None),
    (2, "甘肃", 2024, "物理类", "本科批", "郑州大学|普通类|物理类|不限", "软件工程", 590, 3_000),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = make_tiny_db(tmp_path_factory.mktemp("majors") / "tiny.duckdb")
    con = duckdb.connect(str(path))
    for sid, prov, year, track, batch, grp, major, score, rank in EXTRA:
        con.execute("""INSERT INTO admissions (province, year, track, batch, batch_level, batch_raw, round, school_id,
                       school_raw, grp, major, level, programme, min_score, min_rank, rank_source, quality, source_file)
                       VALUES (?, ?, ?, ?, '本科', ?, 'first', ?, 'x', ?, ?, 'major', 'ordinary', ?, ?, 'published',
                               'official', 'tiny')""",
                    [prov, year, track, batch, batch, sid, grp, major, score, rank])
    con.execute("INSERT INTO major_strength VALUES (2, '生物医药数据科学（注：原专业代码为101012T。授予理学学士', "
                "'软科专业排名', 3, 'A+', 2026, NULL, 'tiny')")
    con.close()
    return Engine.open(path)


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return build_index()


def test_clean_major_drops_source_remarks() -> None:
    assert clean_major("生物医药数据科学（注：原专业代码为101012T。授予理学学士") == "生物医药数据科学"
    assert clean_major("护理学(备注：入校后不得转专业)") == "护理学"
    assert clean_major("会计学(注册会计师)") == "会计学(注册会计师)"  # a real part of the name stays


def test_field_words_expand_from_the_table() -> None:
    assert {"计算机科学与技术", "计算机类", "软件工程"} <= set(expand("计算机"))
    assert "临床医学" in expand("学医") and expand("土木工程") == ()


@pytest.mark.parametrize(
    ("text", "major", "province"),
    [
        ("郑州大学临床医学 河南 多少位次能上", "临床医学", "河南"),
        ("郑州大学 软件工程 河南 分数线", "软件工程", "河南"),
        ("郑州大学软件工程河南分数线", "软件工程", "河南"),
        ("郑州大学 化学工程与工艺 河南 分数线", "化学工程与工艺", "河南"),
        ("郑州大学化学工程与工艺河南分数线", "化学工程与工艺", "河南"),
        ("郑州大学临床医学（五年制）河南分数线", "临床医学", "河南"),
    ],
)
def test_school_major_province_is_a_major_question(names: NameIndex, text: str, major: str, province: str) -> None:
    q = parse(text, names)
    assert (q.intent, q.major, q.province) == ("major", major, province)
    assert parse("郑州大学 河南 分数线", names).intent == "school"


def test_a_typo_in_the_major_still_finds_its_rows(engine: Engine) -> None:
    a = engine.answer("郑州大学的土木工层专业排名怎么样")
    assert a.major is not None and a.major["name"] == "土木工程"
    assert [c["cutoff_rank"] for c in a.major["cutoffs"]] == [170]
    assert "按“土木工程”查找（您写的是“土木工层”）。" in texts(a.notes)


def test_the_asked_province_comes_first_with_groups(engine: Engine) -> None:
    a = engine.answer("郑州大学 软件工程 广东 分数线")
    assert a.major is not None
    assert [c["province"] for c in a.major["cutoffs"]] == ["广东", "河南", "湖南", "甘肃"]
    text = "\n".join(render(a))
    assert "在广东的历年录取线：\n  广东 2024 物理类 批次：本科批 专业组204 软件工程" in text
    assert "其他省份的录取线：\n  河南 2024 理科 批次：本科一批 软件工程：610分" in text


def test_field_word_lists_every_matching_major(engine: Engine) -> None:
    a = engine.answer("郑州大学 计算机 河南 分数线")
    assert a.intent == "major" and a.major is not None
    assert {c["major"] for c in a.major["cutoffs"]} == {"计算机科学与技术", "软件工程"}


def test_no_source_remark_reaches_the_user(engine: Engine) -> None:
    for text in ("郑州大学 软件工程 河南 分数线", "郑州大学怎么样", "郑州大学 生物医药数据科学专业排名"):
        out = "\n".join(render(engine.answer(text)))
        assert "原专业代码" not in out and "注：原" not in out, text


@pytest.mark.parametrize(("raw", "code"), [
    ("201", "201"), ("（101）", "101"), ("第06组", "06"), ("01专业组(不限)", "01"), ("专业组233", "233"),
    ("华中科技大学第06组", "06"), ("D-5-江西理工大学(02)", "02"),
    ("中南大学-湖南-物理类-本科普通类-临床医学（八年制）", None), ("北京师范大学|普通类|历史类|不限", None),
    ("本科批平行志愿", None), ("3603-2-本科二批-理工-统招-0--", None), (None, None),
    # the ETL's normal form (gaokao/groups.py): letters in a code, or a group known by its name only
    ("第Z01组", "Z01"), ("第0A2组", "0A2"), ("第30组 理工组", "30"), ("不限I组", None), ("物化II组", None),
    ("物理+化学组(苏州医学院)(I)", None),
])
def test_group_code_is_a_code_or_nothing(raw: str | None, code: str | None) -> None:
    assert group_code(raw, "华中科技大学") == code


def test_raw_group_labels_and_missing_ranks_read_cleanly(engine: Engine) -> None:
    a = engine.answer("郑州大学 软件工程 湖南 分数线")
    text = "\n".join(render(a))
    assert "湖南 2024 物理类 批次：本科批 软件工程：605分，位次暂缺" in text
    assert "甘肃 2024 物理类 批次：本科批 软件工程：590分，位次3,000" in text
    assert "郑州大学-湖南" not in text and "|普通类" not in text and "位次位次" not in text
    assert a.major is not None and {c["group"] for c in a.major["cutoffs"]} >= {None, "204"}


def test_a_major_without_the_word_zhuanye_after_the_school(names: NameIndex) -> None:
    q = parse("郑州大学 土木工层", names)
    assert (q.intent, q.major) == ("major", "土木工层")
    for text in ("郑州大学 学费", "郑州大学 招生信息", "郑州大学怎么样"):
        assert parse(text, names).intent == "school", text
