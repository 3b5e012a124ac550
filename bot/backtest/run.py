"""Run the back-test over a database: for each province-track-year, the lists the bot would have shown."""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from bot.backtest import baselines
from bot.backtest.score import Board, Outcome, outcomes, safe_existed, score
from bot.core.advise import (
    LEVELS,
    TIERS,
    WEAK_UNREACHED,
    Params,
    Recommendation,
    UnitKey,
    equivalent_tracks,
    is_ordinary_batch,
    ladder_for,
    province_history,
    shortlist,
)
from bot.core.store import Cutoff, Store
from gaokao import regions

log = logging.getLogger(__name__)

METHOD = "method"
VARIANT = "variant"  # the method with other Params, scored beside it (--variant)
BASELINE_LAST = "baseline1"
BASELINE_MEAN = "baseline2"
METHODS: tuple[str, ...] = (METHOD, BASELINE_LAST, BASELINE_MEAN)
WIDER = "baseline1@"  # baseline 1 with a wider 保 band, e.g. baseline1@1.4


def wider_name(safe: float) -> str:
    """The board name of baseline 1 with 保 at `safe` times the user's rank."""
    return f"{WIDER}{safe:g}"
SAFE_KINDS: tuple[str, ...] = ("按区间选出", "专科保底", "把握最大的一所（不稳妥）", "往年无校录到（最接近的一所）", "无保")
BANDS: tuple[str, ...] = ("前1%", "1–10%", "10–50%", "50%以后（本科线上）", "本科线附近（线上20%以内）", "专科段（本科线下）")
NEAR_LINE = 0.8  # a rank within this share of the 本科 line's rank (0.8–1.0 of it) is "near the line"


@dataclass(frozen=True, slots=True)
class Target:
    """A province-track-year to predict from the years before it."""

    province: str
    track: str
    year: int
    cohort: int
    reform: bool  # last year's cutoffs were in the old track (first year of the new one)
    schools: int  # units with verified cutoff ranks both this year and the year before

    @property
    def label(self) -> str:
        """省份科类年份, e.g. 广东物理类2024."""
        return f"{self.province}{self.track}{self.year}"


def targets(store: Store, provinces: Collection[str] | None = None) -> list[Target]:
    """Province-track-years with verified ordinary school cutoff ranks that year and the year before."""
    out = []
    for prov, track in sorted(store.cutoffs):
        if (provinces is not None and prov not in provinces) or track not in ("物理类", "历史类", "理科", "文科", "综合"):
            continue
        own = _units_by_year(store.province_cutoffs(prov, track))
        before: dict[int, set[UnitKey]] = {}
        tracks_before: dict[int, set[str]] = {}
        for t in equivalent_tracks(track):
            for y, units in _units_by_year(store.province_cutoffs(prov, t)).items():
                before.setdefault(y, set()).update(units)
                tracks_before.setdefault(y, set()).add(t)
        for y in sorted(own):
            size = store.cohort(prov, y, track)
            if y - 1 not in before or size is None or track not in regions.tracks_for(prov, y):
                continue
            out.append(Target(prov, track, y, size, track not in tracks_before[y - 1], len(own[y] & before[y - 1])))
    return out


def _units_by_year(cuts: Iterable[Cutoff]) -> dict[int, set[UnitKey]]:
    out: dict[int, set[UnitKey]] = {}
    for c in cuts:
        if c.verified and c.min_rank is not None and is_ordinary_batch(c.batch):
            out.setdefault(c.year, set()).add((c.school_id, c.campus, c.batch_level))
    return out


def user_ranks(cohort: int, n: int = 200, lowest: int = 50) -> list[int]:
    """`n` ranks log-spaced from `lowest` to the cohort's last rank."""
    lo, hi = math.log(min(lowest, cohort)), math.log(cohort)
    return sorted({round(math.exp(lo + (hi - lo) * i / max(n - 1, 1))) for i in range(n)})


def safe_kind(rec: Recommendation) -> str:
    """Where a recommendation's 保 came from, as reported."""
    if not rec.tiers["保"]:
        return SAFE_KINDS[4]
    if rec.weak_safe:
        return SAFE_KINDS[3] if rec.weak_safe == WEAK_UNREACHED else SAFE_KINDS[2]
    return SAFE_KINDS[1] if rec.safe_fallback else SAFE_KINDS[0]


