"""Cutoff-rank trend charts (matplotlib, Agg) with the same numbers as text.

Chinese labels need a CJK font: the PyPI package `noto-cjk-sans-otc` (a dependency) ships Noto Sans CJK,
registered with matplotlib's font_manager when a chart is drawn; else `fc-list :lang=zh` finds an installed
one. Without any, the chart is labelled in ASCII (years, ranks, "A"/"B") and the caption carries the names.
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
from importlib import resources
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


@dataclass(frozen=True, slots=True)
class StandingRow:
    """One school of a rank answer: its tier and its latest cutoff rank."""

    school: str
    tier: str
    rank: int
    year: int

    @property
    def tier_ascii(self) -> str:
        """The tier in ASCII, for a chart without a CJK font."""
        return {"冲": "reach", "稳": "match", "保": "safe"}.get(self.tier, "?")


@dataclass(frozen=True, slots=True)
class Standing:
    """Where the user stands among the schools of a rank answer."""

    title: str  # 河南物理类
    user_rank: int
    rows: tuple[StandingRow, ...]


def standing_of(answer_query: dict[str, Any], results: Sequence[dict[str, Any]]) -> Standing | None:
    """The standing chart's data from a rank answer's query and results; None without a rank or ranks."""
    rank = answer_query.get("rank")
    rows = tuple(StandingRow(r["school"], r["tier"], r["cutoff_rank"], r["year"])
                 for r in results if r.get("cutoff_rank") is not None)
    if rank is None or not rows:
        return None
    return Standing(f"{answer_query.get('province') or ''}{answer_query.get('track_used') or ''}", int(rank), rows)


def standing_text(st: Standing, ascii_names: bool) -> str:
    """The standing chart's numbers as chat text (letters name the schools when the chart has no CJK font)."""
    lines = [f"{st.title} · 您的位次{st.user_rank:,}（图中虚线）与所列学校最近一年的最低录取位次："]
    for i, r in enumerate(st.rows):
        tag = f"{chr(65 + i % 26)} = " if ascii_names else ""
        lines.append(f"{tag}【{r.tier}】{r.school}：{r.year} 位次{r.rank:,}")
    lines.append("位次越小越难考。")
    return "\n".join(lines)


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


def packaged_cjk_font() -> Path | None:
    """The Noto Sans CJK collection the `noto-cjk-sans-otc` package ships, or None when it is not installed."""
    try:
        path = Path(str(resources.files("noto_cjk_sans_otc").joinpath("NotoSansCJK-Regular.ttc")))
    except ModuleNotFoundError:
        log.warning("noto-cjk-sans-otc is not installed: charts fall back to a system CJK font")
        return None
    return path if path.is_file() else None


def find_cjk_font() -> Path | None:
    """A font file with Chinese glyphs: the packaged Noto Sans CJK, else one from `fc-list :lang=zh`, or None."""
    packaged = packaged_cjk_font()
    if packaged is not None:
        return packaged
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

    async def rank_png(self, standing: Standing) -> bytes:
        """Where the user stands among the schools of a rank answer."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._draw_standing, standing)

    def close(self) -> None:
        """Stop the worker thread."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _prop(self) -> Any:
        """The CJK font's properties, registered with matplotlib's font_manager; None without a font."""
        if self.font is None:
            return None
        from matplotlib.font_manager import FontProperties, fontManager

        if str(self.font) not in {f.fname for f in fontManager.ttflist}:
            fontManager.addfont(str(self.font))
        return FontProperties(fname=str(self.font))

    def _draw_standing(self, st: Standing) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        prop = self._prop()
        rows = st.rows[::-1]  # the first listed at the top
        fig = Figure(figsize=(6.4, 1.2 + 0.32 * max(1, len(rows))), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        colours = {"冲": "tab:red", "稳": "tab:blue", "保": "tab:green"}
        for i, r in enumerate(rows):
            ax.barh(i, r.rank, color=colours.get(r.tier, "tab:grey"), alpha=0.75)
            ax.annotate(f"{r.rank:,} ({r.year})", (r.rank, i), textcoords="offset points", xytext=(3, -3),
                        fontsize=7, fontproperties=prop)
        ax.axvline(st.user_rank, color="black", linestyle="--")
        ax.set_yticks(range(len(rows)))
        if prop is None:
            ax.set_yticklabels([f"{r.tier_ascii} {chr(65 + (len(rows) - 1 - i) % 26)}" for i, r in enumerate(rows)])
            ax.set_title(f"Your rank {st.user_rank:,} (dashed) vs. latest cutoff ranks")
            ax.set_xlabel("cutoff rank (lower = harder)")
        else:
            ax.set_yticklabels([f"{r.tier} {r.school}" for r in rows], fontproperties=prop, fontsize=8)
            ax.set_title(f"{st.title}：您的位次{st.user_rank:,}（虚线）与各校最近录取位次", fontproperties=prop,
                         fontsize=10)
            ax.set_xlabel("最低录取位次（越小越难）", fontproperties=prop)
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def _draw(self, trends: tuple[Trend, ...]) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        prop = self._prop()
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
