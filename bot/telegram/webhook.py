"""The webhook endpoint: aiogram's handler, refusing what is not a Telegram update before it reaches a task."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

log = logging.getLogger(__name__)


class CheckedRequestHandler(SimpleRequestHandler):
    """Like SimpleRequestHandler, but a body that is not JSON gets a 400 (was a 500 and a traceback), and JSON
    that is not an update gets a 200 and is dropped with one log line (was a task failing unseen)."""

    async def _read_update(self, bot: Bot, request: web.Request) -> Update | web.Response:
        try:
            data = await request.json(loads=bot.session.json_loads)
        except ValueError:  # json.JSONDecodeError, UnicodeDecodeError
            log.warning("webhook: request body is not JSON (%s bytes): answered 400", request.content_length)
            return web.Response(status=400, text="Bad Request: the body is not JSON")
        try:
            update = Update.model_validate(data, context={"bot": bot})
            update.event_type  # noqa: B018 - raises for an update of no type this version knows
        except (ValidationError, UpdateTypeLookupError):
            log.warning("webhook: dropped a JSON body that is not a Telegram update (%s bytes)", request.content_length)
            return web.json_response({}, dumps=bot.session.json_dumps)
        return update

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        update = await self._read_update(bot, request)
        if isinstance(update, web.Response):
            return update
        task = asyncio.create_task(self._feed(bot, update))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._finished)
        return web.json_response({}, dumps=bot.session.json_dumps)

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        update = await self._read_update(bot, request)
        if isinstance(update, web.Response):
            return update
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(bot, update, **self.data)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    async def _feed(self, bot: Bot, update: Update) -> None:
        result = await self.dispatcher.feed_update(bot, update, **self.data)
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=bot, result=result)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._background_feed_update_tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:  # retrieved: logged once, here
            log.error("webhook: an update failed: %r", exc, exc_info=exc)
