"""A fake Telegram Bot API server on loopback (aiohttp.web), with fault injection.

It serves `/bot{token}/{method}` like api.telegram.org: getUpdates long-polls a queue of updates
the test pushes; send/edit/answer methods are recorded and answered with plausible objects.
Faults queued per method ("429", "500", "drop", "403", "400") hit the next calls *before* they are
processed, so a retried request is recorded exactly once. `outage(method, seconds)` answers 502 for
a while; `enforce(Limits())` answers 429 with retry_after once a chat, a group or the bot as a whole
goes over Telegram's limits (counted as sliding windows over accepted sends; every 429 is kept in
`limited`). Also used by benchmarks/bench_telegram.py and benchmarks/bench_outbox.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-fake-token-do-not-log"
BOT_USERNAME = "gaokao_test_bot"
TEXT_FIELDS = frozenset({"text", "caption", "query", "callback_query_id", "inline_query_id", "secret_token", "url",
                         "description", "offset_text"})
RETRY_AFTER = 1
LIMITED_METHODS = frozenset({"sendMessage", "sendPhoto"})


@dataclass(frozen=True)
class Limits:
    """Telegram's limits as sliding windows: (messages, seconds) overall, per chat, per group."""

    overall: tuple[int, float] = (30, 1.0)
    chat: tuple[int, float] = (1, 1.0)
    group: tuple[int, float] = (20, 60.0)


@dataclass
class Call:
    """One API request the bot made (faulted requests are kept apart, in `FakeBotAPI.faulted`)."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.perf_counter)


class FakeBotAPI:
    """The fake server; `await start()` then point TELEGRAM_API_BASE at `base_url`."""

    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.username = username
        self.calls: list[Call] = []
        self.faulted: list[tuple[str, str]] = []
        self.pushed_at: dict[int, float] = {}
        self.chat_types: dict[int, str] = {}
        self._pending: deque[dict[str, Any]] = deque()
        self._faults: dict[str, deque[str]] = defaultdict(deque)
        self._next_update = 1
        self._next_message = 1000
        self.limited: list[tuple[str, int | str]] = []  # (method, chat) answered 429 by `enforce`
        self._limits: Limits | None = None
        self._sends: dict[Any, deque[float]] = defaultdict(deque)  # window key -> accepted send times
        self._down_until: dict[str, float] = {}
        self._wakeup = asyncio.Event()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- life cycle -------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on loopback; returns the base URL (no trailing slash)."""
        app = web.Application(client_max_size=20 << 20)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.base_url = f"http://{host}:{sockets[0].getsockname()[1]}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        self._wakeup.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- test side ----------------------------------------------------------------------

    def push(self, body: dict[str, Any]) -> int:
        """Queue an update (`body` without update_id); returns its update_id."""
        uid = self._next_update
        self._next_update += 1
        self._pending.append({"update_id": uid, **body})
        self.pushed_at[uid] = time.perf_counter()
        msg = body.get("message")
        if msg:
            self.chat_types[msg["chat"]["id"]] = msg["chat"]["type"]
        self._wakeup.set()
        return uid

    def inject(self, method: str, *faults: str) -> None:
        """The next calls of `method` fail with these faults, in order: "429", "500" or "drop"."""
        self._faults[method].extend(faults)

    def enforce(self, limits: Limits | None = Limits()) -> None:
        """Answer sends over these limits with 429 and retry_after (None: stop enforcing)."""
        self._limits = limits

    def outage(self, method: str, seconds: float) -> None:
        """`method` answers 502 Bad Gateway for the next `seconds` (calls are kept in `faulted`)."""
        self._down_until[method] = time.monotonic() + seconds

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        """Recorded calls, optionally of one method and/or to one chat."""
        return [c for c in self.calls if (method is None or c.method == method)
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait until `predicate()` holds (re-checked after every recorded call)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.2))
        return True

    @property
    def pending(self) -> int:
        """Updates not yet confirmed by the bot (getUpdates offset)."""
        return len(self._pending)

    # -- server side ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        faults = self._faults.get(method)
        if faults:
            fault = faults.popleft()
            self.faulted.append((method, fault))
            return self._fault(request, fault)
        if time.monotonic() < self._down_until.get(method, 0.0):
            self.faulted.append((method, "outage"))
            return _error(502, "Bad Gateway")
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        if self._limits is not None and method in LIMITED_METHODS:
            wait = self._over_limit(params.get("chat_id"))
            if wait:
                self.limited.append((method, params.get("chat_id") or 0))
                return web.json_response({"ok": False, "error_code": 429, "parameters": {"retry_after": wait},
                                          "description": f"Too Many Requests: retry after {wait}"}, status=429)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        self.calls.append(Call(method, params))
        self._changed.set()
        return _ok(handler(params))

    def _over_limit(self, chat: Any) -> int:
        """Seconds to wait when a send to `chat` now would break a limit; else record it and return 0."""
        assert self._limits is not None
        now = time.monotonic()
        group = isinstance(chat, str) or (isinstance(chat, int) and chat < 0) or \
            self.chat_types.get(chat, "private") != "private"
        windows = [("overall", self._limits.overall), (("chat", chat), self._limits.chat)]
        if group:
            windows.append((("group", chat), self._limits.group))
        wait = 0.0
        for key, (most, span) in windows:
            times = self._sends[key]
            while times and times[0] <= now - span:
                times.popleft()
            if len(times) >= most:
                wait = max(wait, times[0] + span - now)
        if wait > 0:
            return max(1, int(wait + 0.999))
        for key, _ in windows:
            self._sends[key].append(now)
        return 0

    def _fault(self, request: web.Request, fault: str) -> web.StreamResponse:
        if fault == "403":
            return _error(403, "Forbidden: bot was blocked by the user")
        if fault == "400":
            return _error(400, "Bad Request: chat not found")
        if fault == "429":
            return web.json_response({"ok": False, "error_code": 429, "parameters": {"retry_after": RETRY_AFTER},
                                      "description": f"Too Many Requests: retry after {RETRY_AFTER}"}, status=429)
        if fault == "500":
            return _error(500, "Internal Server Error")
        assert fault == "drop", fault
        assert request.transport is not None
        request.transport.close()  # the client sees the connection die without an answer
        return web.Response(status=500)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.calls.append(Call("getUpdates", params))
        self._changed.set()
        offset = int(params.get("offset") or 0)
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()
        if not self._pending:
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), float(params.get("timeout") or 0))
            except TimeoutError:
                return []
        limit = int(params.get("limit") or 100)
        return list(self._pending)[:limit]

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self._next_message += 1
        chat_id = params.get("chat_id") or 0
        return {"message_id": int(params.get("message_id") or self._next_message), "date": int(time.time()),
                "chat": {"id": chat_id, "type": self.chat_types.get(chat_id, "private")},
                "from": self._me(), **extra}

    def _me(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "高考志愿", "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._me()

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params.get("text", ""))

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = [{"file_id": "photo1", "file_unique_id": "u1", "width": 800, "height": 600}]
        return self._message(params, photo=photo, caption=params.get("caption"))

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params.get("text", ""))

    def _true(self, params: dict[str, Any]) -> bool:
        return True

    _m_answerCallbackQuery = _m_answerInlineQuery = _m_setMyCommands = _true
    _m_deleteWebhook = _m_setWebhook = _m_deleteMyCommands = _m_close = _true


