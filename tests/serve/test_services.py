"""What a door opens at start-up: local stores by default, Redis ones with GAOKAO_REDIS_URL."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.core.errors import BotError
from bot.serve.ratelimit import RateLimiter
from bot.serve.services import open_services
from bot.serve.shared import RedisRateLimiter, SharedStateError
from bot.settings import Settings
from tests.redis_server import RedisServer


async def test_one_process_keeps_its_stores_locally(tiny_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    shutil.copyfile(tiny_db, db)
    services = await open_services(Settings(db=db, outbox=tmp_path / "out.sqlite"), db)
    assert services.stores.shared is None and services.stores.publisher is None
    assert isinstance(services.stores.limiter, RateLimiter) and (tmp_path / "out.sqlite").exists()
    assert services.engines.db == db and services.refresher.argv[-2:] == ["--out", str(db)]
    assert services.follow_versions(asyncio.Event()) is None
    await services.engines.close()
    await services.stores.outbound.close()
    await services.aclose()


async def test_a_bad_database_is_one_error(tmp_path: Path) -> None:
    db = tmp_path / "missing.duckdb"
    with pytest.raises(BotError):
        await open_services(Settings(db=db), db)


async def test_with_redis_the_stores_are_shared(tiny_db: Path, tmp_path: Path, redis_server: RedisServer) -> None:
    db = tmp_path / "a.duckdb"
    shutil.copyfile(tiny_db, db)
    services = await open_services(Settings(db=db, redis_url=redis_server.url, publish_dir=tmp_path), db)
    assert services.stores.shared is not None and services.refresher.publisher is services.stores.publisher
    assert isinstance(services.stores.limiter, RedisRateLimiter)
    stop = asyncio.Event()
    task = services.follow_versions(stop)
    assert task is not None
    stop.set()
    await task
    await services.engines.close()
    await services.aclose()


async def test_redis_that_does_not_answer_is_one_error(tiny_db: Path) -> None:
    with pytest.raises(SharedStateError):
        await open_services(Settings(db=tiny_db, redis_url="redis://127.0.0.1:1/0"), tiny_db)
