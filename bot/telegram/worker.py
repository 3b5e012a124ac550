"""`python -m bot worker`: answers the updates the receiver (`python -m bot web`) queued in Redis.

Any number of workers, on any machine that reaches Redis and the publish directory, share one
consumer group, the rate limits, the pacing budgets, the outbox and the database versions.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from pathlib import Path
from typing import Any

from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Update
from redis.exceptions import RedisError

from bot.core.errors import BotError
from bot.serve.redact import redact_logs
from bot.serve.services import open_services
from bot.serve.shared import SharedStateError
from bot.serve.stream import Consumer
from bot.settings import Settings
from bot.telegram.app import dispatcher_for, make_bot

log = logging.getLogger(__name__)

def run_worker(settings: Settings, db: Path, concurrency: int = 64) -> int:
    """Answer queued updates until SIGINT/SIGTERM; returns the exit code."""
    if not settings.redis_url:
        log.error("GAOKAO_REDIS_URL is not set: a worker reads its updates from Redis (redis://host:6379/0)")
        return 2
    if settings.token:
        redact_logs(settings.token)
    try:
        return asyncio.run(_work(settings, db, concurrency))
    except (BotError, SharedStateError) as exc:
        log.error("%s", exc)
        return 1


async def _leave_pending(event: ErrorEvent) -> None:
    """Redis failed while the update was answered (it restarts, or the network blinked): no apology to the user;
    the update stays pending in the stream and is answered again once Redis is back (stream.Consumer)."""
    raise event.exception


async def _work(settings: Settings, db: Path, concurrency: int) -> int:
    services = await open_services(settings, db)
    shared, engines = services.stores.shared, services.engines
    assert shared is not None  # settings.redis_url is set
    bot = make_bot(settings, outbound=shared.outbound)
    dp = dispatcher_for(settings, services)

    dp.errors.register(_leave_pending, ExceptionTypeFilter(RedisError))  # before the routers' apology

    async def handle(update: dict[str, Any]) -> None:
        await dp.feed_update(bot, Update.model_validate(update, context={"bot": bot}))

    consumer = Consumer(shared.redis, shared.name, handle, claim_idle=settings.claim_idle, concurrency=concurrency)
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    data = {"dispatcher": dp, "bots": [bot], **dp.workflow_data}
    await dp.emit_startup(bot=bot, **data)
    follow_task = services.follow_versions(stop)
    log.warning("worker %s answering updates from Redis (database %s)", shared.name, engines.db)
    try:
        await consumer.run(stop)
    finally:
        stop.set()
        if follow_task is not None:
            await follow_task
        log.warning("worker %s stopping: %d updates answered, %d duplicates skipped, %d taken over",
                    shared.name, consumer.handled, consumer.duplicates, consumer.claimed)
        await dp.emit_shutdown(bot=bot, **data)
        await bot.session.close()
        await services.aclose()
    return 0
