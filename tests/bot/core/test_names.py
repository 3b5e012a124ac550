"""Tests for bot.core.names: exact aliases, campus forms, fuzzy names, mentions in free text, majors."""

from __future__ import annotations

import itertools

import pytest

from bot.core.names import Candidate, NameEntry, NameIndex, is_ambiguous, resolve_major

# (school_id, official name, ((alias, kind), ...))
_SCHOOLS: tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...] = (
    (1, "郑州大学", (("郑大", "short"),)),
    (2, "四川大学", (("川大", "short"),)),
    (3, "重庆大学", (("重大", "short"),)),
    (4, "华中科技大学", (("华科", "short"), ("华中科大", "short"))),
    (5, "武汉大学", (("武大", "short"),)),
    (6, "苏州大学", ()),
    (7, "湖南大学", (("湖大", "short"),)),
    (8, "深圳大学", (("深大", "short"),)),
    (9, "山东大学", (("山大", "short"), ("山东大学威海分校", "spelling"))),
    (10, "南方科技大学", (("南科大", "short"),)),
    (11, "长春师范大学", ()),
    (12, "广州大学", (("广大", "short"),)),
    (13, "长春工程学院", ()),
    (14, "深圳职业技术大学", (("深圳职业技术学院", "former"), ("深职院", "short"))),
    (15, "武汉职业技术大学", (("武汉职业技术学院", "former"),)),
    (16, "北京大学", (("北大", "short"), ("北京大学医学部", "spelling"))),
    (17, "上海商学院", (("上海商院", "spelling"),)),
    (18, "华北电力大学", (("华北电力大学(保定)", "spelling"), ("华电", "short"))),
    (19, "郑州轻工业大学", (("郑轻工", "short"),)),
    (20, "清华大学", (("清华", "short"),)),
    (21, "山西大学", (("山大", "short"),)),  # 山大 is ambiguous on purpose
    (22, "河南大学", (("河大", "short"),)),
    (23, "中国人民大学", (("人大", "short"), ("人民大学", "short"))),
    (24, "东北大学", ()),
)

ENTRIES: tuple[NameEntry, ...] = tuple(
    e
    for sid, name, aliases in _SCHOOLS
    for e in (NameEntry(name, sid, name, "official"), *(NameEntry(a, sid, name, k) for a, k in aliases))
)


def build_index() -> NameIndex:
    """The hand-written index shared by the bot.core tests."""
    return NameIndex(ENTRIES)


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return build_index()


def _top(cands: list[Candidate]) -> str | None:
    return cands[0].name if cands else None


# -- resolve -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "exact"),
    [
        ("郑州大学", "郑州大学", True),
        ("郑大", "郑州大学", True),
        (" 郑大？", "郑州大学", True),
        ("川大", "四川大学", True),
        ("南科大", "南方科技大学", True),
        ("上海商院", "上海商学院", True),
        ("深圳职业技术学院", "深圳职业技术大学", True),
        ("武汉职业技术学院", "武汉职业技术大学", True),
        ("北京大学医学部", "北京大学", True),
        ("华北电力大学(保定)", "华北电力大学", True),
        ("华北电力大学（保定）", "华北电力大学", True),
        ("山东大学威海分校", "山东大学", True),
        ("湖南大学长沙校区", "湖南大学", True),
        ("鄭州大學", "郑州大学", True),
        ("ＺＺ郑州大学"[2:], "郑州大学", True),
        ("郑州大雪", "郑州大学", False),
        ("长春工程学园", "长春工程学院", False),
        ("华中科技大", "华中科技大学", False),
        ("深圳职业技术学校", "深圳职业技术大学", False),
    ],
)
def test_resolve(names: NameIndex, text: str, expected: str, exact: bool) -> None:
    cands = names.resolve(text)
    assert _top(cands) == expected
    assert cands[0].exact is exact
    if exact:
        assert cands[0].score == 100.0


def test_resolve_fuzzy_score_and_order(names: NameIndex) -> None:
    cands = names.resolve("郑州大雪")
    assert cands[0].name == "郑州大学"
    assert 70 <= cands[0].score < 100
    assert all(a.score >= b.score for a, b in itertools.pairwise(cands))


def test_resolve_nothing(names: NameIndex) -> None:
    assert names.resolve("") == []
    assert names.resolve("   ") == []
    assert names.resolve("部门月度工作总结范文") == []
    assert names.resolve("xyz") == []


def test_resolve_limit(names: NameIndex) -> None:
    assert len(names.resolve("大学", limit=2)) <= 2
    assert names.resolve("郑州大雪", limit=0) == []


def test_ambiguous_alias(names: NameIndex) -> None:
    cands = names.resolve("山大")
    assert {c.name for c in cands} == {"山东大学", "山西大学"}
    assert all(c.exact for c in cands)
    assert is_ambiguous(cands)


def test_is_ambiguous_rules(names: NameIndex) -> None:
    assert not is_ambiguous([])
    assert not is_ambiguous(names.resolve("郑大"))
    exact = Candidate(1, "郑州大学", "郑州大学", 100.0, True)
    fuzzy = Candidate(19, "郑州轻工业大学", "郑州轻工业大学", 80.0, False)
    assert not is_ambiguous([exact, fuzzy])
    close = Candidate(2, "四川大学", "四川大学", 76.0, False)
    assert is_ambiguous([Candidate(1, "郑州大学", "郑州大学", 78.0, False), close])


def test_duplicate_alias_same_school_kept_once() -> None:
    idx = NameIndex([NameEntry("郑大", 1, "郑州大学", "spelling"), NameEntry("郑大", 1, "郑州大学", "short")])
    cands = idx.resolve("郑大")
    assert len(cands) == 1
    assert len(idx) == 1


