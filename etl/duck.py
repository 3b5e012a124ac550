"""The one way the ETL opens a DuckDB file: never installing or loading an extension by itself."""

from __future__ import annotations

from pathlib import Path

import duckdb

# DuckDB would otherwise download an extension on its own (e.g. `sqlite_scanner` for a SQLite file
# given as the database); the ETL needs none, and must not touch the network while building.
CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to `path` with automatic extension install and load turned off."""
    return duckdb.connect(str(path), read_only=read_only, config=dict(CONFIG))