async def _params(request: web.Request) -> dict[str, Any]:
    data: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            data.update(await request.json())
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    body = value.file.read()
                    data[key] = {"filename": value.filename, "size": len(body), "head": body[:8]}
                else:
                    data[key] = _decode(key, str(value))
    for key, value in list(data.items()):  # attach://name -> the uploaded file's description
        if isinstance(value, str) and value.startswith("attach://"):
            data[key] = data.pop(value.removeprefix("attach://"), value)
    return data


def _decode(key: str, value: str) -> Any:
    if key in TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)


# -- updates ---------------------------------------------------------------------------------

def user(uid: int, name: str = "考生") -> dict[str, Any]:
    """A Telegram user object."""
    return {"id": uid, "is_bot": False, "first_name": name, "language_code": "zh-hans"}


def message(text: str, chat_id: int, user_id: int | None = None, chat_type: str = "private",
            reply_to: dict[str, Any] | None = None, message_id: int = 1) -> dict[str, Any]:
    """The body of a message update."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "高三(2)班"
    msg: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": chat,
                           "from": user(user_id or abs(chat_id)), "text": text}
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        msg["reply_to_message"] = reply_to
    return {"message": msg}


def callback(data: str, chat_id: int, user_id: int, message_id: int = 5000, text: str = "…") -> dict[str, Any]:
    """The body of a callback query update from a button under one of the bot's messages."""
    return {"callback_query": {
        "id": f"cq{chat_id}{message_id}{abs(hash(data)) % 10_000}", "from": user(user_id), "chat_instance": "ci",
        "data": data, "message": {"message_id": message_id, "date": int(time.time()), "text": text,
                                  "chat": {"id": chat_id, "type": "private"},
                                  "from": {"id": int(TOKEN.split(":")[0]), "is_bot": True, "first_name": "高考志愿",
                                           "username": BOT_USERNAME}}}}


def inline(query: str, user_id: int, query_id: str = "iq1") -> dict[str, Any]:
    """The body of an inline query update."""
    return {"inline_query": {"id": query_id, "from": user(user_id), "query": query, "offset": ""}}


# -- the bot process -------------------------------------------------------------------------

def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def spawn_bot(base_url: str, db: Path, log_file: Path, *, args: Sequence[str] = ("run",),
                    token: str = TOKEN, admins: str = "", cwd: Path | None = None,
                    verbose: bool = True, extra_env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    """`python -m bot --db DB [-v] run ...` with TELEGRAM_API_BASE at the fake server; stderr to `log_file`.

    Each bot gets its own outbox next to its log (GAOKAO_OUTBOX), unless `extra_env` names one.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "GAOKAO_"))}
    env.update(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE=base_url, GAOKAO_ADMIN_IDS=admins, PYTHONUNBUFFERED="1",
               GAOKAO_OUTBOX=str(log_file.with_suffix(".outbox.sqlite")))
    env.update(extra_env or {})
    with open(log_file, "wb") as err:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--db", str(db), *(["-v"] if verbose else []), *args, cwd=str(cwd or log_file.parent), env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=err)


async def stop_bot(proc: asyncio.subprocess.Process, timeout: float = 10.0) -> int:
    """SIGTERM, then SIGKILL if it does not stop in time; returns the exit code."""
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode
