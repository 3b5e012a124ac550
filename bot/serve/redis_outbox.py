"""The outbox in Redis, shared by every worker: a list of request ids per chat, one hash per request.

Several workers drain it, so a chat's queue is drained by one worker at a time: `head` takes (or
renews) a lease on the chat for `lease` seconds, and gives nothing to a worker while another holds
it; the lease is released when the queue is empty. A worker that dies mid-drain leaves the lease to
expire, and the others' periodic sweep (`Outbound(sweep=...)`) picks the chat up.
"""

from __future__ import annotations

import json
import time
from typing import Any

from redis.asyncio import Redis

from bot.serve.outbox import Item
from bot.serve.shared import PREFIX

_Q = f"{PREFIX}ob:q:"  # + chat: list of ids, oldest first
_I = f"{PREFIX}ob:i:"  # + id: hash of one request
_L = f"{PREFIX}ob:lease:"  # + chat: the worker draining it
_CHATS = f"{PREFIX}ob:chats"
_N = f"{PREFIX}ob:n"
_SEQ = f"{PREFIX}ob:seq"

# KEYS: queue, lease. ARGV: me, lease ms, item prefix. Returns the head's fields, or nil.
_HEAD = """
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return nil end
local id = redis.call('LINDEX', KEYS[1], 0)
if not id then
  if holder then redis.call('DEL', KEYS[2]) end
  return nil
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {id, redis.call('HMGET', ARGV[3] .. id, 'chat', 'method', 'payload', 'created', 'attempts', 'not_before')}
"""

# KEYS: item. ARGV: queue prefix, chats set, counter. Removes the request wherever it is queued.
_REMOVE = """
local chat = redis.call('HGET', KEYS[1], 'chat')
if not chat then return 0 end
local id = string.sub(KEYS[1], #ARGV[4] + 1)
redis.call('LREM', ARGV[1] .. chat, 1, id)
redis.call('DEL', KEYS[1])
redis.call('DECR', ARGV[3])
if redis.call('LLEN', ARGV[1] .. chat) == 0 then redis.call('SREM', ARGV[2], chat) end
return 1
"""


class RedisOutbox:
    """OutboxStore on Redis, for several workers (`owner` names this one in the per-chat leases)."""

    def __init__(self, redis: Redis, owner: str, lease: float = 60.0) -> None:
        self.redis, self.owner, self.lease = redis, owner, lease
        self._head = redis.register_script(_HEAD)
        self._remove = redis.register_script(_REMOVE)

    async def put(self, chat: int, method: str, payload: dict[str, Any], not_before: float) -> int:
        """Append a request for `chat`; returns its id."""
        item_id = int(await self.redis.incr(_SEQ))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"{_I}{item_id}", mapping={
                "chat": chat, "method": method, "payload": json.dumps(payload, ensure_ascii=False),
                "created": repr(time.time()), "attempts": 0, "not_before": repr(not_before)})
            pipe.rpush(f"{_Q}{chat}", item_id)
            pipe.sadd(_CHATS, chat)
            pipe.incr(_N)
            await pipe.execute()
        return item_id

    async def head(self, chat: int) -> Item | None:
        """The oldest waiting request of `chat`, unless another worker is draining the chat."""
        reply = await self._head(keys=[f"{_Q}{chat}", f"{_L}{chat}"],
                                 args=[self.owner, int(self.lease * 1000), _I])
        if not reply:
            return None
        item_id, (c, method, payload, created, attempts, not_before) = reply
        if c is None:  # an id without its request (a partial write): drop it so it does not block the chat
            await self.redis.lrem(f"{_Q}{chat}", 1, item_id)
            return await self.head(chat)
        return Item(int(item_id), int(c), method.decode(), json.loads(payload), float(created), int(attempts),
                    float(not_before))

    async def retry(self, item_id: int, attempts: int, not_before: float) -> None:
        """Record a failed attempt and when to try next."""
        await self.redis.hset(f"{_I}{item_id}", mapping={"attempts": attempts, "not_before": repr(not_before)})

    async def remove(self, item_id: int) -> None:
        """Forget a request (sent, or given up)."""
        await self._remove(keys=[f"{_I}{item_id}"], args=[_Q, _CHATS, _N, _I])

    async def waiting(self, chat: int | None = None) -> int:
        """Requests waiting (for one chat, or in all)."""
        if chat is not None:
            return int(await self.redis.llen(f"{_Q}{chat}"))
        return max(0, int(await self.redis.get(_N) or 0))

    async def chats(self) -> list[int]:
        """Chats with waiting requests."""
        return sorted(int(c) for c in await self.redis.smembers(_CHATS))

    def close(self) -> None:
        """Nothing to release: the connection belongs to the worker."""
