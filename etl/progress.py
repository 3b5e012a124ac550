"""The build's compact display: one line per source and per step, with a bar on an interactive terminal.

The detail (every INFO line) goes to the build log next to the database, and to the terminal with -v.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

BAR_WIDTH = 24
NAME_WIDTH = 56
_CLEAR = "\r\x1b[K"


class Progress:
    """Writes the build's progress to `stream`; `interactive` (default: stream is a TTY) adds a live bar."""

    def __init__(self, stream: TextIO, *, interactive: bool | None = None) -> None:
        self.stream = stream
        self.interactive = stream.isatty() if interactive is None else interactive
        self.total = 0
        self.done_count = 0
        self._bar = ""  # what the live line shows now ("" when nothing is drawn)

    def line(self, text: str) -> None:
        """Print one permanent line (above the bar, if one is drawn)."""
        self.clear()
        self.stream.write(text + "\n")
        self.redraw()

    def sources(self, total: int) -> None:
        """`total` source folders are about to be read."""
        self.total, self.done_count = total, 0

    def reading(self, origin: str) -> None:
        """A source folder is being read (shown on the bar only)."""
        self._draw(f"reading {origin}")

    def read(self, origin: str, rows: int, seconds: float) -> None:
        """A source folder was read: its permanent line."""
        self.done_count += 1
        width = len(str(self.total))
        self.end()
        self.line(f"{self.done_count:>{width}}/{self.total} {_fit(origin):<{NAME_WIDTH}} {rows:>9,} rows {seconds:6.1f}s")

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """A build step after reading: one line with its time when it ends."""
        self._draw(label)
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self.end()
            raise
        self.end()
        pad = 2 * len(str(self.total)) + 1
        self.line(f"{'':>{pad}} {_fit(label):<{NAME_WIDTH}} {'':>14} {time.perf_counter() - start:6.1f}s")

    def clear(self) -> None:
        """Remove the live bar, if drawn, so that other output starts on a clean line."""
        if self.interactive and self._bar:
            self.stream.write(_CLEAR)
            self.stream.flush()

    def redraw(self) -> None:
        """Draw the live bar again after other output."""
        if self.interactive and self._bar:
            self.stream.write(self._bar)
        self.stream.flush()

    def end(self) -> None:
        """Remove the live bar for good, e.g. before an error is reported."""
        self.clear()
        self._bar = ""

    def _draw(self, what: str) -> None:
        if not self.interactive:
            return
        filled = BAR_WIDTH * self.done_count // self.total if self.total else 0
        self.clear()
        self._bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done_count}/{self.total} {what}"[:120]
        self.redraw()


def _fit(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A log handler that lifts the live bar before a message and draws it again after."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(progress.stream)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record on its own line, keeping the bar below it."""
        self.progress.clear()
        super().emit(record)
        self.progress.redraw()


class BuildLog(logging.FileHandler):
    """The build log next to the database; if it cannot be written (disk full), it stops and says why once."""

    def __init__(self, path: str) -> None:
        super().__init__(path, mode="w", encoding="utf-8")
        self.failure: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record unless writing has failed before."""
        if self.failure is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """Remember the first write error instead of printing a traceback for every line."""
        exc = sys.exc_info()[1]
        self.failure = (getattr(exc, "strerror", None) or str(exc)) if exc else "unknown error"
