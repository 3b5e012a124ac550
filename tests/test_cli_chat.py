"""The terminal chat: `更多` / `/detail` after a rank answer shows its long form (issue 11 §6)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.cli import MORE_HINT, NOTHING_MORE, chat_reply
from bot.core.answer import Engine
from tests.tinydb import make_tiny_db

ROOT = Path(__file__).resolve().parents[1]


def test_more_expands_the_last_rank_answer_and_nothing_else(tmp_path: Path) -> None:
    engine = Engine.open(make_tiny_db(tmp_path / "tiny.duckdb"))
    reply, last = chat_reply(engine, "更多", None)
    assert reply == NOTHING_MORE and last is None
    short, last = chat_reply(engine, "河南 物理 位次300", None)
    assert short.endswith(MORE_HINT) and last is not None
    assert "录取位次取自" not in short
    more, kept = chat_reply(engine, "更多", last)
    assert kept is last and "注：录取位次取自" in more and "2024 555分/位次330" in more
    assert chat_reply(engine, "/detail", last)[0] == more
    other, still = chat_reply(engine, "郑大怎么样", last)  # a school profile is not a rank answer: 更多 keeps the list
    assert MORE_HINT not in other and still is last


def test_chat_and_ask_detail_from_the_command_line(tmp_path: Path) -> None:
    db = make_tiny_db(tmp_path / "tiny.duckdb")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    chat = subprocess.run([sys.executable, "-m", "bot", "--db", str(db), "chat"], input="河南 物理 位次300\n更多\nexit\n",
                          capture_output=True, cwd=ROOT, env=env, timeout=120, text=True)
    assert chat.returncode == 0, chat.stderr
    assert MORE_HINT in chat.stdout and "数据覆盖" in chat.stdout
    ask = subprocess.run([sys.executable, "-m", "bot", "--db", str(db), "ask", "--detail", "河南 物理 位次300"],
                         capture_output=True, cwd=ROOT, env=env, timeout=120, text=True)
    assert ask.returncode == 0 and "注：录取位次取自" in ask.stdout
