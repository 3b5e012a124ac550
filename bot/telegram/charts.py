"""Cutoff-rank trend charts (matplotlib, Agg) with the same numbers as text.

Chinese labels need a CJK font; `fc-list :lang=zh` finds one if installed. Without one, the chart
is labelled in ASCII (years, ranks, "A"/"B") and the caption carries the Chinese names.
"""

from __future__ import annotations

import asyncio
import io
import logging
import subprocess
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.store import Cutoff, Store

log = logging.getLogger(__name__)

FAMILIES = {"理科": ("理科/物理类", "Science/Physics"), "物理类": ("理科/物理类", "Science/Physics"),
            "文科": ("文科/历史类", "Arts/History"), "历史类": ("文科/历史类", "Arts/History"),
            "综合": ("综合", "Combined")}
LEVELS = {"本科": "undergraduate", "专科": "vocational"}


@dataclass(frozen=True, slots=True)
class Point:
    """One year: the easiest ordinary cutoff of a school in a track family and level."""

    year: int
    rank: int
    score: float | None


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart."""

    label: str
    ascii_label: str
    points: tuple[Point, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class Trend:
    """A school's cutoff ranks over the years in one province."""

    school: str
    province: str
    series: tuple[Series, ...]


def school_trend(store: Store, school_id: int, province: str = "") -> Trend | None:
    """The trend of a school in `province` ('' = its home province); None for an unknown school."""
    s = store.schools.get(school_id)
    if s is None:
        return None
    where = province or s.province or ""
    best: dict[tuple[str, str], dict[int, Cutoff]] = defaultdict(dict)
    for _, c in store.school_cutoffs(school_id, where or None):
        if c.min_rank is None:
            continue
        family = FAMILIES.get(c.track, (c.track, "Other"))[0]
        key = (family, c.batch_level)
        old = best[key].get(c.year)
        if old is None or (old.min_rank or 0) < c.min_rank:
            best[key][c.year] = c
    series = []
    for (family, level), by_year in sorted(best.items()):
        ascii_family = next((a for f, a in FAMILIES.values() if f == family), "Other")
        points = tuple(Point(y, c.min_rank or 0, c.min_score) for y, c in sorted(by_year.items()))
        series.append(Series(f"{family} {level}", f"{ascii_family}, {LEVELS.get(level, 'other')}", points))
    return Trend(s.name, where, tuple(series))


def trend_text(trends: Sequence[Trend], ascii_names: bool) -> str:
    """The chart's numbers as chat text."""
    lines: list[str] = []
    for i, t in enumerate(trends):
        tag = f"{chr(65 + i)} = " if ascii_names and len(trends) > 1 else ""
        lines.append(f"{tag}{t.school} · 在{t.province or '—'}的普通批最低录取位次")
        if not t.series:
            lines.append("  暂无录取位次数据。")
        for s in t.series:
            pts = "；".join(f"{p.year} 位次{p.rank:,}" + (f"（{p.score:g}分）" if p.score is not None else "")
                           for p in s.points)
            lines.append(f"  {s.label}：{pts}")
    lines.append("位次越小越难考；同一年有多个批次时取最容易进的那个。")
    return "\n".join(lines)


def find_cjk_font() -> Path | None:
    """A font file with Chinese glyphs, from `fc-list :lang=zh`, or None."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        path = Path(line.split(":")[0].strip())
        if path.suffix.lower() in (".ttf", ".otf", ".ttc") and path.is_file():
            return path
    return None


class ChartMaker:
    """Renders trend charts to PNG in one worker thread (matplotlib's object API, Agg backend)."""

    def __init__(self, font: Path | None) -> None:
        self.font = font
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")

    @property
    def ascii_only(self) -> bool:
        """True when labels are in ASCII (no CJK font installed)."""
        return self.font is None

    async def png(self, trends: Sequence[Trend]) -> bytes:
        """The chart of one school, or two side by side."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._draw, tuple(trends))

    def close(self) -> None:
        """Stop the worker thread."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _draw(self, trends: tuple[Trend, ...]) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties

        prop: Any = FontProperties(fname=str(self.font)) if self.font else None
        fig = Figure(figsize=(5.2 * len(trends), 4.0), dpi=100)
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, len(trends), sharey=True, squeeze=False)[0]
        for i, (ax, t) in enumerate(zip(axes, trends, strict=True)):
            self._panel(ax, t, i if len(trends) > 1 else None, prop)
        axes[0].set_ylabel("cutoff rank (lower = harder)" if prop is None else "最低录取位次（越小越难）",
                           fontproperties=prop)
        axes[0].invert_yaxis()
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def _panel(self, ax: Any, t: Trend, index: int | None, prop: Any) -> None:
        if prop is None:
            title = "Cutoff rank by year" if index is None else f"{chr(65 + index)}: cutoff rank by year"
        else:
            title = f"{t.school}（{t.province}）"
        ax.set_title(title, fontproperties=prop)
        years: set[int] = set()
        for s in t.series:
            xs = [p.year for p in s.points]
            ys = [p.rank for p in s.points]
            years.update(xs)
            ax.plot(xs, ys, marker="o", label=s.ascii_label if prop is None else s.label)
            for x, y in zip(xs, ys, strict=True):
                ax.annotate(f"{y:,}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        if years:
            ax.set_xticks(sorted(years))
            ax.legend(prop=prop, fontsize=8)
        else:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
        ax.grid(alpha=0.3)
