"""The store on a real tiny database: cutoffs read once, split by batch level, coverage from memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import DataUnavailable
from bot.core.store import Store


@pytest.fixture()
def store(tiny_db: Path) -> Store:
    s = Store(tiny_db)
    yield s  # type: ignore[misc]
    s.close()


def test_keys_are_known_before_any_cutoff_is_read(store: Store) -> None:
    assert store._level_cutoffs is None  # nothing read at open
    assert ("河南", "理科") in store.cutoff_keys
    assert store._level_cutoffs is None
    assert sorted(store.cutoffs) == store.cutoff_keys


def test_levels_split_a_province_track(store: Store) -> None:
    for prov, track in store.cutoff_keys:
        whole = store.province_cutoffs(prov, track)
        parts = [c for lv in ("本科", "专科") for c in store.province_cutoffs(prov, track, lv)]
        assert sorted(whole) == sorted(parts)
        assert all(c.batch_level == "专科" for c in store.province_cutoffs(prov, track, "专科"))
    assert store.province_cutoffs("河南", "不存在") == []


def test_coverage_counts_verified_ranks_per_level(store: Store) -> None:
    tracks = ("物理类", "理科")
    expected: dict[str, set[int]] = {}
    for t in tracks:
        for c in store.province_cutoffs("河南", t):
            if c.verified and c.min_rank is not None:
                expected.setdefault(c.batch_level, set()).add(c.year)
    assert store.coverage("河南", tracks) == expected
    assert expected  # the tiny database has some


def test_a_missing_file_is_said(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailable, match="etl build"):
        Store(tmp_path / "none.duckdb")


def test_group_units_are_those_of_each_school_latest_cutoff_year(store: Store) -> None:
    blocks = store.unit_rows("河南", "物理类")
    assert {(b.school_id, b.year, b.units.kind, u.kind, u.code) for b in blocks for u in b.units.units} == {
        (2, 2025, "group", "group", "101"), (2, 2025, "group", "group", "102"), (3, 2025, "group", "group", "201")}
    g101 = next(u for b in blocks for u in b.units.units if u.code == "101")
    assert (g101.majors, g101.min_rank) == (("口腔医学", "生物科学"), 120)
    bachelor = store.unit_rows("河南", "物理类", "本科")
    assert bachelor == blocks and store.unit_rows("河南", "物理类", "本科") is bachelor  # read once, a level at a time
    assert store.unit_rows("河南", "物理类", "专科") == []
    (old,) = store.unit_rows("河南", "理科")  # 郑州大学's 理科 cutoffs end in 2024, with two major rows
    assert (old.school_id, old.year, old.units.kind) == (2, 2024, "school")
    assert [(u.name, u.min_rank) for u in old.units.units] == [("临床医学", 95), ("土木工程", 170)]
    assert store.unit_rows("河南", "历史类") == [] and store.unit_rows("西藏", "理科") == []
