"""Typed queries a door's buttons carry: what an answer is recomputed from, never a message to parse again.

A button under a rank answer carries a `RankAsk` (province, track, rank, year, list filters, field of study), a
comparison button a `CompareAsk` (two school ids). `to_query()` turns either into the `parse.Query` the engine
answers (`Engine.ask`); its `text` is a canonical display text for logs and JSON only (it reads back to the same
query, which the tests check, but nothing parses it). A new kind of button is then one ask type, one handler and
one renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core import places
from bot.core.names import Candidate, Mention
from bot.core.parse import FILTERS, Query

# Query.filters keys that are no place ("near" and "away" are places.find_places keys without a place word)
FLAG_FILTERS: tuple[str, ...] = (*FILTERS, "near", "away")
# words parse reads back as each flag filter (for the display text)
_WORDS = {"home": "省内", "public": "公办", "985": "985", "211": "211", "dfc": "双一流", "no_zk": "不要专科",
          "near": "离家近", "away": "省外"}
_MAJOR_FILTER = "major:"  # how an answer lists the field it kept to (answer.Engine._grain)


class Ask(Protocol):
    """A typed query: what a button carries to recompute its answer."""

    def to_query(self) -> Query:
        """The query the engine answers."""
        ...


def is_filter(key: str) -> bool:
    """Whether `key` is a list filter parse produces: a parse.FILTERS key, near/away, or a place key."""
    return key in FLAG_FILTERS or (key.startswith(places.PLACE_KINDS) and len(key.split(":", 1)[1]) > 0)


def canonical_filters(filters: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Filters in the order parse produces them: parse.FILTERS keys, then places and regions (as given), then
    near and away; each once."""
    keys = list(dict.fromkeys(filters))
    return (tuple(k for k in FILTERS if k in keys) + tuple(k for k in keys if k.startswith(places.PLACE_KINDS))
            + tuple(k for k in ("near", "away") if k in keys))


def place_key(word: str) -> str:
    """A place word's filter key as parse makes it: a region word (江浙沪) is a region, any other a place."""
    return f"region:{word}" if word in places.regions() else f"place:{word}"


@dataclass(frozen=True, slots=True)
class RankAsk:
    """The school list for a rank: province, the track asked (None = the province's default; the answer says how
    it maps a track the province no longer uses), rank, year (None = latest), the list filters (parse keys: "home",
    "985", "region:江浙沪", "place:武汉", "near" ...) and the field of study asked."""

    province: str
    track: str | None
    rank: int
    year: int | None = None
    filters: tuple[str, ...] = ()
    major: str | None = None

    def __post_init__(self) -> None:
        bad = [f for f in self.filters if not is_filter(f)]
        if bad:
            raise ValueError(f"not a list filter: {bad}")
        if self.rank < 1:
            raise ValueError(f"rank {self.rank}")

    @property
    def text(self) -> str:
        """A message that asks the same (for logs and JSON; never parsed)."""
        words = [self.province, *([self.track] if self.track else []), f"位次{self.rank}"]
        if self.year:
            words.append(f"{self.year}年")
        words += [_WORDS[f] for f in self.filters if f in FILTERS]
        where = [f.split(":", 1)[1] for f in self.filters if f.startswith(places.PLACE_KINDS)]
        if where:
            words.append("只看" + "或".join(where))
        words += [_WORDS[f] for f in self.filters if f in ("near", "away")]
        if self.major:
            words.append(f"想学{self.major}")
        return " ".join(words)

    def to_query(self) -> Query:
        """The query the engine answers (intent "rank")."""
        return Query(intent="rank", text=self.text, province=self.province, track=self.track, rank=self.rank,
                     year=self.year, major=self.major, filters=self.filters)


def rank_ask(query: Mapping[str, Any]) -> RankAsk | None:
    """The ask that recomputes a rank or score answer's list, from its `Answer.query` (None when it has no list: no
    province, track used or rank): the rank it used, the track, year and field asked, the filters it applied."""
    prov, rank = query.get("province"), query.get("rank")
    if not (prov and query.get("track_used") and rank):
        return None
    filters = [f for f in query.get("filters") or [] if not f.startswith(_MAJOR_FILTER)]
    try:
        return RankAsk(prov, query.get("track") or None, int(rank), query.get("year") or None, canonical_filters(filters),
                       query.get("major") or None)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class CompareAsk:
    """Two schools compared, by id, in a province (None: each in its own); `names` only label the query."""

    a: int
    b: int
    province: str | None = None
    names: tuple[str, str] = ("", "")

    @property
    def text(self) -> str:
        """A message that asks the same (for logs and JSON; never parsed)."""
        return f"{self.province or ''} {self.names[0]}和{self.names[1]}对比".strip()

    def to_query(self) -> Query:
        """The query the engine answers (intent "compare"), each school a mention of exactly that school."""
        text = self.text
        mentions: list[Mention] = []
        at = 0
        for sid, name in zip((self.a, self.b), self.names, strict=True):
            start = text.find(name, at) if name else at
            mentions.append(Mention(start, start + len(name), name, (Candidate(sid, name, name, 100.0, True),)))
            at = start + len(name)
        return Query(intent="compare", text=text, province=self.province, schools=tuple(mentions))
