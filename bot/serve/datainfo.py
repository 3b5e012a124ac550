"""What the served database covers (/datainfo), and what a refresh changed.

Built from build_info (build time, the ETL's row counts) and the keys of the store's tables, so it
never loads a cutoff list or a score table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from bot.core.store import Store

LABELS = {"schools": "学校", "school_aliases": "名称和简称", "admissions": "录取记录", "school_cutoffs": "院校录取线",
          "score_ranks": "一分一段行", "cohorts": "一分一段表", "control_lines": "批次线", "major_strength": "专业评估/排名"}


@dataclass(frozen=True, slots=True)
class Coverage:
    """A summary of one database: version, row counts, and per province what it can answer."""

    built_at: str | None
    counts: dict[str, int]  # table -> rows
    provinces: dict[str, tuple[tuple[str, ...], tuple[int, ...]]]  # -> (tracks with school cutoffs, 一分一段 years)


def _counts(store: Store) -> dict[str, int]:
    try:
        counts = json.loads(store.build_info.get("counts") or "{}")
    except ValueError:
        counts = {}
    if not isinstance(counts, dict) or not counts:  # an older build: count what the store holds
        counts = {"schools": len(store.schools), "school_aliases": len(store.name_entries)}
    return {str(k): int(v) for k, v in counts.items()}


def coverage(store: Store) -> Coverage:
    """Summarise a store without loading its lazy tables."""
    tracks: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[int]] = defaultdict(set)
    for prov, track in store.cutoff_keys:
        tracks[prov].add(track)
    for prov, year, _track in store.tables:
        years[prov].add(year)
    provs = sorted(tracks.keys() | years.keys())
    return Coverage(store.build_info.get("built_at"), _counts(store),
                    {p: (tuple(sorted(tracks[p])), tuple(sorted(years[p]))) for p in provs})


def _years(ys: tuple[int, ...]) -> str:
    if not ys:
        return "—"
    return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 and list(ys) == list(range(ys[0], ys[-1] + 1)) else "、".join(map(str, ys))


def info_text(c: Coverage, waiting: int | None = None) -> str:
    """The /datainfo reply; `waiting` is the number of replies in the outbox, when there is one."""
    lines = [f"数据版本：{c.built_at or '未知'}"]
    lines += [f"{LABELS.get(k, k)}：{n:,}" for k, n in c.counts.items()]
    lines.append(f"覆盖省份：{len(c.provinces)} 个（院校录取线的科类；一分一段表的年份）")
    lines += [f"  {p}：{'/'.join(t) or '—'}；{_years(y)}" for p, (t, y) in c.provinces.items()]
    if waiting is not None:
        lines.append(f"待发送的回复：{waiting:,}" + ("（Telegram 暂时未接收或正在排队，会自动重发）" if waiting else ""))
    return "\n".join(lines)


def diff_text(before: Coverage, after: Coverage) -> str:
    """What changed between two databases, one line per change."""
    lines = [f"数据版本：{before.built_at or '未知'} → {after.built_at or '未知'}"]
    for key in dict.fromkeys([*before.counts, *after.counts]):
        a, b = before.counts.get(key, 0), after.counts.get(key, 0)
        if a != b:
            lines.append(f"{LABELS.get(key, key)}：{a:,} → {b:,}（{b - a:+,}）")
    added = [p for p in after.provinces if p not in before.provinces]
    gone = [p for p in before.provinces if p not in after.provinces]
    if added:
        lines.append("新增省份：" + "、".join(added))
    if gone:
        lines.append("不再覆盖的省份：" + "、".join(gone))
    for p in sorted(after.provinces.keys() & before.provinces.keys()):
        (ta, ya), (tb, yb) = before.provinces[p], after.provinces[p]
        new = [*sorted(set(tb) - set(ta)), *map(str, sorted(set(yb) - set(ya)))]
        if new:
            lines.append(f"{p}：新增 {'、'.join(new)}")
    if len(lines) == 1:
        lines.append("覆盖范围没有变化。")
    return "\n".join(lines)
