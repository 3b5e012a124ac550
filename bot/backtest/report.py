"""The back-test as Markdown (docs/backtest.md): headline, goals, breakdowns, calibration, data notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from bot.backtest.calibrate import Calibration, Goals
from bot.backtest.run import (
    BANDS,
    BASELINE_LAST,
    BASELINE_MEAN,
    METHOD,
    SAFE_KINDS,
    VARIANT,
    Target,
    wider_name,
)
from bot.backtest.score import Board, Tally, merge
from bot.core.advise import SAFE_KEEP, TIERS, Params

NAMES = {METHOD: "本方法", VARIANT: "本方法变体", BASELINE_LAST: "基线1：去年位次+固定区间",
         BASELINE_MEAN: "基线2：三年加权均值（不换算）"}
SHOWN = ("保", "稳", "冲")  # report order: the safe tier first


@dataclass(frozen=True, slots=True)
class Meta:
    """What the run rested on, for the report's header."""

    command: str
    db: str
    built_at: str
    params: Params
    n_ranks: int
    targets: list[Target]
    skipped: list[Target]  # too few schools with cutoffs in both years
    min_schools: int
    seconds: float
    notes: list[str]
    variant: Params | None = None


def pct(x: float | None, digits: int = 1) -> str:
    """0.9861 -> 98.6%."""
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def num(x: float | None, digits: int = 2) -> str:
    """A plain number, or a dash."""
    return "—" if x is None else f"{x:.{digits}f}"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _tier_cells(t: Tally, tier: str) -> list[str]:
    tt = t.tiers[tier]
    return [pct(tt.rate), num(t.length(tier), 1), num(tt.tightness)]


def _full_row(label: str, t: Tally) -> list[str]:
    cells = [label, f"{t.queries:,}"]
    for tier in SHOWN:
        cells += _tier_cells(t, tier)
    return cells + [pct(t.safe_share), f"{sum(t.tiers[x].missing for x in TIERS):,}"]


FULL_HEAD = ["", "查询", "保 录取", "保 条数", "保 紧度", "稳 录取", "稳 条数", "稳 紧度", "冲 录取", "冲 条数", "冲 紧度",
             "≥1保", "无当年数据"]


def headline(board: Board, dim: str = "all", value: str = "all") -> list[str]:
    """Method and baselines side by side for one group."""
    rows = [_full_row(NAMES[m], t) for m in (METHOD, VARIANT, BASELINE_LAST, BASELINE_MEAN)
            if (t := board.get(m, dim, value))]
    return _table(FULL_HEAD, rows)


def goals_check(board: Board, goals: Goals = Goals()) -> list[str]:
    """The issue's targets, met or not, on the whole back-test."""
    m, b = board.get(METHOD, "all", "all"), board.get(BASELINE_LAST, "all", "all")
    if m is None or b is None:
        return []
    safe, limit = m.tiers["保"], (b.tiers["保"].tightness or 0.0) + goals.tightness_slack
    match, reach = m.tiers["稳"].rate or 0.0, m.tiers["冲"].rate or 0.0
    rows = [
        ["保 录取率 ≥ 98%", pct(safe.rate, 2), _ok((safe.rate or 0) >= goals.safe_rate)],
        [f"保 紧度 ≤ 基线1（{num(b.tiers['保'].tightness, 3)}）+ {goals.tightness_slack:g}", num(safe.tightness, 3),
         _ok((safe.tightness or 99) <= limit)],
        ["稳 录取率 55–85%", pct(match, 2), _ok(goals.match_range[0] <= match <= goals.match_range[1])],
        ["冲 录取率 20–50%", pct(reach, 2), _ok(goals.reach_range[0] <= reach <= goals.reach_range[1])],
        ["当年有校可录时 ≥1 所保 = 100%", pct(m.safe_share, 2), _ok((m.safe_share or 0) >= 0.9995)],
    ]
    return _table(["目标", "本方法", "达成"], rows)


SAFE_BANDS: tuple[float, ...] = (1.3, 1.4, 1.5, 1.6, 1.8, 2.0)  # wider 保 bands of baseline 1, for `frontier`


def frontier(board: Board, bands: Sequence[float] = SAFE_BANDS, goals: Goals = Goals()) -> list[str]:
    """Baseline 1 with wider 保 bands beside the method: how tight 保 is at a given admission rate."""
    m, b = board.get(METHOD, "all", "all"), board.get(BASELINE_LAST, "all", "all")
    if m is None or b is None:
        return []
    rows = [["本方法", pct(m.tiers["保"].rate), num(m.tiers["保"].tightness), num(m.length("保"), 1), pct(m.safe_share)],
            ["基线1，保 ≥ 1.2 倍", pct(b.tiers["保"].rate), num(b.tiers["保"].tightness), num(b.length("保"), 1),
             pct(b.safe_share)]]
    reached = None
    for x in bands:
        t = board.get(wider_name(x), "all", "all")
        if t is None:
            continue
        rows.append([f"基线1，保 ≥ {x:g} 倍", pct(t.tiers["保"].rate), num(t.tiers["保"].tightness),
                     num(t.length("保"), 1), pct(t.safe_share)])
        if reached is None and (t.tiers["保"].rate or 0) >= goals.safe_rate:
            reached = (x, t)
    out = ["把基线1的“保”放宽到更大的倍数，看它要多宽才能达到 98% 录取、那时紧度多少；"
           "同样的录取率下紧度越低越好。", ""]
    out += _table(["", "保 录取", "保 紧度", "保 条数", "≥1保"], rows)
    if reached is not None:
        x, t = reached
        out += ["", f"基线1要放宽到 {x:g} 倍才达到 98%（{pct(t.tiers['保'].rate)}），紧度 {num(t.tiers['保'].tightness)}；"
                f"本方法 {pct(m.tiers['保'].rate)}，紧度 {num(m.tiers['保'].tightness)}。"]
    return out


def _ok(flag: bool) -> str:
    return "✓" if flag else "✗"


def breakdown(board: Board, dim: str, values: Sequence[str] | None = None) -> list[str]:
    """Per value of a dimension: the method in full, the baselines' 保."""
    head = ["", "查询", "保 录取", "保 紧度", "稳 录取", "冲 录取", "≥1保", "基线1 保", "基线1 紧度", "基线2 保", "基线2 紧度"]
    rows = []
    for v in values or board.values(METHOD, dim):
        m = board.get(METHOD, dim, v)
        if m is None:
            continue
        b1, b2 = board.get(BASELINE_LAST, dim, v), board.get(BASELINE_MEAN, dim, v)
        rows.append([v, f"{m.queries:,}", pct(m.tiers["保"].rate), num(m.tiers["保"].tightness),
                     pct(m.tiers["稳"].rate), pct(m.tiers["冲"].rate), pct(m.safe_share),
                     pct(b1.tiers["保"].rate) if b1 else "—", num(b1.tiers["保"].tightness) if b1 else "—",
                     pct(b2.tiers["保"].rate) if b2 else "—", num(b2.tiers["保"].tightness) if b2 else "—"])
    return _table(head, rows)


def by_source(board: Board) -> list[str]:
    """Shown schools by where their real cutoff rank came from (published or derived from a score)."""
    head = ["位次来源", "保 录取", "保 紧度", "保 条目", "稳 录取", "冲 录取", "基线1 保", "基线2 保"]
    rows = []
    for v in board.values(METHOD, "source"):
        m = board.get(METHOD, "source", v)
        assert m is not None
        b1, b2 = board.get(BASELINE_LAST, "source", v), board.get(BASELINE_MEAN, "source", v)
        label = {"published": "官方公布", "derived": "由分数换算", "unknown": "未注明"}.get(v, v)
        rows.append([label, pct(m.tiers["保"].rate), num(m.tiers["保"].tightness), f"{m.tiers['保'].scored:,}",
                     pct(m.tiers["稳"].rate), pct(m.tiers["冲"].rate),
                     pct(b1.tiers["保"].rate) if b1 else "—", pct(b2.tiers["保"].rate) if b2 else "—"])
    return _table(head, rows)


def params_table(p: Params) -> list[str]:
    """Every field of Params with its value."""
    return _table(["参数", "值"], [[f.name, f"{getattr(p, f.name)!r}"] for f in fields(p)])


