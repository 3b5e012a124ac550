"""The grain students apply at: a school's groups (院校专业组) or majors (专业+院校) in one province.

A school's estimate (bot/core/advise.py) rests on its easiest ordinary entry over several years. Where the data
has the school's group or major rows, each group (or major) becomes an estimate of its own: its own latest cutoff,
moved by the school only over a year the group's rows lack (`gap_shift`), with the school's spread. The
school-level estimates and the back-test (which uses them) are unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

from bot.core.advise import Estimate, UnitKey
from bot.core.notes import Note, note
from bot.core.store import SchoolUnits as SchoolUnits  # re-exported: where the placement code looks for it
from bot.core.store import Unit as Unit
from bot.core.store import UnitBlock
from gaokao import regions
from gaokao.regions import MAJOR_MODE as MAJOR_MODE  # re-exported: the answer engine looks for it here

DRIFT = 0.1  # the most a group's cutoff is moved by its school's easiest entry over a year it lacks (log rank: ±10%)
SHOWN = 5  # groups (majors) of a school placed when no major filter asks for all of them


Match = Callable[[str], bool]


def build(blocks: Iterable[UnitBlock], province: str, names: Mapping[int, str] | None = None) -> dict[UnitKey, SchoolUnits]:
    """Per (school, campus, batch level), its groups or majors of its latest year among `blocks` (the ETL's
    `group_units` as the store reads them, derived by etl/units.py `derive`). `province` and `names` are not needed
    any more: the ETL used them."""
    latest: dict[UnitKey, UnitBlock] = {}
    for b in blocks:
        key = (b.school_id, b.campus, b.batch_level)
        got = latest.get(key)
        if got is None or b.year > got.year:
            latest[key] = b
    return {key: b.units for key, b in latest.items()}


def names(u: Unit) -> tuple[str, ...]:
    """The majors a unit teaches: a group's majors, or the major itself."""
    return u.majors if u.kind == "group" or u.majors else (u.name,)


def matcher(words: Sequence[str]) -> Match:
    """True for a major (or group) name containing any of `words`."""
    ws = tuple(w for w in words if w)
    return lambda name: any(w in name for w in ws)


def matching(u: Unit, match: Match) -> tuple[str, ...]:
    """The unit's majors that match (its own name for a major)."""
    return tuple(m for m in names(u) if match(m))


def _spread(units: tuple[Unit, ...], n: int) -> tuple[Unit, ...]:
    """At most `n` units evenly over the range, the hardest and the easiest always in."""
    if len(units) <= n:
        return units
    step = (len(units) - 1) / (n - 1)
    return tuple(units[round(i * step)] for i in range(n))


def expand(estimates: Iterable[Estimate], units: Mapping[UnitKey, SchoolUnits], match: Match | None = None,
           shown: int = SHOWN) -> list[Estimate]:
    """Each school's estimate split into its groups (majors) where the data has them.

    Without `match`, a school without unit rows keeps its own estimate; with it, only units whose majors match
    are kept (a school without unit rows is left out: nothing says what it teaches)."""
    out: list[Estimate] = []
    log, exp = math.log, math.exp
    new = tuple.__new__  # estimates built as `e._replace(...)` would, without its per-field dict (a ladder's thousands)
    for e in estimates:
        su = units.get((e[0], e[1], e[2]))  # e.key
        if su is not None and not 0 <= e.used[0].year - su.year <= 1:
            su = None  # groups of another year than the school's latest cutoff (or the one before): not its layout
        if su is None:
            if match is None:
                out.append(e)
            continue
        if su.kind == "school" and match is None:  # old 文理 years: one 志愿 was the school, its easiest entry
            out.append(new(Estimate, (*e[:10], su)))  # e._replace(span=su)
            continue
        # (asked for a field in an old 文理 year: what the student needs is the matching major's cutoff)
        drift = gap_shift(e, su)
        chosen = su.units if match is not None else _spread(su.units, shown)
        head, sigma, tail = e[:3], e[4], e[6:9]  # school_id … batch_level; used, factors, verified
        for u in chosen:
            if match is not None:
                hits = matching(u, match)
                if not hits:
                    continue
                u = u._replace(majors=hits)
            mean = log(max(u.min_rank, 1)) + drift
            # e._replace(mean=mean, expected_rank=…, unit=u, span=su)
            out.append(new(Estimate, (*head, mean, sigma, max(1, round(exp(mean))), *tail, u, su)))
    return out


def gap_shift(e: Estimate, su: SchoolUnits) -> float:
    """How far (log rank) a group's own latest cutoff is moved to stand for the school's latest year.

    A unit is placed by its own cutoff: its latest year decides, as a school with one year of data is placed by that
    year. Only when the units are a year older than the school's latest cutoff does the school fill the gap: its
    easiest entry's move from the units' year to its latest, bounded by DRIFT (a jump of the easiest entry, a weak
    major filled at the line one year, says little about the school's other groups). 0 when the units are of the
    school's latest year: the school's trend never makes a group look easier than its own cutoff."""
    latest = e.used[0]
    if su.year >= latest.year or not su.lowest or not latest.min_rank:
        return 0.0
    then = next((c.min_rank for c in e.used if c.year == su.year and c.min_rank), su.lowest)
    return min(DRIFT, max(-DRIFT, math.log(latest.min_rank) - math.log(then)))


def easiest_note(province: str, year: int, grouped: bool, some_without: bool) -> Note | None:
    """The one note a list needs when some school is shown by its easiest entry in a province where students
    apply to groups (majors): `grouped`, the list has other schools' groups; None when none is, or in an old
    文理 year (one 志愿 was a school)."""
    if regions.track_system(province, year) == "old" or (grouped and not some_without):
        return None
    return note("reach.easiest", province=province, grouped=grouped, by_major=province in MAJOR_MODE)


def expand_apart(estimates: Iterable[Estimate], apart: Mapping[UnitKey, SchoolUnits],
                 ordinary: Mapping[UnitKey, SchoolUnits], match: Match | None = None,
                 shown: int = SHOWN) -> list[Estimate]:
    """The units of a programme admitted apart (中外合作办学: `apart`), each placed as `expand` places a school's
    groups: at its own latest cutoff, moved as the school's easiest entry is expected to move from the school's
    ordinary layout (`ordinary`) of that year (bounded; not moved without one). Only such units come out: a school
    without them (or with them of another year than its cutoff's) adds nothing."""
    out: list[Estimate] = []
    for e in estimates:
        su = apart.get(e.key)
        if su is None or not 0 <= e.used[0].year - su.year <= 1:
            continue
        base = ordinary.get(e.key)
        drift = (min(DRIFT, max(-DRIFT, e.mean - math.log(base.lowest)))
                 if base is not None and base.year == su.year and base.lowest else 0.0)
        for u in su.units if match is not None else _spread(su.units, shown):
            if match is not None:
                hits = matching(u, match)
                if not hits:
                    continue
                u = u._replace(majors=hits)
            mean = math.log(max(u.min_rank, 1)) + drift
            out.append(e._replace(mean=mean, expected_rank=max(1, round(math.exp(mean))), unit=u, span=su))
    return out
