"""Which 一分一段 tables stop before their cohort's end."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.cohorts import is_truncated, mark_truncated

SCHEMA = Path(__file__).resolve().parents[2] / "etl" / "schema.sql"


@pytest.mark.parametrize(("low", "high", "lines", "expected"), [
    (456, 689, [("特殊类型招生线", 513), ("本科批", 456)], True),  # 江苏 2026: stops at its 本科 line
    (463, 683, [], True),  # 江苏 2025: no lines, but it stops in the upper part of the range
    (200, 703, [("本科批", 363), ("专科批", 160)], True),  # 内蒙古 2026: above the 专科 line
    (266, 692, [("本科批", 494), ("专科批", 266)], False),  # 浙江 2026: down to the 专科 line
    (100, 706, [("特殊类型招生线", 513), ("本科批", 419)], False),  # 河南 2026
    (0, 691, [("本科批", 393)], False),  # 贵州 2026
    (300, 680, [("本科提前批", 300), ("本科批", 458)], False),  # an early-batch line is not the 本科 line
])
def test_is_truncated(low: int, high: int, lines: list[tuple[str, float]], expected: bool) -> None:
    assert is_truncated(low, high, lines) is expected


def test_mark_truncated_sets_the_column() -> None:
    con = duckdb.connect()
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    con.execute("""INSERT INTO cohorts VALUES ('江苏', 2026, '物理类', 217438, 456, 689, 'f', FALSE),
                                              ('江苏', 2024, '物理类', 245739, 220, 689, 'f', FALSE)""")
    con.execute("INSERT INTO control_lines VALUES ('江苏', 2026, '物理类', '本科批', '本科批', 456, 'f')")
    assert mark_truncated(con) == 1
    rows = con.execute("SELECT year, truncated FROM cohorts ORDER BY year").fetchall()
    assert rows == [(2024, False), (2026, True)]
