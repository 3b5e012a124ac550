"""The normal form of a 院校专业组 label, as the ETL writes it and the bot reads it (gaokao/groups.py)."""

from __future__ import annotations

import pytest

from etl import normalize as nz
from gaokao.groups import GroupLabel, normal_form, parse

# Spellings of `admissions.grp` in the built database (SELECT grp, count(*) FROM admissions GROUP BY 1), the common
# ones and the odd ones, with the code and name they stand for and the group's short label in a list.
SPELLINGS = [
    ("第1组", "1", None, "1组"), ("第101组", "101", None, "101组"), ("第202组", "202", None, "202组"),
    ("第88003组", "88003", None, "88003组"),
    # alphanumeric codes: never read as the digits alone (第0A2组 is not 第2组)
    ("第Z01组", "Z01", None, "Z01组"), ("第0A2组", "0A2", None, "0A2组"), ("第5A3组", "5A3", None, "5A3组"),
    ("第50A组", "50A", None, "50A组"), ("第Q5组", "Q5", None, "Q5组"), ("第A02组", "A02", None, "A02组"),
    ("第JJ1组", "JJ1", None, "JJ1组"),
    # a code and the group's own name
    ("第30组 理工组", "30", "理工组", "30组"), ("第2组 文科组", "2", "文科组", "2组"),
    ("第8组 预防医学组", "8", "预防医学组", "8组"),
    # a name alone, kept whole (the bot once cut 物理+化学组(苏州医学院) down to 组(苏州医学院)
    ("物理+化学组(苏州医学院)", None, "物理+化学组(苏州医学院)", "物理+化学组(苏州医学院)"),
    ("物理+化学组(苏州医学院)(I)", None, "物理+化学组(苏州医学院)(I)", "物理+化学组(苏州医学院)(I)"),
    ("物理+化学组(I)", None, "物理+化学组(I)", "物理+化学组(I)"), ("医学院", None, "医学院", "医学院"),
    ("临床医学院", None, "临床医学院", "临床医学院"), ("包头医学院", None, "包头医学院", "包头医学院"),
    ("不限组", None, "不限组", "不限组"), ("历史+思想政治和地理组", None, "历史+思想政治和地理组", "历史+思想政治和地理组"),
    ("分类投档-医科", None, "分类投档-医科", "分类投档-医科"), ("非物化组", None, "非物化组", "非物化组"),
    ("物化II组", None, "物化II组", "物化II组"),
]


@pytest.mark.parametrize(("grp", "code", "name", "short"), SPELLINGS)
def test_the_spellings_in_the_database_read_as_code_and_name(grp: str, code: str | None, name: str | None,
                                                             short: str) -> None:
    got = parse(grp)
    assert got == GroupLabel(code, name)
    assert got.short == short
    assert normal_form(*got) == grp  # written back as read


def test_no_label_reads_as_nothing() -> None:
    assert parse(None) == GroupLabel(None, None) == parse("  ")
    assert parse(None).short == "" and normal_form(None, None) is None


@pytest.mark.parametrize(("raw", "code", "name"), [
    ("212专业组", "212", None), ("北京大学医学部物理类第002组(不限)", "2", None), ("北京大学(03)", "3", None),
    ("101 第101组", "101", None), ("0A3专业组(选考科目不限)", "0A3", None),
    ("华中科技大学2024北京普通批|030理工组：物+化", "30", "理工组"),
    ("专业组(物理+化学)(苏州医学院)", None, "物理+化学组(苏州医学院)"), ("中南大学-天津-综合改革-不限组", None, "不限组"),
])
def test_what_the_etl_writes_reads_back(raw: str, code: str | None, name: str | None) -> None:
    label = nz.group_label(raw)
    assert parse(label) == GroupLabel(code, name)
    assert normal_form(code, name) == label
