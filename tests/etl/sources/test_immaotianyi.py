"""Tests for the immaotianyi (#20) batch-line and 一分一段 reader, on hand-written fixtures with a BOM."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import ControlLine, ScoreRank
from etl.sources import immaotianyi
from etl.sources.immaotianyi import ORIGIN, failed_points, merge_parts, read, track

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get("GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources")
)
needs_sources = pytest.mark.skipif(not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}")


@pytest.fixture(scope="module")
def rows() -> list[ControlLine | ScoreRank]:
    return [r for r in read(FIXTURES) if isinstance(r, ControlLine | ScoreRank)]


def lines(rows: list[ControlLine | ScoreRank]) -> dict[tuple[str, int, str, str], float]:
    return {(r.province, r.year, r.track, r.batch): r.score for r in rows if isinstance(r, ControlLine)}


def table(rows: list[ControlLine | ScoreRank], prov: str, year: int, trk: str) -> list[tuple[int, int, int | None]]:
    return [(r.score, r.rank, r.count) for r in rows
            if isinstance(r, ScoreRank) and (r.province, r.year, r.track) == (prov, year, trk)]


def test_files_have_a_bom_and_it_is_not_part_of_the_header() -> None:
    assert (FIXTURES / ORIGIN / "backend/data/control_line_2024.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert any(True for _ in read(FIXTURES))  # a BOM in the header would raise SourceError


def test_old_track_years_relabel_physics_and_history(rows: list[ControlLine | ScoreRank]) -> None:
    got = lines(rows)
    assert got[("河南", 2024, "文科", "本科二批")] == 428
    assert got[("河南", 2024, "理科", "本科二批")] == 396
    assert got[("河南", 2024, "理科", "高职高专批专科")] == 185
    assert not any(r.track in ("物理类", "历史类") for r in rows if r.year == 2024 and r.province == "河南")
    assert [s for s, _, _ in table(rows, "河南", 2024, "理科")] == [700, 699, 698, 697, 696]
    assert track("物理类", "河南", 2025) == "物理类" and track("历史类", "陕西", 2024) == "文科"


def test_ordinary_lines_are_kept_with_the_authority_wording(rows: list[ControlLine | ScoreRank]) -> None:
    got = lines(rows)
    assert got[("河南", 2025, "物理类", "普通本科批")] == 427
    assert got[("河南", 2025, "物理类", "普通高职(专科)批")] == 185
    assert got[("河南", 2025, "物理类", "特殊类型招生特控线")] == 535
    assert got[("重庆", 2025, "物理类", "普通类专科批")] == 180  # 普通类 + 专科批: the batch is kept
    assert got[("福建", 2026, "物理类", "专科院校")] == 239


def test_special_art_and_minority_lines_are_skipped_with_a_reason(
    rows: list[ControlLine | ScoreRank], caplog: pytest.LogCaptureFixture
) -> None:
    got = lines(rows)
    guangdong_2026 = {k: v for k, v in got.items() if k[:2] == ("广东", 2026)}
    assert guangdong_2026 == {("广东", 2026, "物理类", "专科院校"): 200}  # no 少数民族班 385 as 本科, no 军队
    assert not any(k[0] == "江西" or k[:2] == ("广东", 2025) for k in got)
    with caplog.at_level(logging.INFO, logger=immaotianyi.__name__):
        list(read(FIXTURES))
    text = caplog.text
    assert "少数民族班 line, not the ordinary 本科 line" in text
    assert "art/sport line (专业省统考)" in text
    assert "not an ordinary track (三校生类)" in text
    assert "special-plan line (军队)" in text


def test_guangdong_2026_tables_are_unswapped_and_the_benke_copy_kept(rows: list[ControlLine | ScoreRank]) -> None:
    assert table(rows, "广东", 2026, "历史类") == [(650, 50, 50), (649, 110, 60), (648, 180, 70)]
    assert table(rows, "广东", 2026, "物理类") == [(650, 300, 300), (649, 700, 400), (648, 1200, 500)]


def test_split_tables_are_joined_and_the_restarted_count_repaired(rows: list[ControlLine | ScoreRank]) -> None:
    assert table(rows, "甘肃", 2025, "物理类") == [(500, 10, 10), (499, 30, 20), (498, 60, 30), (497, 150, 90),
                                                 (496, 190, 40)]


def test_a_table_failing_the_internal_check_is_skipped_and_logged(
    rows: list[ControlLine | ScoreRank], caplog: pytest.LogCaptureFixture
) -> None:
    assert table(rows, "河北", 2025, "历史类") == []
    assert len(table(rows, "河北", 2025, "物理类")) == 4  # the other 河北 table passes
    assert not any(isinstance(r, ScoreRank) and r.track not in ("物理类", "历史类", "理科", "文科") for r in rows)
    with caplog.at_level(logging.WARNING, logger=immaotianyi.__name__):
        list(read(FIXTURES))
    assert "河北 2025 历史类 skipped: the 本科批 part fails the internal check" in caplog.text
    assert "(first: 648)" in caplog.text


def test_internal_check_ignores_the_top_row_and_gaps() -> None:
    assert failed_points({700: (3, 40), 699: (5, 45), 697: (8, 60)}) == []  # 698 missing: not checked
    assert failed_points({700: (3, 40), 699: (5, 46)}) == [699]
    merged, problem = merge_parts({"本科": {500: (1, 1)}, "专科": {499: (9, 9)}})
    assert problem is None and merged == {500: (1, 1), 499: (8, 9)}


def test_a_wrong_header_names_the_file(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    (tmp_path / ORIGIN / "backend/data/control_line_2025.csv").write_text("\ufeffprovince,year\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"control_line_2025\.csv"):
        list(read(tmp_path))


@needs_sources
def test_full_files_give_the_documented_lines_and_tables() -> None:
    got = list(read(SOURCES))
    full = lines([r for r in got if isinstance(r, ControlLine | ScoreRank)])
    assert full[("河南", 2026, "物理类", "普通高职(专科)批")] == 179
    assert full[("四川", 2024, "理科", "本科二批")] == 459
    assert not any(k[:2] == ("广东", 2026) and "专科" not in k[3] for k in full)
    tabs = {(r.province, r.year, r.track) for r in got if isinstance(r, ScoreRank)}
    assert {("陕西", 2025, "物理类"), ("甘肃", 2025, "历史类"), ("河南", 2024, "理科")} <= tabs
    assert not any(k[0] == "河北" for k in tabs)
