"""Chat text from a typed answer: the only place that writes Chinese (Simplified, phone-sized, split under 4,096
characters). One renderer per answer type; note codes read through `notes.TEXT`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.answers import (
    Answer,
    CompareAnswer,
    HelpAnswer,
    LinesAnswer,
    MajorAnswer,
    ReachAnswer,
    SchoolAnswer,
)
from bot.core.render import compare, lines, major, reach, school
from bot.core.render.common import LIMIT, _notes, help_text, split
from bot.core.render.notes import note_text
from bot.core.render.reach import MAX_LINES

__all__ = ["LIMIT", "MAX_LINES", "help_text", "note_text", "render", "split"]

_RENDERERS: dict[type[Answer], Callable[[Any], str]] = {
    CompareAnswer: compare.text,
    SchoolAnswer: school.text,
    MajorAnswer: major.text,
    LinesAnswer: lines.text,
}


def render(a: Answer, tier_rates: str | None = None, *, detail: bool = False, more: str = "") -> list[str]:
    """Render an answer as one or more chat messages; `detail`: the long form of a rank answer (every year, every
    note); `more`: how the reader reaches it, added to a short rank answer's last line."""
    if isinstance(a, HelpAnswer):
        if a.problem:  # e.g. a province and a track but no usable rank or score: say so before the examples
            return split("\n".join([note_text(a.problem), *_notes(a.notes), "", help_text(tier_rates)]))
        return [help_text(tier_rates)]
    if a.problem:
        body = [note_text(a.problem)]
        if a.candidates:
            body += [f"  • {c}" for c in a.candidates]
        body += _notes(a.notes)
        return split("\n".join(body))
    if isinstance(a, ReachAnswer):
        return split(reach.text(a, detail, more))
    return split(_RENDERERS[type(a)](a))