def test_empty_index() -> None:
    idx = NameIndex([])
    assert idx.resolve("郑州大学") == []
    assert idx.find_mentions("郑州大学怎么样") == []


# -- find_mentions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("郑州大学和苏州大学哪个好", [("郑州大学", "郑州大学"), ("苏州大学", "苏州大学")]),
        ("川大 vs 重大", [("川大", "四川大学"), ("重大", "重庆大学")]),
        ("郑大怎么样", [("郑大", "郑州大学")]),
        ("深圳大学计算机科学与技术专业历年录取分数", [("深圳大学", "深圳大学")]),
        (
            "武汉职业技术学院和深圳职业技术大学哪个好",
            [("武汉职业技术学院", "武汉职业技术大学"), ("深圳职业技术大学", "深圳职业技术大学")],
        ),
        ("北京大学医学部分数线", [("北京大学医学部", "北京大学")]),
        ("华北电力大学(保定)怎么样", [("华北电力大学(保定)", "华北电力大学")]),
        ("华北电力大学（保定）怎么样", [("华北电力大学（保定）", "华北电力大学")]),
        ("湖南大学长沙校区在哪", [("湖南大学长沙校区", "湖南大学")]),
        ("我想问一下郑洲大学怎么样", [("郑洲大学", "郑州大学")]),
        ("东北大学好吗", [("东北大学", "东北大学")]),
        ("四川高考排名125230左右排位文科可以上哪些大学,具体能上什么大学", []),
        ("我的大学生活", []),
        ("部门月度工作总结范文", []),
        ("", []),
    ],
)
def test_find_mentions(names: NameIndex, text: str, expected: list[tuple[str, str]]) -> None:
    got = names.find_mentions(text)
    assert [(m.span, m.best.name) for m in got] == expected
    for m in got:
        assert text[m.start : m.end] == m.span


def test_short_alias_inside_unknown_name_is_not_a_mention() -> None:
    idx = NameIndex(
        [NameEntry("北京大学", 16, "北京大学", "official"), NameEntry("北大", 16, "北京大学", "short")]
    )
    got = idx.find_mentions("湖北大学怎么样")
    assert all(m.span != "北大" and not m.best.exact for m in got)  # at most a fuzzy guess
    assert [m.span for m in idx.find_mentions("北大怎么样")] == ["北大"]


def test_fuzzy_mention_is_not_exact(names: NameIndex) -> None:
    (m,) = names.find_mentions("郑洲大学的分数线")
    assert not m.best.exact
    assert m.best.score >= 75


def test_mentions_full_width_and_case(names: NameIndex) -> None:
    (m,) = names.find_mentions("郑州大学（郑大）")
    assert m.best.name == "郑州大学"


# -- resolve_major ----------------------------------------------------------------------------------

_MAJORS = (
    "土木工程",
    "计算机科学与技术",
    "软件工程",
    "护理学",
    "临床医学",
    "土木、水利与海洋工程",
    "计算机类(计算机科学与技术、软件工程)",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("土木工程", "土木工程"),
        ("土木工程专业", "土木工程"),
        ("计算机科学与技术", "计算机科学与技术"),
        ("计算机科学与技朮", "计算机科学与技术"),
        ("护理", "护理学"),
        ("临床", "临床医学"),
        ("软件工程", "软件工程"),
        ("電腦", None),
    ],
)
def test_resolve_major(text: str, expected: str | None) -> None:
    got = resolve_major(text, _MAJORS)
    assert (got[0][0] if got else None) == expected
    if got:
        assert all(0 <= s <= 100 for _, s in got)


def test_resolve_major_exact_scores_100() -> None:
    assert resolve_major("护理学", _MAJORS)[0] == ("护理学", 100.0)
    assert resolve_major("", _MAJORS) == []
    assert resolve_major("护理学", []) == []


# -- speed ---------------------------------------------------------------------------------------


def _synthetic_entries(n_schools: int = 3000) -> list[NameEntry]:
    """~13k aliases with the shape of the real table: official, short, former, spelling."""
    stems = "安北成大东福广贵哈海河黑湖华吉江昆兰辽南宁青厦山陕上深沈石四苏太天武西新徐烟长浙郑中重"
    kinds = ("大学", "学院", "理工大学", "师范大学", "职业技术学院", "医科大学", "财经大学", "科技大学")
    mid = "工农医商艺警交电林海航师信建化石矿轻纺"
    out: list[NameEntry] = []
    for i in range(n_schools):
        name = (
            stems[i % len(stems)]
            + stems[(i // len(stems)) % len(stems)]
            + mid[i % len(mid)]
            + kinds[i % len(kinds)]
        )
        name = f"{name}{i // 5000 or ''}"
        out += [
            NameEntry(name, i, name, "official"),
            NameEntry(name[:2] + name[-2], i, name, "short"),
            NameEntry(name.replace("大学", "学院"), i, name, "former"),
            NameEntry(name + "(本部)", i, name, "spelling"),
            NameEntry(name + "校本部", i, name, "spelling"),
        ]
    return out


def test_build_and_lookup_on_a_large_index() -> None:
    entries = _synthetic_entries() + list(ENTRIES)
    assert len(entries) > 13_000
    idx = NameIndex(entries)  # its build and lookup times are measured in benchmarks/bench_answer.py
    texts = (
        "郑州大学和苏州大学哪个好 附对比和区别排名",
        "我想问一下郑洲大学怎么样",
        "部门月度工作总结范文" * 5,
    )
    assert [m.span for m in idx.find_mentions(texts[0])][:2] == ["郑州大学", "苏州大学"]
    assert idx.find_mentions(texts[2]) == []
    assert idx.resolve("郑州大雪")
