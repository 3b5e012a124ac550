"""A durable outbox: replies Telegram could not take yet wait on disk and are retried in order per chat.

The store is a small SQLite file next to the database (WAL journal: a reply written here survives a
crash or restart of the bot; a power cut may lose the last few). One `Outbound` per process drains
it: one sender task per chat with waiting replies, oldest first, with exponential backoff (or the
server's `retry_after`) until `Backoff.give_up_after`; a permanent rejection (blocked, chat not
found) drops the reply with one log line. The store is a Protocol so that a shared store (Redis)
can take the SQLite file's place. Nothing here knows about aiogram: the door supplies the sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.serve.pacing import NoPacing, Pacer

log = logging.getLogger(__name__)

LOG_EVERY = 30.0  # seconds between "N replies waiting" lines while the outbox is not empty


class OutboxError(Exception):
    """The outbox file cannot be used."""


class Transient(Exception):
    """A send failed but may work later (network error, 5xx, 429)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Rejected(Exception):
    """Telegram refused the send for good (400 chat not found, 403 blocked, ...)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One waiting request: an API method and its JSON parameters, for one chat."""

    id: int
    chat: int
    method: str
    payload: dict[str, Any]
    created: float  # wall-clock time it was queued
    attempts: int  # failed attempts so far
    not_before: float  # wall-clock time of the next attempt


