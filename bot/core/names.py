"""School-name resolution: exact aliases first, then rapidfuzz over names and aliases.

Matching is done on folded keys (NFKC, ASCII brackets, lower case, no spaces). Exact alias
hits always win; fuzzy matching uses `fuzz.ratio` (normalised Indel similarity), which treats
every character alike and does not reward a short alias for being contained in a long text.
To stay fast on ~13,000 aliases, fuzzy candidates are first narrowed with a character index:
only aliases sharing one of the query's rarest characters are scored.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import zhconv
from rapidfuzz import fuzz, process

from gaokao.names import clean_school_name, fold

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("official", "short", "former", "spelling")
_KIND_RANK: dict[str, int] = {k: i for i, k in enumerate(KINDS)}

# Endings that make a span look like a school name (longest first).
SCHOOL_SUFFIXES: tuple[str, ...] = (
    "职业技术大学",
    "职业技术学院",
    "高等专科学校",
    "职业大学",
    "职业学院",
    "专科学校",
    "大学",
    "学院",
    "学校",
)
# A char right before a suffix that marks a generic phrase (什么大学, 哪些学校, 好的大学 ...).
_GENERIC_BEFORE_SUFFIX = frozenset("么些个所的好点本类型")
_SUFFIX_RE = re.compile("|".join(SCHOOL_SUFFIXES))
_CJK = re.compile(r"[\u3400-\u9fff]")
_CAMPUS_TAIL = re.compile(
    r"\([^()]{1,10}\)|(?:(?!大学|学院|和|与|跟|的|及)[\u4e00-\u9fff]){0,4}(?:分校|校区|校本部|医学部)"
)
_CAMPUS_WORDS = ("分校", "校区", "校本部", "医学部")
_STRIP = " \t\r\n.,!?;:'\"、。，！？；：“”‘’《》<>[]【】"
# Name-like endings for the "an alias must not stop in the middle of a longer name" check.
_NAME_END = ("大学", "学院", "学校", ")", "分校", "校区", "医学部")

FUZZY_CUTOFF = 60.0  # resolve(): weaker candidates are dropped
MENTION_CUTOFF = 75.0  # find_mentions(): fuzzy spans in free text must be closer
_PREFIX_SCORE = 90.0  # resolve(): an alias followed by a short non-campus remainder
_RARE_DF = 40  # a character in at most this many aliases always feeds fuzzy candidates


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One way of writing a school's name."""

    alias: str
    school_id: int
    name: str  # the school's current official name
    kind: str  # official / short / former / spelling


@dataclass(frozen=True, slots=True)
class Candidate:
    """A school a text may name, with how it matched."""

    school_id: int
    name: str
    alias: str  # the alias that matched
    score: float  # 0-100
    exact: bool  # True when an alias (or an alias plus a campus qualifier) matched exactly


@dataclass(frozen=True, slots=True)
class Mention:
    """A school name found inside a text: its span and the schools it may be."""

    start: int
    end: int
    span: str
    candidates: tuple[Candidate, ...]
    campus: str | None = None  # a campus named with the school (哈工大威海 -> 威海), as `campus_base` writes it

    @property
    def best(self) -> Candidate:
        """The most likely school."""
        return self.candidates[0]


@dataclass(frozen=True, slots=True)
class _Target:
    school_id: int
    name: str
    alias: str
    kind_rank: int


def _fold_char(ch: str) -> str:
    if ch in "（【":
        return "("
    if ch in "）】":
        return ")"
    n = unicodedata.normalize("NFKC", ch)
    return n.lower() if len(n) == 1 else ch


def fold_same_length(text: str) -> str:
    """Fold a text character by character (NFKC, ASCII brackets, lower case) keeping every offset."""
    return "".join(_fold_char(c) for c in text)


def _key(text: str) -> str:
    return fold(text).lower()


def _suffix_of(key: str) -> str | None:
    for s in SCHOOL_SUFFIXES:
        if key.endswith(s):
            return s
    return None


_CAMPUS_END = re.compile(r"(?:校区|分校|分院)$")


def campus_base(label: str | None) -> str | None:
    """A campus label without its 校区/分校/分院 ending, so 威海, 威海校区 and 威海分校 are one campus."""
    if not label:
        return None
    base = _CAMPUS_END.sub("", fold(label).strip("()"))
    return base or None


