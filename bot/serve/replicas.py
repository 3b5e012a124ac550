"""Several replicas: the stores a process shares with the others through Redis (GAOKAO_REDIS_URL)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis

from bot.serve.outbox import Backoff, Outbound
from bot.serve.pacing import NoPacing, Pacer
from bot.serve.publish import Publisher, verify
from bot.serve.redis_outbox import RedisOutbox
from bot.serve.shared import RedisPacer, RedisRateLimiter, connect, ping
from bot.settings import Settings

log = logging.getLogger(__name__)

SWEEP = 5.0  # seconds between looks for outbox chats nobody drains (their worker stopped)


@dataclass(frozen=True, slots=True)
class Shared:
    """The stores one process uses when GAOKAO_REDIS_URL is set."""

    redis: Redis
    name: str
    outbound: Outbound
    limiter: RedisRateLimiter
    inline_limiter: RedisRateLimiter
    publisher: Publisher


def replica_name() -> str:
    """This process in the consumer group and the leases: host and pid."""
    return f"{socket.gethostname()}-{os.getpid()}"


async def open_shared(settings: Settings, db: Path) -> Shared:
    """Connect to GAOKAO_REDIS_URL and make the shared stores (SharedStateError when Redis does not answer)."""
    assert settings.redis_url is not None
    redis = connect(settings.redis_url)
    await ping(redis, settings.redis_url)
    name = replica_name()
    first, most, give_up = settings.outbox_retry
    pacer: Pacer = RedisPacer(redis) if settings.pacing else NoPacing()
    outbound = Outbound(RedisOutbox(redis, name), pacer, Backoff(first, most, give_up), sweep=SWEEP)
    return Shared(redis, name, outbound, RedisRateLimiter(redis, "msg", 10, 0.5),
                  RedisRateLimiter(redis, "inline", 30, 2.0), Publisher(redis, settings.publish_dir or db.parent, name))


async def newest_database(publisher: Publisher, db: Path) -> Path:
    """The current published version when its file checks out, else `db`."""
    pub = await publisher.current()
    if pub is None:
        return db
    if await asyncio.to_thread(verify, pub):
        log.info("opening the published database %s", pub.path)
        return pub.path
    log.error("the published database %s does not match its sha256: serving %s", pub.path, db)
    return db
