"""The serving engine: answers run in worker threads, and a replaced database file is swapped in live.

Why not `Engine.reloaded()`: DuckDB shares one database instance per path within a process, so
opening the replaced file while the old engine is still open (and answering) returns the *old*
data. The new file is therefore opened through a fresh hard link (a copy where links are not
possible), which is removed again as soon as it is open.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import itertools
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from bot.core import dbfile
from bot.core.answer import Engine
from bot.core.answers import Answer
from bot.core.asks import Ask
from bot.core.errors import DataUnavailable
from bot.core.parse import Query

log = logging.getLogger(__name__)

T = TypeVar("T")
Asked = Ask | Query  # a typed query: one a button carries, or a parsed one

STAT_INTERVAL = 1.0  # seconds between checks whether the database file was replaced
DRAIN_TIMEOUT = 30.0  # how long an old engine may keep serving in-flight answers after a swap
RETRY_AFTER_FAILURE = 60.0  # a replaced file that failed to open is tried again after this
CACHE_SIZE = 512  # answers kept per engine: inline queries and tier buttons ask the same again and again
DEEP_PER_TIER = 40  # schools per tier behind the tier buttons (the first answer shows the engine's default)


def _warm(engine: Engine) -> None:
    """Warm an engine; a store closed by a swap meanwhile just ends the warm-up."""
    try:
        n = engine.warm()
    except duckdb.ConnectionException as exc:
        log.info("warm-up of a replaced database stopped: %s", exc)
        return
    # The warmed engine is ~10^6 long-lived objects; left to the cyclic GC, every full collection would walk
    # them all (tens of ms, on the answer path). Frozen, they are skipped (they are still freed by refcount).
    gc.freeze()
    log.info("engine warmed: %d province-track ladders", n)


class _Slot:
    """An engine (and a deep twin on the same store, for tier pages), its users right now, recent answers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.deep = engine.with_per_tier(DEEP_PER_TIER)
        self.inflight = 0
        # Build every province-track's estimates in the background (~1.5 s), so no user waits for them.
        threading.Thread(target=_warm, args=(engine,), name="warm-engine", daemon=True).start()
        # keyed by (deep, message text) or (deep, typed query): frozen dataclasses, equal when they ask the same
        self.answers: OrderedDict[tuple[bool, str | Asked], Answer] = OrderedDict()

    def remember(self, key: tuple[bool, str | Asked], answer: Answer) -> Answer:
        self.answers[key] = answer
        if len(self.answers) > CACHE_SIZE:
            self.answers.popitem(last=False)
        return answer


@dataclass(frozen=True, slots=True)
class Core:
    """The engine pinned for one update (it stays open until the update is done)."""

    slot: _Slot
    engines: Engines

    @property
    def engine(self) -> Engine:
        """The pinned engine."""
        return self.slot.engine

    async def answer(self, text: str) -> Answer:
        """`engine.answer(text)` in a worker thread; a repeated text is answered from memory.

        Answers are shared between updates, so doors must not modify them (they only read, or
        `dataclasses.replace`); the memory goes with the engine when a new database is swapped in.
        """
        return await self._answer(False, text)

    async def ask(self, query: Asked) -> Answer:
        """`engine.ask` of a typed query (a button's `RankAsk`, `CompareAsk`, or a `Query`) in a worker thread, no
        text parsed; an equal query is answered from memory (shared, as in `answer`)."""
        return await self._answer(False, query)

    async def tiers(self, query: Asked) -> Answer:
        """Like `ask`, with up to DEEP_PER_TIER schools per tier (for the tier pages)."""
        return await self._answer(True, query)

    async def _answer(self, deep: bool, asked: str | Asked) -> Answer:
        key = (deep, asked)
        cached = self.slot.answers.get(key)
        if cached is not None:
            self.slot.answers.move_to_end(key)
            return cached
        engine = self.slot.deep if deep else self.slot.engine
        if isinstance(asked, str):
            answer = await self.engines.run(engine.answer, asked)
        else:
            answer = await self.engines.run(engine.ask, asked if isinstance(asked, Query) else asked.to_query())
        return self.slot.remember(key, answer)

    async def call(self, fn: Callable[..., T], *args: object) -> T:
        """Any other blocking core call (store queries) in a worker thread."""
        return await self.engines.run(fn, *args)


