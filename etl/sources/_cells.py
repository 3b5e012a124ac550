"""Cell-level helpers shared by the spreadsheet/CSV readers: sheets, numbers, bracketed remarks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from etl.errors import SourceError
from etl.normalize import special_plan

Cell = object

_OPEN = "(（[【"
_CLOSE = ")）]】"


def read_sheet(path: Path, sheet: str | None = None) -> Sequence[Sequence[Cell]]:
    """All rows of one sheet of an .xlsx file (the first sheet when `sheet` is None)."""
    try:
        wb = CalamineWorkbook.from_path(str(path))
        name = sheet if sheet is not None else wb.sheet_names[0]
        rows: Sequence[Sequence[Cell]] = wb.get_sheet_by_name(name).to_python()
    except (CalamineError, OSError, IndexError) as exc:
        raise SourceError(path, f"cannot read sheet {sheet or '#1'}: {exc}") from exc
    return rows


def text(cell: Cell) -> str:
    """A cell as stripped text; whole floats lose their '.0' (2.0 -> '2')."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def to_int(cell: Cell) -> int | None:
    """An integer cell (int, whole float or digit string), or None when empty or not a number."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    t = text(cell).replace(",", "")
    if t.endswith(".0"):
        t = t[:-2]
    return int(t) if t.isdigit() else None


def to_float(cell: Cell) -> float | None:
    """A numeric cell as float, or None when empty or not a number."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    try:
        return float(text(cell))
    except ValueError:
        return None


def positive(n: int | None) -> int | None:
    """`n` when it is > 0, else None (a 0 or negative rank/score means "missing")."""
    return n if n is not None and n > 0 else None


def bracket_remarks(name: str) -> list[str]:
    """Top-level bracketed remarks of a name: 'A(中外合作办学)(师范)' -> ['中外合作办学', '师范'].

    Full-width and square brackets count; nested brackets stay inside their remark, and an
    unclosed last bracket (a truncated name) yields the rest of the name.
    """
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(name):
        if ch in _OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in _CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                out.append(name[start:i].strip())
    if depth > 0:
        out.append(name[start:].strip())
    return [r for r in out if r]


def special_remarks(name: str) -> list[str]:
    """The bracketed remarks of a (school) name that mark a special plan, e.g. '(中外合作办学)'."""
    return [r for r in bracket_remarks(name) if special_plan(r)]


def join_notes(*parts: str | None) -> str | None:
    """Join the non-empty parts with ' | ' (each once, in order), or None when there are none."""
    seen: list[str] = []
    for p in parts:
        t = (p or "").strip()
        if t and t not in seen:
            seen.append(t)
    return " | ".join(seen) if seen else None
