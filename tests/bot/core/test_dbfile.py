"""A database file that is not what the bot needs gives one clear line, never a DuckDB traceback or a download."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from bot.core import dbfile
from bot.core.errors import DataUnavailable
from bot.core.store import Store
from tests.tinydb import make_tiny_db

ROOT = Path(__file__).resolve().parents[3]


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 20)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    make_tiny_db(path)
    with path.open("r+b") as fh:
        fh.truncate(os.path.getsize(path) // 3)


def _sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE schools (name TEXT)")
    con.commit()
    con.close()


def _wrong_schema(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE notes (text VARCHAR)")
    con.close()


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage": (_garbage, "不是 DuckDB 文件"),
    "empty": (_empty, "是空文件"),
    "truncated": (_truncated, "文件不完整"),
    "sqlite": (_sqlite, "是 SQLite 文件"),
    "wrong-schema": (_wrong_schema, "缺少本程序需要的表或列"),
}


def _bad_file(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.duckdb"
    KINDS[kind][0](path)
    return path


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_store_says_what_is_wrong_and_what_to_do(tmp_path: Path, kind: str) -> None:
    path = _bad_file(tmp_path, kind)
    with pytest.raises(DataUnavailable) as err:
        Store(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message and KINDS[kind][1] in message
    assert f"python -m etl build --out {path}" in message


def _run_bot(argv: list[str], *, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "GAOKAO_DB")}
    if token:  # nothing may listen there: the bad file must stop the bot before any request
        env.update(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE="http://127.0.0.1:9")
    return subprocess.run([sys.executable, "-m", "bot", *argv], capture_output=True, text=True, cwd=ROOT,
                          env=env, stdin=subprocess.DEVNULL, timeout=120)


def _assert_one_line(proc: subprocess.CompletedProcess[str], path: Path, why: str) -> None:
    assert proc.returncode != 0
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0] and why in lines[0] and "etl build" in lines[0]
    assert "Traceback" not in proc.stderr and "sqlite_scanner" not in proc.stderr


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_ask_gives_one_line(tmp_path: Path, kind: str) -> None:
    path = _bad_file(tmp_path, kind)
    _assert_one_line(_run_bot(["--db", str(path), "ask", "河南 理科 447200"]), path, KINDS[kind][1])


@pytest.mark.parametrize("argv,token", [(["chat"], None), (["run"], "123:fake"), ([], "123:fake")],
                         ids=["chat", "run", "bare-with-token"])
def test_chat_and_run_give_one_line(tmp_path: Path, argv: list[str], token: str | None) -> None:
    path = _bad_file(tmp_path, "sqlite")
    _assert_one_line(_run_bot(["--db", str(path), *argv], token=token), path, KINDS["sqlite"][1])


def test_connections_never_install_or_load_an_extension(tiny_db: Path) -> None:
    store = Store(tiny_db)
    try:
        settings = store._q("SELECT current_setting('autoinstall_known_extensions'), "
                            "current_setting('autoload_known_extensions')")
    finally:
        store.close()
    assert settings == [(False, False)]


def test_a_sqlite_file_is_not_handed_to_an_extension(tmp_path: Path) -> None:
    """Without the settings DuckDB goes to fetch `sqlite_scanner` from the internet for a SQLite file."""
    path = _bad_file(tmp_path, "sqlite")
    with pytest.raises(duckdb.Error) as err:
        dbfile.connect(path)
    assert "Could not establish connection" not in str(err.value)  # the failed download of sqlite_scanner


async def test_a_reload_onto_a_bad_file_names_the_served_path_and_keeps_serving(tiny_db: Path, tmp_path: Path,
                                                                                caplog: pytest.LogCaptureFixture) -> None:
    from bot.core.answer import Engine
    from bot.serve.engines import Engines

    db = tmp_path / "live.duckdb"
    db.write_bytes(tiny_db.read_bytes())
    engines = Engines(Engine.open(db))
    replacement = tmp_path / "new.duckdb"
    _sqlite(replacement)
    os.replace(replacement, db)  # what a broken build would publish
    with pytest.raises(DataUnavailable) as err:
        await engines.reload()
    assert f"数据库文件 {db} 无法打开（是 SQLite 文件" in str(err.value)  # not the private alias it opened
    assert engines.current.answer("郑大怎么样").school is not None  # the old engine still answers
    logged = [r for r in caplog.records if "reload failed" in r.getMessage()]
    assert logged and all(r.exc_info is None for r in logged)  # one line, no traceback
    await engines.close()
