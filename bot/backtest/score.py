"""Scoring shown lists against what happened in the target year: pure functions, no I/O."""

from __future__ import annotations

import statistics
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.advise import TIERS, UnitKey, unit_history
from bot.core.store import Cutoff

Lists = Mapping[str, Sequence[UnitKey]]  # tier -> the units shown, in the order shown


@dataclass(frozen=True, slots=True)
class Outcome:
    """A unit's easiest verified ordinary cutoff rank in the target year."""

    rank: int
    source: str  # published / derived / unknown


@dataclass(frozen=True, slots=True)
class ScoredPick:
    """One shown school against its real cutoff; `admitted` is None when the school has no cutoff that year."""

    tier: str
    admitted: bool | None
    ratio: float | None  # real cutoff rank / user rank
    source: str | None  # where the real cutoff rank came from


@dataclass(frozen=True, slots=True)
class QueryScore:
    """One user rank's lists, scored."""

    lengths: dict[str, int]
    picks: tuple[ScoredPick, ...]
    safe_existed: bool  # some school the lists could draw on did admit this rank


def outcomes(cutoffs: Iterable[Cutoff], year: int) -> dict[UnitKey, Outcome]:
    """What really happened in `year`: verified cutoffs only (third-party rows never count)."""
    hist = unit_history(c for c in cutoffs if c.year == year and c.verified)
    out = {}
    for key, by_year in hist.items():
        c = by_year[year]
        assert c.min_rank is not None
        out[key] = Outcome(c.min_rank, c.rank_source or "unknown")
    return out


def admitted(cutoff_rank: int, user_rank: int) -> bool:
    """A school admits a rank when its cutoff rank is not better (smaller) than the user's."""
    return cutoff_rank >= user_rank


def score(lists: Lists, outcome: Mapping[UnitKey, Outcome], user_rank: int, safe_existed: bool) -> QueryScore:
    """Score the shown lists of one query."""
    picks = []
    for tier in TIERS:
        for key in lists.get(tier, ()):
            o = outcome.get(key)
            if o is None:
                picks.append(ScoredPick(tier, None, None, None))
            else:
                picks.append(ScoredPick(tier, admitted(o.rank, user_rank), o.rank / user_rank, o.source))
    return QueryScore({t: len(lists.get(t, ())) for t in TIERS}, tuple(picks), safe_existed)


def safe_existed(outcome: Mapping[UnitKey, Outcome], candidates: Iterable[UnitKey], user_rank: int) -> bool:
    """True when some candidate unit really admitted `user_rank`."""
    return any((o := outcome.get(k)) is not None and admitted(o.rank, user_rank) for k in candidates)


@dataclass(slots=True)
class TierTally:
    """Counts of one tier over many queries."""

    shown: int = 0
    missing: int = 0  # shown but without a cutoff in the target year: out of the denominator
    admitted: int = 0
    ratios: array[float] = field(default_factory=lambda: array("d"))

    @property
    def scored(self) -> int:
        """Shown schools with an outcome."""
        return self.shown - self.missing

    @property
    def rate(self) -> float | None:
        """Share of scored schools that admitted the user."""
        return self.admitted / self.scored if self.scored else None

    @property
    def tightness(self) -> float | None:
        """Median of real cutoff rank / user rank."""
        return statistics.median(self.ratios) if self.ratios else None


@dataclass(slots=True)
class Tally:
    """Per-tier counts and query-level counts of one group of queries."""

    queries: int = 0
    safe_existed: int = 0
    safe_shown: int = 0  # queries with at least one 保 among those where one existed
    listed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))  # sum of list lengths
    tiers: dict[str, TierTally] = field(default_factory=lambda: {t: TierTally() for t in TIERS})

    def add_query(self, q: QueryScore) -> None:
        """Count a query's lists (lengths and the 保 existence), not its picks."""
        self.queries += 1
        for t in TIERS:
            self.listed[t] += q.lengths[t]
        if q.safe_existed:
            self.safe_existed += 1
            self.safe_shown += q.lengths["保"] > 0

    def add_pick(self, p: ScoredPick) -> None:
        """Count one shown school."""
        t = self.tiers[p.tier]
        t.shown += 1
        if p.admitted is None or p.ratio is None:
            t.missing += 1
            return
        t.admitted += p.admitted
        t.ratios.append(p.ratio)

    def length(self, tier: str) -> float | None:
        """Mean list length of a tier."""
        return self.listed[tier] / self.queries if self.queries else None

    @property
    def safe_share(self) -> float | None:
        """Share of queries with at least one 保 among those where a safe school existed."""
        return self.safe_shown / self.safe_existed if self.safe_existed else None


GroupKey = tuple[str, str, str]  # method, dimension, value


@dataclass(slots=True)
class Board:
    """Tallies of every method by dimension (all, province, band, reform ...) and, per pick, by rank source."""

    tallies: dict[GroupKey, Tally] = field(default_factory=dict)

    def tally(self, method: str, dim: str, value: str) -> Tally:
        """The tally of one group (created empty)."""
        key = (method, dim, value)
        t = self.tallies.get(key)
        if t is None:
            t = self.tallies[key] = Tally()
        return t

    def add(self, method: str, groups: Sequence[tuple[str, str]], q: QueryScore) -> None:
        """Count a scored query in each (dimension, value) group, and each pick by its rank source."""
        tallies = [self.tally(method, d, v) for d, v in groups]
        for t in tallies:
            t.add_query(q)
        for p in q.picks:
            for t in tallies:
                t.add_pick(p)
            if p.source is not None:
                self.tally(method, "source", p.source).add_pick(p)

    def get(self, method: str, dim: str, value: str) -> Tally | None:
        """The tally of one group, if any query fell in it."""
        return self.tallies.get((method, dim, value))

    def values(self, method: str, dim: str) -> list[str]:
        """The values seen for a dimension."""
        return sorted({v for m, d, v in self.tallies if m == method and d == dim})


def merge(tallies: Iterable[Tally]) -> Tally:
    """One tally pooling several (e.g. every province but one)."""
    out = Tally()
    for t in tallies:
        out.queries += t.queries
        out.safe_existed += t.safe_existed
        out.safe_shown += t.safe_shown
        for tier in TIERS:
            out.listed[tier] += t.listed[tier]
            a, b = out.tiers[tier], t.tiers[tier]
            a.shown += b.shown
            a.missing += b.missing
            a.admitted += b.admitted
            a.ratios.extend(b.ratios)
    return out
