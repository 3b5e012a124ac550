"""A real tiny database and an engine on it, shared by the core tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answer import Engine
from tests.tinydb import make_tiny_db


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_db(tmp_path_factory.mktemp("db") / "tiny.duckdb")


@pytest.fixture(scope="session")
def engine(tiny_db: Path) -> Engine:
    return Engine.open(tiny_db)