@dataclass(frozen=True, slots=True)
class Backoff:
    """When to try again: first, doubling up to `most`; give up once a reply is `give_up_after` old."""

    first: float = 0.25
    most: float = 60.0
    give_up_after: float = 3600.0

    def delay(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` failures, with ±20% jitter."""
        return float(min(self.most, self.first * 2.0 ** max(0, attempts - 1)) * random.uniform(0.8, 1.2))


class OutboxStore(Protocol):
    """Where waiting replies live: a FIFO per chat."""

    async def put(self, chat: int, method: str, payload: dict[str, Any], not_before: float) -> int:
        """Append a request for `chat`; returns its id."""

    async def head(self, chat: int) -> Item | None:
        """The oldest waiting request of `chat`."""

    async def retry(self, item_id: int, attempts: int, not_before: float) -> None:
        """Record a failed attempt and when to try next."""

    async def remove(self, item_id: int) -> None:
        """Forget a request (sent, or given up)."""

    async def waiting(self, chat: int | None = None) -> int:
        """Requests waiting (for one chat, or in all)."""

    async def chats(self) -> list[int]:
        """Chats with waiting requests."""

    def close(self) -> None:
        """Release the store."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat INTEGER NOT NULL,
    method TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_chat ON outbox (chat, id);
"""


class SqliteOutbox:
    """The outbox in one SQLite file, locked against a second bot process; counts kept in memory too."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise OutboxError(f"outbox {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self._lock_fd)
            raise OutboxError(f"outbox {path} is in use by another bot process: stop it, "
                              "or give this one its own file with GAOKAO_OUTBOX") from exc
        try:
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            rows = self._db.execute("SELECT chat, count(*) FROM outbox GROUP BY chat").fetchall()
        except sqlite3.Error as exc:
            self.close()
            raise OutboxError(f"outbox {path} is not a usable SQLite file ({exc}): move it aside") from exc
        self._counts: Counter[int] = Counter({int(chat): int(n) for chat, n in rows})

    async def put(self, chat: int, method: str, payload: dict[str, Any], not_before: float) -> int:
        """Append a request for `chat`; returns its id."""
        cur = self._db.execute(
            "INSERT INTO outbox (chat, method, payload, created, not_before) VALUES (?, ?, ?, ?, ?)",
            (chat, method, json.dumps(payload, ensure_ascii=False), self._clock(), not_before))
        self._counts[chat] += 1
        return int(cur.lastrowid or 0)

    async def head(self, chat: int) -> Item | None:
        """The oldest waiting request of `chat`."""
        row = self._db.execute("SELECT id, chat, method, payload, created, attempts, not_before FROM outbox "
                               "WHERE chat = ? ORDER BY id LIMIT 1", (chat,)).fetchone()
        if row is None:
            return None
        return Item(int(row[0]), int(row[1]), str(row[2]), json.loads(row[3]), float(row[4]), int(row[5]),
                    float(row[6]))

    async def retry(self, item_id: int, attempts: int, not_before: float) -> None:
        """Record a failed attempt and when to try next."""
        self._db.execute("UPDATE outbox SET attempts = ?, not_before = ? WHERE id = ?", (attempts, not_before, item_id))

    async def remove(self, item_id: int) -> None:
        """Forget a request (sent, or given up)."""
        row = self._db.execute("DELETE FROM outbox WHERE id = ? RETURNING chat", (item_id,)).fetchone()
        if row is not None:
            chat = int(row[0])
            self._counts[chat] -= 1
            if self._counts[chat] <= 0:
                del self._counts[chat]

    async def waiting(self, chat: int | None = None) -> int:
        """Requests waiting (for one chat, or in all)."""
        return self._counts.get(chat, 0) if chat is not None else self._counts.total()

    async def chats(self) -> list[int]:
        """Chats with waiting requests."""
        return sorted(self._counts)

    def close(self) -> None:
        """Close the file and release the lock."""
        with contextlib.suppress(AttributeError):
            self._db.close()
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1


Attempt = Callable[[Item], Awaitable[None]]  # one try: returns when sent; raises Transient or Rejected


class Outbound:
    """Per-chat order for live sends, the outbox, and the tasks that drain it."""

    def __init__(self, store: OutboxStore, pacer: Pacer | None = None, backoff: Backoff = Backoff(),
                 clock: Callable[[], float] = time.time, log_every: float = LOG_EVERY,
                 sweep: float | None = None) -> None:
        self.store, self.pacer, self.backoff = store, pacer or NoPacing(), backoff
        self._clock, self._log_every, self._sweep_every = clock, log_every, sweep
        self._attempt: Attempt | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self._senders: dict[int, asyncio.Task[None]] = {}
        self._puts: Counter[int] = Counter()
        self._monitor: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None

    def lock(self, chat: int) -> asyncio.Lock:
        """The chat's lock: live sends to one chat take turns, first come first served."""
        lock = self._locks.get(chat)
        if lock is None:
            if len(self._locks) > 10_000:
                self._locks = {c: lk for c, lk in self._locks.items() if lk.locked()}
            lock = self._locks[chat] = asyncio.Lock()
        return lock

    async def waiting(self, chat: int | None = None) -> int:
        """Replies in the outbox (for one chat, or in all)."""
        return await self.store.waiting(chat)

    async def put(self, chat: int, method: str, payload: dict[str, Any], retry_after: float | None = None) -> None:
        """Queue a request behind the chat's other waiting ones; it is sent as soon as it may be."""
        await self.store.put(chat, method, payload, self._clock() + (retry_after or 0.0))
        self._puts[chat] += 1
        self._wake(chat)

    async def start(self, attempt: Attempt) -> None:
        """Begin draining (what a previous run left first) and reporting how much waits."""
        self._attempt = attempt
        chats = await self.store.chats()
        n = await self.store.waiting()
        (log.warning if n else log.info)("outbox: %d replies waiting for %d chats", n, len(chats))
        for chat in chats:
            self._wake(chat)
        self._monitor = asyncio.create_task(self._report())
        if self._sweep_every:
            self._sweeper = asyncio.create_task(self._sweep(self._sweep_every))

    async def close(self) -> None:
        """Stop the senders (waiting replies stay on disk for the next start) and close the store."""
        tasks = [t for t in (*self._senders.values(), self._monitor, self._sweeper) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._senders.clear()
        try:
            n = await self.store.waiting()
        except Exception as exc:  # a shared store that is away (Redis restarting): what waits stays there
            log.warning("outbox: cannot count the replies left waiting: %s", exc)
            n = 0
        if n:
            log.warning("outbox: %d replies left waiting for the next start", n)
        self.store.close()

    def _wake(self, chat: int) -> None:
        if self._attempt is None:
            return  # not started yet: start() wakes every chat with waiting replies
        task = self._senders.get(chat)
        if task is None or task.done():
            self._senders[chat] = task = asyncio.create_task(self._drain(chat), name=f"outbox-{chat}")
            task.add_done_callback(_drain_ended)

    async def _drain(self, chat: int) -> None:
        assert self._attempt is not None
        while True:
            seen = self._puts[chat]
            item = await self.store.head(chat)
            if item is None:
                if self._puts[chat] == seen:  # nothing was queued while we looked: done
                    self._senders.pop(chat, None)
                    self._puts.pop(chat, None)
                    return
                continue
            now = self._clock()
            if now - item.created > self.backoff.give_up_after:
                log.error("outbox: gave up on a reply to chat %s after %d attempts over %.0fs",
                          chat, item.attempts, now - item.created)
                await self.store.remove(item.id)
                continue
            if item.not_before > now:
                await asyncio.sleep(item.not_before - now)
                continue
            await self.pacer.acquire(chat)
            try:
                await self._attempt(item)
            except Rejected as exc:
                log.warning("outbox: dropped a reply to chat %s: %s", chat, exc)
            except Transient as exc:
                await self._failed(item, str(exc), exc.retry_after)
                continue
            except Exception as exc:  # an unexpected error: keep the reply, try again later
                log.exception("outbox: sending to chat %s failed", chat)
                await self._failed(item, type(exc).__name__, None)
                continue
            else:
                if item.attempts:
                    log.info("outbox: delivered a reply to chat %s after %d failed attempts (%.1fs late)",
                             chat, item.attempts, self._clock() - item.created)
            await self.store.remove(item.id)

    async def _failed(self, item: Item, reason: str, retry_after: float | None) -> None:
        attempts = item.attempts + 1
        delay = retry_after if retry_after is not None else self.backoff.delay(attempts)
        log.info("outbox: chat %s: %s, retrying in %.2fs (attempt %d)", item.chat, reason, delay, attempts)
        await self.store.retry(item.id, attempts, self._clock() + delay)

    async def _sweep(self, every: float) -> None:
        """A shared store: look for chats whose replies nobody drains (their worker stopped) every `every` s."""
        while True:
            await asyncio.sleep(every)
            try:
                for chat in await self.store.chats():
                    self._wake(chat)
            except Exception:
                log.exception("outbox: sweep failed")

    async def _report(self) -> None:
        reported = False
        while True:
            await asyncio.sleep(self._log_every)
            try:
                n = await self.store.waiting()
                if n:
                    log.warning("outbox: %d replies waiting for %d chats", n, len(await self.store.chats()))
                elif reported:
                    log.warning("outbox: every waiting reply has been sent")
            except Exception as exc:  # a shared store that is away for a moment (Redis restarting): report later
                log.warning("outbox: cannot count the waiting replies: %s", exc)
                continue
            reported = bool(n)


def _drain_ended(task: asyncio.Task[None]) -> None:
    """A drain that failed (its store was away: Redis restarting) leaves the chat's replies where they are; the next
    put, or the sweep of a shared store, starts it again."""
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.warning("outbox: %s stopped (%s: %s); its replies wait for the next attempt", task.get_name(),
                    type(exc).__name__, exc)


def outbox_path(db: Path) -> Path:
    """The default outbox file: next to the database, named after it."""
    return db.with_name(f"{db.stem}.outbox.sqlite")
