"""Charts, coverage summaries and the live engine swap, on their own."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.answer import Engine
from bot.telegram import charts
from bot.telegram.charts import ChartMaker, find_cjk_font, school_trend, trend_text
from bot.telegram.datainfo import coverage, diff_text, info_text


@pytest.fixture
def engine(tg_db: Path) -> Engine:
    return Engine.open(tg_db)


def test_trend_takes_the_easiest_cutoff_per_year_and_family(engine: Engine) -> None:
    t = school_trend(engine.store, 2, "河南")
    assert t is not None and t.school == "郑州大学" and t.province == "河南"
    (series,) = t.series
    assert series.label == "理科/物理类 本科"
    assert [(p.year, p.rank) for p in series.points] == [(2023, 180), (2024, 190), (2025, 185)]
    assert school_trend(engine.store, 2, "") is not None  # home province
    assert school_trend(engine.store, 424242) is None


def test_trend_text_has_every_number(engine: Engine) -> None:
    t = school_trend(engine.store, 2, "河南")
    assert t is not None
    text = trend_text([t], ascii_names=False)
    for needle in ("2023 位次180（600分）", "2024 位次190（598分）", "2025 位次185（601分）"):
        assert needle in text


async def test_charts_render_png_with_or_without_a_cjk_font(engine: Engine) -> None:
    a, b = school_trend(engine.store, 2, "河南"), school_trend(engine.store, 3, "河南")
    assert a is not None and b is not None
    for maker in {ChartMaker(None), ChartMaker(find_cjk_font())}:
        png = await maker.png([a, b])
        assert png.startswith(b"\x89PNG") and len(png) > 5000
        maker.close()


def test_font_detection_agrees_with_fc_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "packaged_cjk_font", lambda: None)  # the system's fonts only
    found = find_cjk_font()
    fc = shutil.which("fc-list")
    listed = subprocess.run([fc, ":lang=zh", "file"], capture_output=True, text=True).stdout.strip() if fc else ""
    assert (found is not None) == bool(listed)


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
