"""/refresh: rebuild the database in a child process, then swap it in while the bot keeps answering.

The ETL writes a temp file and renames it over the served one, so a failed build leaves the old
data in place; the child never sees the bot token.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.serve.publish import Publisher
from bot.settings import Settings
from bot.telegram.datainfo import coverage, diff_text
from bot.telegram.engines import Engines

log = logging.getLogger(__name__)

_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ [A-Z]+ [\w.]+: ")
TAIL_LINES = 8


@dataclass(frozen=True, slots=True)
class BuildResult:
    """How the child process ended."""

    ok: bool
    returncode: int | None
    tail: tuple[str, ...]  # its last output lines
    seconds: float


def etl_command(settings: Settings, db: Path) -> list[str]:
    """`python -m etl build [--sources S] --out DB`, or GAOKAO_BUILD_COMMAND with `--out DB`."""
    if settings.build_command:
        return [*settings.build_command, "--out", str(db)]
    argv = [sys.executable, "-m", "etl", "build"]
    if settings.sources is not None:
        argv += ["--sources", str(settings.sources)]
    return argv + ["--out", str(db)]


class Refresher:
    """Runs one build at a time in a child process; `start` runs a whole refresh job in the background."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str] | None = None, *,
                 progress_every: float = 3.0, timeout: float = 3600.0, publisher: Publisher | None = None) -> None:
        self.argv = list(argv)
        self.publisher = publisher  # several workers: one build at a time, published to all
        base = dict(os.environ if env is None else env)
        self.env = {k: v for k, v in base.items() if k != "TELEGRAM_BOT_TOKEN"}
        self.progress_every = progress_every
        self.timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._proc: asyncio.subprocess.Process | None = None

    @property
    def busy(self) -> bool:
        """A refresh is running."""
        return self._task is not None and not self._task.done()

    def start(self, job: Coroutine[Any, Any, None]) -> bool:
        """Run `job` in the background unless a refresh is already running."""
        if self.busy:
            job.close()
            return False
        self._task = asyncio.get_running_loop().create_task(job)
        self._task.add_done_callback(_log_failure)
        return True

    async def wait(self) -> None:
        """Wait for the running refresh, if any (tests, shutdown)."""
        if self._task is not None:
            await asyncio.wait([self._task])

    async def build(self, on_line: Callable[[str], Awaitable[None]], out: Path | None = None) -> BuildResult:
        """Run the build command (writing `out` instead of its own --out when given), reporting each output
        line; never raises for a failed build."""
        t0 = time.monotonic()
        argv = self.argv
        if out is not None:
            if len(argv) < 2 or argv[-2] != "--out":
                raise ValueError("the build command does not end with --out FILE")
            argv = [*argv[:-1], str(out)]
        tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        try:
            self._proc = proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, env=self.env, limit=1 << 20)
        except OSError as exc:
            return BuildResult(False, None, (f"cannot start the build: {exc}",), time.monotonic() - t0)
        try:
            await asyncio.wait_for(self._pump(proc, tail, on_line), self.timeout)
            code = await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            tail.append(f"build timed out after {self.timeout:.0f}s")
            code = None
        finally:
            self._proc = None
        return BuildResult(code == 0, code, tuple(tail), time.monotonic() - t0)

    async def _pump(self, proc: asyncio.subprocess.Process, tail: collections.deque[str],
                    on_line: Callable[[str], Awaitable[None]]) -> None:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            line = _LOG_PREFIX.sub("", raw.decode("utf-8", "replace").rstrip())
            if line:
                tail.append(line)
                await on_line(line)

    async def stop(self) -> None:
        """Stop a running build (the ETL leaves the served file untouched) and the job."""
        if self._proc is not None and self._proc.returncode is None:
            self._proc.terminate()
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task])


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("refresh job failed", exc_info=task.exception())


class _Progress:
    """Edits one status message with the latest build line, at most every `every` seconds."""

    def __init__(self, bot: Bot, chat_id: int, message_id: int, every: float) -> None:
        self.bot, self.chat_id, self.message_id, self.every = bot, chat_id, message_id, every
        self._last = time.monotonic()
        self._shown = ""

    async def __call__(self, line: str) -> None:
        now = time.monotonic()
        text = f"⏳ 正在更新数据…\n{line[:300]}"
        if now - self._last < self.every or text == self._shown:
            return
        self._last, self._shown = now, text
        try:
            await self.bot.edit_message_text(text=text, chat_id=self.chat_id, message_id=self.message_id)
        except TelegramAPIError as exc:  # progress is cosmetic: the build goes on
            log.warning("refresh progress not shown: %s", exc)


async def refresh_job(bot: Bot, chat_id: int, refresher: Refresher, engines: Engines) -> None:
    """Build, swap the new database in, and report what changed (or why nothing did)."""
    pub = refresher.publisher
    if pub is None:
        await _refresh(bot, chat_id, refresher, engines, None)
        return
    if not await pub.lock():
        await bot.send_message(chat_id, "已有一次数据更新在进行中（另一个实例），请等它完成。")
        return
    try:
        await _refresh(bot, chat_id, refresher, engines, pub)
    finally:
        await pub.unlock()


async def _refresh(bot: Bot, chat_id: int, refresher: Refresher, engines: Engines, pub: Publisher | None) -> None:
    before = coverage(engines.current.store)
    status = await bot.send_message(chat_id, "⏳ 开始更新数据（后台构建，期间照常回答问题）…")
    out = pub.next_path() if pub is not None else None
    result = await refresher.build(_Progress(bot, chat_id, status.message_id, refresher.progress_every), out)
    if not result.ok:
        log.warning("refresh failed (exit %s): %s", result.returncode, " | ".join(result.tail[-3:]))
        await bot.send_message(chat_id, f"❌ 数据更新失败（退出码 {result.returncode}），继续使用原来的数据。\n"
                                        "最后的输出：\n" + "\n".join(result.tail[-5:]))
        return
    try:
        if pub is not None and out is not None:  # every worker swaps on the announcement; this one at once
            await engines.switch(out)
            await pub.publish(out)
        else:
            await engines.reload()
    except Exception as exc:  # the new file is unusable: say why, keep serving the old engine
        log.exception("refresh: new database could not be opened")
        await bot.send_message(chat_id, f"❌ 新数据库无法打开，继续使用原来的数据：{exc}")
        return
    after = coverage(engines.current.store)
    await bot.send_message(chat_id, f"✅ 数据已更新（用时 {result.seconds:.1f} 秒）。\n" + diff_text(before, after))
