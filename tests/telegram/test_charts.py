"""Charts name schools in Chinese with the packaged Noto Sans CJK font; the rank-answer standing chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.ft2font import FT2Font

from bot.core.answer import Engine
from bot.telegram.charts import ChartMaker, packaged_cjk_font, school_trend, standing_of


def test_the_packaged_font_has_the_chinese_glyphs() -> None:
    font = packaged_cjk_font()
    assert font is not None, "noto-cjk-sans-otc (a dependency in pyproject.toml) should be installed"
    face = FT2Font(str(font))
    assert all(face.get_char_index(ord(ch)) for ch in "郑州大学河南物理类最低录取位次冲稳保")


def test_the_chart_maker_uses_it_by_default() -> None:
    from bot.telegram.charts import find_cjk_font

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


def test_no_standing_without_a_rank() -> None:
    assert standing_of({"rank": None}, [{"school": "x", "tier": "冲", "cutoff_rank": 1, "year": 2024}]) is None
    assert standing_of({"rank": 5}, []) is None


@pytest.fixture
def engine(tg_db: Path) -> Engine:
    return Engine.open(tg_db)
