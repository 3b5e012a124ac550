"""Notes as codes: what an answer wants to tell the user, as facts. Only `bot.core.render` writes them as text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Note:
    """One note: a code naming what is said (see `bot.core.render.notes.TEXT`) and the facts it says."""

    code: str
    args: tuple[tuple[str, Any], ...] = ()

    def __getitem__(self, key: str) -> Any:
        for k, v in self.args:
            if k == key:
                return v
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        """The argument `key`, or `default`."""
        for k, v in self.args:
            if k == key:
                return v
        return default

    @property
    def kw(self) -> dict[str, Any]:
        """The arguments as keywords (what the note's template takes)."""
        return dict(self.args)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the code and its arguments."""
        return {"code": self.code, **{k: list(v) if isinstance(v, tuple) else v for k, v in self.args}}


def note(code: str, **args: Any) -> Note:
    """A note with keyword arguments (lists are kept as tuples, so that notes stay hashable)."""
    return Note(code, tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in args.items()))
