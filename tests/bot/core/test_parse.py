"""Tests for bot.core.parse: the acceptance queries, other message forms, and robustness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.names import NameIndex
from bot.core.parse import MAX_CHARS, Query, parse
from bot.core.textnorm import clean_text, find_tracks, parse_cn_number, replace_cn_numerals
from tests.bot.core.test_names import build_index

ACCEPTANCE = Path(__file__).resolve().parents[3].parent / "shared/acceptance/queries.tsv"


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return build_index()


def _school_names(q: Query) -> list[str]:
    return [m.best.name for m in q.schools]


# -- acceptance ------------------------------------------------------------------------------------


def _acceptance_rows() -> list[Any]:
    if not ACCEPTANCE.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{ACCEPTANCE} is absent"))]
    rows = []
    for n, line in enumerate(ACCEPTANCE.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            continue
        cols = (line.split("\t") + [""] * 9)[:9]
        rows.append(pytest.param(cols, id=f"line{n}:{cols[0][:20] or '<empty>'}"))
    return rows


@pytest.mark.parametrize("row", _acceptance_rows())
def test_acceptance(names: NameIndex, row: list[str]) -> None:
    text, intent, province, track, rank, score, school_a, school_b, major = row
    q = parse(text, names)
    assert q.intent == intent
    assert q.province == (province or None)
    assert q.track == (track or None)
    assert q.rank == (int(rank) if rank else None)
    assert q.score == (float(score) if score else None)
    assert _school_names(q) == [s for s in (school_a, school_b) if s]
    assert q.major == (major or None)


# -- ranks and scores ------------------------------------------------------------------------------

_RANKS: list[tuple[str, str, str | None, int]] = [
    ("河南 理科 44.7万", "河南", "理科", 447_000),
    ("河南理科四十四万七千二百", "河南", "理科", 447_200),
    ("河南 理科 五十八万名", "河南", "理科", 580_000),
    ("河南 理科 447,200", "河南", "理科", 447_200),
    ("河南 理科 ４４７２００", "河南", "理科", 447_200),
    ("河南 理 447200", "河南", "理科", 447_200),
    ("河南省理科447200", "河南", "理科", 447_200),
    ("河南 理科 4.5w", "河南", "理科", 45_000),
    ("河南 理科 一万五千名", "河南", "理科", 15_000),
    ("河南 理科 580 位次", "河南", "理科", 580),
    ("湖北 物理组 12000名", "湖北", "物理类", 12_000),
    ("湖北 物理方向 12000", "湖北", "物理类", 12_000),
    ("湖南 历史组 排位 8000", "湖南", "历史类", 8_000),
    ("湖南 首选历史 8000名", "湖南", "历史类", 8_000),
    ("上海 3+3 5000名", "上海", "综合", 5_000),
    ("北京 不分文理 3000", "北京", "综合", 3_000),
    ("天津 理工 20000", "天津", "物理类", 20_000),
    ("甘肃 文史 20000", "甘肃", "文科", 20_000),
    ("黑龙江 文科 2万", "黑龙江", "文科", 20_000),
    ("宁夏回族自治区 理科 15000", "宁夏", "理科", 15_000),
    ("新疆 理科 15000", "新疆", "理科", 15_000),
    ("西藏 文科 500名", "西藏", "文科", 500),
    ("重慶 歷史類 排名12345", "重庆", "历史类", 12_345),
    ("内蒙古自治区 物化生 9000", "内蒙古", "物理类", 9_000),
    ("河北省 史政地 排名 6000", "河北", "历史类", 6_000),
    ("江西 物理 位次:30500", "江西", "物理类", 30_500),
    ("贵州 理科排名大概在4万左右", "贵州", "理科", 40_000),
]


@pytest.mark.parametrize(("text", "province", "track", "rank"), _RANKS)
def test_rank_forms(names: NameIndex, text: str, province: str, track: str | None, rank: int) -> None:
    q = parse(text, names)
    assert (q.intent, q.province, q.track, q.rank, q.score) == ("rank", province, track, rank, None)


_SCORES: list[tuple[str, str | None, str | None, float]] = [
    ("河南 理科 五百八十分", "河南", "理科", 580),
    ("河南 理科 考了五百八", "河南", "理科", 580),
    ("我河南的，理科考了580，能上什么学校", "河南", "理科", 580),
    ("河南 理科 考了580 排名多少", "河南", "理科", 580),
    ("湖北 首选物理 600分", "湖北", "物理类", 600),
    ("廣東 物理類 考了 600 分", "广东", "物理类", 600),
    ("安徽 物理 580.5分", "安徽", "物理类", 580.5),
    ("山西 文科 总分 512", "山西", "文科", 512),
    ("海南 综合 720分", "海南", "综合", 720),
    ("考了580能上什么大学", None, None, 580),
]


@pytest.mark.parametrize(("text", "province", "track", "score"), _SCORES)
def test_score_forms(
    names: NameIndex, text: str, province: str | None, track: str | None, score: float
) -> None:
    q = parse(text, names)
    assert (q.intent, q.province, q.track, q.rank, q.score) == ("score", province, track, None, score)


def test_score_and_rank_together(names: NameIndex) -> None:
    q = parse("河南 理科 580分 排名12000", names)
    assert (q.intent, q.rank, q.score) == ("rank", 12_000, 580)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2023年 河南 理科 447200", 2023),
        ("23年河南理科447200名", 2023),
        ("2024 河南 理科 447200", 2024),
        ("二〇二三年河南理科447200", 2023),
        ("河南 理科 447200", None),
    ],
)
def test_year(names: NameIndex, text: str, year: int | None) -> None:
    q = parse(text, names)
    assert (q.year, q.rank) == (year, 447_200)


@pytest.mark.parametrize(
    ("text", "year", "rank", "score"),
    [
        ("陕西 理科 550分 2024", 2024, None, 550),  # a bare year at the end, the score stated with 分
        ("河南 理科 位次 30000 2024", 2024, 30_000, None),
        ("2024 河南 理科 位次 3000", 2024, 3_000, None),  # 位次 labels the next number, not this one
        ("河南 理科 2024", None, 2_024, None),  # the only number: a rank
        ("2024位次 河南 理科", None, 2_024, None),
        ("2025 河南 理科 2024名", 2025, 2_024, None),
    ],
)
def test_a_bare_year_beside_another_number(
    names: NameIndex, text: str, year: int | None, rank: int | None, score: float | None
) -> None:
    q = parse(text, names)
    assert (q.year, q.rank, q.score) == (year, rank, score)


@pytest.mark.parametrize(
    ("text", "province", "track", "year"),
    [
        ("2025年高考河南一本线是多少", "河南", None, 2025),
        ("广东物理类本科线", "广东", "物理类", None),
        ("河南 2024 理科 一本线", "河南", "理科", 2024),  # a bare 20xx in a batch-line question is its year
        ("河南分数线", "河南", None, None),
        ("/lines 湖南 2025", "湖南", None, 2025),
    ],
)
def test_batch_line_questions(names: NameIndex, text: str, province: str, track: str | None, year: int | None) -> None:
    q = parse(text, names)
    assert (q.intent, q.province, q.track, q.year, q.rank, q.score) == ("lines", province, track, year, None, None)


def test_batch_line_words_do_not_override_schools_or_numbers(names: NameIndex) -> None:
    assert parse("郑州大学 分数线", names).intent == "school"
    assert parse("河南 理科 580分 一本线", names).intent == "score"
    assert parse("一本线是多少", names).intent == "help"  # no province: nothing to look up


@pytest.mark.parametrize(
    ("text", "filters", "rank", "score"),
    [
        ("湖北 物理类 位次 50000 只看省内", ("home",), 50_000, None),
        ("河南 理科 3万 不要民办", ("public",), 30_000, None),
        ("河南 理科 580分 211 双一流 公办", ("public", "211", "dfc"), None, 580),
        ("河南 理科 580分 985", ("985",), None, 580),
        ("河南 理科 位次985", (), 985, None),  # a rank of 985 is not the 985 filter
        ("河南 理科 排名 211 985", ("985",), 211, None),
    ],
)
def test_list_filters(
    names: NameIndex, text: str, filters: tuple[str, ...], rank: int | None, score: float | None
) -> None:
    q = parse(text, names)
    assert (q.filters, q.rank, q.score) == (filters, rank, score)


def test_filters_only_on_list_questions(names: NameIndex) -> None:
    assert parse("郑州大学是985吗", names).filters == ()
    assert parse("河南 省内 一本线", names).filters == ()


# -- commands and mentions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "rank", "score", "schools"),
    [
        ("@gaokao_bot 河南 理科 447200", "rank", 447_200, None, []),
        ("河南 理科 447200 @gaokao_bot", "rank", 447_200, None, []),
        ("/rank 河南 理科 447200", "rank", 447_200, None, []),
        ("/rank@gaokao_bot 河南 理科 447200", "rank", 447_200, None, []),
        ("/rank@gaokao_bot 河南 理科 580", "rank", 580, None, []),  # /rank reads a bare number as a rank
        ("/score 河南 理科 580", "score", None, 580, []),
        ("/score@gaokao_bot 河南 理科 447200", "rank", 447_200, None, []),
        ("/compare 郑州大学 苏州大学", "compare", None, None, ["郑州大学", "苏州大学"]),
        ("/compare@gaokao_bot 川大 重大", "compare", None, None, ["四川大学", "重庆大学"]),
        ("/school 郑大", "school", None, None, ["郑州大学"]),
        ("/school 郑州大雪", "school", None, None, ["郑州大学"]),
        ("/help", "help", None, None, []),
        ("/start@gaokao_bot", "help", None, None, []),
        ("/START", "help", None, None, []),
    ],
)
def test_commands(
    names: NameIndex, text: str, intent: str, rank: int | None, score: float | None, schools: list[str]
) -> None:
    q = parse(text, names)
    assert (q.intent, q.rank, q.score, _school_names(q)) == (intent, rank, score, schools)
    assert "@" not in q.text and not q.text.startswith("/")


def test_major_command(names: NameIndex) -> None:
    q = parse("/major@gaokao_bot 湖南大学 土木工程", names)
    assert (q.intent, _school_names(q), q.major) == ("major", ["湖南大学"], "土木工程")


def test_unknown_command_is_help(names: NameIndex) -> None:
    q = parse("/foo 河南", names)
    assert q.intent == "help"
    assert "unknown-command: /foo" in q.notes


# -- schools, compare, major ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "schools", "major", "province", "track"),
    [
        ("郑州大学 河南 理科 分数线", "school", ["郑州大学"], None, "河南", "理科"),
        ("郑州大学 录戎分数綫", "school", ["郑州大学"], None, None, None),
        ("鄭州大學怎麼樣", "school", ["郑州大学"], None, None, None),
        ("郑州大学历史分数线", "school", ["郑州大学"], None, None, None),
        ("郑州大学综合实力怎么样", "school", ["郑州大学"], None, None, None),
        ("郑州大学有什么专业", "school", ["郑州大学"], None, None, None),
        ("郑州大学的王牌专业", "school", ["郑州大学"], None, None, None),
        ("北京大学医学部分数线", "school", ["北京大学"], None, None, None),
        ("华北电力大学（保定） 河北 物理 分数线", "school", ["华北电力大学"], None, "河北", "物理类"),
        ("上海商院怎么样", "school", ["上海商学院"], None, None, None),
        ("深圳职业技术学院 广东 分数线", "school", ["深圳职业技术大学"], None, "广东", None),
        ("我想问一下郑洲大学怎么样", "school", ["郑州大学"], None, None, None),
        ("郑州大学对比苏州大学", "compare", ["郑州大学", "苏州大学"], None, None, None),
        ("对比一下郑大和川大", "compare", ["郑州大学", "四川大学"], None, None, None),
        ("四川大學和重慶大學哪個好", "compare", ["四川大学", "重庆大学"], None, None, None),
        ("郑大 PK 武大", "compare", ["郑州大学", "武汉大学"], None, None, None),
        ("郑州大学还是苏州大学", "compare", ["郑州大学", "苏州大学"], None, None, None),
        ("郑州大学比苏州大学强吗", "compare", ["郑州大学", "苏州大学"], None, None, None),
        ("郑州大学和河南大学计算机专业哪个好", "compare", ["郑州大学", "河南大学"], "计算机", None, None),
        ("郑州大学土木工程排名", "major", ["郑州大学"], "土木工程", None, None),
        (
            "长春工程学院的水电站设备安装与管理专业排名怎么样 附历年录取分数线",
            "major",
            ["长春工程学院"],
            "水电站设备安装与管理",
            None,
            None,
        ),
        ("湖南大学在湖南的土木工程排名", "major", ["湖南大学"], "土木工程", "湖南", None),
        ("山东大学物理学专业怎么样", "major", ["山东大学"], "物理学", None, None),
        ("四川大学口腔医学在四川的分数线", "major", ["四川大学"], "口腔医学", "四川", None),
        ("郑州大学计算机专业在河南省的录取分数", "major", ["郑州大学"], "计算机", "河南", None),
        ("郑州大学在河南的录取分数", "school", ["郑州大学"], None, "河南", None),
    ],
)
def test_school_forms(
    names: NameIndex,
    text: str,
    intent: str,
    schools: list[str],
    major: str | None,
    province: str | None,
    track: str | None,
) -> None:
    q = parse(text, names)
    assert (q.intent, _school_names(q), q.major, q.province, q.track) == (
        intent,
        schools,
        major,
        province,
        track,
    )


def test_compare_keeps_two_schools(names: NameIndex) -> None:
    q = parse("郑州大学、苏州大学和四川大学哪个好", names)
    assert q.intent == "compare"
    assert _school_names(q) == ["郑州大学", "苏州大学"]


def test_mention_offsets_refer_to_query_text(names: NameIndex) -> None:
    q = parse("@gaokao_bot  川大   vs 重大", names)
    for m in q.schools:
        assert q.text[m.start : m.end] == m.span


# -- help and bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01",
        "你好",
        "谢谢 😀",
        "部门月度工作总结范文",
        "2023年国庆节放假安排通知",
        "我今年18岁",
        "增长5.2万亿",
        "去年公司营收2000",
        "高考 985 大学 有哪些",
        "我的大学生活",
        "?!。。。",
        "河南",
        "河南 理科",
        "河南 理科 0名",
        "河南 理科 99999999",
    ],
)
def test_help(names: NameIndex, text: str) -> None:
    q = parse(text, names)
    assert q.intent == "help"
    assert q.rank is None and q.score is None


def test_notes(names: NameIndex) -> None:
    assert "no-rank-or-score" in parse("河南 理科", names).notes
    assert "number-out-of-range: 99999999" in parse("河南 理科 99999999", names).notes
    assert "other-province: 四川" in parse("我是广东的 四川 物理 580分", names).notes
    assert parse("我是广东的想去四川读书 物理 580分", names).filters == ("place:四川",)  # a place, not the user's
    assert parse("河南 理科 447200 12000", names).notes == ("extra-number: 12000",)


def test_bare_numbers(names: NameIndex) -> None:
    assert (parse("447200", names).intent, parse("447200", names).rank) == ("rank", 447_200)
    assert (parse("580", names).intent, parse("580", names).score) == ("score", 580)


def test_long_text_is_cut(names: NameIndex) -> None:
    text = "河南 理科 447200 " + "总结" * 5000
    q = parse(text, names)
    assert (q.intent, q.rank) == ("rank", 447_200)
    assert "truncated" in q.notes
    assert len(q.text) <= MAX_CHARS


def test_parse_forms(names: NameIndex) -> None:
    texts = [
        "河南 理科 447200",
        "四川高考排名125230左右排位文科可以上哪些大学,具体能上什么大学",
        "湖南大学的土木工程专业排名怎么样 附历年录取分数线",
        "部门月度工作总结范文",
    ]
    # how fast is measured in benchmarks/bench_answer.py; here, that each form is read as its intent
    assert [parse(t, names).intent for t in texts] == ["rank", "rank", "major", "help"]


# -- textnorm --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "value"),
    [
        ("五百八十", 580),
        ("五百八", 580),
        ("四十四万七千二百", 447_200),
        ("五十八万", 580_000),
        ("十二", 12),
        ("一万零五百", 10_500),
        ("三千零八", 3_008),
        ("四万五", 45_000),
        ("四四七二〇〇", 447_200),
        ("两百", 200),
        ("三四百", None),
        ("万", None),
        ("", None),
        ("abc", None),
    ],
)
def test_parse_cn_number(s: str, value: int | None) -> None:
    assert parse_cn_number(s) == value


@pytest.mark.parametrize(
    ("s", "out"),
    [
        ("五十八万", "58万"),
        ("一分一段", "一分一段"),
        ("十分好", "十分好"),
        ("千万别", "千万别"),
        ("第一", "第一"),
        ("考了五百八十分", "考了580分"),
        ("二〇二三年", "2023年"),
    ],
)
def test_replace_cn_numerals(s: str, out: str) -> None:
    assert replace_cn_numerals(s) == out


def test_clean_text() -> None:
    assert clean_text("  錄取分數綫\t１２３ ", 300) == ("录取分数线 123", False)
    assert clean_text("录戎数线", 300)[0] == "录取数线"
    assert clean_text("a" * 1000, 300) == ("a" * 300, True)


def test_find_tracks() -> None:
    assert [t for _, _, t in find_tracks("首选物理 理科 文史 理工 不分文理")] == [
        "物理类",
        "理科",
        "文科",
        "物理类",
        "综合",
    ]
    assert find_tracks("历史分数线 综合实力 处理 文化") == []


# -- properties --------------------------------------------------------------------------------------

_NAMES = build_index()
_GAOKAO_BITS = st.sampled_from(
    [
        "河南",
        "理科",
        "物理",
        "447200",
        "44.7万",
        "580分",
        "郑大",
        "和",
        "专业",
        "/rank@bot",
        "@bot",
        "五十八万",
        "排名",
        "位次",
        "vs",
        "大学",
        "（",
        "）",
        "１２３",
        "\x00",
        "😀",
        "\u200b",
        "年",
        "23",
        ",",
        " ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parse_never_raises_on_any_text(text: str) -> None:
    q = parse(text, _NAMES)
    assert q.intent in ("rank", "score", "compare", "major", "school", "help")
    assert len(q.text) <= MAX_CHARS


@settings(max_examples=300, deadline=None)
@given(st.lists(_GAOKAO_BITS, max_size=30).map("".join))
def test_parse_never_raises_on_gaokao_like_text(text: str) -> None:
    q = parse(text, _NAMES)
    assert q.rank is None or 1 <= q.rank <= 2_000_000
    assert q.score is None or 100 <= q.score <= 900
    for m in q.schools:
        assert q.text[m.start : m.end] == m.span


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_parse_huge_text_is_fast(chunk: str) -> None:
    text = (chunk * (10_000 // len(chunk) + 1))[:10_000]
    q = parse(text, _NAMES)  # no catastrophic backtracking: a 10,000-character message is read (time: benchmarks)
    assert len(q.text) <= MAX_CHARS


def test_a_subject_named_in_a_rank_question_is_read(names: NameIndex) -> None:
    q = parse("我想学计算机，河南理科58000能上哪些", names)
    assert (q.intent, q.rank, q.major) == ("rank", 58_000, "计算机")
    assert parse("湖南高考排名60210左右排位物理可以上哪些大学,具体能上什么大学", names).major is None
    assert parse("河南 物理 位次3万 学医", names).major == "学医"
    assert parse("广东 物理 位次2万 临床医学", names).major == "临床"
    assert parse("湖北 历史 位次1万 师范", names).major == "师范"
    assert parse("山东 位次5万 想学汽车", names).major == "汽车"
    assert parse("山东 位次5万 我想读护理专业", names).major == "护理"


@pytest.mark.parametrize(("text", "rank"), [
    ("河南 理科 排名8千", 8_000), ("河南 理科 排名8.5千", 8_500), ("广东 物理 1.2万", 12_000), ("河北 物理 12k", 12_000),
    ("河南 物理类排名2万8，能上什么", 28_000), ("河南 物理 2万8千", 28_000), ("河南 物理 1w5", 15_000),
])
def test_thousands_and_ten_thousands_in_a_rank(names: NameIndex, text: str, rank: int) -> None:
    q = parse(text, names)
    assert (q.intent, q.rank) == ("rank", rank)


def test_a_rank_and_a_score_are_both_kept(names: NameIndex) -> None:
    q = parse("河南 理科 600分 位次11383", names)
    assert (q.intent, q.rank, q.score) == ("rank", 11383, 600.0)
