"""The answer engine: a message in, a structured answer out (text is rendered from it)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.core import compare as cmp
from bot.core import facts, majors, units
from bot.core.advise import LEVELS, Ladder, Params, equivalent_tracks, ladder_for, shortlist
from bot.core.answers import (
    Answer,
    CompareAnswer,
    HelpAnswer,
    LinesAnswer,
    MajorAnswer,
    ReachAnswer,
    SchoolAnswer,
)
from bot.core.compare import Side
from bot.core.names import Mention, NameIndex, is_ambiguous
from bot.core.notes import Note, note
from bot.core.parse import Query, parse
from bot.core.store import ScoreTable, Store
from gaokao import regions
from gaokao.terms import Programme, Round

log = logging.getLogger(__name__)


def _name_index(store: Store) -> NameIndex:
    t0 = time.perf_counter()
    names = NameIndex(store.name_entries, store.campus_labels())
    log.info("name index built in %.0f ms", 1000 * (time.perf_counter() - t0))
    return names


class Engine:
    """Answers messages from one database; reopens it when a refresh replaced the file."""

    def __init__(self, store: Store, params: Params = Params(), twin_of: Engine | None = None) -> None:
        """`twin_of`: an engine on the same store whose name index and estimates this one shares (they do
        not depend on how many schools are listed)."""
        self.store = store
        self.params = params
        # hot path: built once per province-track-year
        self._ladders: dict[tuple[str, str, int], Ladder] = twin_of._ladders if twin_of is not None else {}
        self._coverages: dict[tuple[str, str], dict[str, set[int]]] = (
            twin_of._coverages if twin_of is not None else {})
        self._depths: dict[tuple[str, str, str], facts.DepthIndex] = twin_of._depths if twin_of is not None else {}
        self._lock: threading.Lock = twin_of._lock if twin_of is not None else threading.Lock()
        # groups (majors) of each province-track, and ladders of them per major filter (bot/core/units.py)
        self._units: dict[tuple[str, str, int, str], dict[tuple[int, str | None, str], units.SchoolUnits]] = (
            twin_of._units if twin_of is not None else {})
        # (province, track, year, major filter, sino-foreign units too)
        self._unit_ladders: dict[tuple[str, str, int, str | None, bool], Ladder | None] = (
            twin_of._unit_ladders if twin_of is not None else {})
        self._school_names = {sid: s.name for sid, s in store.schools.items()}
        self.names: NameIndex = twin_of.names if twin_of is not None else _name_index(store)
        self._cities: frozenset[str] = twin_of._cities if twin_of is not None else frozenset(
            s.city for s in store.schools.values() if s.city)

    @classmethod
    def open(cls, path: Path, params: Params = Params()) -> Engine:
        """Open a database file and build the engine."""
        return cls(Store(path), params)

    def reloaded(self) -> Engine:
        """A new engine on the current file if it changed on disk, else self."""
        if not self.store.changed_on_disk():
            return self
        # DuckDB shares one database instance per path within a process: close the old file
        # first, or the "new" connection would still read the replaced one.
        self.store.close()
        return Engine.open(self.store.path, self.params)

    def answer(self, text: str) -> Answer:
        """Understand one message and answer it."""
        return self.ask(parse(text or "", self.names, self._cities))

    def ask(self, q: Query) -> Answer:
        """Answer a typed query: a parsed message, or one a button carries (no text to parse again)."""
        if q.intent in ("rank", "score"):
            return self.reach(q)
        if q.intent == "compare":
            return self.compare(q)
        if q.intent == "major":
            return self.major(q)
        if q.intent == "school":
            return self.school(q)
        if q.intent == "lines":
            return self.lines(q)
        problem = None
        bad = [n.partition(": ")[2] for n in q.notes if n.startswith("bad-number: ")]
        if bad:  # "-5000", "1e308": say why it is not used, and what works
            problem = (f"“{bad[0]}”不能是位次或分数：位次是从1开始的正整数，分数是0到750（海南900）之间的数。"
                       "请这样写：“河南 理科 位次4.5万”或“河南 理科 580分”。")
        elif "no-rank-or-score" in q.notes:  # a province or track, but no usable number
            said = " ".join(x for x in (q.province, q.track) if x)
            problem = (f"看到了“{said}”，但没有看出您的位次或分数。位次直接写数字（如“447200”“位次4.5万”），"
                       "分数带上“分”（如“580分”）。")
        notes = user_notes([n for n in q.notes if not (bad and n.startswith("bad-number: "))])
        return HelpAnswer(intent="help", query=_query_dict(q), notes=notes, problem=problem)

    # -- reach -------------------------------------------------------------------------

    def reach(self, q: Query) -> Answer:
        """冲/稳/保 for a rank or a score."""
        qd = _query_dict(q)
        notes: list[str] = user_notes(q.notes)
        pos = self._position(q, qd, notes)
        if isinstance(pos, str):
            return ReachAnswer(intent=q.intent, query=qd, notes=notes, problem=pos)
        prov, track_used, table, rank = pos
        score = q.score if q.rank is None else None  # a stated rank wins over a stated score (see _position)
        # what the user wrote, less the score conversion the placement line states
        brief = [n for n in notes if score is None or not n.startswith(f"{score:g}分按")]
        placement = facts.placement(self.store, prov, track_used, table, rank, score)
        sino = SINO in q.filters  # not a school filter: sino-foreign units join the list (a note says so)
        listed = [f for f in q.filters if f != SINO]
        keep = facts.school_filter(self.store, listed, prov)
        scope = facts.filter_scope(listed, prov)
        qd["filters"] = list(q.filters)
        if listed:
            notes.append(f"只列{scope}院校。")
            brief.append(f"只列{scope}院校")
        n0 = len(notes)
        ladder, grain = self._grain(prov, track_used, table.year, q.major, qd, notes, sino)
        brief += [n.rstrip("。") for n in notes[n0:]]  # the major filter, or why it could not be applied
        if sino:
            said = _sino_note(bool(self._school_units(prov, track_used, table.year, _SINO_FOREIGN)),
                              _holds_apart(ladder), prov, track_used)
            notes.append(said)
            brief.append(said)
        rec = shortlist(self.store, prov, track_used, rank, table.year, params=self.params,
                        ladder=ladder, keep=keep, one_per_school=grain)
        if rec.levels == ("本科",):
            notes.append("位次在本科线以上，只列本科院校" + ("（保底除外）。" if rec.safe_fallback else "。"))
        margins = facts.user_margins(self.store, prov, track_used, table, rank)
        levels = dict.fromkeys(rec.levels + rec.safe_fallback)
        depths = [facts.depth(self._depth_index(prov, track_used, lv), lv, rank, table.year)
                  for lv in levels if margins.get(lv, 0.0) >= 0]  # levels whose line the user clears
        more, short = facts.reach_notes(self.store, prov, track_used, rec, self._coverage(prov, track_used), scope,
                                        depths, self.params.line_tolerance)
        notes += more
        brief += short
        results = [self._result(p) for tier in ("冲", "稳", "保") for p in rec.tiers[tier]]
        note = units.easiest_note(prov, table.year, grain, any(p.span is None for v in rec.tiers.values() for p in v))
        if note:
            notes.append(note)
            brief.append(note.rstrip("。"))
        qd["totals"] = rec.totals
        qd["weak_safe"] = rec.weak_safe
        qd["safe_levels"] = list(rec.safe_fallback or rec.levels)
        qd["tier_years"] = {t: list(ys) for t, ys in rec.tier_years.items()}
        qd["at_line"] = rec.at_line
        qd["line_margins"] = margins
        qd["coverage"] = [d.to_dict() for d in depths]
        return ReachAnswer(intent=q.intent, query=qd, results=results, notes=notes, brief=brief, placement=placement)

    def _grain(self, prov: str, track: str, year: int, field: str | None, qd: dict[str, Any],
               notes: list[str], sino: bool = False) -> tuple[Ladder, bool]:
        """The ladder the list is drawn from: each school's groups (majors) where the data has them, only those
        teaching `field` when the user named one; the school-level ladder, said so, when no group data matches.
        `sino`: sino-foreign groups (majors) too, at their own cutoffs. The flag: the ladder holds several units
        of a school."""
        base = self._ladder(prov, track, year)
        if field:
            qd["filters"].append(f"major:{field}")
            qd["major_words"] = list(majors.field_words(field))
        lad = self._unit_ladder(prov, track, year, field, sino)
        if lad is not None:
            if field:
                words = majors.field_words(field)
                notes.append(f"只列有“{field}”相关专业（{'、'.join(words[:3])}{'等' if len(words) > 3 else ''}）的"
                             f"{'专业' if prov in units.MAJOR_MODE else '专业组'}或学校。")
            return lad, True
        if field:
            qd["filters"].remove(f"major:{field}")
            have = self._unit_ladder(prov, track, year, None) is not None
            listed = any(u.majors or u.kind != "group" for su in self._school_units(prov, track, year).values()
                         for u in su.units)
            why = ("暂无分专业组（专业）的录取数据" if not have else f"的专业组（专业）数据里没有与“{field}”相关的专业"
                   if listed else "的专业组数据没有列出组内专业")
            notes.append(f"{prov}{track}{why}，无法按“{field}”筛选；下面是不分专业的学校列表。")
            fallback = self._unit_ladder(prov, track, year, None, sino)
            if fallback is not None:
                return fallback, True
        return base, False

    def _school_units(self, prov: str, track: str, year: int, programme: str = Programme.ORDINARY.value
                      ) -> dict[tuple[int, str | None, str], units.SchoolUnits]:
        key = (prov, track, year, programme)
        got = self._units.get(key)
        if got is None:
            since = year - self.params.stale_years - 1
            rows = [r for t in equivalent_tracks(track) for r in self.store.unit_rows(prov, t, programme)
                    if since <= r.year <= year]
            got = units.build(rows, prov, self._school_names)
            with self._lock:
                self._units[key] = got
        return got

    def _unit_ladder(self, prov: str, track: str, year: int, field: str | None, sino: bool = False) -> Ladder | None:
        """The ladder of a province-track's groups (majors), of those matching `field` when given, with the
        sino-foreign ones (`sino`); None when the data has none. Cached for the field words of the synonym table
        (others are few and built each time)."""
        key = (prov, track, year, field, sino)
        if key in self._unit_ladders:
            return self._unit_ladders[key]
        su = self._school_units(prov, track, year)
        apart = self._school_units(prov, track, year, _SINO_FOREIGN) if sino else {}
        lad: Ladder | None = None
        if su or apart:
            match = units.matcher(majors.field_words(field)) if field else None
            est = units.expand(self._ladder(prov, track, year).estimates, su, match)
            more = units.expand_apart(self._ladder(prov, track, year).estimates, apart, su, match) if apart else []
            est += more
            if est and (field is not None or more
                        or any(e.span is not None and e.span.kind != "school" for e in est)):
                base = self._ladder(prov, track, year)
                # a school that filled at the batch line did so by its easiest entry: the school ladder knows
                lad = Ladder(est, year, self.params, line_units=lambda level, _est: base.at_line(level))
        if field is None or majors.expand(field):
            with self._lock:
                self._unit_ladders[key] = lad
        return lad

    def _position(self, q: Query, qd: dict[str, Any], notes: list[str]) -> tuple[str, str, ScoreTable, int] | str:
        """Where the user stands (province, track used, score table, rank), or what is missing to say."""
        if q.province is None:
            if any(w in q.text for w in ("香港", "澳门", "台湾")):
                return "港澳台考生一般参加港澳台联招，不在这里的分省高考数据里；如果您在内地某省参加高考，请带上那个省份。"
            return "没有看出您是哪个省份的考生，请带上省份，例如“河南 理科 447200”。"
        prov = q.province
        years = self.store.table_years(prov)
        if not years:
            return f"暂无{prov}的一分一段表和院校录取数据，无法换算位次。"
        latest = max(y for ys in years.values() for y in ys)
        track_used = _track_used(q.track, prov, q.year or latest, notes)
        qd["track_used"] = track_used
        if track_used is None:
            return f"{prov}没有“{q.track}”这个科类，请说明物理类/历史类或理科/文科。"
        table = self.store.table(prov, track_used, q.year) or self.store.table(prov, track_used)
        if table is None:
            return f"暂无{prov}{track_used}的一分一段表。"
        if q.year and q.year != table.year:
            notes.append(f"没有{q.year}年{prov}{track_used}的一分一段表，按{table.year}年计算。")
        rank = q.rank
        if rank is not None and q.score is not None:  # both stated: the rank wins; say so when the score disagrees
            notes += _score_disagrees(q.score, rank, table, prov, track_used)
        if rank is None and q.score is not None:
            converted = self._rank_of_score(prov, track_used, table, q.score, notes)
            if isinstance(converted, str):
                return converted
            table, rank = converted
        if rank is None:
            return "没有看出您的位次或分数，请写成“河南 理科 447200”或“河南 理科 580分”。"
        if rank > table.size and not table.truncated:
            return (f"位次{rank:,}超过{table.year}年{prov}{track_used}的考生总数{table.size:,}（一分一段表的最后一名，"
                    f"{table.low}分），不是该年{prov}{track_used}考生能有的位次，所以既换算不出分数，也排不出冲/稳/保。"
                    f"请核对位次（在1到{table.size:,}之间；往年的位次请写明年份），例如“{prov} {track_used} 位次{_example_rank(table.size)}”。")
        if rank > table.size:
            notes.append(f"您的位次在{table.year}年一分一段表最后一名（位次{table.size:,}）之后：下面的冲/稳/保只按往年录取"
                         "位次直接比较，没有换算分数。")
        qd["rank"] = rank
        qd["score"] = q.score
        qd["table_year"] = table.year
        qd["cohort"] = table.size
        qd["table_truncated"] = table.truncated
        return prov, track_used, table, rank

    def _rank_of_score(self, prov: str, track: str, table: ScoreTable, score: float,
                       notes: list[str]) -> tuple[ScoreTable, int] | str:
        """The table and rank a score converts to, or why it cannot be: a score below a table's lowest score
        uses an earlier full table, named as such, and is never placed at the table's end."""
        where = f"{table.year}年{prov}{track}一分一段表"
        if score < table.low:
            full = self.store.full_table(prov, track, table.year, score=score)
            cut = f"{score:g}分低于{where}内的最低分{table.low}分（位次约{facts.wan(table.size)}之后）"
            if full is None:
                return f"{cut}，{'该表只列到' + str(table.low) + '分，' if table.truncated else ''}没有覆盖这个分数的一分一段表，无法换算位次。"
            rank = full.rank_of(score)
            notes.append(f"{cut}，改按{full.year}年{prov}{track}的完整一分一段表换算：约合{full.year}年位次{rank:,}"
                         f"（这是{full.year}年的表，不是{table.year}年的）。")
            return full, rank
        rank = table.rank_of(score)
        if score > table.high:
            notes.append(f"{score:g}分高于{where}内的最高分{table.high}分，按最高分的位次{rank:,}计算（实际位次只会更靠前）。")
        else:
            notes.append(f"{score:g}分按{where}约合位次{rank:,}。")
        return table, rank

    def _ladder(self, prov: str, track: str, year: int) -> Ladder:
        key = (prov, track, year)
        lad = self._ladders.get(key)
        if lad is None:
            lad = ladder_for(self.store, prov, track, year, params=self.params)
            with self._lock:
                self._ladders[key] = lad
        return lad

    def _depth_index(self, prov: str, track: str, level: str) -> facts.DepthIndex:
        key = (prov, track, level)
        got = self._depths.get(key)
        if got is None:
            got = facts.depth_index(self.store, prov, track, level)
            with self._lock:
                self._depths[key] = got
        return got

    def _coverage(self, prov: str, track: str) -> dict[str, set[int]]:
        key = (prov, track)
        have = self._coverages.get(key)
        if have is None:
            have = self.store.coverage(prov, equivalent_tracks(track))
            with self._lock:
                self._coverages[key] = have
        return have

    def warm(self) -> int:
        """Build the ladder of every province-track's latest year ahead of questions; returns how many."""
        latest: dict[tuple[str, str], int] = {}
        for prov, year, track in self.store.tables:
            latest[(prov, track)] = max(year, latest.get((prov, track), year))
        for (prov, track), year in latest.items():
            self._ladder(prov, track, year).warm()
            self._unit_ladder(prov, track, year, None)
            self._coverage(prov, track)
            for level in ("本科", "专科"):
                self._depth_index(prov, track, level)
        return len(latest)

    def with_per_tier(self, per_tier: int) -> Engine:
        """An engine for tier pages on the same store: `per_tier` schools per tier, and every 保 rather than
        only those near the user (the reader asked for more). It shares this engine's name index and
        estimates (they do not depend on what is listed)."""
        from dataclasses import replace

        return Engine(self.store, replace(self.params, per_tier=per_tier, safe_span=0.0), twin_of=self)

    def _result(self, p: Any) -> dict[str, Any]:
        s = self.store.schools.get(p.school_id)
        latest = p.points[0]
        return {
            "school": (s.name if s else str(p.school_id)) + (f"({p.campus})" if p.campus else ""),
            "school_id": p.school_id,
            "campus": p.campus,
            "tier": p.tier,
            "year": latest.year,
            "cutoff_rank": latest.min_rank,
            "cutoff_score": latest.min_score,
            "batch": latest.batch,
            "batch_level": p.batch_level,
            "rank_source": latest.rank_source,
            "verified": p.verified,
            "at_line": p.at_line,
            "expected_rank": p.expected_rank,
            "city": facts.campus_city(p.campus, self._cities) or (s.city if s else None),
            "level": s.level if s else None,
            "nature": s.nature if s else None,
            "tags": facts.tags(s) if s else [],
            "history": [
                {"year": pt.year, "track": pt.track, "batch": pt.batch, "cutoff_rank": pt.min_rank,
                 "cutoff_score": pt.min_score, "rank_source": pt.rank_source, "verified": pt.verified}
                for pt in p.points
            ],
            **_unit_fields(p.unit, p.span),
        }

    # -- schools -------------------------------------------------------------------------

    def _resolve(self, q: Query, want: int, notes: list[str] | None = None) -> tuple[list[int], list[str], str | None]:
        """School ids for the first `want` mentions, or candidates/problem when unclear. A short name shared by
        several schools (华师) is read as the one in the user's province when exactly one is, said in `notes`."""
        ids: list[int] = []
        for m in q.schools[:want]:
            picked = _pick(m)
            if isinstance(picked, list) and q.province:
                local = {c.school_id for c in m.candidates if self.store.schools[c.school_id].province == q.province}
                if len(local) == 1:
                    picked = local.pop()
                    if notes is not None:
                        notes.append(f"“{m.span}”按{q.province}的{self.store.schools[picked].name}理解。")
            if isinstance(picked, list):
                return [], picked, f"“{m.span}”可能指多所学校，请说全称："
            ids.append(picked)
        if len(ids) < want:
            return ids, [], "没有找到您说的学校，请检查校名（可用全称或常见简称）。"
        return ids, [], None

    def compare(self, q: Query) -> Answer:
        """Two schools (or two campuses of one) side by side in one province and the same years."""
        qd = _query_dict(q)
        notes = user_notes(q.notes)
        ids, cands, problem = self._resolve(q, 2, notes)
        if problem:
            return CompareAnswer(intent="compare", query=qd, candidates=cands, problem=problem, notes=notes)
        sides = [Side(sid, m.campus) for sid, m in zip(ids, q.schools, strict=False)]
        rank: int | None = None
        ladder: Ladder | None = None
        track = _track_used(q.track, q.province, q.year or 2025, []) if q.province else None
        if q.province and (q.rank is not None or q.score is not None):
            pos = self._position(q, qd, notes)
            if isinstance(pos, str):
                notes.append(pos)
            else:
                _, track, table, rank = pos
                ladder = self._ladder(q.province, track, table.year)
        elif q.province and q.track is None:
            notes += [n for n in (_track_note(q.province, q.year or 2025),) if n]
        fr = cmp.frame(self.store, sides, q.province, track)
        profiles = [cmp.side_facts(self.store, self._cities, self.params, s, fr, rank, ladder) for s in sides]
        qd["school_a"], qd["school_b"] = profiles[0]["school"], profiles[1]["school"]
        qd["compare"] = cmp.summary(self.store, sides, fr, profiles)
        notes += facts.compare_notes(profiles)
        return CompareAnswer(intent="compare", query=qd, schools=profiles, notes=notes)

    def school(self, q: Query) -> Answer:
        """One school's profile and cutoffs."""
        qd = _query_dict(q)
        ids, cands, problem = self._resolve(q, 1)
        if problem:
            return SchoolAnswer(intent="school", query=qd, candidates=cands, problem=problem, notes=user_notes(q.notes))
        notes = user_notes(q.notes)
        results: list[dict[str, Any]] = []
        if q.province and (q.rank is not None or q.score is not None):  # "…能上吉林大学吗": place it for the rank
            pos = self._position(q, qd, notes)
            if isinstance(pos, str):
                notes.append(pos)
            else:
                prov, track_used, table, rank = pos
                picks = self._ladder(prov, track_used, table.year).chances(rank, ids[0])
                results = [self._result(p) for p in picks]
                if not picks:
                    notes.append(f"{self.store.schools[ids[0]].name}在{prov}{track_used}近年没有可用的普通批录取位次，"
                                 "无法判断能否录取。")
        # the track the placement used (it has said how the user's word was mapped), else the user's track mapped
        # here; without a track word, every track's lines are shown (a profile is not a placement)
        track = qd["track_used"] or (_track_used(q.track, q.province, q.year or 2025, notes)
                                     if q.province and q.track else None)
        prof = facts.profile(self.store, ids[0], q.province, track, q.schools[0].campus, self._cities)
        qd["school_a"] = prof["school"]
        return SchoolAnswer(intent="school", query=qd, school=prof, results=results, notes=notes + prof.pop("notes", []))

    def lines(self, q: Query) -> Answer:
        """A province's batch control lines: of one track when named, else of every track that year."""
        qd = _query_dict(q)
        notes = user_notes(q.notes)
        if q.province is None:
            return LinesAnswer(intent="lines", query=qd, notes=notes, problem="请带上省份，例如“河南 2025 批次线”。")
        prov = q.province
        by_year = self.store.line_tracks(prov)
        if not by_year:
            return LinesAnswer(intent="lines", query=qd, notes=notes, problem=f"暂无{prov}的批次线数据。")
        year = q.year if q.year in by_year else max(by_year)
        if q.year and q.year != year:
            notes.append(f"没有{prov}{q.year}年的批次线，列出{year}年的。")
        order = regions.tracks_for(prov, year)  # the province's own tracks that year first, in its order
        tracks = sorted(by_year[year], key=lambda t: order.index(t) if t in order else len(order))
        if q.track:
            used = _track_used(q.track, prov, year, notes)
            if used in tracks:
                tracks = [used]
            else:
                notes.append(f"{prov}{year}年没有“{q.track}”的批次线，列出全部科类。")
        qd["year"] = year
        results = [{"year": year, "track": t, "batch": b, "score": score}
                   for t in tracks for b, score in self.store.control_lines(prov, year, t)]
        if any(r["batch"] == "本科批" for r in results):
            notes.append("“本科批”线即本科最低控制线（该省本科不再分一本、二本）。")
        return LinesAnswer(intent="lines", query=qd, results=results, notes=notes)

    def major(self, q: Query) -> Answer:
        """A major's cutoffs and standing at one school."""
        qd = _query_dict(q)
        ids, cands, problem = self._resolve(q, 1)
        if problem:
            return MajorAnswer(intent="major", query=qd, candidates=cands, problem=problem, notes=user_notes(q.notes))
        notes = user_notes(q.notes)
        # a track word keeps the major's rows to that track family; without one, every track is shown
        track = _track_used(q.track, q.province, q.year or 2025, notes) if q.province and q.track else None
        prof = facts.profile(self.store, ids[0], q.province, track)
        qd["school_a"] = prof["school"]
        qd["track_used"] = track
        info = facts.major_info(self.store, ids[0], q.major or "", q.province, track)
        notes += info.pop("notes", [])
        if not info["cutoffs"]:
            notes += prof.pop("notes", [])
        return MajorAnswer(intent="major", query=qd, school=prof, major=info, notes=notes)


