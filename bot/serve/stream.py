"""Updates through a Redis Stream: the receiver appends them, workers in one consumer group answer them.

An entry is acknowledged (and deleted, so the stream only holds work not yet done) after its handler
returned, i.e. after the reply was sent or handed to the outbox. A worker that dies leaves its entries
pending; the others take them over with XAUTOCLAIM once they have been idle for `claim_idle` seconds. A
live worker resets the idle time of the entries in hand every `claim_idle`/3 seconds, so one that is merely
slow (a loaded machine, a database being swapped in) is not taken over and its updates answered twice.
Each update_id is claimed with SET NX (the worker's name, for `claim_idle` seconds) before it is
handled and marked done (for `done_ttl` seconds) after, so an update Telegram delivered twice, or an
entry taken over from a worker that had already answered it, is not answered again; the one gap is a
worker that dies between the reply and the mark, whose update is answered twice.

When Redis goes away (a restart, a network blip) a worker does not stop: its loop retries with a growing
pause (0.1 s doubling up to 2 s), says so in one log line, and again when Redis answers. An update whose
handling hit the outage stays pending and is taken over (by this worker or another) after `claim_idle`;
an update answered during the outage is marked done as soon as Redis is back. With AOF on, the stream,
the consumer group and its pending entries survive a restart; without, the group is made again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from bot.serve.shared import PREFIX

log = logging.getLogger(__name__)

STREAM = f"{PREFIX}updates"
GROUP = "workers"
DONE = b"done"

Handler = Callable[[dict[str, Any]], Awaitable[None]]

# KEYS: the stream, then the update_id claims this worker holds. ARGV: group, this worker, claim ms, the entry ids.
# Resets the idle time of each entry still pending with this worker (so a slow but live worker is not taken
# over) and renews each update_id claim it still holds. Returns how many entries it touched.
_TOUCH = """
local touched = 0
for i = 4, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    touched = touched + 1
  end
