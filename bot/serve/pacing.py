"""Pacing of outbound messages under Telegram's limits: token buckets overall, per chat and per group.

Telegram allows about 30 messages/s overall, about 1/s in one chat and 20/min in one group. The
default budgets stay under those figures even when they are read as sliding windows (a bucket of
capacity c refilled at r/s lets through at most c + W·r messages in any window W), with room for
network jitter: overall 3 + 24/s, per chat 1 + 0.8/s (1.25 s apart), per group 3 + 16/min. A sender first waits for its own chat's budget (so one busy
group never holds up other chats), then queues, first come first served, for the overall budget.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

ChatId = int | str


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket's size and refill speed."""

    capacity: float
    per_second: float


@dataclass(frozen=True, slots=True)
class Limits:
    """The budgets a sender keeps to."""

    overall: Rate = Rate(3, 24.0)
    chat: Rate = Rate(1, 0.8)
    group: Rate = Rate(3, 16 / 60)


class TokenBucket:
    """Tokens refill continuously up to `capacity`; a send takes one."""

    __slots__ = ("rate", "stamp", "tokens")

    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.tokens = float(rate.capacity)
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.rate.capacity, self.tokens + (now - self.stamp) * self.rate.per_second)
            self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until a token is available (0 when one is)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 - 1e-9 else (1 - self.tokens) / self.rate.per_second  # (rounding)

    def take(self, now: float) -> None:
        """Spend one token."""
        self._refill(now)
        self.tokens -= 1

    def full(self, now: float) -> bool:
        """Whether the bucket has refilled completely (its chat has been quiet)."""
        self._refill(now)
        return self.tokens >= self.rate.capacity


def is_group(chat: ChatId) -> bool:
    """Groups, supergroups and channels have negative ids (or @names)."""
    return isinstance(chat, str) or chat < 0


class Pacer(Protocol):
    """What a sender asks before each message to a chat."""

    async def try_take(self, chat: ChatId) -> bool:
        """Take a send slot for `chat` now if there is one, without waiting (async: a shared pacer asks Redis)."""

    async def acquire(self, chat: ChatId) -> None:
        """Wait for a send slot for `chat` and take it."""


class NoPacing:
    """Pacing switched off (GAOKAO_PACING=0): every send may go at once."""

    async def try_take(self, chat: ChatId) -> bool:
        """Always yes."""
        return True

    async def acquire(self, chat: ChatId) -> None:
        """Never waits."""


class TokenPacer:
    """In-process token buckets: one overall, one per chat, one more per group."""

    def __init__(self, limits: Limits = Limits(), clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limits = limits
        self._clock, self._sleep = clock, sleep
        self._overall = TokenBucket(limits.overall, clock())
        self._chats: dict[ChatId, tuple[TokenBucket, ...]] = {}
        self._queue = asyncio.Lock()  # senders waiting for the overall budget, first come first served

    def _own(self, chat: ChatId, now: float) -> tuple[TokenBucket, ...]:
        own = self._chats.get(chat)
        if own is None:
            if len(self._chats) > 10_000:  # forget chats whose buckets are full again
                self._chats = {c: b for c, b in self._chats.items() if not all(x.full(now) for x in b)}
            own = (TokenBucket(self.limits.chat, now),)
            if is_group(chat):
                own += (TokenBucket(self.limits.group, now),)
            self._chats[chat] = own
        return own

    def try_acquire(self, chat: ChatId) -> bool:
        """A slot now, unless the chat's budget is spent or other senders are already queued."""
        now = self._clock()
        buckets = (*self._own(chat, now), self._overall)
        if self._queue.locked() or any(b.wait(now) > 0 for b in buckets):
            return False
        for b in buckets:
            b.take(now)
        return True

    async def try_take(self, chat: ChatId) -> bool:
        """`try_acquire`, for the Pacer protocol."""
        return self.try_acquire(chat)

    async def acquire(self, chat: ChatId) -> None:
        """Wait for the chat's own budget, then for the overall one; spend both at the same moment."""
        while True:
            own = self._own(chat, self._clock())
            while (delay := max(b.wait(self._clock()) for b in own)) > 0:
                await self._sleep(delay)
            async with self._queue:
                while (delay := self._overall.wait(self._clock())) > 0:
                    await self._sleep(delay)
                now = self._clock()
                if all(b.wait(now) <= 0 for b in own):  # another sender to this chat may have been quicker
                    for b in (*own, self._overall):
                        b.take(now)
                    return


def make_pacer(enabled: bool, limits: Limits = Limits()) -> Pacer:
    """Token buckets, or no pacing at all (for benchmarks of the bot itself)."""
    return TokenPacer(limits) if enabled else NoPacing()