_ORDINARY = {"code": Programme.ORDINARY.value, "name": Programme.ORDINARY.zh}
_FIRST = {"code": Round.FIRST.value, "name": Round.FIRST.zh}
SINO = "sino"  # the Query.filters key (parse.FILTERS) that lists sino-foreign (中外合作办学) groups too
_SINO_FOREIGN = Programme.SINO_FOREIGN.value


def _sino_note(have: bool, placed: bool, prov: str, track: str) -> Note:
    """What a list asked to include sino-foreign groups says: they are in (and cost more); or the data has none
    (`have`); or none of them could be placed (of another year than the school's cutoff, or no major asked for)."""
    if placed:
        return note("reach.sino-included")
    return note("reach.sino-unplaced" if have else "reach.sino-missing", province=prov, track=track)


def _holds_apart(ladder: Ladder) -> bool:
    """The ladder holds a unit of a programme admitted apart (中外合作办学)."""
    return any(e.unit is not None and e.unit.programme != Programme.ORDINARY
               for level in LEVELS for e in ladder.level(level))


def _unit_fields(u: units.Unit | None, span: units.SchoolUnits | None) -> dict[str, Any]:
    """A listed school's group (major): what it is, its majors and cutoff, and the school's range that year.
    Tiers use first-round rows only, ordinary ones unless the unit is of a programme admitted apart (中外合作办学)."""
    placed = u is not None and u.kind != "school"
    return {
        "unit_kind": u.kind if u is not None else "school",  # 'group', 'major' or 'school' (the easiest entry)
        "group": {"code": u.code, "name": u.name} if u is not None and u.kind == "group" else None,
        "majors": list(units.names(u)) if u is not None else [],
        "unit_year": u.year if u is not None else None,
        "unit_rank": u.min_rank if u is not None else None,
        "unit_score": u.min_score if u is not None else None,
        "unit_rank_source": u.rank_source if u is not None else None,
        "range": ({"kind": span.kind, "year": span.year, "count": len(span.units), "highest": span.highest,
                   "lowest": span.lowest} if span is not None and span.kind != "school" and placed else None),
        "programme": (_ORDINARY if u is None or u.programme == Programme.ORDINARY
                      else {"code": u.programme, "name": Programme(u.programme).zh}),
        "round": _FIRST,
    }


