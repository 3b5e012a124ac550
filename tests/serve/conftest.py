"""A real tiny database, written once for the serving tests (tests that replace it work on a copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tinydb import make_tiny_db


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_db(tmp_path_factory.mktemp("serve") / "tiny.duckdb")
