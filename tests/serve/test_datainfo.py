"""What the served database covers (/datainfo) and what a refresh changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.answer import Engine
from bot.serve.datainfo import coverage, diff_text, info_text


@pytest.fixture
def engine(tiny_db: Path) -> Engine:
    return Engine.open(tiny_db)


def test_datainfo_and_diff(engine: Engine) -> None:
    c = coverage(engine.store)
    assert c.built_at == "2026-01-01T00:00:00+00:00" and c.counts["schools"] == 8
    assert c.provinces["河南"] == (("物理类", "理科"), (2023, 2024, 2025))
    assert "河南：物理类/理科；2023–2025" in info_text(c)
    more = replace(c, counts={**c.counts, "schools": 9}, built_at="later",
                   provinces={**c.provinces, "山东": (("综合",), (2025,))})
    d = diff_text(c, more)
    assert "学校：8 → 9（+1）" in d and "新增省份：山东" in d and "→ later" in d
    assert "没有变化" in diff_text(c, c)


def test_datainfo_reads_the_etl_row_counts_from_build_info(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(engine.store.build_info, "counts", '{"schools": 2973, "school_cutoffs": 153133}')
    text = info_text(coverage(engine.store))
    assert "学校：2,973" in text and "院校录取线：153,133" in text
