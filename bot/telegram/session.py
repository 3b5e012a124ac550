"""An aiohttp session that paces sends, honours Telegram's flood limits and retries transient failures.

With an `Outbound` (bot/serve/outbox.py), a sendMessage that cannot go at once (the chat's pacing
budget is spent, or earlier replies to the chat are still waiting) or that fails with a network
error, 5xx or 429 is written to the durable outbox and sent from there, in order per chat; the
caller gets a placeholder message (message_id 0) and is not held up.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ChatType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InputFile, Message
from aiohttp import ClientError, ClientTimeout

from bot.serve.outbox import Item, Outbound, Rejected, Transient
from bot.serve.pacing import NoPacing, Pacer, is_group

log = logging.getLogger(__name__)

_JSON = {"Content-Type": "application/json"}
_TRANSIENT = (TelegramNetworkError, TelegramServerError, ClientDecodeError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is retried."""

    attempts: int = 6  # tries in all, the first one included
    base_delay: float = 0.25  # first backoff after a network error or 5xx; doubles each time
    max_delay: float = 8.0
    max_retry_after: float = 300.0  # a longer flood wait is not waited out: the request fails

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based), with jitter."""
        delay: float = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return delay * random.uniform(0.8, 1.2)


class RetrySession(AiohttpSession):
    """`AiohttpSession` plus retries: 429 waits `retry_after` (for that chat too), 5xx and network errors back off."""

    def __init__(self, policy: RetryPolicy = RetryPolicy(), *, pacer: Pacer | None = None,
                 outbound: Outbound | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self.outbound = outbound
        self.pacer: Pacer = outbound.pacer if outbound is not None else pacer or NoPacing()
        self._not_before: dict[int | str, float] = {}  # chat -> loop time before which we stay quiet
        # pydantic keeps parametrised generics such as Response[Message] only weakly: without a strong
        # reference they are garbage-collected and rebuilt (~20 ms each) again and again under load.
        self._response_types: dict[Any, Any] = {}

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        """Send one API request, retrying what is worth retrying."""
        chat = getattr(method, "chat_id", None)
        name = type(method).__name__
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]
        if self.outbound is not None and isinstance(method, SendMessage) and isinstance(chat, int):
            return cast(TelegramType, await self._send_or_queue(bot, method, chat, self.outbound, timeout))
        for attempt in range(1, self.policy.attempts + 1):
            await self._wait_for_chat(chat)
            if chat is not None:
                await self.pacer.acquire(chat)
            try:
                return await self._post(bot, method, timeout)
            except TelegramRetryAfter as exc:
                if attempt == self.policy.attempts or exc.retry_after > self.policy.max_retry_after:
                    raise
                self._hold_chat(chat, exc.retry_after)
                log.warning("%s: flood limit, waiting %ss (attempt %d)", name, exc.retry_after, attempt)
                await asyncio.sleep(exc.retry_after)
            except TelegramEntityTooLarge:
                raise
            except (TelegramNetworkError, TelegramServerError, ClientDecodeError) as exc:
                if attempt == self.policy.attempts:
                    raise
                delay = self.policy.backoff(attempt)
                log.warning("%s: %s, retrying in %.2fs (attempt %d)", name, type(exc).__name__, delay, attempt)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_or_queue(self, bot: Bot, method: SendMessage, chat: int, outbound: Outbound,
                             timeout: int | None) -> Message:
        """Send now if the chat has nothing waiting and pacing allows; otherwise (or on failure) queue it."""
        retry_after: float | None = None
        async with outbound.lock(chat):
            if not await outbound.waiting(chat) and await self.pacer.try_take(chat):
                try:
                    return await self._post(bot, method, timeout)
                except TelegramEntityTooLarge:
                    raise
                except TelegramRetryAfter as exc:
                    retry_after = float(exc.retry_after)
                    self._hold_chat(chat, exc.retry_after)
                    log.warning("SendMessage to chat %s: flood limit, waiting %ss in the outbox", chat, exc.retry_after)
                except _TRANSIENT as exc:
                    log.warning("SendMessage to chat %s: %s, retrying from the outbox", chat, type(exc).__name__)
            await outbound.put(chat, "sendMessage", self._payload(bot, method), retry_after)
        return Message(message_id=0, date=datetime.now(UTC),
                       chat=Chat(id=chat, type=ChatType.GROUP if is_group(chat) else ChatType.PRIVATE)).as_(bot)

    async def attempt(self, bot: Bot, item: Item) -> None:
        """One try at a request from the outbox: Transient or Rejected when it does not go through."""
        if item.method != "sendMessage":
            raise Rejected(f"unknown method {item.method!r}")
        try:
            await self._post(bot, SendMessage.model_validate(item.payload), None)
        except TelegramEntityTooLarge as exc:
            raise Rejected(str(exc)) from exc
        except TelegramRetryAfter as exc:
            raise Transient("flood limit", float(exc.retry_after)) from exc
        except _TRANSIENT as exc:
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        except TelegramAPIError as exc:  # 400 chat not found, 403 blocked, ...: retrying will not help
            raise Rejected(f"{type(exc).__name__}: {exc}") from exc

    def _payload(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
        files: dict[str, InputFile] = {}
        payload = {key: value for key, raw in method.model_dump(warnings=False).items()
                   if (value := self.prepare_value(raw, bot=bot, files=files, _dumps_json=False)) is not None}
        if files:
            raise ValueError(f"{type(method).__name__} with a file cannot wait in the outbox")
        return payload

    async def _post(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None) -> TelegramType:
        """One attempt: a JSON body when there is no file to upload (form data otherwise, as aiogram does).

        aiohttp's FormData makes a multipart boundary from os.urandom even for plain forms, which costs
        about a millisecond per request on some virtual machines; JSON is what the Bot API prefers anyway.
        """
        files: dict[str, InputFile] = {}
        payload = {key: value for key, raw in method.model_dump(warnings=False).items()
                   if (value := self.prepare_value(raw, bot=bot, files=files, _dumps_json=False)) is not None}
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(url, data=self.json_dumps(payload).encode(), headers=_JSON,
                                    timeout=ClientTimeout(total=self.timeout if timeout is None else timeout)) as resp:
                raw_result = await resp.text()
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        except ClientError as exc:
            raise TelegramNetworkError(method=method, message=f"{type(exc).__name__}: {exc}") from exc
        response = self.check_response(bot=bot, method=method, status_code=resp.status, content=raw_result)
        return cast(TelegramType, response.result)

    def _hold_chat(self, chat: int | str | None, seconds: float) -> None:
        if chat is None:
            return
        now = asyncio.get_running_loop().time()
        if len(self._not_before) > 10_000:  # forget holds that have run out
            self._not_before = {c: t for c, t in self._not_before.items() if t > now}
        self._not_before[chat] = max(self._not_before.get(chat, 0.0), now + seconds)

    async def _wait_for_chat(self, chat: int | str | None) -> None:
        if chat is None or chat not in self._not_before:
            return
        wait = self._not_before[chat] - asyncio.get_running_loop().time()
        if wait <= 0:
            self._not_before.pop(chat, None)
            return
        await asyncio.sleep(wait)
