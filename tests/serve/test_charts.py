"""Trend charts and their numbers; Chinese names with the packaged Noto Sans CJK font; the rank-answer standing chart."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib.ft2font import FT2Font

from bot.core.answer import Engine
from bot.serve import charts
from bot.serve.charts import (
    ChartMaker,
    Standing,
    StandingRow,
    find_cjk_font,
    packaged_cjk_font,
    school_trend,
    standing_of,
    standing_text,
    trend_text,
)


def test_the_packaged_font_has_the_chinese_glyphs() -> None:
    font = packaged_cjk_font()
    assert font is not None, "noto-cjk-sans-otc (a dependency in pyproject.toml) should be installed"
    face = FT2Font(str(font))
    assert all(face.get_char_index(ord(ch)) for ch in "郑州大学河南物理类最低录取位次冲稳保")


def test_the_chart_maker_uses_it_by_default() -> None:
    maker = ChartMaker(find_cjk_font())
    assert not maker.ascii_only
    maker.close()


async def test_compare_and_standing_charts_render(engine: Engine) -> None:
    maker = ChartMaker(packaged_cjk_font())
    a, b = school_trend(engine.store, 2, "河南"), school_trend(engine.store, 3, "河南")
    assert a is not None and b is not None
    assert (await maker.png([a, b])).startswith(b"\x89PNG")
    answer = engine.answer("河南 理科 位次250")
    st = standing_of(answer.query, answer.results)
    assert st is not None and st.user_rank == 250 and {r.tier for r in st.rows} <= {"冲", "稳", "保"}
    assert [r.school for r in st.rows] == [r["school"] for r in answer.results if r["cutoff_rank"] is not None]
    for m in (maker, ChartMaker(None)):
        png = await m.rank_png(st)
        assert png.startswith(b"\x89PNG") and len(png) > 5000
    maker.close()


def test_standing_text_has_every_number_and_names_the_letters_of_an_ascii_chart() -> None:
    rows = (StandingRow("郑州大学", "冲", 11_000, 2025), StandingRow("河南大学", "保", 20_000, 2024))
    st = Standing("河南物理类", 12_345, rows)
    text = standing_text(st, ascii_names=False)
    assert "您的位次12,345" in text and "【冲】郑州大学：2025 位次11,000" in text and "【保】河南大学：2024 位次20,000" in text
    assert "A = 【冲】郑州大学" in standing_text(st, ascii_names=True)


def test_no_standing_without_a_rank() -> None:
    assert standing_of({"rank": None}, [{"school": "x", "tier": "冲", "cutoff_rank": 1, "year": 2024}]) is None
    assert standing_of({"rank": 5}, []) is None


@pytest.fixture
def engine(tiny_db: Path) -> Engine:
    return Engine.open(tiny_db)


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
