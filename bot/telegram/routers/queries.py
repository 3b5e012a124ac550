"""Questions: the query commands everywhere; in groups only what is addressed to the bot."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import Message

from bot.serve.engines import Core
from bot.telegram.filters import AddressedToBot
from bot.telegram.replies import answer_text, reply_to, send_parts
from bot.telegram.views import Paging

QUERY_COMMANDS = ("rank", "score", "compare", "major", "school", "lines")
TEXT_ONLY = "我只看得懂文字消息，例如：河南 理科 447200"


async def on_query_command(message: Message, bot: Bot, core: Core, paging: Paging) -> None:
    """/rank, /score ... (also /rank@botname): the core reads the whole command text."""
    await answer_text(bot, message.chat.id, core, message.text or "", paging, reply_to(message))


async def on_text(message: Message, text: str, bot: Bot, core: Core, paging: Paging) -> None:
    """Any private text, or a group message that mentions or replies to the bot."""
    await answer_text(bot, message.chat.id, core, text, paging, reply_to(message))


async def on_other_private(message: Message, bot: Bot) -> None:
    """Stickers, photos without caption ... in a private chat."""
    await send_parts(bot, message.chat.id, [TEXT_ONLY])


def make_router() -> Router:
    """The queries router (registered last: it holds the catch-all)."""
    router = Router(name="queries")
    router.message.register(on_query_command, Command(*QUERY_COMMANDS))
    router.message.register(on_text, AddressedToBot())
    router.message.register(on_other_private, F.chat.type == ChatType.PRIVATE)
    return router
