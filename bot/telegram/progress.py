"""/refresh in a chat: one status message the build's progress edits, then the outcome as a new message."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.serve.engines import Engines
from bot.serve.refresh import Refresher, outcome_text, refresh

log = logging.getLogger(__name__)


class ChatProgress:
    """A `bot.serve.refresh.Progress` that posts a status message in the chat and then edits it."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot, self.chat_id = bot, chat_id
        self.message_id: int | None = None

    async def started(self, text: str) -> None:
        """Post the status message."""
        self.message_id = (await self.bot.send_message(self.chat_id, text)).message_id

    async def update(self, text: str) -> None:
        """Edit the status message; a failed edit is logged (progress is cosmetic: the build goes on)."""
        if self.message_id is None:
            return
        try:
            await self.bot.edit_message_text(text=text, chat_id=self.chat_id, message_id=self.message_id)
        except TelegramAPIError as exc:
            log.warning("refresh progress not shown: %s", exc)


async def refresh_job(bot: Bot, chat_id: int, refresher: Refresher, engines: Engines) -> None:
    """Build, swap the new database in, and report what changed (or why nothing did) in the chat."""
    outcome = await refresh(refresher, engines, ChatProgress(bot, chat_id))
    await bot.send_message(chat_id, outcome_text(outcome))