def calibration_section(cal: Calibration, goals: Goals = Goals(), used: Params | None = None) -> list[str]:
    """The grid, the choice on all provinces and the held-out folds."""
    grid = "；".join(f"`{k}` ∈ {{{', '.join(f'{x:g}' for x in v)}}}" for k, v in cal.grid.items())
    out = [f"网格：{grid}（搜索其中 {cal.n_points} 组，每个省份-科类-年份 {cal.n_ranks} 个位次，只跑本方法）。",
           "",
           "只搜“历年稳定在用户位次 1.3 倍的学校一定算保”的组合（|safe_z| × spread_floor ≤ ln 1.3）。"
           "选择规则：先要 保 录取率 ≥ 98%，再要 保 紧度不超过基线1 + 0.1，再要 稳 55–85%、冲 20–50%；"
           "达到 98% 的取保最紧的一组，都达不到时取保录取率最高的一组，最后看稳/冲离 70%/35% 多近。",
           "",
           "全部省份一起选出的参数：" + _changes(cal.best), ""]
    if used is not None and _changes(used) != _changes(cal.best):
        held = cal.pooled_held_out.tiers["保"].rate or 0.0
        why = (f"选出的那组在留出省上的保录取率只有 {pct(held)}，离目标线太近，bot 多留了一点余量。"
               if held < goals.safe_rate + 0.005 else "与选出的不同。")
        out[-1:] = ["", "bot 用的参数（本文件其余各表都是它的结果）：" + _changes(used) + "。" + why, ""]
    out += _table(["", "保 录取", "保 紧度", "稳 录取", "冲 录取", "≥1保"],
                  [["本方法（全体选参）", pct(cal.best_all.tiers["保"].rate), num(cal.best_all.tiers["保"].tightness),
                    pct(cal.best_all.tiers["稳"].rate), pct(cal.best_all.tiers["冲"].rate), pct(cal.best_all.safe_share)],
                   ["基线1", pct(cal.baseline_all.tiers["保"].rate), num(cal.baseline_all.tiers["保"].tightness),
                    pct(cal.baseline_all.tiers["稳"].rate), pct(cal.baseline_all.tiers["冲"].rate),
                    pct(cal.baseline_all.safe_share)]])
    out += ["", "留一省验证：每次留出一个省，用其余省份选参数，再在留出的省上打分。", ""]
    rows = []
    for f in cal.folds:
        h, b = f.held_out, f.baseline_held_out
        rows.append([f.province, _changes(f.params, short=True), pct(f.train.tiers["保"].rate),
                     pct(h.tiers["保"].rate), num(h.tiers["保"].tightness), pct(h.tiers["稳"].rate),
                     pct(h.tiers["冲"].rate), pct(b.tiers["保"].rate), num(b.tiers["保"].tightness)])
    pooled = cal.pooled_held_out
    base_pooled = merge(f.baseline_held_out for f in cal.folds)
    rows.append(["**合计（留出）**", "", "", f"**{pct(pooled.tiers['保'].rate)}**", num(pooled.tiers["保"].tightness),
                 pct(pooled.tiers["稳"].rate), pct(pooled.tiers["冲"].rate), pct(base_pooled.tiers["保"].rate),
                 num(base_pooled.tiers["保"].tightness)])
    out += _table(["留出省", "其余省选出的参数", "训练 保", "留出 保", "留出 保紧度", "留出 稳", "留出 冲", "基线1 保",
                   "基线1 紧度"], rows)
    return out


def _changes(p: Params, short: bool = False) -> str:
    keys = ("safe_z", "match_z", "spread_floor", "one_year_floor", "safe_span")
    if short:
        return " ".join(f"{getattr(p, k):g}" for k in keys)
    return "，".join(f"`{k}={getattr(p, k)!r}`" for k in keys)


def _variant_note(meta: Meta) -> list[str]:
    if meta.variant is None:
        return []
    diff = [f"`{f.name}={getattr(meta.variant, f.name)!r}`" for f in fields(Params)
            if getattr(meta.variant, f.name) != getattr(meta.params, f.name)]
    return ["本方法变体：" + ("，".join(diff) or "与本方法相同") + "，其余参数同本方法。", ""]


