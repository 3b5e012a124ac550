"""gaokao.cn major catalogue (pypi__mcp-server-gaokao): no school-level facts, so nothing is read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from etl.rows import Row

ORIGIN = "pypi__mcp-server-gaokao"

SKIPPED: dict[str, str] = {
    "mcp_server_gaokao/data/all_major.json": "major catalogue (1,914 majors: spcode, level1-3, degree, years, "
    "salary, gender ratio) with no school in any record; no row type holds major-only facts",
}


def read(root: Path) -> Iterator[Row]:
    """Yield nothing: the origin's only file is a major catalogue without schools."""
    del root
    yield from ()
