"""Every handler error ends here: a log line and an apology to the user; polling goes on."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramForbiddenError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Update

from bot.core.errors import BotError

log = logging.getLogger(__name__)

APOLOGY = "抱歉，处理您的消息时出了点问题，请稍后再试。"
NO_DATA = "抱歉，数据暂时不可用，请稍后再试。"


async def _apologize(update: Update, bot: Bot, text: str) -> None:
    if update.message is not None:
        await bot.send_message(update.message.chat.id, text, parse_mode=None)
    elif update.callback_query is not None:
        await bot.answer_callback_query(update.callback_query.id, text=text, show_alert=True)
    elif update.inline_query is not None:
        await bot.answer_inline_query(update.inline_query.id, results=[], cache_time=0)


async def on_forbidden(event: ErrorEvent) -> None:
    """The user blocked the bot or left: nothing to say to them."""
    log.info("update %s: cannot write to the chat: %s", event.update.update_id, event.exception)


async def on_bot_error(event: ErrorEvent, bot: Bot) -> None:
    """A domain error of the core (e.g. the database is unavailable)."""
    log.error("update %s: %s", event.update.update_id, event.exception)
    await _apologize(event.update, bot, NO_DATA)


async def on_error(event: ErrorEvent, bot: Bot) -> None:
    """Anything else: the traceback to the log, an apology to the user."""
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    await _apologize(event.update, bot, APOLOGY)


def make_router() -> Router:
    """The errors router."""
    router = Router(name="errors")
    router.errors.register(on_forbidden, ExceptionTypeFilter(TelegramForbiddenError))
    router.errors.register(on_bot_error, ExceptionTypeFilter(BotError))
    router.errors.register(on_error)
    return router
