"""End to end: the real bot process (`python -m bot run`, real aiogram HTTP client) against the fake
Bot API server on loopback, with injected faults. Every update gets exactly one correct reply,
nothing is lost, group chatter gets none, and the token never reaches the log.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.telegram.keyboards import HistCb, RankCb
from tests.telegram.fake_api import (
    BOT_USERNAME,
    TOKEN,
    FakeBotAPI,
    callback,
    free_port,
    inline,
    message,
    spawn_bot,
    stop_bot,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUESTIONS = {  # message -> a piece of the right answer
    "河南 理科 505分": "保（稳妥兜底）",
    "郑州大学和河南大学哪个好": "郑州大学 vs 河南大学",
    "郑大怎么样": "【郑州大学】",
    "/rank 河南 理科 447": "位次447",
    "/help": "河南 理科 447200",
    "你好": "高考志愿查询助手",
}
chats = itertools.count(10_001)


class Running:
    def __init__(self, api: FakeBotAPI, proc: asyncio.subprocess.Process, log: Path, hook: str = "") -> None:
        self.api, self.proc, self.log, self.hook = api, proc, log, hook


async def _start(tg_db: Path, log: Path, args: tuple[str, ...] = ("run",), hook: str = "") -> Running:
    api = FakeBotAPI()
    await api.start()
    return Running(api, await spawn_bot(api.base_url, tg_db, log, args=args), log, hook)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bots(tg_db: Path, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Running, Running]]:
    """Two bot processes started side by side (start-up is mostly imports): long polling, and a webhook."""
    tmp = tmp_path_factory.mktemp("e2e")
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg-hook"
    polling, webhook = await asyncio.gather(
        _start(tg_db, tmp / "bot.log"),
        _start(tg_db, tmp / "hook.log", ("run", "--webhook", hook, "--listen", f"127.0.0.1:{port}",
                                         "--webhook-secret", "s3cr3t"), hook))
    for r, ready in ((polling, "getUpdates"), (webhook, "setWebhook")):
        assert await r.api.wait_for(lambda r=r, m=ready: bool(r.api.sent(m)) or r.proc.returncode is not None, 40), \
            r.log.read_text()
    yield polling, webhook
    for r in (polling, webhook):
        await stop_bot(r.proc)
        await r.api.stop()


@pytest.fixture
def running(bots: tuple[Running, Running]) -> Running:
    return bots[0]


async def ask_each(api: FakeBotAPI, texts: list[str], **kw: object) -> dict[int, str]:
    """Push one message per new chat; wait until each chat has an answer; returns chat -> text."""
    asked = {next(chats): t for t in texts}
    for chat, text in asked.items():
        api.push(message(text, chat, **kw))  # type: ignore[arg-type]
    assert await api.wait_for(lambda: all(api.sent("sendMessage", c) for c in asked), 20), "not every update answered"
    await asyncio.sleep(0.3)  # a late duplicate would show up now
    return asked


def assert_one_right_reply(api: FakeBotAPI, asked: dict[int, str]) -> None:
    for chat, text in asked.items():
        replies = api.sent("sendMessage", chat)
        assert len(replies) == 1, (text, [r.params["text"][:40] for r in replies])
        assert QUESTIONS[text] in replies[0].params["text"], (text, replies[0].params["text"][:200])
        assert "parse_mode" not in replies[0].params


async def test_startup_registers_commands_and_drops_no_webhook_updates(running: Running) -> None:
    api = running.api
    assert api.sent("deleteWebhook") and api.sent("deleteWebhook")[0].params.get("drop_pending_updates") is False
    (menu,) = api.sent("setMyCommands")
    assert {c["command"] for c in menu.params["commands"]} >= {"rank", "score", "compare", "major", "school"}


async def test_every_private_message_gets_exactly_one_right_reply(running: Running) -> None:
    asked = await ask_each(running.api, list(QUESTIONS) * 4)
    assert_one_right_reply(running.api, asked)


async def test_group_chatter_is_ignored_and_addressed_messages_are_answered(running: Running) -> None:
    api, group = running.api, -100_555
    before = len(api.sent("sendMessage", group))
    chatter = ["今天作业好多", "河南 理科 505分", "/rank@other_bot 河南 理科 447", "@someone 郑大怎么样"]
    for i, text in enumerate(chatter):
        api.push(message(text, group, user_id=50 + i, chat_type="supergroup", message_id=100 + i))
    addressed = [f"/rank@{BOT_USERNAME} 河南 理科 447", f"@{BOT_USERNAME} 郑大怎么样"]
    for i, text in enumerate(addressed):
        api.push(message(text, group, user_id=60 + i, chat_type="supergroup", message_id=200 + i))
    bot_msg = {"message_id": 300, "date": 0, "chat": {"id": group, "type": "supergroup"},
               "from": {"id": api.bot_id, "is_bot": True, "first_name": "b"}, "text": "…"}
    api.push(message("郑大怎么样", group, user_id=70, chat_type="supergroup", message_id=301, reply_to=bot_msg))
    assert await api.wait_for(lambda: len(api.sent("sendMessage", group)) - before >= 3, 20)
    await asyncio.sleep(0.5)
    replies = api.sent("sendMessage", group)[before:]
    assert sorted(r.params["reply_parameters"]["message_id"] for r in replies) == [200, 201, 301]


async def test_faults_are_retried_and_nothing_is_lost_or_doubled(running: Running) -> None:
    api = running.api
    api.faulted.clear()
    api.inject("sendMessage", "429", "500", "drop", "500")
    api.inject("getUpdates", "500", "drop")
    asked = await ask_each(api, list(QUESTIONS) * 2)
    assert_one_right_reply(api, asked)
    assert sorted(api.faulted) == sorted([("sendMessage", "429"), ("sendMessage", "500"), ("sendMessage", "drop"),
                                          ("sendMessage", "500"), ("getUpdates", "500"), ("getUpdates", "drop")])
    assert await api.wait_for(lambda: api.pending == 0, 10)  # every update confirmed


async def test_buttons_and_inline_mode(running: Running) -> None:
    api, chat = running.api, next(chats)
    api.push(callback(HistCb(s=2, p="河南").pack(), chat, chat))
    api.push(inline("河南 理科 447200", user_id=chat, query_id="iq-e2e"))
    assert await api.wait_for(lambda: bool(api.sent("sendPhoto", chat)) and bool(api.sent("answerInlineQuery")), 20)
    photo = api.sent("sendPhoto", chat)[0].params
    assert photo["photo"]["size"] > 5000 and "位次185" in photo["caption"]
    assert len(api.sent("answerCallbackQuery")) == 1
    (results,) = [c.params["results"] for c in api.sent("answerInlineQuery")]
    assert "河南" in results[0]["title"]


async def test_the_standing_chart_button_sends_a_png(running: Running) -> None:
    api, chat = running.api, next(chats)
    api.push(callback(RankCb(p="河南", k="物理类", r=241, v="s").pack(), chat, chat))
    assert await api.wait_for(lambda: bool(api.sent("sendPhoto", chat)), 20)
    photo = api.sent("sendPhoto", chat)[0].params
    assert photo["photo"]["head"].startswith(b"\x89PNG") and photo["photo"]["size"] > 5000
    assert "您的位次241" in photo["caption"]


async def test_stops_cleanly_and_never_logs_the_token(running: Running) -> None:
    assert await stop_bot(running.proc) == 0
    log = running.log.read_text()
    assert "flood limit, waiting 1s" in log and "retrying" in log  # the faults above were seen and retried
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def test_webhook_refuses_broken_json_and_drops_non_updates(bots: tuple[Running, Running]) -> None:
    hook = bots[1]
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cr3t", "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http:
        async with http.post(hook.hook, data=b'{"update_id": 1, "message": {', headers=headers) as resp:
            assert resp.status == 400
        async with http.post(hook.hook, data=b"\xff\xfe not json", headers=headers) as resp:
            assert resp.status == 400
        for body in (b"[1, 2]", b'{"hello": "world"}', b'{"update_id": 7}', b"null", b'"update"'):
            async with http.post(hook.hook, data=body, headers=headers) as resp:
                assert resp.status == 200, body
        # and a real update still gets its answer
        async with http.post(hook.hook, json={"update_id": 2, **message("郑大怎么样", 4343)}, headers=headers) as resp:
            assert resp.status == 200
    assert await hook.api.wait_for(lambda: bool(hook.api.sent("sendMessage", 4343)), 20)
    await asyncio.sleep(0.3)
    log = hook.log.read_text()
    assert "Traceback" not in log and "never retrieved" not in log and "Error handling request" not in log, log
    assert log.count("is not JSON") == 2 and log.count("is not a Telegram update") == 5, log


async def test_webhook_mode_checks_the_secret_on_every_request(bots: tuple[Running, Running]) -> None:
    hook = bots[1]
    api, url = hook.api, hook.hook
    assert api.sent("setWebhook")[0].params["secret_token"] == "s3cr3t"
    assert api.sent("setWebhook")[0].params["url"] == url
    update = {"update_id": 1, **message("郑大怎么样", 4242)}
    async with aiohttp.ClientSession() as http:
        for secret, status in (("wrong", 401), (None, 401), ("s3cr3t", 200)):
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
            async with http.post(url, json=update, headers=headers) as resp:
                assert resp.status == status, secret
    assert await api.wait_for(lambda: bool(api.sent("sendMessage", 4242)), 20)
    await asyncio.sleep(0.3)
    assert len(api.sent("sendMessage", 4242)) == 1  # only the request with the right secret was handled
    assert await stop_bot(hook.proc) == 0
    assert TOKEN not in hook.log.read_text() and "s3cr3t" not in hook.log.read_text()
