"""State shared by every replica through Redis (GAOKAO_REDIS_URL): the connection, per-user rate limits
and the outbound pacing budgets.

Both are token buckets kept in Redis hashes and updated by one Lua script each, so a check-and-take is
atomic across all workers; the scripts read Redis' own clock (TIME), so the workers' clocks need not agree.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from bot.serve.pacing import ChatId, Limits, Rate, is_group
from bot.serve.ratelimit import Verdict

log = logging.getLogger(__name__)

PREFIX = "gaokao:"


class SharedStateError(Exception):
    """Redis cannot be reached or used."""


MAX_CONNECTIONS = 64  # per process; a command waits for a free connection rather than failing
# After Redis restarted, each pooled connection fails once ("Connection closed by server"): a command tries
# again on a new connection twice (after 0.1 s, then 0.2 s) before its caller sees the error. Only connection errors:
# a timed-out command may have run.
RECONNECT = Retry(ExponentialBackoff(cap=0.2, base=0.05), 2, supported_errors=(RedisConnectionError,))


def connect(url: str) -> Redis:
    """A client for GAOKAO_REDIS_URL (redis://host:port/db); connections are made on first use."""
    try:
        pool = BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS, timeout=30,
                                               socket_connect_timeout=5, socket_timeout=30, health_check_interval=30,
                                               retry=RECONNECT)
        return Redis(connection_pool=pool)
    except ValueError as exc:
        raise SharedStateError(f"GAOKAO_REDIS_URL: {exc}") from exc


async def ping(redis: Redis, url: str) -> None:
    """Fail with one line when Redis does not answer."""
    try:
        await redis.ping()
    except (RedisError, OSError) as exc:
        raise SharedStateError(f"Redis at {redact_url(url)} does not answer ({exc}): start it, or unset "
                               "GAOKAO_REDIS_URL to run a single process") from exc


def redact_url(url: str) -> str:
    """The URL without a password."""
    head, sep, tail = url.rpartition("@")
    return f"{head.split('://', 1)[0]}://***@{tail}" if sep else url


_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS[1]: the user's bucket. ARGV: capacity, per_second. Returns 0 allow, 1 notify, 2 drop.
_LIMIT = _NOW + """
local cap, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 't', 'at', 'n')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
local notified = b[3] == '1'
tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
local verdict = 0
if tokens >= 1 then
  tokens = tokens - 1
  notified = false
elseif notified then
  verdict = 2
else
  verdict = 1
  notified = true
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now), 'n', notified and '1' or '0')
redis.call('EXPIRE', KEYS[1], math.ceil(cap / rate) + 60)
return verdict
"""

# KEYS: buckets (overall, chat[, group]). ARGV: capacity and per_second of each, then 1 = take if free.
# Returns 0 when a slot was taken (or is free), else the milliseconds until every bucket has a token.
_PACE = _NOW + """
local wait, state = 0, {}
for i, key in ipairs(KEYS) do
  local cap, rate = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local b = redis.call('HMGET', key, 't', 'at')
  local tokens = tonumber(b[1]) or cap
  local at = tonumber(b[2]) or now
  tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
  state[i] = tokens
  if tokens < 1 - 1e-9 then wait = math.max(wait, (1 - tokens) / rate) end
end
if wait > 0 then return math.ceil(wait * 1000) end
if ARGV[#ARGV] == '1' then
  for i, key in ipairs(KEYS) do
    local cap, rate = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
    redis.call('HSET', key, 't', tostring(state[i] - 1), 'at', tostring(now))
    redis.call('EXPIRE', key, math.ceil(cap / rate) + 60)
  end
end
return 0
"""


class RedisRateLimiter:
    """Per-user token buckets in Redis: `capacity` events at once, refilled at `per_second`, across all workers.

    When Redis fails the event is allowed (and logged): a rate limit must not take the bot down.
    """

    def __init__(self, redis: Redis, name: str, capacity: float = 10, per_second: float = 0.5) -> None:
        self.capacity, self.per_second = capacity, per_second
        self._key = f"{PREFIX}rl:{name}:"
        self._redis = redis
        self._script = redis.register_script(_LIMIT)

    async def check(self, user: int) -> Verdict:
        """Take a token for `user`."""
        try:
            code = int(await self._script(keys=[f"{self._key}{user}"], args=[self.capacity, self.per_second]))
        except RedisError as exc:
            log.warning("rate limit not checked (Redis: %s)", exc)
            return Verdict.ALLOW
        return (Verdict.ALLOW, Verdict.NOTIFY, Verdict.DROP)[code]


class RedisPacer:
    """The pacing budgets of bot/serve/pacing.py shared by every worker: overall, per chat, per group.

    There is no first-come-first-served queue across processes: each sender retries after the wait Redis
    names, so the budgets hold but the order between chats is not strict.
    """

    def __init__(self, redis: Redis, limits: Limits = Limits()) -> None:
        self.limits = limits
        self._redis = redis
        self._script = redis.register_script(_PACE)

    def _keys(self, chat: ChatId) -> tuple[list[str], list[Any]]:
        rates: list[tuple[str, Rate]] = [(f"{PREFIX}pace:all", self.limits.overall),
                                         (f"{PREFIX}pace:chat:{chat}", self.limits.chat)]
        if is_group(chat):
            rates.append((f"{PREFIX}pace:group:{chat}", self.limits.group))
        return [k for k, _ in rates], [x for _, r in rates for x in (r.capacity, r.per_second)]

    async def _try(self, chat: ChatId) -> float:
        keys, args = self._keys(chat)
        try:
            return int(await self._script(keys=keys, args=[*args, 1])) / 1000
        except RedisError as exc:
            log.warning("pacing not checked (Redis: %s): waiting 1s", exc)
            return 1.0

    async def try_take(self, chat: ChatId) -> bool:
        """Take a send slot for `chat` now if there is one, without waiting."""
        return await self._try(chat) == 0

    async def acquire(self, chat: ChatId) -> None:
        """Wait for a send slot for `chat` and take it."""
        while (wait := await self._try(chat)) > 0:
            await asyncio.sleep(wait)
