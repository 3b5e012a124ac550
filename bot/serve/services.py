"""What a door opens at start-up and shares with its handlers: the engine, the stores, the refresher, charts.

A door (Telegram today) builds its own handlers around a `Services`; nothing here imports a chat library.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.core.answer import Engine
from bot.serve.charts import ChartMaker, find_cjk_font
from bot.serve.engines import Engines
from bot.serve.publish import follow, follower
from bot.serve.refresh import Refresher, etl_command
from bot.serve.replicas import newest_database, open_shared
from bot.serve.stores import Stores, local_stores, shared_stores
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Services:
    """One process's services; with Redis, database versions published by any replica are followed."""

    engines: Engines
    stores: Stores
    refresher: Refresher
    charts: ChartMaker

    def follow_versions(self, stop: asyncio.Event) -> asyncio.Task[None] | None:
        """Swap in every database version another replica publishes, until `stop` is set (None without Redis)."""
        shared = self.stores.shared
        if shared is None:
            return None
        return asyncio.create_task(follow(shared.redis, follower(self.engines.switch, lambda: self.engines.current), stop))

    async def aclose(self) -> None:
        """Disconnect from Redis (the engine, the outbox and charts close with the door's shutdown)."""
        if self.stores.shared is not None:
            await self.stores.shared.redis.aclose()


async def open_services(settings: Settings, db: Path) -> Services:
    """Open the stores (Redis when GAOKAO_REDIS_URL is set) and the engine on the newest database version.

    Raises BotError (the database), OutboxError (the outbox file) or SharedStateError (Redis), each with
    one line that says what is wrong.
    """
    if not settings.redis_url:
        engine = await asyncio.to_thread(Engine.open, db)
        stores = local_stores(settings, db)
    else:
        shared = await open_shared(settings, db)
        try:
            engine = await asyncio.to_thread(Engine.open, await newest_database(shared.publisher, db))
        except BaseException:
            await shared.redis.aclose()
            raise
        stores = shared_stores(shared)
    refresher = Refresher(etl_command(settings, db), publisher=stores.publisher)
    return Services(Engines(engine), stores, refresher, ChartMaker(find_cjk_font()))
