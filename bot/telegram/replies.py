"""Sending answers: parts under Telegram's 4,096 characters, plain text (no parse mode), buttons on the last."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message, ReplyParameters

from bot.core.answers import Answer
from bot.core.render import render, split
from bot.serve.engines import Core
from bot.telegram.keyboards import for_answer
from bot.telegram.views import Paging, first_page

CAPTION_LIMIT = 1024


def reply_to(message: Message) -> int | None:
    """In groups an answer quotes the question; in private chats it need not."""
    return None if message.chat.type == ChatType.PRIVATE else message.message_id


async def send_parts(bot: Bot, chat_id: int, parts: Sequence[str], markup: InlineKeyboardMarkup | None = None,
                     reply_to: int | None = None) -> None:
    """Send each part (re-split to be safe) as plain text, the keyboard under the last one."""
    chunks = [c for p in parts for c in split(p)] or ["（空）"]
    for i, chunk in enumerate(chunks):
        quote = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to and i == 0 else None
        await bot.send_message(chat_id, chunk, parse_mode=None, reply_parameters=quote,
                               reply_markup=markup if i == len(chunks) - 1 else None)


async def answer_text(bot: Bot, chat_id: int, core: Core, text: str, paging: Paging, reply: int | None = None) -> None:
    """Ask the core about a message and send its answer (`send_answer`)."""
    await send_answer(bot, chat_id, await core.answer(text), paging, reply)


async def send_answer(bot: Bot, chat_id: int, answer: Answer, paging: Paging, reply: int | None = None) -> None:
    """Send an answer: the first page of each tier, with buttons for the rest."""
    await send_parts(bot, chat_id, render(first_page(answer, paging.first)), for_answer(answer), reply)


async def send_chart(bot: Bot, chat_id: int, png: bytes, text: str) -> None:
    """A chart with its numbers: as the caption when they fit, else in messages after it."""
    photo = BufferedInputFile(png, filename="trend.png")
    caption = text if len(text) <= CAPTION_LIMIT else text.split("\n", 1)[0][:CAPTION_LIMIT]
    await bot.send_photo(chat_id, photo, caption=caption, parse_mode=None)
    if caption != text:
        await send_parts(bot, chat_id, [text])
