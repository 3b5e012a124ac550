"""Regression: /refresh swapped in an engine that still served the OLD data.

DuckDB shares one database instance per path inside a process; opening the replaced file while
the old engine still had it open returned the old instance (Engine.reloaded() has the same
problem). Engines now opens the new file through a fresh hard link and closes the old store
only after the updates in flight are done.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

from bot.core.answer import Engine
from bot.serve.engines import Engines
from tests.telegram.conftest import FAKE_ETL


def replace_db(db: Path, template: Path) -> None:
    """What `python -m etl build` does: a new file renamed over the served one."""
    subprocess.run([sys.executable, str(FAKE_ETL), "--out", str(db), "--template", str(template)], check=True,
                   capture_output=True)


async def test_reload_swaps_a_replaced_file_and_keeps_the_old_engine_for_updates_in_flight(
        tiny_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(tiny_db, db)
    engines = Engines(Engine.open(db))
    assert await engines.reload() is False  # unchanged file: nothing to do
    with engines.lease() as core:
        replace_db(db, tiny_db)
        assert engines.changed_on_disk()
        swap = asyncio.ensure_future(engines.reload())
        await asyncio.sleep(0.5)
        assert engines.current is not core.engine and not swap.done()  # new engine serves, old one drains
        answer = await core.answer("郑大怎么样")  # the pinned old engine still answers (its store is open)
        assert answer.school is not None and answer.school["school"] == "郑州大学"
    assert await swap is True
    assert engines.current.store.build_info["built_at"] == "2026-07-01T00:00:00+00:00"
    assert not engines.changed_on_disk()
    assert not list(tmp_path.glob(".live.duckdb.open-*"))  # the alias link is gone
    await engines.close()


async def test_two_refreshes_in_a_row_each_bring_their_data(tiny_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copyfile(tiny_db, db)
    engines = Engines(Engine.open(db))
    for _ in range(2):
        replace_db(db, tiny_db)
        assert await engines.reload() is True
        assert len(engines.current.store.schools) == 9
    await engines.close()
