"""The answer engine: a message in, a structured answer out (text is rendered from it)."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core import compare as cmp
from bot.core import facts, majors, units
from bot.core.advise import LEVELS, Estimate, Ladder, Params, equivalent_tracks, ladder_for, shortlist
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


@dataclass(frozen=True, slots=True)
class _Groups:
    """The groups (majors) of each school of a province-track in a year, per batch level, built from the store's
    `group_units` on first use and kept (shared by an engine and its twin)."""

    store: Store
    names: dict[int, str]
    stale_years: int
    lock: threading.Lock
    built: dict[tuple[str, str, int, str, str], dict[tuple[int, str | None, str], units.SchoolUnits]] = field(
        default_factory=dict)

    def of(self, prov: str, track: str, year: int, level: str, programme: str = Programme.ORDINARY.value
           ) -> dict[tuple[int, str | None, str], units.SchoolUnits]:
        """Per (school, campus, level), its groups of the latest year among `year` and the years before it that a
        ladder still uses (Params.stale_years), in the tracks comparable with `track`; of ordinary admission, or
        of the programme named (sino_foreign)."""
        key = (prov, track, year, level, programme)
        got = self.built.get(key)
        if got is None:
            since = year - self.stale_years - 1
            rows = [r for t in equivalent_tracks(track) for r in self.store.unit_rows(prov, t, level, programme)
                    if since <= r.year <= year]
            got = units.build(rows, prov, self.names)
            with self.lock:
                self.built[key] = got
        return got


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
        self._groups: _Groups = twin_of._groups if twin_of is not None else _Groups(
            store, {sid: s.name for sid, s in store.schools.items()}, params.stale_years, self._lock)
        # (province, track, year, major filter, sino-foreign units too)
        self._unit_ladders: dict[tuple[str, str, int, str | None, bool], Ladder | None] = (
            twin_of._unit_ladders if twin_of is not None else {})
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
        problem: Note | None = None
        bad = [n.partition(": ")[2] for n in q.notes if n.startswith("bad-number: ")]
        if bad:  # "-5000", "1e308": say why it is not used, and what works
            problem = note("help.bad-number", arg=bad[0])
        elif "no-rank-or-score" in q.notes:  # a province or track, but no usable number
            problem = note("help.no-rank-or-score", province=q.province, track=q.track)
        notes = user_notes([n for n in q.notes if not (bad and n.startswith("bad-number: "))])
        return HelpAnswer(intent="help", query=_query_dict(q), notes=notes, problem=problem)

    # -- reach -------------------------------------------------------------------------

    def reach(self, q: Query) -> Answer:
        """冲/稳/保 for a rank or a score."""
        qd = _query_dict(q)
        notes: list[Note] = user_notes(q.notes)
        pos = self._position(q, qd, notes)
        if isinstance(pos, Note):
            return ReachAnswer(intent=q.intent, query=qd, notes=notes, problem=pos)
        prov, track_used, table, rank = pos
        score = q.score if q.rank is None else None  # a stated rank wins over a stated score (see _position)
        # what the user wrote, less the score conversion the placement line states
        brief = [n for n in notes if not (isinstance(n, Note) and n.code == "reach.score-rank")]
        placement: list[Note] = list(facts.placement(self.store, prov, track_used, table, rank, score))
        sino = SINO in q.filters  # not a school filter: sino-foreign units join the list (a note says so)
        listed = [f for f in q.filters if f != SINO]
        keep = facts.school_filter(self.store, listed, prov)
        qd["filters"] = list(q.filters)
        if listed:
            notes.append(note("reach.filter", filters=listed, province=prov))
            brief.append(notes[-1])
        n0 = len(notes)
        ladder, grain = self._grain(prov, track_used, table.year, q.major, qd, notes, sino)
        brief += notes[n0:]  # the major filter, or why it could not be applied
        if sino:
            said = _sino_note(bool(self._school_units(prov, track_used, table.year, programme=_SINO_FOREIGN)),
                              _holds_apart(ladder), prov, track_used)
            notes.append(said)
            brief.append(said)
        rec = shortlist(self.store, prov, track_used, rank, table.year, params=self.params,
                        ladder=ladder, keep=keep, one_per_school=grain)
        if rec.levels == ("本科",):
            notes.append(note("reach.benke-only", fallback=bool(rec.safe_fallback)))
        margins = facts.user_margins(self.store, prov, track_used, table, rank)
        levels = dict.fromkeys(rec.levels + rec.safe_fallback)
        depths = [facts.depth(self._depth_index(prov, track_used, lv), lv, rank, table.year)
                  for lv in levels if margins.get(lv, 0.0) >= 0]  # levels whose line the user clears
        more, short = facts.reach_notes(self.store, prov, track_used, rec, self._coverage(prov, track_used), q.filters,
                                        depths, self.params.line_tolerance, margins)
        notes += more
        brief += short
        results = [self._result(p) for tier in ("冲", "稳", "保") for p in rec.tiers[tier]]
        easiest = units.easiest_note(prov, table.year, grain, any(p.span is None for v in rec.tiers.values() for p in v))
        if easiest:
            notes.append(easiest)
            brief.append(easiest)
        qd["totals"] = rec.totals
        qd["weak_safe"] = rec.weak_safe
        qd["safe_levels"] = list(rec.safe_fallback or rec.levels)
        qd["tier_years"] = {t: list(ys) for t, ys in rec.tier_years.items()}
        qd["at_line"] = rec.at_line
        qd["line_margins"] = margins
        qd["coverage"] = [d.to_dict() for d in depths]
        return ReachAnswer(intent=q.intent, query=qd, results=results, notes=notes, brief=brief, placement=placement)

    def _grain(self, prov: str, track: str, year: int, field: str | None, qd: dict[str, Any],
               notes: list[Note], sino: bool = False) -> tuple[Ladder, bool]:
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
                notes.append(note("reach.major-filter", field=field, words=list(majors.field_words(field)),
                                  by_major=prov in units.MAJOR_MODE))
            return lad, True
        if field:
            qd["filters"].remove(f"major:{field}")
            have = self._unit_ladder(prov, track, year, None) is not None
            listed = any(u.majors or u.kind != "group" for su in self._school_units(prov, track, year).values()
                         for u in su.units)
            why = "no-units" if not have else "no-match" if listed else "no-majors"
            notes.append(note("reach.major-unfiltered", province=prov, track=track, field=field, why=why))
            fallback = self._unit_ladder(prov, track, year, None, sino)
            if fallback is not None:
                return fallback, True
        return base, False

    def _school_units(self, prov: str, track: str, year: int, level: str | None = None,
                      programme: str = Programme.ORDINARY.value) -> dict[tuple[int, str | None, str], units.SchoolUnits]:
        """The groups (majors) of each school of a province-track in `year`, of one batch level (or of both), of
        ordinary admission or of the programme named."""
        if level is None:
            return {k: su for lv in LEVELS for k, su in self._groups.of(prov, track, year, lv, programme).items()}
        return self._groups.of(prov, track, year, level, programme)

    def _unit_ladder(self, prov: str, track: str, year: int, field: str | None, sino: bool = False) -> Ladder | None:
        """The ladder of a province-track's groups (majors), of those matching `field` when given, with the
        sino-foreign ones (`sino`); None when the data has none. Cached for the field words of the synonym table
        (others are few and built each time).

        Each batch level's units are read and placed on first use, as the school ladder's are: a question above the
        本科 line never pays for the 专科 groups (unless no 本科 one is placed at all)."""
        key = (prov, track, year, field, sino)
        if key in self._unit_ladders:
            return self._unit_ladders[key]
        base = self._ladder(prov, track, year)
        match = units.matcher(majors.field_words(field)) if field else None
        groups = self._groups  # (the ladder is kept by the engine: its build must not hold the engine, a cycle)

        def build(level: str) -> list[Estimate]:
            ordinary = groups.of(prov, track, year, level)
            got = units.expand(base.level(level), ordinary, match)
            if sino:
                apart = groups.of(prov, track, year, level, _SINO_FOREIGN)
                if apart:
                    got += units.expand_apart(base.level(level), apart, ordinary, match)
            # The level's estimates (the school ladder's and these) live as long as the engine: out of the cyclic
            # GC's full passes, which would otherwise walk them all again, 100+ ms in the middle of some answer.
            gc.freeze()
            return got

        # a school that filled at the batch line did so by its easiest entry: the school ladder knows
        lad: Ladder | None = Ladder((), year, self.params, build, line_units=lambda level, _est: base.at_line(level))

        def placed(level: str) -> bool:  # the level has units of its own (any, under a filter) to list
            if not self._school_units(prov, track, year, level) and not (
                    sino and self._school_units(prov, track, year, level, _SINO_FOREIGN)):
                return False  # no groups: nothing to filter on, or the school ladder's estimates as they are
            est = lad.level(level)  # type: ignore[union-attr]
            return bool(est) and (field is not None or any(
                e.span is not None and (e.span.kind != "school" or (e.unit is not None and e.unit.programme != "ordinary"))
                for e in est))

        if not any(placed(level) for level in LEVELS):
            lad = None
        if field is None or majors.expand(field):
            with self._lock:
                self._unit_ladders[key] = lad
        return lad

    def _position(self, q: Query, qd: dict[str, Any], notes: list[Note]
                  ) -> tuple[str, str, ScoreTable, int] | Note:
        """Where the user stands (province, track used, score table, rank), or what is missing, as a note."""
        if q.province is None:
            if any(w in q.text for w in ("香港", "澳门", "台湾")):
                return note("reach.hmt")
            return note("reach.no-province")
        prov = q.province
        years = self.store.table_years(prov)
        if not years:
            return note("reach.no-data", province=prov)
        latest = max(y for ys in years.values() for y in ys)
        track_used = _track_used(q.track, prov, q.year or latest, notes)
        qd["track_used"] = track_used
        if track_used is None:
            return note("reach.no-track", province=prov, track=q.track)
        table = self.store.table(prov, track_used, q.year) or self.store.table(prov, track_used)
        if table is None:
            return note("reach.no-table", province=prov, track=track_used)
        if q.year and q.year != table.year:
            notes.append(note("reach.table-year", year=q.year, province=prov, track=track_used, table_year=table.year))
        rank = q.rank
        if rank is not None and q.score is not None:  # both stated: the rank wins; say so when the score disagrees
            notes += _score_disagrees(q.score, rank, table, prov, track_used)
        if rank is None and q.score is not None:
            converted = self._rank_of_score(prov, track_used, table, q.score, notes)
            if isinstance(converted, Note):
                return converted
            table, rank = converted
        if rank is None:
            return note("reach.no-rank")
        if rank > table.size and not table.truncated:
            return note("reach.rank-beyond-cohort", rank=rank, year=table.year, province=prov, track=track_used,
                        size=table.size, low=table.low)
        if rank > table.size:
            notes.append(note("reach.rank-beyond-table", year=table.year, size=table.size))
        qd["rank"] = rank
        qd["score"] = q.score
        qd["table_year"] = table.year
        qd["cohort"] = table.size
        qd["table_truncated"] = table.truncated
        return prov, track_used, table, rank

    def _rank_of_score(self, prov: str, track: str, table: ScoreTable, score: float,
                       notes: list[Note]) -> tuple[ScoreTable, int] | Note:
        """The table and rank a score converts to, or why it cannot be (a note): a score below a table's lowest
        score uses an earlier full table, named as such, and is never placed at the table's end."""
        where = {"score": score, "year": table.year, "province": prov, "track": track}
        if score < table.low:
            full = self.store.full_table(prov, track, table.year, score=score)
            if full is None:
                return note("reach.score-below-no-table", **where, low=table.low, size=table.size,
                            truncated=table.truncated)
            rank = full.rank_of(score)
            notes.append(note("reach.score-below", **where, low=table.low, size=table.size, full_year=full.year,
                              rank=rank))
            return full, rank
        rank = table.rank_of(score)
        if score > table.high:
            notes.append(note("reach.score-above", **where, high=table.high, rank=rank))
        else:
            notes.append(note("reach.score-rank", **where, rank=rank))
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
        """Build the ladder of every province-track's latest year ahead of questions, and read what the first
        question of a kind would read (its score table, the index of profiles and comparisons, the strengths);
        returns how many ladders."""
        latest: dict[tuple[str, str], int] = {}
        for prov, year, track in self.store.tables:
            latest[(prov, track)] = max(year, latest.get((prov, track), year))
        self.store.school_cutoffs(0)
        self.store.strengths(0)
        parse("河南 物理类 位次10000", self.names, self._cities)  # its patterns and character table load on first use
        for (prov, track), year in latest.items():
            self.store.table(prov, track, year)  # the score table, read on first use
            self._ladder(prov, track, year).warm()
            lad = self._unit_ladder(prov, track, year, None)
            if lad is not None:
                lad.warm()
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

    def _resolve(self, q: Query, want: int, notes: list[Note] | None = None
                 ) -> tuple[list[int], list[str], Note | None]:
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
                        notes.append(note("school.read-as-local", span=m.span, province=q.province,
                                          school=self.store.schools[picked].name))
            if isinstance(picked, list):
                return [], picked, note("school.ambiguous", span=m.span)
            ids.append(picked)
        if len(ids) < want:
            return ids, [], note("school.not-found")
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
            if isinstance(pos, Note):
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
            if isinstance(pos, Note):
                notes.append(pos)
            else:
                prov, track_used, table, rank = pos
                picks = self._ladder(prov, track_used, table.year).chances(rank, ids[0])
                results = [self._result(p) for p in picks]
                if not picks:
                    notes.append(note("school.no-chance-data", school=self.store.schools[ids[0]].name,
                                      province=prov, track=track_used))
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
            return LinesAnswer(intent="lines", query=qd, notes=notes, problem=note("lines.no-province"))
        prov = q.province
        by_year = self.store.line_tracks(prov)
        if not by_year:
            return LinesAnswer(intent="lines", query=qd, notes=notes, problem=note("lines.no-data", province=prov))
        year = q.year if q.year in by_year else max(by_year)
        if q.year and q.year != year:
            notes.append(note("lines.year-fallback", province=prov, asked=q.year, year=year))
        order = regions.tracks_for(prov, year)  # the province's own tracks that year first, in its order
        tracks = sorted(by_year[year], key=lambda t: order.index(t) if t in order else len(order))
        if q.track:
            used = _track_used(q.track, prov, year, notes)
            if used in tracks:
                tracks = [used]
            else:
                notes.append(note("lines.no-track", province=prov, year=year, track=q.track))
        qd["year"] = year
        results = [{"year": year, "track": t, "batch": b, "score": score}
                   for t in tracks for b, score in self.store.control_lines(prov, year, t)]
        if any(r["batch"] == "本科批" for r in results):
            notes.append(note("lines.benke-batch"))
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


