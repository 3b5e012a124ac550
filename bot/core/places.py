"""Where a student wants to study, and the filter words the school list cannot apply.

The tables are data under bot/core/data/: region words (regions.tsv), bordering provinces
(neighbours.tsv) and unsupported filter words with their reason (unsupported_filters.tsv).

Place filters are Query.filters keys: `region:江浙沪`, `place:武汉` (a province or a city), `near`
(the user's province and its neighbours) and `away` (outside the user's province). A school is kept
when it lies in any of the places asked (they are alternatives: "只看武汉或长沙").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from gaokao.regions import province_spellings

PLACE_KINDS = ("region:", "place:")
_CITY_SUFFIX = re.compile(r"(?:市|地区|盟|自治州|林区)$")
_TRIGGER = r"(?:只看|只要|只考虑|只想去|只想在|只去|只报|只填|只在|仅限|仅看|限于|想去|想在|最好在|希望在)"
_JOIN = r"\s*(?:或者|或是|或|和|以及|及|与|跟|、|/|,|，)?\s*"
_NEAR = re.compile(r"离家近|离家不远|近一点|周边省份?|附近(?:的)?省份?|邻省|邻近省份?")
_AWAY = re.compile(r"(?<![不别])(?:省外|外省|出省)")


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A filter word the list cannot apply: how it is written, how it is shown, and why not."""

    pattern: re.Pattern[str]
    word: str
    reason: str


def _rows(name: str) -> list[list[str]]:
    text = resources.files("bot.core").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def regions() -> dict[str, tuple[str, ...]]:
    """Region word -> the provinces or cities it covers."""
    return {word: tuple(p.strip() for p in places.split(",")) for word, places in _rows("regions.tsv")}


@functools.cache
def neighbours() -> dict[str, tuple[str, ...]]:
    """Province -> the provinces bordering it."""
    return {prov: tuple(p.strip() for p in near.split(",")) for prov, near in _rows("neighbours.tsv")}


@functools.cache
def unsupported() -> tuple[Unsupported, ...]:
    """Filter words the list cannot apply, most specific first (the file's order)."""
    return tuple(Unsupported(re.compile(p), w, r) for p, w, r in _rows("unsupported_filters.tsv"))


def short_city(name: str) -> str:
    """武汉市 -> 武汉; 湘西土家族苗族自治州 stays whole (its short form is not what people write)."""
    short = _CITY_SUFFIX.sub("", name)
    return short if 2 <= len(short) <= 4 else name


@functools.cache
def _place_words(cities: frozenset[str]) -> tuple[dict[str, str], re.Pattern[str]]:
    """Every spelling of a place -> its key, and one pattern matching any of them (longest first)."""
    words: dict[str, str] = {}
    for c in cities:
        for w in {c, short_city(c)}:
            if len(w) >= 2:
                words[w] = f"place:{short_city(c)}"
    for spelling, prov in province_spellings().items():  # a province name wins over a city of that name
        words[spelling] = f"place:{prov}"
    for w in regions():
        words[w] = f"region:{w}"
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return words, re.compile(alt)


def find_places(text: str, cities: Collection[str] = ()) -> tuple[list[str], list[tuple[int, int]]]:
    """Place filter keys a message asks for, and the spans that ask them (to keep them from being read as the
    user's province): region words anywhere, "只看武汉", "只看四川或重庆", "四川或重庆", 离家近, 省外."""
    words, place_re = _place_words(frozenset(cities))
    keys: list[str] = []
    spans: list[tuple[int, int]] = []

    def add(key: str, span: tuple[int, int]) -> None:
        if key not in keys:
            keys.append(key)
        spans.append(span)

    region_re = re.compile("|".join(re.escape(w) for w in sorted(regions(), key=len, reverse=True)))
    listed = re.compile(rf"{_TRIGGER}\s*(?:{place_re.pattern})(?:{_JOIN}(?:{place_re.pattern}))*")
    either = re.compile(rf"(?:{place_re.pattern})\s*(?:或者|或)\s*(?:{place_re.pattern})")
    taken: list[tuple[int, int]] = []
    for rx in (listed, either):
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            for p in place_re.finditer(text, m.start(), m.end()):
                add(words[p.group()], (p.start(), p.end()))
            spans.append((m.start(), m.end()))
    for m in region_re.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            add(f"region:{m.group()}", (m.start(), m.end()))
    for rx, key in ((_NEAR, "near"), (_AWAY, "away")):
        for m in rx.finditer(text):
            add(key, (m.start(), m.end()))
    return keys, spans


def find_unsupported(text: str) -> list[str]:
    """The filter words of `text` the list cannot apply (shown words, each once)."""
    out: list[str] = []
    taken: list[tuple[int, int]] = []
    for u in unsupported():
        for m in u.pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if u.word not in out:
                out.append(u.word)
    return out


def places_wanted(filters: Iterable[str], home: str | None) -> tuple[str, ...]:
    """The provinces and cities the place filters of `filters` keep (empty: no place filter)."""
    out: list[str] = []
    for f in filters:
        if f.startswith("region:"):
            out += regions().get(f.removeprefix("region:"), ())
        elif f.startswith("place:"):
            out.append(f.removeprefix("place:"))
        elif f == "near" and home:
            out += (home, *neighbours().get(home, ()))
    return tuple(dict.fromkeys(out))


def place_test(filters: Sequence[str], home: str | None) -> Callable[[str | None, str | None], bool] | None:
    """A test of (school province, school city) for the place filters in `filters`; None without any."""
    wanted = places_wanted(filters, home)
    away = "away" in filters and home is not None
    if not wanted and not away:
        return None
    provinces = set(province_spellings().values())
    provs = {p for p in wanted if p in provinces}
    cities = tuple(p for p in wanted if p not in provinces)

    def ok(province: str | None, city: str | None) -> bool:
        if away and province == home:
            return False
        if not wanted:
            return True
        return province in provs or (city is not None and city.startswith(cities))

    return ok