def _rank_candidates(found: Iterable[tuple[float, bool, _Target]], limit: int) -> list[Candidate]:
    """Keep the best match per school and order by score, exactness, alias kind."""
    best: dict[int, tuple[float, bool, _Target]] = {}
    for score, exact, tgt in found:
        cur = best.get(tgt.school_id)
        if cur is None or (score, exact, -tgt.kind_rank) > (cur[0], cur[1], -cur[2].kind_rank):
            best[tgt.school_id] = (score, exact, tgt)
    ordered = sorted(best.values(), key=lambda x: (-x[0], not x[1], x[2].kind_rank, len(x[2].name)))
    return [
        Candidate(school_id=t.school_id, name=t.name, alias=t.alias, score=round(s, 1), exact=e)
        for s, e, t in ordered[: max(limit, 0)]
    ]


class NameIndex:
    """An immutable index over school names and aliases."""

    __slots__ = ("_by_key", "_campuses", "_df", "_first_lengths", "_keys", "_postings", "_targets_of")

    def __init__(self, entries: Iterable[NameEntry],
                 campuses: Iterable[tuple[int, str]] = ()) -> None:
        """Build the index; cost is linear in the number of aliases. `campuses`: (school id, campus label) pairs
        of the cutoff tables, so that a campus written after a school's name (哈工大威海) is recognised."""
        by_campus: dict[int, set[str]] = defaultdict(set)
        for sid, label in campuses:
            base = campus_base(label)
            if base and 2 <= len(base) <= 6 and not _SUFFIX_RE.search(base):
                by_campus[sid].add(base)
        self._campuses: dict[int, tuple[str, ...]] = {
            sid: tuple(sorted(v, key=len, reverse=True)) for sid, v in by_campus.items()}
        by_key: dict[str, list[_Target]] = defaultdict(list)
        for e in entries:
            k = _key(e.alias)
            if not k:
                continue
            tgt = _Target(e.school_id, e.name, e.alias, _KIND_RANK.get(e.kind, len(KINDS)))
            if all(t.school_id != e.school_id for t in by_key[k]):
                by_key[k].append(tgt)
            else:  # same alias for the same school twice: keep the stronger kind
                by_key[k] = [
                    tgt if t.school_id == e.school_id and tgt.kind_rank < t.kind_rank else t
                    for t in by_key[k]
                ]
        self._by_key: dict[str, tuple[_Target, ...]] = {k: tuple(v) for k, v in by_key.items()}
        self._keys: tuple[str, ...] = tuple(self._by_key)
        self._targets_of: tuple[tuple[_Target, ...], ...] = tuple(self._by_key[k] for k in self._keys)
        first: dict[str, set[int]] = defaultdict(set)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, k in enumerate(self._keys):
            first[k[0]].add(len(k))
            for ch in set(k):
                postings[ch].append(i)
        self._first_lengths: dict[str, tuple[int, ...]] = {
            c: tuple(sorted(ls, reverse=True)) for c, ls in first.items()
        }
        self._postings: dict[str, tuple[int, ...]] = {c: tuple(v) for c, v in postings.items()}
        self._df: dict[str, int] = {c: len(v) for c, v in postings.items()}
        log.debug("name index: %d aliases", len(self._keys))

    def __len__(self) -> int:
        """Number of distinct alias keys."""
        return len(self._keys)

    # -- exact -------------------------------------------------------------------------------

    def exact(self, text: str) -> list[Candidate]:
        """Schools whose alias is exactly this text (after folding)."""
        tgts = self._by_key.get(_key(text), ())
        return _rank_candidates(((100.0, True, t) for t in tgts), len(tgts))

    # -- fuzzy -------------------------------------------------------------------------------

    def _candidate_ids(self, query: str, rarest: int = 2) -> list[int]:
        """Alias ids sharing one of the query's rarest indexed characters (or any quite rare one)."""
        chars = sorted((c for c in set(query) if c in self._df), key=lambda c: self._df[c])
        ids: set[int] = set()
        for i, c in enumerate(chars):
            if i >= rarest and self._df[c] > _RARE_DF:
                break
            ids.update(self._postings[c])
        return sorted(ids)

    def _fuzzy(self, query: str, cutoff: float, limit: int) -> list[tuple[float, bool, _Target]]:
        ids = self._candidate_ids(query)
        if not ids:
            return []
        choices = [self._keys[i] for i in ids]
        hits = process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(float(score), False, t) for _, score, pos in hits for t in self._targets_of[ids[pos]]]

    def resolve(self, text: str, limit: int = 5) -> list[Candidate]:
        """Candidate schools for a name: exact alias, campus form, alias prefix, then fuzzy."""
        q = _key(str(zhconv.convert(text[:100], "zh-cn"))).strip(_STRIP)
        if not q:
            return []
        hit = self._by_key.get(q)
        if hit:
            return _rank_candidates(((100.0, True, t) for t in hit), limit)
        clean = clean_school_name(q)
        for form in (clean.name, clean.base):
            hit = self._by_key.get(_key(form))
            if hit:
                return _rank_candidates(((100.0, True, t) for t in hit), limit)
        prefix = self._longest_prefix(q)
        if prefix is not None:
            rest = q[len(prefix) :]
            is_campus = bool(_CAMPUS_TAIL.fullmatch(rest)) or rest.strip("()") in _CAMPUS_WORDS
            if is_campus or (len(rest) <= 8 and _suffix_of(prefix) is not None):
                score = 100.0 if is_campus else _PREFIX_SCORE
                return _rank_candidates(((score, is_campus, t) for t in self._by_key[prefix]), limit)
        return _rank_candidates(self._fuzzy(q, FUZZY_CUTOFF, limit * 3), limit)

    def _longest_prefix(self, q: str) -> str | None:
        for n in self._first_lengths.get(q[0], ()):
            if n < len(q) and q[:n] in self._by_key:
                return q[:n]
        return None

    # -- mentions in free text -----------------------------------------------------------------

    def find_mentions(self, text: str) -> list[Mention]:
        """School names inside a text (longest exact aliases, then fuzzy name-like spans), in order."""
        t = fold_same_length(text)
        n = len(t)
        mentions: list[Mention] = []
        i = 0
        while i < n:
            end = self._match_at(t, i)
            if end is None:
                i += 1
                continue
            key = t[i:end]
            tail = _CAMPUS_TAIL.match(t, end) if _suffix_of(key) else None
            span_end = tail.end() if tail else end
            cands = _rank_candidates(((100.0, True, tg) for tg in self._by_key[key]), 5)
            campus, campus_end = self._campus_at(key, t, end, cands)
            span_end = max(span_end, campus_end)
            mentions.append(Mention(i, span_end, text[i:span_end], tuple(cands), campus))
            i = span_end
        mentions.extend(self._fuzzy_mentions(text, t, mentions))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _campus_at(self, key: str, t: str, end: int, cands: Sequence[Candidate]) -> tuple[str | None, int]:
        """The campus a matched alias names (哈尔滨工业大学(威海)) or that follows it (哈工大威海, 哈工大（深圳）校区),
        and where that campus word ends; (None, end) when none of the school's known campuses is there."""
        if len({c.school_id for c in cands}) != 1:
            return None, end
        known = self._campuses.get(cands[0].school_id, ())
        for inner in re.findall(r"\(([^()]+)\)", key):
            if campus_base(inner) in known:
                return campus_base(inner), end
        for base in known:  # an alias that ends with the campus: 山大威海, 东北大学秦皇岛分校
            if re.search(re.escape(base) + r"(?:校区|分校|分院)?$", key) and len(key) > len(base) + 1:
                return base, end
        window = t[end:end + 12]
        rest = window.lstrip("( ")
        at = end + len(window) - len(rest)
        for base in known:
            if rest.startswith(base):
                tail = re.match(r"(?:校区|分校|分院)?\)?", t[at + len(base):])
                return base, at + len(base) + (tail.end() if tail else 0)
        return None, end

    def _match_at(self, t: str, i: int) -> int | None:
        """End of the longest alias starting at i, or None."""
        for n in self._first_lengths.get(t[i], ()):
            end = i + n
            if end > len(t) or t[i:end] not in self._by_key:
                continue
            key = t[i:end]
            # "北大" inside "东北大学", "重大" inside an unknown "重大学院": stop, not a mention.
            if not key.endswith(_NAME_END) and t.startswith(("学", "院", "校"), end):
                continue
            return end
        return None

    def _fuzzy_mentions(self, text: str, t: str, found: Sequence[Mention]) -> list[Mention]:
        """Fuzzy matches for uncovered spans that end with a school suffix."""
        covered = [(m.start, m.end) for m in found]
        out: list[Mention] = []
        floor = 0
        for m in _SUFFIX_RE.finditer(t):
            e = m.end()
            if any(s < e and m.start() < x for s, x in covered) or m.start() == 0:
                continue
            if t[m.start() - 1] in _GENERIC_BEFORE_SUFFIX:
                continue
            # The CJK run that ends with the suffix, not reaching back into a mention.
            s = m.start()
            lo = max([floor, *(x for _, x in covered if x <= s)])
            while s > lo and _CJK.match(t, s - 1):
                s -= 1
            run = t[s:e]
            if len(run) < 4:
                continue
            best = self._tail_match(run, m.group())
            if best is None:
                continue
            length, cands = best
            start = e - length
            out.append(Mention(start, e, text[start:e], tuple(cands)))
            covered.append((start, e))
            floor = e
        return out

    def _tail_match(self, run: str, suffix: str) -> tuple[int, list[Candidate]] | None:
        """Best aliases ending with `suffix` compared with the tail of `run` of about their length."""
        stem = run[: -len(suffix)][-12:]
        ids = self._candidate_ids(stem, rarest=3)
        scored: list[tuple[float, int, int]] = []  # (score, tail length, alias id)
        for idx in ids:
            key = self._keys[idx]
            if not key.endswith(suffix):
                continue
            best_s, best_len = 0.0, 0
            for length in (len(key) - 1, len(key), len(key) + 1):
                if length < len(suffix) + 2 or length > len(run):
                    continue
                sc = float(fuzz.ratio(key, run[-length:], score_cutoff=MENTION_CUTOFF))
                if sc > best_s:
                    best_s, best_len = sc, length
            if best_s >= MENTION_CUTOFF:
                scored.append((best_s, best_len, idx))
        if not scored:
            return None
        scored.sort(key=lambda x: (-x[0], -x[1]))
        length = scored[0][1]
        found = ((s, False, tg) for s, _, idx in scored for tg in self._targets_of[idx])
        return length, _rank_candidates(found, 5)


