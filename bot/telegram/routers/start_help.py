"""/start, /help (with examples) and /datainfo."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.serve.datainfo import coverage, info_text
from bot.serve.engines import Core
from bot.serve.outbox import Outbound
from bot.telegram.replies import reply_to, send_parts
from bot.telegram.views import full_help


async def on_help(message: Message, bot: Bot) -> None:
    """What the bot does, how to ask, the commands."""
    me = await bot.me()
    await send_parts(bot, message.chat.id, [full_help(me.username)], reply_to=reply_to(message))


async def on_datainfo(message: Message, bot: Bot, core: Core, outbound: Outbound | None = None) -> None:
    """Data version (build time), coverage, and the replies waiting in the outbox."""
    waiting = await outbound.waiting() if outbound is not None else None
    text = info_text(coverage(core.engine.store), waiting)
    await send_parts(bot, message.chat.id, [text], reply_to=reply_to(message))


def make_router() -> Router:
    """The start/help router."""
    router = Router(name="start_help")
    router.message.register(on_help, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_datainfo, Command("datainfo"))
    return router
