"""Shared fixtures: the full public sources (when present) and a database built from them once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def full_sources() -> Path:
    """Where the full sources are: $GAOKAO_SOURCES, else ../shared/data/sources beside the repo."""
    env = os.environ.get("GAOKAO_SOURCES")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "sources"


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The full sources directory, or skip saying why."""
    path = full_sources()
    if not (path / "SOURCES.md").is_file():
        pytest.skip(f"full sources not found at {path} (set GAOKAO_SOURCES); integration test skipped")
    return path


@pytest.fixture(scope="session")
def full_db(sources_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the full sources, once per test session (about a minute)."""
    from etl.build import build

    out = tmp_path_factory.mktemp("full") / "admissions.duckdb"
    build(sources_dir, out)
    return out


@pytest.fixture(scope="session")
def full_engine(full_db: Path):  # type: ignore[no-untyped-def]
    """The answer engine on the full database."""
    from bot.core.answer import Engine

    return Engine.open(full_db)


from tests.redis_server import redis_aof, redis_server  # noqa: E402,F401  (the fixtures, for every test directory)
