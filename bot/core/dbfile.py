"""Opening the database file: the DuckDB settings of every bot connection, and one clear line when it is unusable."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bot.core.errors import DataUnavailable

# DuckDB would otherwise download and load an extension on its own, e.g. `sqlite_scanner` when it is
# handed a SQLite file: the bot reads one local file and never needs one.
CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that never installs or loads a DuckDB extension by itself."""
    return duckdb.connect(str(path), read_only=True, config=dict(CONFIG))


def missing(path: Path) -> DataUnavailable:
    """The error for a database file that does not exist."""
    return DataUnavailable(f"数据库文件 {path} 不存在，请先运行 `python -m etl build --out {path}`")


def unusable(path: Path, exc: Exception) -> DataUnavailable:
    """The one-line error for a database file that exists but cannot be read: what is wrong, what to do."""
    return DataUnavailable(f"数据库文件 {path} 无法打开（{_why(path, exc)}）：请运行 "
                           f"`python -m etl build --out {path}` 重新构建")


def _why(path: Path, exc: Exception) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as err:
        return f"无法读取：{err.strerror or err}"
    text = str(exc)
    if not head:
        return "是空文件"
    if head.startswith(_SQLITE_MAGIC):
        return "是 SQLite 文件，不是 DuckDB 文件"
    if head[8:12] != _DUCKDB_MAGIC:
        return "不是 DuckDB 文件"
    if isinstance(exc, duckdb.CatalogException | duckdb.BinderException):
        return "缺少本程序需要的表或列：不是本项目构建的数据库，或版本过旧"
    if "enough bytes" in text or "truncated" in text.lower():
        return "文件不完整，可能被截断"
    if "lock" in text.lower():
        return "文件被另一个进程以写方式占用"
    if "version" in text.lower():
        return "由不兼容的 DuckDB 版本生成"
    first = text.splitlines()[0] if text else type(exc).__name__
    return f"DuckDB：{first[:160]}"
