"""Per-user token buckets: a burst of messages is fine, a flood gets one polite notice and then silence."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum
from typing import Protocol


class Verdict(Enum):
    """What to do with one event."""

    ALLOW = "allow"
    NOTIFY = "notify"  # over the limit: say so once
    DROP = "drop"  # still over the limit: stay quiet


class Limiter(Protocol):
    """Per-user limits: in memory (one process) or in Redis (shared by every worker)."""

    async def check(self, user: int) -> Verdict:
        """Take a token for `user`."""


class RateLimiter:
    """`capacity` events at once, refilled at `per_second`; keys are Telegram user ids."""

    MAX_KEYS = 50_000  # past this, idle users' full buckets are forgotten

    def __init__(self, capacity: float = 10, per_second: float = 0.5, clock: Callable[[], float] = time.monotonic):
        self.capacity = capacity
        self.per_second = per_second
        self._clock = clock
        self._buckets: dict[int, tuple[float, float, bool]] = {}  # user -> (tokens, at, notified)

    def hit(self, user: int) -> Verdict:
        """Take a token for `user`."""
        now = self._clock()
        tokens, at, notified = self._buckets.get(user, (self.capacity, now, False))
        tokens = min(self.capacity, tokens + (now - at) * self.per_second)
        if tokens >= 1:
            self._buckets[user] = (tokens - 1, now, False)
            verdict = Verdict.ALLOW
        else:
            self._buckets[user] = (tokens, now, True)
            verdict = Verdict.DROP if notified else Verdict.NOTIFY
        if len(self._buckets) > self.MAX_KEYS:
            self._prune(now)
        return verdict

    async def check(self, user: int) -> Verdict:
        """`hit`, for the Limiter protocol."""
        return self.hit(user)

    def _prune(self, now: float) -> None:
        full = now - self.capacity / self.per_second
        self._buckets = {k: v for k, v in self._buckets.items() if v[1] > full}
