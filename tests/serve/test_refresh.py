"""/refresh without a chat: a door's Progress sees the build, the Outcome says what happened."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bot.core.answer import Engine
from bot.serve.engines import Engines
from bot.serve.refresh import (
    STARTED,
    BuildResult,
    Outcome,
    Refresher,
    Status,
    outcome_text,
    progress_text,
    refresh,
)

FAKE_ETL = Path(__file__).resolve().parents[1] / "telegram" / "fake_etl.py"


class Shown:
    """A door that keeps what it would have shown."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def started(self, text: str) -> None:
        self.texts.append(text)

    async def update(self, text: str) -> None:
        self.texts.append(text)


def served(tiny_db: Path, tmp_path: Path, *flags: str, every: float = 0.0) -> tuple[Engines, Refresher]:
    db = tmp_path / "served.duckdb"
    shutil.copyfile(tiny_db, db)
    argv = [sys.executable, str(FAKE_ETL), "--out", str(db), "--template", str(tiny_db), *flags]
    return Engines(Engine.open(db)), Refresher(argv, progress_every=every)


async def test_a_refresh_swaps_the_new_data_in_and_says_what_changed(tiny_db: Path, tmp_path: Path) -> None:
    engines, refresher = served(tiny_db, tmp_path)
    shown = Shown()
    outcome = await refresh(refresher, engines, shown)
    assert outcome.status is Status.DONE and outcome.build is not None and outcome.build.ok
    assert shown.texts[0] == STARTED and len(shown.texts) > 1
    assert all(t.startswith(progress_text("")) for t in shown.texts[1:])
    assert len(engines.current.store.schools) == 9
    text = outcome_text(outcome)
    assert text.startswith("✅ 数据已更新") and "学校：8 → 9（+1）" in text
    await engines.close()


async def test_a_failed_build_keeps_the_old_data_and_shows_its_last_lines(tiny_db: Path, tmp_path: Path) -> None:
    engines, refresher = served(tiny_db, tmp_path, "--fail")
    outcome = await refresh(refresher, engines, Shown())
    assert outcome.status is Status.FAILED and outcome.build is not None and outcome.build.returncode == 1
    assert len(engines.current.store.schools) == 8
    text = outcome_text(outcome)
    assert "退出码 1" in text and outcome.build.tail[-1] in text
    await engines.close()


async def test_progress_is_throttled(tiny_db: Path, tmp_path: Path) -> None:
    engines, refresher = served(tiny_db, tmp_path, every=3600.0)
    shown = Shown()
    assert (await refresh(refresher, engines, shown)).status is Status.DONE
    assert shown.texts == [STARTED]  # no build line within the hour
    await engines.close()


def test_every_outcome_has_its_text() -> None:
    build = BuildResult(True, 0, ("done",), 1.0)
    assert "另一个实例" in outcome_text(Outcome(Status.BUSY))
    assert outcome_text(Outcome(Status.UNUSABLE, build, error="not a database")).endswith("not a database")
    assert len(progress_text("x" * 1000)) < 320


def test_the_build_child_never_sees_the_token() -> None:
    r = Refresher(["true"], env={"TELEGRAM_BOT_TOKEN": "1:secret", "PATH": "/bin"})
    assert "TELEGRAM_BOT_TOKEN" not in r.env and r.env["PATH"] == "/bin"
