"""The webhook receiver (`python -m bot web`): checks the secret, appends the raw update to the Redis
Stream and answers 200 only once Redis has it; 503 while Redis is down, so that Telegram retries.

It holds no engine and imports neither aiogram nor DuckDB: it starts in a fraction of a second, and
any number of workers (`python -m bot worker`) answer what it queues.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import signal
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.serve.stream import add_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are a few KB
# The update types the bot's handlers use (tests check this against the dispatcher's own list).
ALLOWED_UPDATES = ("message", "callback_query", "inline_query")


def make_app(redis: Redis, secret: str, path: str = "/") -> web.Application:
    """The receiver's aiohttp application: POST `path` takes updates, GET /healthz says whether Redis answers."""
    expected = secret.encode()

    async def take(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=401, text="wrong secret token")
        body = await request.read()
        try:
            update = json.loads(body)
        except ValueError:
            log.warning("webhook: a request with broken JSON (%d bytes) refused", len(body))
            return web.Response(status=400, text="broken JSON")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            log.warning("webhook: dropped a request that is not an update")
            return web.Response(text="not an update")
        try:
            await add_update(redis, body)
        except (RedisError, OSError) as exc:
            log.error("webhook: update %s not queued, Redis: %s (503: Telegram will retry)", update["update_id"], exc)
            return web.Response(status=503, text="queue unavailable", headers={"Retry-After": "1"})
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        try:
            await redis.ping()
        except (RedisError, OSError) as exc:
            return web.Response(status=503, text=f"redis: {exc}")
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(path, take)
    app.router.add_get("/healthz", health)
    return app


async def set_webhook(api_base: str, token: str, url: str, secret: str) -> None:
    """Register `url` with Telegram (setWebhook), with the secret and the update types the bot uses."""
    payload: dict[str, Any] = {"url": url, "secret_token": secret, "allowed_updates": list(ALLOWED_UPDATES)}
    async with ClientSession(timeout=ClientTimeout(total=30)) as session, session.post(
            f"{api_base.rstrip('/')}/bot{token}/setWebhook", json=payload) as resp:
        reply = await resp.json(content_type=None)
    if not reply.get("ok"):
        raise RuntimeError(f"setWebhook failed: {reply.get('description', resp.status)}")


async def serve(redis: Redis, listen: str, secret: str | None, *, path: str = "/", webhook: str | None = None,
                api_base: str | None = None, token: str | None = None) -> int:
    """Serve until SIGINT/SIGTERM; with `webhook`, register it first. Returns the exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if webhook:
        secret = secret or secrets.token_urlsafe(32)
        if not token:
            log.error("--webhook needs TELEGRAM_BOT_TOKEN to register the URL with Telegram")
            return 2
        try:
            await set_webhook(api_base or "https://api.telegram.org", token, webhook, secret)
        except (OSError, RuntimeError, ValueError) as exc:
            log.error("webhook %s not registered: %s", webhook, exc)
            return 1
    if not secret:
        log.error("set the webhook secret (--webhook-secret or GAOKAO_WEBHOOK_SECRET): the receiver refuses "
                  "requests without it")
        return 2
    host, _, port = listen.rpartition(":")
    if not port.isdigit():
        log.error("--listen %s: expected HOST:PORT, e.g. 127.0.0.1:8080", listen)
        return 2
    runner = web.AppRunner(make_app(redis, secret, path), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host or "127.0.0.1", int(port)).start()
    except OSError as exc:
        log.error("cannot listen on %s: %s", listen, exc)
        await runner.cleanup()
        return 1
    log.warning("receiver listening on %s%s", listen, path)
    await stop.wait()
    await runner.cleanup()
    await redis.aclose()
    return 0
