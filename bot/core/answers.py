"""Typed answers, one per intent: frozen dataclasses of facts, with notes as codes (bot.core.notes).

`bot.core.render` is the only place that turns them into Chinese; `to_dict` gives the JSON of `ask --json`, whose
keys are the same for every intent (a key an intent does not have is empty)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from bot.core.notes import Note

# every answer's JSON has these keys (the contract of `ask --json`), whatever its intent
_CONTRACT: dict[str, Any] = {"results": [], "schools": [], "school": None, "major": None, "notes": [], "brief": [],
                             "placement": [], "candidates": [], "problem": None}
_TEXTS = ("notes", "brief", "placement")


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """What every answer has: the intent, the query as understood, notes, and why it could not be answered."""

    intent: str
    query: dict[str, Any]
    notes: list[Note] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)  # when a name was ambiguous or unknown
    problem: Note | None = None  # why the question could not be answered (missing province ...)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (a copy): notes as text and, under `note_codes`, as codes."""
        # render imports these types: import it when used
        from bot.core.render.notes import brief_text, note_text

        out = {"intent": self.intent, "query": _plain(self.query), **copy.copy(_CONTRACT)}
        codes: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("intent", "query"):
                continue
            v = getattr(self, f.name)
            if f.name in _TEXTS:
                say = brief_text if f.name == "brief" else note_text  # brief: the short answer's phrases
                out[f.name] = [say(n) for n in v]
                codes[f.name] = [_code(n) for n in v]
            elif f.name == "problem":
                out[f.name] = None if v is None else note_text(v)
                codes[f.name] = None if v is None else _code(v)
            else:
                out[f.name] = _plain(v)
        out["note_codes"] = codes
        return out


def _code(n: Note) -> dict[str, Any]:
    return n.to_dict()


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpAnswer(Answer):
    """Not a question the bot answers (or one it could not read): what it does, and why when it tried."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReachAnswer(Answer):
    """冲/稳/保 for a rank or a score: the schools placed, where the user stands against the batch lines, and
    the notes that change a decision (`brief`, the short answer's two note lines)."""

    results: list[dict[str, Any]] = field(default_factory=list)
    brief: list[Note] = field(default_factory=list)
    placement: list[Note] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareAnswer(Answer):
    """Two schools (or campuses) side by side in one province and the same years."""

    schools: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class SchoolAnswer(Answer):
    """One school's profile and cutoffs; with a rank, its entries placed for it (`results`)."""

    school: dict[str, Any] | None = None
    results: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class MajorAnswer(Answer):
    """A major at one school: its standing and its cutoffs, the asked province first."""

    school: dict[str, Any] | None = None
    major: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinesAnswer(Answer):
    """A province's batch control lines."""

    results: list[dict[str, Any]] = field(default_factory=list)


def _plain(x: Any) -> Any:
    """`x` copied as dicts, lists and tuples of plain values; dataclasses become dicts, as `asdict` makes them."""
    if x is None or isinstance(x, str | int | float):
        return x
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, tuple):
        items = [_plain(v) for v in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    if isinstance(x, Note):
        return x.to_dict()
    if is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name)) for f in fields(x)}
    return copy.deepcopy(x)
