"""The grain students apply at: a school's groups (院校专业组) or majors (专业+院校) in one province.

A school's estimate (bot/core/advise.py) rests on its easiest ordinary entry over several years. Where the data
has the school's group or major rows, each group (or major) becomes an estimate of its own: its latest cutoff,
moved as the school's easiest entry is expected to move (bounded), with the school's spread. The school-level
estimates and the back-test (which uses them) are unchanged.
"""

from __future__ import annotations

import math
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from bot.core.advise import Estimate, UnitKey
from bot.core.store import SchoolUnits as SchoolUnits  # re-exported: where the placement code looks for it
from bot.core.store import Unit as Unit
from bot.core.store import UnitBlock, UnitRow
from gaokao import regions

# Provinces where one 志愿 names a major at a school (DESIGN.md §3); elsewhere in the new gaokao, a group.
MAJOR_MODE: frozenset[str] = frozenset({"浙江", "山东", "河北", "辽宁", "重庆"})
QUALITY_ORDER = {"official": 0, "school": 1, "third-party": 2}
DRIFT = 0.1  # the most a group's expected cutoff moves with its school's easiest entry (log rank: about ±10%)
SHOWN = 5  # groups (majors) of a school placed when no major filter asks for all of them
# A group code: "212专业组", "第03组", "(03)", "院校专业组 005603", "101 第101组", a bare "101"; never a year.
_CODES = (re.compile(r"第\s*(\d{1,6})\s*(?:专业)?组"), re.compile(r"(?<!\d)(\d{1,6})\s*(?:专业)?组"),
          re.compile(r"组\s*(\d{1,6})(?!\d)"), re.compile(r"[（(](\d{1,6})[)）]"), re.compile(r"^\s*(\d{1,6})(?!\d)"))
_YEAR = re.compile(r"^20[0-3]\d$")
_SUBJ = r"(?:思想政治|物理|化学|生物|历史|地理|政治|技术|物|化|生|史|地|政)"
_NOISE = re.compile(rf"(?:{_SUBJ}(?:[+＋和/、]{_SUBJ})+|20[0-3]\d年?|普通类|普通批|本科批|本科|物理类|历史类|理科|文科|理工|文史|综合|平行志愿|专业组|院校|普通|"
                    r"首选(?:物理|历史)|再选[^|｜\-]*|不限|选考[^|｜\-]*)|[\s|｜\-—_\\/,，;；:：]+")


Match = Callable[[str], bool]


def group_label(grp: str, school: str | None = None, province: str | None = None) -> tuple[str | None, str]:
    """(code, short label) of a source's group text: '212专业组' -> ('212', '212组'); a label without a code
    keeps its words without the school, province and track (大连理工大学-盘锦校区-云南-物理类-普通类 -> 盘锦校区)."""
    for rx in _CODES:
        m = rx.search(grp)
        if m and not _YEAR.match(m.group(1)):
            return m.group(1), f"{m.group(1)}组"
    text = grp
    for word in (school, province):
        if word:
            text = text.replace(word, "")
    text = _NOISE.sub("", text).strip("()（）[]【】")
    return None, text[:12]