class Engines:
    """Holds the current engine; `reload()` opens the new file while the old one keeps answering."""

    def __init__(self, engine: Engine, workers: int = 4) -> None:
        self.db = engine.store.path
        self._served = _stat(self.db)
        self._links = itertools.count(1)
        self._slot = _Slot(engine)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engine")
        self._reload: asyncio.Task[bool] | None = None
        self._checked = time.monotonic()

    @property
    def current(self) -> Engine:
        """The engine new updates get."""
        return self._slot.engine

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run a blocking core call in a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(fn, *args))

    @contextmanager
    def lease(self) -> Iterator[Core]:
        """Pin the current engine for the duration of one update."""
        slot = self._slot
        slot.inflight += 1
        try:
            yield Core(slot, self)
        finally:
            slot.inflight -= 1

    def maybe_reload(self) -> None:
        """Start a background reload when the database file was replaced (checked at most once a second)."""
        now = time.monotonic()
        if now - self._checked < STAT_INTERVAL or self._reload is not None:
            return
        self._checked = now
        if self.changed_on_disk():
            self._start_reload()

    def changed_on_disk(self) -> bool:
        """True when the database file was replaced since the served engine opened it."""
        try:
            return _stat(self.db) != self._served
        except FileNotFoundError:
            return False

    async def switch(self, path: Path) -> bool:
        """Serve the database file at `path` from now on (a published version); True when the engine changed."""
        if path == self.db and not self.changed_on_disk():
            return False
        if self._reload is not None:  # let a reload of the previous file finish first
            await asyncio.shield(self._reload)
        self.db = path
        return await self.reload()

    async def reload(self) -> bool:
        """Open the replaced database and swap it in; True when the engine changed. Single-flight."""
        return await asyncio.shield(self._start_reload())

    def _start_reload(self) -> asyncio.Task[bool]:
        if self._reload is None:
            self._reload = asyncio.get_running_loop().create_task(self._swap())
            self._reload.add_done_callback(self._reload_done)
        return self._reload

    def _reload_done(self, task: asyncio.Task[bool]) -> None:
        self._reload = None
        if not task.cancelled() and task.exception() is not None:
            self._checked = time.monotonic() + RETRY_AFTER_FAILURE
            exc = task.exception()
            if isinstance(exc, DataUnavailable):  # a bad file: its one line says it all
                log.error("database reload failed, still serving %s: %s", self.current.store.path, exc)
            else:
                log.error("database reload failed, still serving %s", self.current.store.path, exc_info=exc)

    async def _swap(self) -> bool:
        old = self._slot
        if not self.changed_on_disk():
            return False
        self._slot, self._served = await self.run(self._open_current, old.engine)
        log.info("database reloaded: %s (built %s)", self.db, self.current.store.build_info.get("built_at"))
        await self._retire(old)
        return True

    def _open_current(self, old: Engine) -> tuple[_Slot, tuple[int, int, float]]:
        """Open the file now at `self.db` under a path of its own (see the module docstring)."""
        alias = self.db.with_name(f".{self.db.name}.open-{os.getpid()}-{next(self._links)}")
        try:
            os.link(self.db, alias)
            stat = _stat(alias)
        except OSError:
            stat = _stat(self.db)
            shutil.copyfile(self.db, alias)
        try:
            return _Slot(Engine.open(alias, old.params)), stat
        except DataUnavailable as exc:  # name the file the admin knows, not the private alias
            cause = exc.__cause__
            raise (dbfile.unusable(self.db, cause) if isinstance(cause, Exception) else exc) from cause
        finally:
            alias.unlink(missing_ok=True)

    async def _retire(self, slot: _Slot) -> None:
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while slot.inflight > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await self.run(slot.engine.store.close)

    async def close(self) -> None:
        """Close the store and stop the worker threads."""
        if self._reload is not None:
            self._reload.cancel()
        await self.run(self._slot.engine.store.close)
        self._pool.shutdown(wait=False, cancel_futures=True)


def _stat(path: Path) -> tuple[int, int, float]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime)