def _score_disagrees(score: float, rank: int, table: ScoreTable, prov: str, track: str) -> list[Note]:
    """The note for a message that states both a score and a rank: the rank is used; when the score converts to a
    rank far from it (another year's rank, an estimated score), say so."""
    if not table.low <= score <= table.high:
        return [note("reach.score-and-rank", score=score, rank=rank)]
    converted = table.rank_of(score)
    if abs(converted - rank) <= DISAGREE * rank:
        return []
    return [note("reach.score-disagrees", score=score, year=table.year, province=prov, track=track,
                 converted=converted, rank=rank)]


def _track_note(province: str, year: int) -> Note | None:
    """For a comparison in a province without a track word: which track the figures are in."""
    used = regions.tracks_for(province, year)
    return None if used == ("综合",) else note("reach.track-default-compare", track=used[0])


def _track_used(track: str | None, province: str | None, year: int, notes: list[Note]) -> str | None:
    """The track list the province uses that year, saying so when the user's word is mapped."""
    if province is None:
        return track
    used = regions.tracks_for(province, year)
    if track is None:
        if used == ("综合",):
            return "综合"
        default = used[0]
        notes.append(note("reach.track-default", track=default))
        return default
    mapped = regions.track_for_year(track, province, year)
    if mapped and mapped != track:
        reform = regions.reform(province)
        notes.append(note("reach.track-mapped", track=track, used=mapped, province=province,
                          reform_year=reform[1] if reform else None))
    return mapped


# parser note codes that are said to the user (bot/core/render/notes.py has their text)
_SAID = frozenset({"truncated", "unknown-command", "other-province", "other-track", "extra-number",
                   "number-out-of-range", "bad-number", "filter-unsupported"})


def user_notes(codes: Sequence[str]) -> list[Note]:
    """Parser note codes ("other-province: 湖北") as notes for the user (codes the user need not hear are dropped)."""
    out: list[Note] = []
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
