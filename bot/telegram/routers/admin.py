"""/refresh: admins rebuild the data in the background; anyone else is politely refused (and logged)."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.serve.engines import Engines
from bot.serve.refresh import Refresher
from bot.telegram.filters import IsAdmin
from bot.telegram.progress import refresh_job
from bot.telegram.replies import send_parts

log = logging.getLogger(__name__)

BUSY = "已有一次数据更新在进行中，请等它完成。"
REFUSED = "抱歉，只有管理员可以更新数据。"


async def on_refresh(message: Message, bot: Bot, refresher: Refresher, engines: Engines) -> None:
    """Start the rebuild; progress and the result are posted by the background job."""
    user = message.from_user.id if message.from_user else None
    log.info("refresh requested by admin %s", user)
    if not refresher.start(refresh_job(bot, message.chat.id, refresher, engines)):
        await send_parts(bot, message.chat.id, [BUSY])


async def refuse_refresh(message: Message, bot: Bot) -> None:
    """A non-admin asked for /refresh."""
    user = message.from_user.id if message.from_user else None
    log.warning("refresh refused: user %s is not an admin (chat %s)", user, message.chat.id)
    await send_parts(bot, message.chat.id, [REFUSED])


def make_router() -> Router:
    """The admin router."""
    router = Router(name="admin")
    router.message.register(on_refresh, Command("refresh"), IsAdmin())
    router.message.register(refuse_refresh, Command("refresh"))
    return router
