"""The tiny hand-made database (Henan 2023–2025) shared by the back-test tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.store import Store
from tests.tinydb import make_tiny_db


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_db(tmp_path_factory.mktemp("db") / "tiny.duckdb")


@pytest.fixture(scope="session")
def tiny_store(tiny_db: Path) -> Store:
    return Store(tiny_db)