end
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[2] then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return touched
"""

FIRST_PAUSE, MAX_PAUSE = 0.1, 2.0  # seconds between tries while Redis does not answer
ACK_PATIENCE = 120.0  # seconds an answered update keeps trying to be marked done while Redis is away
REMIND_EVERY = 30.0  # seconds between "still unavailable" lines


class Outage:
    """Backoff while Redis does not answer: one line when it goes, a reminder every REMIND_EVERY s, one
    when it is back."""

    def __init__(self, who: str) -> None:
        self.who = who
        self.since: float | None = None
        self._delay = FIRST_PAUSE
        self._reminded = 0.0

    def failed(self, exc: BaseException) -> float:
        """Note a failure; the seconds to wait before the next try."""
        now = time.monotonic()
        if self.since is None:
            self.since, self._reminded, self._delay = now, now, FIRST_PAUSE
            log.warning("%s: Redis unavailable (%s: %s); retrying with backoff", self.who, type(exc).__name__, exc)
        else:
            self._delay = min(2 * self._delay, MAX_PAUSE)
            if now - self._reminded >= REMIND_EVERY:
                self._reminded = now
                log.warning("%s: Redis still unavailable after %.0fs (%s)", self.who, now - self.since, exc)
        return self._delay

    async def pause(self, exc: BaseException, stop: asyncio.Event) -> None:
        """`failed`, then wait (less when `stop` is set meanwhile)."""
        delay = self.failed(exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)

    def over(self) -> None:
        """Redis answered: say so if it had been away."""
        if self.since is not None:
            log.warning("%s: Redis answers again after %.1fs", self.who, time.monotonic() - self.since)
            self.since = None


async def add_update(redis: Redis, body: bytes) -> str:
    """Append one raw update (JSON bytes); returns its entry id once Redis has it."""
    entry = await redis.xadd(STREAM, {"u": body})
    return entry.decode() if isinstance(entry, bytes) else str(entry)


async def ensure_group(redis: Redis) -> None:
    """Create the stream and the consumer group (reading from the start) unless they exist."""
    try:
        await redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


class Consumer:
    """One worker's reading loop: new entries with XREADGROUP, dead workers' entries with XAUTOCLAIM."""

    def __init__(self, redis: Redis, name: str, handle: Handler, *, claim_idle: float = 30.0,
                 concurrency: int = 64, done_ttl: float = 86_400.0, block: float = 1.0) -> None:
        self.redis, self.name, self.handle = redis, name, handle
        self.claim_idle, self.concurrency, self.done_ttl, self.block = claim_idle, concurrency, done_ttl, block
        self._inflight: dict[str, asyncio.Task[None]] = {}
        self._holding: dict[str, str] = {}  # entry id -> the update_id claim this worker holds for it
        self._touch = redis.register_script(_TOUCH)
        self.handled = self.duplicates = self.claimed = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Read and answer until `stop` is set, then finish the updates in hand."""
        await ensure_group(self.redis)
        keeping = asyncio.create_task(self._keep(), name=f"keep-{self.name}")
        try:
            await self._read(stop)
        finally:
            keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping

    async def _keep(self) -> None:
        """Every claim_idle/3 s, tell Redis that the updates in hand are still being answered: a worker that is
        slow (a loaded machine, a database swap) but alive is not taken over, only one that stopped."""
        while True:
            await asyncio.sleep(self.claim_idle / 3)
            ids = list(self._inflight)
            if not ids:
                continue
            keys = [k for e in ids if (k := self._holding.get(e)) is not None]
            try:
                await self._touch(keys=[STREAM, *keys], args=[GROUP, self.name, int(self.claim_idle * 1000), *ids])
            except (RedisError, OSError) as exc:  # Redis away: nobody can take them over meanwhile either
                log.info("worker %s: updates in hand not renewed (Redis: %s)", self.name, exc)

    async def _read(self, stop: asyncio.Event) -> None:
        next_claim = 0.0
        outage = Outage(f"worker {self.name}")
        while not stop.is_set():
            try:
                if time.monotonic() >= next_claim:
                    next_claim = time.monotonic() + max(0.5, self.claim_idle / 2)
                    await self._claim()
                free = self.concurrency - len(self._inflight)
                if free <= 0:
                    await asyncio.wait(list(self._inflight.values()), return_when=asyncio.FIRST_COMPLETED)
                    continue
                read = asyncio.ensure_future(self.redis.xreadgroup(
                    GROUP, self.name, {STREAM: ">"}, count=free, block=int(self.block * 1000)))
                stopped = asyncio.ensure_future(stop.wait())
                await asyncio.wait([read, stopped], return_when=asyncio.FIRST_COMPLETED)
                stopped.cancel()
                if not read.done():  # stopping: an entry read now would stay pending until it is claimed
                    read.cancel()
                    with contextlib.suppress(asyncio.CancelledError, RedisError):
                        await read
                    break
                result: Any = read.result()
                outage.over()
                for _, entries in result or []:
                    for entry_id, fields in entries:
                        self._start(entry_id, fields, claimed=False)
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    await outage.pause(exc, stop)
                    continue
                # Redis came back without its data (no AOF): the updates queued before are gone
                log.error("worker %s: the consumer group is gone (Redis restarted without AOF?): making it again",
                          self.name)
                with contextlib.suppress(RedisError, OSError):
                    await ensure_group(self.redis)
            except (RedisError, OSError) as exc:
                await outage.pause(exc, stop)
        if self._inflight:
            await asyncio.wait(list(self._inflight.values()), timeout=30)

    async def _claim(self) -> None:
        """Take over entries other workers left idle for `claim_idle` seconds."""
        cursor: Any = "0-0"
        while True:
            reply = await self.redis.xautoclaim(STREAM, GROUP, self.name, int(self.claim_idle * 1000),
                                                start_id=cursor, count=100)
            cursor, entries = reply[0], reply[1]
            for entry_id, fields in entries:
                if fields is not None and _text(entry_id) not in self._inflight:
                    self.claimed += 1
                    log.warning("worker %s: took over update entry %s (its worker stopped, or Redis was away)",
                                self.name, _text(entry_id))
                    self._start(entry_id, fields, claimed=True)
            if _text(cursor) == "0-0":
                return

    def _start(self, entry_id: Any, fields: dict[Any, Any], claimed: bool) -> None:
        key = _text(entry_id)
        task = asyncio.create_task(self._process(key, fields, claimed), name=f"update-{key}")
        self._inflight[key] = task
        task.add_done_callback(lambda _: self._inflight.pop(key, None))

    async def _process(self, entry_id: str, fields: dict[Any, Any], claimed: bool) -> None:
        raw = fields.get(b"u", fields.get("u"))
        key: str | None = ""
        try:
            update = json.loads(raw or b"")
            update_id = update["update_id"]
            if not isinstance(update_id, int):
                raise TypeError("update_id is not an integer")
        except (TypeError, ValueError, KeyError) as exc:
            log.error("worker %s: dropped stream entry %s that is not an update (%s)", self.name, entry_id, exc)
            update_id, key = None, None
        try:
            if key is None:
                await self._ack(entry_id, None)
                return
            key = f"{PREFIX}upd:{update_id}"
            if not await self._own(key, claimed):
                self.duplicates += 1
                log.info("worker %s: update %s already answered or in hand elsewhere", self.name, update_id)
                await self._ack(entry_id, None)
                return
            self._holding[entry_id] = key
            await self.handle(update)
        except (RedisError, OSError) as exc:  # the entry stays pending: this worker or another retries it
            self._holding.pop(entry_id, None)
            log.warning("worker %s: update %s left pending (Redis: %s)", self.name, update_id, exc)
            return
        except Exception:
            self._holding.pop(entry_id, None)
            log.exception("worker %s: update %s failed; left pending for a retry", self.name, update_id)
            with contextlib.suppress(RedisError, OSError):
                await self.redis.delete(f"{PREFIX}upd:{update_id}")
            return
        # Answered: marking it done must outlast a Redis restart, or the update is answered again once it is
        # taken over. While Redis is down nobody can take it over, so keep trying for a good while.
        deadline = time.monotonic() + max(ACK_PATIENCE, self.claim_idle)
        pause = 0.1
        while True:
            try:
                await self._ack(entry_id, key)
                self._holding.pop(entry_id, None)
                self.handled += 1
                return
            except (RedisError, OSError) as exc:
                if time.monotonic() > deadline:
                    self._holding.pop(entry_id, None)
                    log.error("worker %s: update %s answered but not acknowledged (Redis: %s): it may be answered "
                              "again", self.name, update_id, exc)
                    return
                await asyncio.sleep(pause)
                pause = min(2 * pause, MAX_PAUSE)

    async def _own(self, key: str, claimed: bool) -> bool:
        """Claim the update_id for this worker; False when it was answered, or another worker has it."""
        ttl = max(1, int(self.claim_idle))
        holder = None
        while holder is None:  # (a claim may expire between the SET and the GET)
            if await self.redis.set(key, self.name, nx=True, ex=ttl):
                return True
            holder = await self.redis.get(key)
        if holder == DONE:
            return False
        if claimed or holder == self.name.encode():  # taken over from a dead worker, or delivered to us again
            await self.redis.set(key, self.name, ex=ttl)
            return True
        return False  # another live worker is answering this update_id from its own entry

    async def _ack(self, entry_id: str, key: str | None) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            if key is not None:
                pipe.set(key, DONE, ex=int(self.done_ttl))
            pipe.xack(STREAM, GROUP, entry_id)
            pipe.xdel(STREAM, entry_id)
            await pipe.execute()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
