"""The README's main path: `make run` starts `python -m bot` with no sub-command. With a token set it
must run the Telegram bot (long polling) and answer a private message, exactly as `run` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telegram.fake_api import FakeBotAPI, message, spawn_bot, stop_bot

pytestmark = pytest.mark.asyncio


async def test_python_m_bot_without_command_runs_telegram_with_a_token(tg_db: Path, tmp_path: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    log = tmp_path / "bot.log"
    proc = await spawn_bot(api.base_url, tg_db, log, args=())
    try:
        assert await api.wait_for(lambda: bool(api.sent("getUpdates")) or proc.returncode is not None, 40), log.read_text()
        assert proc.returncode is None, log.read_text()
        api.push(message("郑大怎么样", 31_337))
        assert await api.wait_for(lambda: bool(api.sent("sendMessage", 31_337)), 20), log.read_text()
        assert "【郑州大学】" in api.sent("sendMessage", 31_337)[0].params["text"]
    finally:
        assert await stop_bot(proc) == 0, log.read_text()
        await api.stop()