def render(board: Board, meta: Meta, calibration: Calibration | None = None) -> str:
    """The whole report."""
    years = sorted({t.year for t in meta.targets})
    provinces = sorted({t.province for t in meta.targets})
    data = (f"数据：{meta.db}（构建于 {meta.built_at}）。{len(meta.targets)} 个省份-科类-年份，"
            f"{years[0]}–{years[-1]} 年，{len(provinces)} 个省份：{'、'.join(provinces)}。"
            f"每个省份-科类-年份取 {meta.n_ranks} 个在全体考生中按对数均匀分布的位次（从 50 到最后一名），"
            f"每档看前 {meta.params.per_tier} 所，运行 {meta.seconds:.0f} 秒。") if years else "数据：无可回测的省份-科类-年份。"
    lines = [
        "# 冲/稳/保 回测",
        "",
        "用某年之前的数据跑推荐，再看那一年真实的录取位次：推荐给用户看的每档前几所学校，实际有多少录取了这个位次。",
        "",
        "重新生成本文件：",
        "",
        "```",
        meta.command,
        "```",
        "",
        data,
        "",
        "## 怎么读",
        "",
        "- **录取**：这所学校（同一校区、同一层次）当年普通批最低录取位次 ≥ 用户位次。只用核验过的数据（第三方行不算结果），"
        "当年没有这所学校数据的不计入分母，数量见“无当年数据”。",
        "- **条数**：每次查询这一档平均列出几所（最多每档 "
        f"{meta.params.per_tier} 所）。**紧度**：列出学校的当年录取位次 ÷ 用户位次 的中位数；保 越接近 1 越不浪费分数。",
        "- **≥1保**：当年确有可录取该位次的学校（在推荐可选的范围内）时，列表里至少有一所“保”的查询占比。",
        "- 推荐只用目标年之前的录取数据；目标年的一分一段表和批次线（填志愿前就已公布）照常使用。",
        "- 基线1：去年的录取位次，保 ≥ 1.2 倍用户位次、稳 1.0–1.2 倍、冲 0.9–1.0 倍，离用户最近的先列。"
        "基线2：最近三年位次的加权平均（不按考生人数换算），区间同基线1。两条基线和本方法用同一批候选学校、同样的本科/专科范围。",
        "",
        "## 方法（bot/core/advise.py）",
        "",
        "- 每所学校（同校区、同本科/专科层次）每年取最容易的普通批录取位次；提前批不算（要面试、政审等）。",
        "- 位次按考生人数换算到目标年的程度由 `cohort_power` 定（0 为不换算，直接比位次）；"
        "一分一段表只到高分段的年份不换算（其末位不是考生总数）。",
        "- 预期位次 = 最近至多 3 年位次取对数后的加权平均（`weights`，近年权重大）。",
        "- 波动 = 这几年对数位次的加权标准差，不低于 `spread_floor`，只有一年数据时取 `one_year_floor`；"
        "民办院校乘 `private_spread`（多在批次线附近录满，波动小），单列校区乘 `campus_spread`，"
        "最近数据在改革前的科类乘 `reform_spread`（这三个倍数按回测中各类学校的实际偏差定）；"
        "最近一年数据缺一年，波动放大 `stale_growth` 倍。",
        f"- 保从离用户最近的学校往下列，但前 {SAFE_KEEP} 所之后只列预期位次不超过用户位次 `safe_span` 倍的学校："
        "再往下的学校更稳，却白白浪费分数。",
        "- 本科线以上只列本科；本科里没有“保”时，“保”改从专科院校里选，并在回答里说明。",
        "- 批次线上录满：至少 `line_years` 年、每年最低分都不超过当年批次线 `line_tolerance` 分的学校（核验数据），"
        "对高出批次线比它往年最多高出的分数还多 `line_margin` 分的用户算“保”（批次线附近位次挤在一起，按位次波动判断会偏保守）；"
        "只有一年、或只高出 15 分时，回测中这样的“保”录取率不到 95%，所以不算。",
        "- 最近一年的录取位次比用户位次还靠前（那年没录到这个位次）的学校，无论预期位次如何，最多算冲（`latest_cap`），"
        "批次线上录满的除外；不加这条时，这样的“稳”回测中只有约一半录取，与冲相当。"
        "分专业组（专业）列出时，看的是该组（专业）自己最近一年的位次。",
        "- 最近数据比目标年早超过 `stale_years` 年的学校不列（目标年前两年都没有它的数据）：回测中这样的学校大多当年也没有数据，"
        "去掉它们各档录取率不变。",
        "- 每档列出的学校里，连续 `private_run` 所民办之后，下一所改列该档把握最大的公办学校（该档有公办时），其余仍按把握排序。",
        "- z = (ln 用户位次 − 预期对数位次) ÷ 波动：z ≤ `safe_z` 为保（且各年都是核验数据），≤ `match_z` 为稳，"
        "≤ `reach_z` 为冲。稳、保从最好的学校往下列，冲从最有把握的往上列，每档前 `per_tier` 所。",
        "",
        "## 总体",
        "",
        *headline(board),
        "",
        *_variant_note(meta),
        "## 目标",
        "",
        *goals_check(board),
        "",
        "## 同等把握下的紧度",
        "",
        *frontier(board),
        "",
        "## 分省",
        "",
        *breakdown(board, "province"),
        "",
        "## 分位次段",
        "",
        "位次段按用户位次占当年考生的比例；“专科段”为分数低于本科线（推荐里含专科）。",
        "",
        *breakdown(board, "band", [b for b in BANDS if board.get(METHOD, "band", b)]),
        "",
        "## 保 从哪里来",
        "",
        "按每次查询的“保”是怎么选出的分：按区间选出；本科里没有时从专科选出；区间内没有时，列往年最低位次录取过该位次、"
        "至少算“稳”的学校中把握最大的一所；往年没有学校录取到该位次时，列预期位次最低的一所，但它最近一年的位次须不低于用户位次的 `near_ratio` 倍（否则不列“保”）。后两种在回答里标明“并不稳妥”。"
        "“保 录取”是这一类查询里列出的“保”的录取率。",
        "",
        *breakdown(board, "safe", [k for k in SAFE_KINDS if board.get(METHOD, "safe", k)]),
        "",
        "## 官方位次与换算位次",
        "",
        "按列出学校当年录取位次的来源分：官方公布的位次，或由分数按一分一段表换算的位次。",
        "",
        *by_source(board),
        "",
        "## 新高考改革首年",
        "",
        *breakdown(board, "reform"),
        "",
    ]
    if calibration is not None:
        lines += ["## 校准", "", *calibration_section(calibration, used=meta.params), ""]
    lines += ["## 参数", "", *params_table(meta.params), "", "## 各省份-科类-年份", "",
              *breakdown(board, "target"), "", "## 数据说明", ""]
    lines.append(f"- 两年都有核验位次的学校少于 {meta.min_schools} 所的省份-科类-年份未回测：{_skipped(meta.skipped)}。")
    lines += [f"- {n}" for n in meta.notes]
    return "\n".join(lines) + "\n"


def _skipped(skipped: Sequence[Target]) -> str:
    if not skipped:
        return "无"
    by_prov: dict[str, list[Target]] = {}
    for t in skipped:
        by_prov.setdefault(t.province, []).append(t)
    parts = [f"{p} {len(ts)} 个（{min(t.year for t in ts)}–{max(t.year for t in ts)}，最多 {max(t.schools for t in ts)} 所）"
             for p, ts in sorted(by_prov.items())]
    return f"共 {len(skipped)} 个：" + "、".join(parts)


def measured_rates(board: Board, meta: Meta) -> dict[str, object]:
    """The small summary the bot's help text quotes (bot/core/rates.py)."""
    m = board.get(METHOD, "all", "all")
    years = sorted({t.year for t in meta.targets})
    out: dict[str, object] = {t: round(m.tiers[t].rate or 0.0, 3) if m else 0.0 for t in SHOWN}
    out.update({
        "per_tier": meta.params.per_tier,
        "years": f"{years[0]}–{years[-1]}" if years else "",
        "provinces": len({t.province for t in meta.targets}),
        "built_at": meta.built_at[:10],
    })
    return out
