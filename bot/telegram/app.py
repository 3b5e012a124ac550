"""Wiring: the Bot and its session, the Dispatcher with routers, middlewares and services; polling or webhook."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets
import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from bot.core.errors import BotError
from bot.serve.charts import ChartMaker
from bot.serve.engines import Engines
from bot.serve.outbox import Outbound, OutboxError
from bot.serve.pacing import make_pacer
from bot.serve.ratelimit import Limiter
from bot.serve.redact import redact_logs
from bot.serve.refresh import Refresher
from bot.serve.services import Services, open_services
from bot.serve.shared import SharedStateError
from bot.serve.stores import local_inline_limiter, local_message_limiter
from bot.settings import Settings
from bot.telegram.middlewares import EngineMiddleware, RateLimitMiddleware
from bot.telegram.routers import make_routers
from bot.telegram.session import RetryPolicy, RetrySession
from bot.telegram.views import Paging, bot_commands
from bot.telegram.webhook import CheckedRequestHandler

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 256


def make_bot(settings: Settings, policy: RetryPolicy = RetryPolicy(), outbound: Outbound | None = None) -> Bot:
    """A Bot on the retrying, pacing session (queueing to `outbound` when given), talking to TELEGRAM_API_BASE
    when set; plain-text messages."""
    api = TelegramAPIServer.from_base(settings.api_base) if settings.api_base else PRODUCTION
    assert settings.token is not None
    session = RetrySession(policy, pacer=make_pacer(settings.pacing), outbound=outbound, api=api)
    return Bot(settings.token, session=session, default=DefaultBotProperties(parse_mode=None))


def build_dispatcher(*, settings: Settings, engines: Engines, charts: ChartMaker, refresher: Refresher,
                     paging: Paging = Paging(), limiter: Limiter | None = None,
                     inline_limiter: Limiter | None = None, outbound: Outbound | None = None) -> Dispatcher:
    """The Dispatcher: services by name (dp["engines"] ...), middlewares, routers, start-up and shutdown."""
    dp = Dispatcher(disable_fsm=True, settings=settings, engines=engines, charts=charts, refresher=refresher,
                    outbound=outbound, paging=paging, limiter=limiter or local_message_limiter(),
                    inline_limiter=inline_limiter or local_inline_limiter())
    dp.update.outer_middleware(EngineMiddleware())
    dp.message.middleware(RateLimitMiddleware("limiter"))
    dp.callback_query.middleware(RateLimitMiddleware("limiter"))
    dp.inline_query.middleware(RateLimitMiddleware("inline_limiter"))
    dp.include_routers(*make_routers())
    dp.startup.register(_start_outbox)
    dp.startup.register(_register_commands)
    dp.shutdown.register(_close_services)
    return dp


async def _register_commands(bot: Bot) -> None:
    try:
        await bot.set_my_commands(bot_commands())
    except TelegramAPIError as exc:  # the menu is a convenience: answer anyway
        log.warning("command menu not registered: %s", exc)


async def _close_services(refresher: Refresher, charts: ChartMaker, engines: Engines,
                          outbound: Outbound | None) -> None:
    await refresher.stop()
    charts.close()
    await engines.close()
    if outbound is not None:
        await outbound.close()


async def _start_outbox(bot: Bot, outbound: Outbound | None) -> None:
    """Drain what a previous run left in the outbox, and whatever is queued from now on."""
    if outbound is not None and isinstance(bot.session, RetrySession):
        session = bot.session
        await outbound.start(lambda item: session.attempt(bot, item))


def dispatcher_for(settings: Settings, services: Services, paging: Paging = Paging()) -> Dispatcher:
    """`build_dispatcher` on the services a door opened (bot/serve/services.py)."""
    stores = services.stores
    return build_dispatcher(settings=settings, engines=services.engines, charts=services.charts,
                            refresher=services.refresher, paging=paging, limiter=stores.limiter,
                            inline_limiter=stores.inline_limiter, outbound=stores.outbound)


def run_bot(settings: Settings, db: Path, *, webhook: str | None = None, listen: str = "127.0.0.1:8080",
            secret: str | None = None) -> int:
    """Run the Telegram bot until SIGINT/SIGTERM; returns the exit code."""
    if settings.token:
        redact_logs(settings.token)
    return asyncio.run(_main(settings, db, webhook, listen, secret))


async def _main(settings: Settings, db: Path, webhook: str | None, listen: str, secret: str | None) -> int:
    try:  # GAOKAO_REDIS_URL set: the same bot on the shared stores (see bot/serve/replicas.py)
        services = await open_services(settings, db)
    except (BotError, OutboxError, SharedStateError) as exc:
        log.error("%s", exc)
        return 1
    stop = asyncio.Event()
    follow_task = services.follow_versions(stop)
    try:
        return await _serve(settings, services, webhook, listen, secret)
    finally:
        stop.set()
        if follow_task is not None:
            await follow_task
        await services.aclose()


async def _serve(settings: Settings, services: Services, webhook: str | None, listen: str, secret: str | None) -> int:
    bot = make_bot(settings, outbound=services.stores.outbound)
    dp = dispatcher_for(settings, services)
    # Everything built so far (aiogram's models, the engine's tables) lives as long as the process: keep
    # it out of the garbage collector's full passes, which otherwise stall the loop for 100+ ms under load.
    gc.collect()
    gc.freeze()
    if webhook:
        return await _run_webhook(dp, bot, webhook, listen, secret or os.environ.get("GAOKAO_WEBHOOK_SECRET"))
    dp.startup.register(_drop_webhook)
    log.info("long polling %s", settings.api_base or "api.telegram.org")
    await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types(), polling_timeout=25,
                           tasks_concurrency_limit=CONCURRENT_UPDATES)
    return 0


async def _drop_webhook(bot: Bot) -> None:
    await bot.delete_webhook(drop_pending_updates=False)


async def _run_webhook(dp: Dispatcher, bot: Bot, url: str, listen: str, secret: str | None) -> int:
    """Serve `url`'s path on `listen`; Telegram must send the secret token with every request."""
    secret = secret or secrets.token_urlsafe(32)
    host, _, port = listen.rpartition(":")
    app = web.Application()
    CheckedRequestHandler(dp, bot, secret_token=secret).register(app, path=urlsplit(url).path or "/")
    setup_application(app, dp, bot=bot)

    async def set_webhook(bot: Bot, **_: Any) -> None:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=dp.resolve_used_update_types())

    dp.startup.register(set_webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host or "127.0.0.1", int(port)).start()
    log.info("webhook listening on %s", listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    await bot.session.close()
    return 0