def _pick(m: Mention) -> int | list[str]:
    if not m.candidates:
        return []
    if is_ambiguous(m.candidates):
        seen: list[str] = []
        for c in m.candidates:
            if c.name not in seen:
                seen.append(c.name)
        return seen[:5]
    return m.candidates[0].school_id


# A stated score whose rank differs from the stated rank by more than this share is pointed out.
DISAGREE = 0.2


def _score_disagrees(score: float, rank: int, table: ScoreTable, prov: str, track: str) -> list[str]:
    """The note for a message that states both a score and a rank: the rank is used; when the score converts to a
    rank far from it (another year's rank, an estimated score), say so."""
    if not table.low <= score <= table.high:
        return [f"您同时写了分数{score:g}分和位次{rank:,}，按位次计算。"]
    converted = table.rank_of(score)
    if abs(converted - rank) <= DISAGREE * rank:
        return []
    return [f"您写的{score:g}分按{table.year}年{prov}{track}一分一段表约合位次{converted:,}，与您写的位次{rank:,}相差较大；"
            "下面按您写的位次计算（如果位次是往年的或分数是估分，请以当年的位次为准）。"]


def _example_rank(size: int) -> str:
    """A rank inside a cohort of `size`, written the way people write it (位次28万, 位次4,500)."""
    half = size // 2
    return f"{half // 10_000}万" if half >= 10_000 else f"{max(1, half):,}"


