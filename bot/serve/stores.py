"""The stores every door uses: in this process's memory (the default), or shared through Redis.

One process (`python -m bot run`) keeps its outbox in a SQLite file next to the database and its
rate limits in memory. With GAOKAO_REDIS_URL set, the same code uses the shared stores of
bot/serve/replicas.py, and a publisher hands database versions from one replica to all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.serve.outbox import Backoff, Outbound, SqliteOutbox, outbox_path
from bot.serve.pacing import make_pacer
from bot.serve.publish import Publisher
from bot.serve.ratelimit import Limiter, RateLimiter
from bot.serve.replicas import Shared
from bot.settings import Settings

MESSAGE_LIMIT = (10, 0.5)  # per user: a burst of questions and button presses, refilled per second
INLINE_LIMIT = (30, 2.0)  # per user: inline queries (typed letter by letter)


@dataclass(frozen=True, slots=True)
class Stores:
    """The outbox with its pacing, the per-user rate limits, and (with Redis) the shared database versions."""

    outbound: Outbound
    limiter: Limiter
    inline_limiter: Limiter
    shared: Shared | None = None  # set when GAOKAO_REDIS_URL is

    @property
    def publisher(self) -> Publisher | None:
        """Where database versions are published to every replica; None for one process."""
        return self.shared.publisher if self.shared is not None else None


def local_message_limiter() -> RateLimiter:
    """The in-memory limit on questions and button presses."""
    return RateLimiter(*MESSAGE_LIMIT)


def local_inline_limiter() -> RateLimiter:
    """The in-memory limit on inline queries."""
    return RateLimiter(*INLINE_LIMIT)


def open_outbound(settings: Settings, db: Path) -> Outbound:
    """The outbox file (GAOKAO_OUTBOX, or next to the database) with its backoff, and the pacing."""
    first, most, give_up = settings.outbox_retry
    store = SqliteOutbox(settings.outbox or outbox_path(db))
    return Outbound(store, make_pacer(settings.pacing), Backoff(first, most, give_up))


def local_stores(settings: Settings, db: Path) -> Stores:
    """One process's stores (OutboxError when the outbox file cannot be opened)."""
    return Stores(open_outbound(settings, db), local_message_limiter(), local_inline_limiter())


def shared_stores(shared: Shared) -> Stores:
    """The stores shared through Redis."""
    return Stores(shared.outbound, shared.limiter, shared.inline_limiter, shared)