def _plain(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


def _best_quality(rows: list[UnitRow]) -> list[UnitRow]:
    best = min(QUALITY_ORDER.get(r.quality, 3) for r in rows)
    return [r for r in rows if QUALITY_ORDER.get(r.quality, 3) == best]


def derive(rows: Iterable[UnitRow], province: str, names: Mapping[int, str] | None = None) -> dict[UnitKey, SchoolUnits]:
    """Per (school, campus, batch level), its groups or majors of the latest year, hardest first, from the source's
    group and major rows. Run by the ETL (etl/units.py) into `group_units`; the bot reads those (`build`)."""
    by_key: dict[UnitKey, list[UnitRow]] = defaultdict(list)
    for r in rows:
        by_key[(r.school_id, r.campus, r.batch_level)].append(r)
    out: dict[UnitKey, SchoolUnits] = {}
    for key, rs in by_key.items():
        year = max(r.year for r in rs)  # the latest of the comparable tracks (理科 2024, 物理类 2025)
        rs = _best_quality([r for r in rs if r.year == year])
        system = regions.track_system(province, year)
        grouped = [r for r in rs if r.grp]
        school = names.get(key[0]) if names else None
        if system != "old" and province not in MAJOR_MODE and grouped:
            units = _groups(grouped, year, school, province)
            kind = "group"
        else:
            units = _majors(rs, year)
            kind = "school" if system == "old" or province not in MAJOR_MODE else "major"
        if units:
            out[key] = SchoolUnits(year, kind, tuple(sorted(units, key=lambda u: u.min_rank)))
    return out


def build(blocks: Iterable[UnitBlock], province: str, names: Mapping[int, str] | None = None) -> dict[UnitKey, SchoolUnits]:
    """Per (school, campus, batch level), its groups or majors of its latest year among `blocks` (the ETL's
    `group_units` as the store reads them, derived as `derive` does). `province` and `names` are not needed any
    more: the ETL used them."""
    latest: dict[UnitKey, UnitBlock] = {}
    for b in blocks:
        key = (b.school_id, b.campus, b.batch_level)
        got = latest.get(key)
        if got is None or b.year > got.year:
            latest[key] = b
    return {key: b.units for key, b in latest.items()}


def _groups(rows: list[UnitRow], year: int, school: str | None, province: str) -> list[Unit]:
    by_code: dict[str, list[UnitRow]] = defaultdict(list)
    labels: dict[str, tuple[str | None, str]] = {}
    for r in rows:
        assert r.grp is not None
        code, label = group_label(r.grp, school, province)
        k = code.lstrip("0") or code if code else label
        by_code[k].append(r)
        labels.setdefault(k, (code, label))
    out = []
    for k, rs in by_code.items():
        code, label = labels[k]
        ranked = [r for r in rs if r.min_rank is not None]
        head = [r for r in ranked if r.level == "group"]
        anchor = max(head or ranked, key=lambda r: r.min_rank or 0, default=None)
        if anchor is None or anchor.min_rank is None:
            continue
        listed = sorted((r for r in rs if r.level == "major" and r.major), key=lambda r: r.min_rank or 1 << 30)
        majors = tuple(dict.fromkeys(r.major for r in listed if r.major))
        if not label or (code is None and any(_plain(label) == _plain(m) for m in majors)):
            label = majors[0] if majors else "专业组"  # a label that says nothing, or a group named after its major
        out.append(Unit("group", code and sys.intern(code), sys.intern(label), majors, anchor.min_rank,
                        anchor.min_score, anchor.rank_source, year))
    return out


def _majors(rows: list[UnitRow], year: int) -> list[Unit]:
    best: dict[str, UnitRow] = {}
    for r in rows:
        if r.level != "major" or not r.major or r.min_rank is None:
            continue
        prev = best.get(r.major)
        if prev is None or (r.min_rank or 0) > (prev.min_rank or 0):
            best[r.major] = r
    return [Unit("major", None, sys.intern(m), (), r.min_rank or 0, r.min_score, r.rank_source, year)
            for m, r in best.items()]


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
    log = math.log
    for e in estimates:
        su = units.get(e.key)
        if su is not None and not 0 <= e.used[0].year - su.year <= 1:
            su = None  # groups of another year than the school's latest cutoff (or the one before): not its layout
        if su is None:
            if match is None:
                out.append(e)
            continue
        if su.kind == "school" and match is None:  # old 文理 years: one 志愿 was the school, its easiest entry
            out.append(e._replace(span=su))
            continue
        # (asked for a field in an old 文理 year: what the student needs is the matching major's cutoff)
        # How the school's easiest entry is expected to move from that year, bounded: a jump of the easiest entry
        # (a weak major filled at the line one year) says little about the school's other groups.
        drift = min(DRIFT, max(-DRIFT, e.mean - log(su.lowest))) if su.lowest else 0.0
        chosen = su.units if match is not None else _spread(su.units, shown)
        for u in chosen:
            if match is not None:
                hits = matching(u, match)
                if not hits:
                    continue
                u = u._replace(majors=hits)
            mean = log(max(u.min_rank, 1)) + drift
            out.append(e._replace(mean=mean, expected_rank=max(1, round(math.exp(mean))), unit=u, span=su))
    return out


def easiest_note(province: str, year: int, grouped: bool, some_without: bool) -> str | None:
    """The one note a list needs when some school is shown by its easiest entry in a province where students
    apply to groups (majors): `grouped`, the list has other schools' groups; None when none is, or in an old
    文理 year (one 志愿 was a school)."""
    if regions.track_system(province, year) == "old" or (grouped and not some_without):
        return None
    unit = "专业" if province in MAJOR_MODE else "专业组"
    if grouped:
        return f"未列{unit}的学校暂无分{unit}数据：所列位次是该校最容易进的{unit}，其他{unit}更难。"
    return f"{province}按{unit}录取，各{unit}录取线不同；暂无分{unit}数据，所列位次是各校最容易进的{unit}。"


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
