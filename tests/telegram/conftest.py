"""Fast tests drive whole updates through the dispatcher (`feed_update`) against a recording session."""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, Update, User

from bot.core.answer import Engine
from bot.serve.charts import ChartMaker
from bot.serve.engines import Engines
from bot.serve.ratelimit import RateLimiter
from bot.serve.refresh import Refresher
from bot.settings import Settings
from bot.telegram.app import build_dispatcher
from bot.telegram.views import Paging
from tests.telegram import fake_api
from tests.tinydb import make_tiny_db

FAKE_ETL = Path(__file__).with_name("fake_etl.py")
ADMIN = 777
SENDS = frozenset({"SendMessage", "SendPhoto", "EditMessageText", "AnswerCallbackQuery", "AnswerInlineQuery"})


class RecordingSession(BaseSession):
    """Records every request and answers it like the Bot API would, without a network."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self._ids = 5000

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None) -> TelegramType:
        self.requests.append(method)
        name = type(method).__name__
        me = User(id=bot.id, is_bot=True, first_name="高考志愿", username=fake_api.BOT_USERNAME)
        if name == "GetMe":
            return me  # type: ignore[return-value]
        if name in ("SendMessage", "SendPhoto", "EditMessageText"):
            self._ids += 1
            chat_id = getattr(method, "chat_id", None) or 0
            return Message(message_id=self._ids, date=int(time.time()), chat=Chat(id=chat_id, type="private"),
                           from_user=me, text=getattr(method, "text", None)).as_(bot)  # type: ignore[return-value]
        return True  # type: ignore[return-value]

    async def close(self) -> None:
        pass

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncIterator[bytes]:
        yield b""

    def sends(self, *names: str) -> list[Any]:
        """Requests that talk to the user (or only those named, e.g. "SendMessage")."""
        wanted = set(names) or SENDS
        return [r for r in self.requests if type(r).__name__ in wanted]

    def texts(self) -> list[str]:
        """Texts of sendMessage / editMessageText requests."""
        return [r.text for r in self.sends("SendMessage", "EditMessageText")]

    def clear(self) -> None:
        self.requests.clear()


class Harness:
    """A dispatcher wired like production, a bot on the recording session, and update builders."""

    def __init__(self, dp: Dispatcher, bot: Bot, session: RecordingSession, engines: Engines,
                 refresher: Refresher) -> None:
        self.dp, self.bot, self.session, self.engines, self.refresher = dp, bot, session, engines, refresher
        self._uid = 0

    async def feed(self, body: dict[str, Any]) -> Any:
        self._uid += 1
        return await self.dp.feed_update(self.bot, Update.model_validate({"update_id": self._uid, **body}))

    async def say(self, text: str, chat_id: int = 1001, **kw: Any) -> list[Any]:
        """Feed one message; returns the requests it caused that talk to the user."""
        self.session.clear()
        await self.feed(fake_api.message(text, chat_id, **kw))
        return [r for r in self.session.sends() if getattr(r, "chat_id", chat_id) == chat_id]

    async def press(self, data: str, chat_id: int = 1001, user_id: int = 1001) -> list[Any]:
        """Feed one button press."""
        self.session.clear()
        await self.feed(fake_api.callback(data, chat_id, user_id))
        return self.session.sends()


@pytest.fixture(scope="session")
def tg_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny database, written once (tests that replace it work on a copy)."""
    return make_tiny_db(tmp_path_factory.mktemp("tg") / "tiny.duckdb")


def fake_etl_argv(db: Path, *flags: str) -> list[str]:
    """A stand-in for `python -m etl build --out DB`: writes the tiny database (see fake_etl.py)."""
    return [sys.executable, str(FAKE_ETL), "--out", str(db), *flags]


async def make_harness(db: Path, *, paging: Paging = Paging(), limiter: RateLimiter | None = None,
                       etl_flags: Sequence[str] = ()) -> Harness:
    session = RecordingSession()
    bot = Bot(fake_api.TOKEN, session=session)
    engines = Engines(Engine.open(db))
    refresher = Refresher(fake_etl_argv(db, *etl_flags), progress_every=0.0)
    dp = build_dispatcher(settings=Settings(token=fake_api.TOKEN, admin_ids=frozenset({ADMIN}), db=db),
                          engines=engines, charts=ChartMaker(None), refresher=refresher, paging=paging,
                          limiter=limiter or RateLimiter(capacity=1000, per_second=1000))
    return Harness(dp, bot, session, engines, refresher)


@pytest.fixture
async def h(tg_db: Path) -> AsyncIterator[Harness]:
    harness = await make_harness(tg_db)
    yield harness
    await harness.engines.close()
