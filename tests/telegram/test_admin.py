"""/refresh and /datainfo: admins only, a background build, the new data swapped in, failures keep the old."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.serve.refresh import etl_command
from bot.settings import Settings
from tests.telegram.conftest import ADMIN, Harness, make_harness


async def served(tg_db: Path, tmp_path: Path, flags: Sequence[str]) -> Harness:
    """A harness serving a copy of the tiny database; its /refresh runs fake_etl.py over that copy."""
    db = tmp_path / "served.duckdb"
    shutil.copyfile(tg_db, db)
    return await make_harness(db, etl_flags=["--template", str(tg_db), *flags])


def texts(h: Harness) -> list[str]:
    return h.session.texts()


async def test_refresh_is_refused_and_logged_for_non_admins(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.telegram"):
        sent = await h.say("/refresh", user_id=5, chat_id=5)
    assert len(sent) == 1 and "只有管理员" in sent[0].text
    assert not h.refresher.busy
    assert any("refresh refused" in r.getMessage() and "5" in r.getMessage() for r in caplog.records)


async def test_refresh_swaps_in_the_new_database_and_reports_coverage(tg_db: Path, tmp_path: Path) -> None:
    h = await served(tg_db, tmp_path, [])
    old = h.engines.current
    await h.say("/refresh", user_id=ADMIN, chat_id=ADMIN)
    await h.refresher.wait()
    out = "\n".join(texts(h))
    assert "开始更新数据" in out and "✅ 数据已更新" in out
    assert "2026-01-01T00:00:00+00:00 → 2026-07-01T00:00:00+00:00" in out
    assert "学校：8 → 9（+1）" in out
    assert h.engines.current is not old
    assert (await h.say("河南理工大学怎么样"))[0].text.startswith("【河南理工大学】")
    await h.engines.close()


async def test_progress_lines_are_posted_by_editing_the_status_message(tg_db: Path, tmp_path: Path) -> None:
    h = await served(tg_db, tmp_path, [])
    await h.say("/refresh", user_id=ADMIN, chat_id=ADMIN)
    await h.refresher.wait()
    edits = [r.text for r in h.session.sends("EditMessageText")]
    assert edits and all(t.startswith("⏳ 正在更新数据") for t in edits)
    assert any("building" in t for t in edits)
    await h.engines.close()


async def test_failed_refresh_keeps_the_old_data_and_says_why(tg_db: Path, tmp_path: Path) -> None:
    h = await served(tg_db, tmp_path, ["--fail"])
    old = h.engines.current
    await h.say("/refresh", user_id=ADMIN, chat_id=ADMIN)
    await h.refresher.wait()
    failure = texts(h)[-1]
    assert "❌ 数据更新失败（退出码 1）" in failure and "sources directory not found" in failure
    assert h.engines.current is old
    assert "【郑州大学】" in (await h.say("郑大怎么样"))[0].text
    await h.engines.close()


async def test_the_bot_keeps_answering_during_a_refresh(tg_db: Path, tmp_path: Path) -> None:
    h = await served(tg_db, tmp_path, ["--sleep", "1.5"])
    await h.say("/refresh", user_id=ADMIN, chat_id=ADMIN)
    assert h.refresher.busy
    sent = await h.say("郑大怎么样", chat_id=2002)
    assert "【郑州大学】" in sent[0].text and h.refresher.busy
    busy = await h.say("/refresh", user_id=ADMIN, chat_id=ADMIN)
    assert "进行中" in busy[0].text
    await h.refresher.wait()
    await h.engines.close()


async def test_the_real_etl_failing_is_reported_with_its_last_lines(tg_db: Path, tmp_path: Path) -> None:
    h = await served(tg_db, tmp_path, [])
    settings = Settings(sources=tmp_path / "no-such-sources")
    h.refresher.argv = etl_command(settings, tmp_path / "served.duckdb")
    assert h.refresher.argv[:4] == [sys.executable, "-m", "etl", "build"]
    await h.say("/refresh", user_id=ADMIN, chat_id=ADMIN)
    await asyncio.wait_for(h.refresher.wait(), 60)
    assert "❌" in texts(h)[-1] and "no-such-sources" in texts(h)[-1]
    await h.engines.close()