def band(rank: int, cohort: int, levels: Sequence[str], has_lines: bool, line_rank: int | None = None) -> str:
    """The rank band a query is reported in; `line_rank` is the rank at the lowest 本科 line, when known."""
    if has_lines and "专科" in levels:
        return BANDS[5]
    if line_rank is not None and NEAR_LINE * line_rank <= rank <= line_rank:
        return BANDS[4]
    share = rank / cohort
    return BANDS[0] if share <= 0.01 else BANDS[1] if share <= 0.10 else BANDS[2] if share <= 0.5 else BANDS[3]


def benke_line_rank(store: Store, province: str, track: str, year: int) -> int | None:
    """The rank at a province-track-year's lowest ordinary 本科 line (本科批, 本科二批 ...), or None."""
    scores = [s for batch, s in store.control_lines(province, year, track)
              if batch.startswith("本科") and "提前" not in batch]
    table = store.table(province, track, year)
    if not scores or table is None:
        return None
    return table.rank_of(min(scores))


@dataclass(frozen=True, slots=True)
class Options:
    """What to run."""

    params: Params = field(default_factory=Params)
    n_ranks: int = 200
    methods: tuple[str, ...] = METHODS
    ranks: tuple[int, ...] | None = None  # fixed user ranks instead of log-spaced ones (tests)
    variant: Params | None = None  # also score the method with these Params, as VARIANT
    safe_bands: tuple[float, ...] = ()  # also score baseline 1 with 保 at these multiples of the user's rank


def run(store: Store, targets_: Sequence[Target], opts: Options = Options(), board: Board | None = None) -> Board:
    """Back-test every target; returns the tallies."""
    board = board if board is not None else Board()
    for tg in targets_:
        run_target(store, tg, opts, board)
    return board


def run_target(store: Store, tg: Target, opts: Options, board: Board) -> None:
    """Back-test one province-track-year: history before it, outcomes in it, each user rank."""
    p = opts.params
    outcome: dict[UnitKey, Outcome] = outcomes(store.province_cutoffs(tg.province, tg.track), tg.year)
    ladder = ladder_for(store, tg.province, tg.track, tg.year, tg.year, p)  # built once, placed for every rank
    history = province_history(store, tg.province, tg.track, tg.year)
    b1 = baselines.last_year(history, tg.year)
    b2 = baselines.raw_mean(history, tg.year, p.weights, p.stale_years)
    wider = [(wider_name(x), baselines.FixedBands(b1.refs, baselines.Bands(safe=x))) for x in opts.safe_bands]
    candidates = {lv: [e.key for e in ladder.estimates if e.verified and e.batch_level == lv] for lv in LEVELS}
    has_lines = bool(store.control_line_years(tg.province, tg.track))
    line_rank = benke_line_rank(store, tg.province, tg.track, tg.year)
    other = opts.variant
    other_ladder = ladder_for(store, tg.province, tg.track, tg.year, tg.year, other) if other else None
    ranks = opts.ranks or user_ranks(tg.cohort, opts.n_ranks)
    for r in ranks:
        rec = shortlist(store, tg.province, tg.track, r, tg.year, tg.year, p, ladder=ladder)
        existed = safe_existed(outcome, (k for lv in rec.levels + rec.safe_fallback for k in candidates[lv]), r)
        groups = [("all", "all"), ("province", tg.province), ("band", band(r, tg.cohort, rec.levels, has_lines, line_rank)),
                  ("reform", "改革首年" if tg.reform else "同一科类"), ("target", tg.label), ("safe", safe_kind(rec))]
        if METHOD in opts.methods:
            lists = {t: [k.key for k in rec.tiers[t]] for t in TIERS}
            board.add(METHOD, groups, score(lists, outcome, r, existed))
        if other is not None:
            alt = shortlist(store, tg.province, tg.track, r, tg.year, tg.year, other, ladder=other_ladder)
            board.add(VARIANT, groups, score({t: [k.key for k in alt.tiers[t]] for t in TIERS}, outcome, r, existed))
        for name, base in ((BASELINE_LAST, b1), (BASELINE_MEAN, b2), *wider):
            if name in opts.methods or name.startswith(WIDER):
                board.add(name, groups, score(base.place(r, rec.levels, p.per_tier), outcome, r, existed))
    log.info("%s: %d ranks, %d units with history, %d outcomes", tg.label, len(ranks), len(ladder.estimates),
             len(outcome))
