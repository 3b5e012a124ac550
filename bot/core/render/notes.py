"""The text of every note code (bot.core.notes.Note): the one catalogue of what answers say besides their facts."""

from __future__ import annotations

from collections.abc import Callable

from bot.core import places
from bot.core.notes import Note
from bot.core.render import notes_reach, notes_school, notes_sino


def _unsupported(word: str) -> str:
    reason = next((u.reason for u in places.unsupported() if u.word == word), "列表还不能按它筛选")
    return f"没有按“{word}”筛选，因为{reason}。"


# code -> the sentence, from the note's arguments
TEXT: dict[str, Callable[..., str]] = {
    # what the parser noticed in the message (bot.core.parse note codes)
    "parse.truncated": lambda: "消息较长，只读取了开头的部分。",
    "parse.unknown-command": lambda arg: f"不认识的命令 {arg}，可用 /help 查看用法。",
    "parse.other-province": lambda arg: f"消息里还提到了{arg}，按第一个省份处理。",
    "parse.other-track": lambda arg: f"消息里还提到了{arg}，按第一个科类处理。",
    "parse.extra-number": lambda arg: f"消息里有多个数字，没有使用“{arg}”。",
    "parse.number-out-of-range": lambda arg: f"数字“{arg}”不像位次或分数，没有使用。",
    "parse.bad-number": lambda arg: f"“{arg}”不能是位次或分数（位次是正整数，分数不为负），没有使用。",
    "parse.filter-unsupported": lambda arg: _unsupported(arg),
    **notes_reach.TEXT,
    **notes_school.TEXT,
    **notes_sino.TEXT,
}


def note_text(n: Note) -> str:
    """The sentence a note says."""
    if not isinstance(n, Note):
        raise TypeError(f"a note is a code with facts (bot.core.notes.Note), not {type(n).__name__}: {n!r}")
    make = TEXT.get(n.code)
    if make is None:
        raise KeyError(f"no text for note code {n.code!r}")
    return make(**n.kw)


# the short phrases of a rank answer's `brief` (a code without one is said in full)
SHORT: dict[str, Callable[..., str]] = {**notes_reach.SHORT}


def brief_text(n: Note) -> str:
    """The phrase a brief note says on a short answer's note lines."""
    if n.code in SHORT:
        return SHORT[n.code](**n.kw)
    return note_text(n)


def texts(notes: list[Note] | tuple[Note, ...]) -> list[str]:
    """The sentences of several notes, in order."""
    return [note_text(n) for n in notes]


def maybe_text(n: Note | None) -> str | None:
    """The sentence of a note that may be absent (an answer's `problem`)."""
    return None if n is None else note_text(n)
