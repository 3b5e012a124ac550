"""Database versions shared by several workers: one build at a time, published files, a swap on pub/sub.

A refresh takes a Redis lock (so one `/refresh` gives one build, whichever worker got it), builds into
a new file in the shared publish directory, writes its sha256 next to it (`NAME.sha256`), records it
as the current version in Redis and announces it on a pub/sub channel. Every worker verifies the file
against its checksum and swaps it in; a worker that starts later opens the current version.
Published files are never overwritten, so a worker still answering from an older one is not disturbed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.serve.shared import PREFIX

log = logging.getLogger(__name__)

CHANNEL = f"{PREFIX}db:published"
CURRENT = f"{PREFIX}db:current"
LOCK = f"{PREFIX}refresh:lock"
SWAP_POLL = 0.01  # seconds between looks whether the new engine serves yet

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True, slots=True)
class Published:
    """One published database file, its checksum and when it was published (Unix time, the publisher's clock)."""

    path: Path
    sha256: str
    at: float | None = None

    def to_json(self) -> str:
        """The form stored in Redis and sent on the channel."""
        return json.dumps({"path": str(self.path), "sha256": self.sha256, "at": self.at})

    @staticmethod
    def from_json(text: str | bytes) -> Published:
        """Parse `to_json`'s form (ValueError when it is not)."""
        d = json.loads(text)
        if not isinstance(d, dict) or not isinstance(d.get("path"), str) or not isinstance(d.get("sha256"), str):
            raise ValueError(f"not a published database: {text!r}")
        at = d.get("at")
        return Published(Path(d["path"]), d["sha256"], float(at) if isinstance(at, int | float) else None)

    def age(self) -> float | None:
        """Seconds since publication by this machine's clock (None when the time is unknown)."""
        return None if self.at is None else time.time() - self.at


def sha256_file(path: Path) -> str:
    """The file's sha256, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def verify(pub: Published) -> bool:
    """The file exists and matches its checksum."""
    try:
        return sha256_file(pub.path) == pub.sha256
    except OSError as exc:
        log.error("published database %s unreadable: %s", pub.path, exc)
        return False


class Publisher:
    """Lock, publish and look up database versions in Redis; files go to `directory`."""

    def __init__(self, redis: Redis, directory: Path, owner: str, lock_ttl: float = 3700.0) -> None:
        self.redis, self.directory, self.owner, self.lock_ttl = redis, directory, owner, lock_ttl
        self._unlock = redis.register_script(_UNLOCK)

    def next_path(self, stem: str = "admissions") -> Path:
        """A new file name in the publish directory (UTC time and this process, so never reused)."""
        return self.directory / f"{stem}-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}.duckdb"

    async def lock(self) -> bool:
        """Take the refresh lock; False while another worker's build holds it."""
        return bool(await self.redis.set(LOCK, self.owner, nx=True, px=int(self.lock_ttl * 1000)))

    async def unlock(self) -> None:
        """Release the lock if this worker still holds it."""
        await self._unlock(keys=[LOCK], args=[self.owner])

    async def publish(self, path: Path) -> Published:
        """Checksum `path`, write NAME.sha256 beside it, make it the current version and announce it."""
        digest = await asyncio.to_thread(sha256_file, path)
        path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
        pub = Published(path.resolve(), digest, time.time())
        await self.redis.set(CURRENT, pub.to_json())
        n = await self.redis.publish(CHANNEL, pub.to_json())
        log.warning("published %s (sha256 %s) to %d workers", pub.path, digest[:12], n)
        return pub

    async def current(self) -> Published | None:
        """The newest published version, if any."""
        raw = await self.redis.get(CURRENT)
        if raw is None:
            return None
        try:
            return Published.from_json(raw)
        except ValueError as exc:
            log.error("%s in Redis is not usable: %s", CURRENT, exc)
            return None


async def follow(redis: Redis, on_new: Callable[[Published], Awaitable[None]], stop: asyncio.Event) -> None:
    """Call `on_new` for each version announced until `stop`; after a lost connection, for the current one
    (an announcement may have been missed meanwhile)."""
    missed = False
    while not stop.is_set():
        try:
            async with redis.pubsub() as ps:
                await ps.subscribe(CHANNEL)
                if missed and (raw := await redis.get(CURRENT)) is not None:
                    await on_new(Published.from_json(raw))
                missed = False
                while not stop.is_set():
                    msg = await ps.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if msg is not None and msg.get("type") == "message":
                        try:
                            pub = Published.from_json(msg["data"])
                        except ValueError as exc:
                            log.error("ignored an announcement: %s", exc)
                            continue
                        await on_new(pub)
        except (RedisError, OSError) as exc:
            missed = True
            log.warning("database announcements: Redis: %s; resubscribing in 1s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


def follower(switch: Callable[[Path], Awaitable[bool]],
             current: Callable[[], object] | None = None) -> Callable[[Published], Awaitable[None]]:
    """The announcement callback: verify the announced file against its sha256, then `switch` to it.

    `current` (the engine new updates get) tells when the swap happened: `switch` returns only once the old
    engine has finished the updates it had in hand, so without it the logged delay includes that drain."""
    async def on_new(pub: Published) -> None:
        if not await asyncio.to_thread(verify, pub):
            log.error("announced database %s does not match its sha256: not swapped in", pub.path)
            return
        before = current() if current is not None else None
        swap = asyncio.ensure_future(switch(pub.path))
        age: float | None = None
        if current is not None:
            while not swap.done() and current() is before:
                await asyncio.sleep(SWAP_POLL)
            if current() is not before:
                age = pub.age()
        try:
            swapped = await swap
        except Exception:
            log.exception("announced database %s could not be opened: still serving the previous one", pub.path)
            return
        if swapped:
            age = pub.age() if age is None else age
            log.warning("now serving the published database %s (%s after its publication)", pub.path,
                        "?" if age is None else f"{age:.2f}s")
        else:
            log.info("already serving the published database %s", pub.path)
    return on_new