def is_ambiguous(cands: Sequence[Candidate]) -> bool:
    """True when the top candidates are different schools and nothing clearly picks one."""
    if len({c.school_id for c in cands}) < 2:
        return False
    top, second = cands[0], next(c for c in cands[1:] if c.school_id != cands[0].school_id)
    if top.exact != second.exact:
        return False
    if top.exact:
        return True
    return top.score - second.score < 10.0


_MAJOR_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")


def _major_key(text: str) -> str:
    return fold(str(zhconv.convert(text, "zh-cn"))).lower().removesuffix("专业")


def resolve_major(text: str, majors: Sequence[str], limit: int = 5) -> list[tuple[str, float]]:
    """Majors of a school matching a text: exact, containment, then fuzzy; best first."""
    q = _major_key(text).strip(_STRIP)
    if not q or not majors:
        return []
    scored: dict[str, float] = {}
    keys = [_major_key(m) for m in majors]
    for major, k in zip(majors, keys, strict=True):
        base = _MAJOR_BRACKETS.sub("", k)
        if q in (k, base):
            score = 100.0
        elif base and (q in base or base in q):
            short, long_ = sorted((len(q), len(base)))
            score = 80.0 + 15.0 * short / long_
        elif q in k:
            score = 75.0 + 10.0 * len(q) / len(k)
        else:
            continue
        scored[major] = max(score, scored.get(major, 0.0))
    if not scored:
        hits = process.extract(q, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=limit)
        for _, score, pos in hits:
            scored[majors[pos]] = max(float(score), scored.get(majors[pos], 0.0))
    ordered = sorted(scored.items(), key=lambda kv: (-kv[1], len(kv[0])))
    return [(m, round(s, 1)) for m, s in ordered[:limit]]
