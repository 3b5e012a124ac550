"""Tests for the cell helpers shared by the spreadsheet/CSV readers."""

from __future__ import annotations

import pytest

from etl.sources._cells import bracket_remarks, join_notes, positive, special_remarks, text, to_float, to_int


@pytest.mark.parametrize(
    ("name", "remarks"),
    [
        ("法学", []),
        ("软件工程(中外合作办学)", ["中外合作办学"]),
        ("小学教育（中外合作办学）（师范）", ["中外合作办学", "师范"]),
        ("会计(校企合作，华道数据处理(苏州)有限公司合作)", ["校企合作，华道数据处理(苏州)有限公司合作"]),
        ("机械设计制造及其自动化(中外合作办学)(合作高校为德国富特旺根应用", ["中外合作办学", "合作高校为德国富特旺根应用"]),
        ("小学教育((综合理科教育)(师范类)", ["(综合理科教育)(师范类)"]),
        ("[定向]计算机", ["定向"]),
        ("数学类()", []),
        ("数字商务创新实验班)", []),
    ],
)
def test_bracket_remarks(name: str, remarks: list[str]) -> None:
    assert bracket_remarks(name) == remarks


def test_special_remarks_keep_only_special_plan_tags() -> None:
    assert special_remarks("宁波诺丁汉大学(中外合作办学)") == ["中外合作办学"]
    assert special_remarks("浙江大学(一流大学建设高校)") == []
    assert special_remarks("华北电力大学(保定)") == []


def test_numbers() -> None:
    assert [to_int(c) for c in (194.0, 7, "342", "1,024", "", None, "前50名", 2.5, True)] == [
        194, 7, 342, 1024, None, None, None, None, None,
    ]
    assert [to_float(c) for c in (688.0, "594", "", "-", 3)] == [688.0, 594.0, None, None, 3.0]
    assert [positive(n) for n in (0, -3, None, 5)] == [None, None, None, 5]
    assert [text(c) for c in (2.0, 2.5, " 师范 ", None)] == ["2", "2.5", "师范", ""]


def test_join_notes() -> None:
    assert join_notes("中外合作办学", None, "", "师范", "中外合作办学") == "中外合作办学 | 师范"
    assert join_notes(None, " ") is None
