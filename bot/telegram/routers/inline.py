"""Inline mode: `@botname 河南 理科 447200` in any chat offers the answer to post."""

from __future__ import annotations

import hashlib

from aiogram import Bot, Router
from aiogram.types import InlineQuery, InlineQueryResultArticle, InputTextMessageContent

from bot.core.render import render
from bot.serve.engines import Core
from bot.telegram.views import Paging, first_page, full_help, inline_title

MORE = "\n\n（完整结果请私聊我查看）"


def _article(title: str, text: str, key: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=hashlib.sha1(key.encode()).hexdigest()[:32], title=title[:100], description=text.split("\n", 1)[0][:100],
        input_message_content=InputTextMessageContent(message_text=text, parse_mode=None))


async def on_inline(query: InlineQuery, bot: Bot, core: Core, paging: Paging) -> None:
    """One article: the answer to the typed question, or the help when nothing is typed yet."""
    text = query.query.strip()
    if not text:
        me = await bot.me()
        await query.answer([_article("高考志愿助手：输入问题，例如 河南 理科 447200", full_help(me.username), "help")],
                           cache_time=3600)
        return
    answer = await core.answer(text)
    parts = render(first_page(answer, paging.first))
    body = parts[0] + (MORE if len(parts) > 1 else "")
    await query.answer([_article(inline_title(answer), body, text)], cache_time=300, is_personal=False)


def make_router() -> Router:
    """The inline router."""
    router = Router(name="inline")
    router.inline_query.register(on_inline)
    return router
