"""Tests for the gaokao.cn major catalogue origin, which yields no rows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.sources.mcp_server_gaokao import ORIGIN, SKIPPED, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)


def test_yields_nothing_and_lists_the_catalogue_as_skipped() -> None:
    assert list(read(FIXTURES)) == []
    assert list(SKIPPED) == ["mcp_server_gaokao/data/all_major.json"]
    assert all((FIXTURES / ORIGIN / rel).is_file() for rel in SKIPPED)


@pytest.mark.integration
@needs_sources
def test_every_file_of_the_origin_is_accounted_for() -> None:
    files = {p.relative_to(SOURCES / ORIGIN).as_posix() for p in (SOURCES / ORIGIN).rglob("*") if p.is_file()}
    assert files == set(SKIPPED)
    assert list(read(SOURCES)) == []