def _track_note(province: str, year: int) -> str | None:
    """For a comparison in a province without a track word: which track the figures are in."""
    used = regions.tracks_for(province, year)
    return None if used == ("综合",) else f"没有说明科类，按{used[0]}比较；文科/历史类请在消息里写明。"


def _track_used(track: str | None, province: str | None, year: int, notes: list[str]) -> str | None:
    """The track list the province uses that year, saying so when the user's word is mapped."""
    if province is None:
        return track
    used = regions.tracks_for(province, year)
    if track is None:
        if used == ("综合",):
            return "综合"
        default = used[0]
        notes.append(f"没有说明科类，按{default}处理；文科/历史类请在消息里写明。")
        return default
    mapped = regions.track_for_year(track, province, year)
    if mapped and mapped != track:
        reform = regions.reform(province)
        since = f"（{province}自{reform[1]}年起实行新高考）" if reform else ""
        notes.append(f"{track}按{mapped}处理{since}。")
    return mapped


# parser note codes that are said to the user (bot/core/render/notes.py has their text)
_SAID = frozenset({"truncated", "unknown-command", "other-province", "other-track", "extra-number",
                   "number-out-of-range", "bad-number", "filter-unsupported"})


def user_notes(codes: Sequence[str]) -> list[Note | str]:
    """Parser note codes ("other-province: 湖北") as notes for the user (codes the user need not hear are dropped)."""
    out: list[Note | str] = []
    for code in codes:
        key, _, arg = code.partition(": ")
        if key in _SAID:
            out.append(note(f"parse.{key}", **({"arg": arg} if arg else {})))
    return out


def _query_dict(q: Query) -> dict[str, Any]:
    return {
        "text": q.text,
        "province": q.province,
        "track": q.track,
        "track_used": None,
        "rank": q.rank,
        "score": q.score,
        "year": q.year,
        "school_a": None,
        "school_b": None,
        "major": q.major,
        "filters": [],  # the filters applied to a school list (rank and score answers)
    }
