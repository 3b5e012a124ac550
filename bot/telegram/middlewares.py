"""Middlewares: the engine pinned for each update, and the per-user rate limit."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.serve.engines import Engines
from bot.serve.ratelimit import Limiter, Verdict

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

SLOW_DOWN = "您发得有点快，请稍等几秒再问。"


class EngineMiddleware(BaseMiddleware):
    """Outer update middleware: hands `core` (the current engine, pinned) to the handler."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        engines: Engines = data["engines"]
        engines.maybe_reload()
        with engines.lease() as core:
            data["core"] = core
            return await handler(event, data)


class RateLimitMiddleware(BaseMiddleware):
    """Inner middleware (runs after filters, so group chatter costs nothing): the limiter named `key` decides."""

    def __init__(self, key: str = "limiter") -> None:
        self.key = key

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        limiter: Limiter = data[self.key]
        verdict = Verdict.ALLOW if user is None else await limiter.check(user.id)
        if verdict is Verdict.ALLOW:
            return await handler(event, data)
        notify = verdict is Verdict.NOTIFY
        if notify:
            log.info("rate limit: user %s", user.id if user else None)
        if isinstance(event, CallbackQuery):
            await event.answer(SLOW_DOWN if notify else None)  # always stop the button's spinner
        elif notify and isinstance(event, Message):
            await event.answer(SLOW_DOWN)
        return None
