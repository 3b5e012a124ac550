"""Guards around writing the database: a stopping signal and a full disk become one clear error.

Both are raised after the build's own `finally` has removed its temporary files.
"""

from __future__ import annotations

import errno
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import duckdb

from etl.errors import Interrupted, OutputError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_TEXTS = ("no space left on device", "disk quota exceeded", "disk is full")


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, SIGTERM and SIGINT raise Interrupted (exit code 128 + signal), so `finally` blocks run.

    Outside the main thread signal handlers cannot be set: there the block runs unguarded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        if received:  # a second signal while cleaning up: let the cleanup finish
            return
        received.append(signum)
        raise Interrupted(signal.Signals(signum).name, 128 + signum)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    try:
        yield
    except Interrupted:
        raise
    except BaseException as exc:
        # DuckDB turns a signal that arrives during a query into its own InterruptException
        if received:
            raise Interrupted(signal.Signals(received[0]).name, 128 + received[0]) from exc
        raise
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def disk_full_names(out: Path) -> Iterator[None]:
    """A full disk while building `out` raises OutputError naming it, instead of DuckDB's or the OS's error."""
    try:
        yield
    except (OSError, duckdb.Error) as exc:
        if not is_disk_full(exc):
            raise
        raise OutputError(out, "no space left on the device; free some space (room for a second copy of the "
                               "database) and build again") from exc


def is_disk_full(exc: BaseException) -> bool:
    """The error says the file system is full (or over quota)."""
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return True
    text = str(exc).lower()
    return any(t in text for t in _FULL_TEXTS)
