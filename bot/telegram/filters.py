"""Filters: is a message meant for the bot, and is the sender an admin."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Bot
from aiogram.enums import ChatType, MessageEntityType
from aiogram.filters import BaseFilter
from aiogram.types import Message

from bot.settings import Settings


class AddressedToBot(BaseFilter):
    """Private chats: always. Groups: an @mention of the bot or a reply to one of its messages.

    Passes `text` (the message text) to the handler. Commands are matched by `Command` filters.
    """

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        text = message.text or message.caption
        if not text:
            return False
        if message.chat.type == ChatType.PRIVATE:
            return {"text": text}
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return {"text": text}
        return {"text": text} if await _mentions(message, text, bot) else False


async def _mentions(message: Message, text: str, bot: Bot) -> bool:
    """True when the message @mentions the bot (by username or as a text mention)."""
    entities = message.entities or message.caption_entities or []
    if any(e.type == MessageEntityType.TEXT_MENTION and e.user and e.user.id == bot.id for e in entities):
        return True
    me = await bot.me()
    return bool(me.username) and re.search(rf"@{re.escape(me.username or '')}\b", text, re.IGNORECASE) is not None


class IsAdmin(BaseFilter):
    """The sender is one of GAOKAO_ADMIN_IDS."""

    async def __call__(self, message: Message, settings: Settings) -> bool:
        return message.from_user is not None and message.from_user.id in settings.admin_ids
