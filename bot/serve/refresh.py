"""/refresh for any door: rebuild the database in a child process, then swap it in while the bot keeps answering.

A door supplies a `Progress` (how it shows the build running) and tells the `Outcome` with `outcome_text`.

The ETL writes a temp file and renames it over the served one, so a failed build leaves the old
data in place; the child never sees the bot token.
"""

from __future__ import annotations

import asyncio
import collections
import enum
import logging
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.serve.datainfo import Coverage, coverage, diff_text
from bot.serve.engines import Engines
from bot.serve.publish import Publisher
from bot.settings import Settings

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


class Progress(Protocol):
    """How a door shows a running refresh to whoever asked for it (a chat, a console ...)."""

    async def started(self, text: str) -> None:
        """The build began: show `text` (e.g. as a status message that `update` then replaces)."""

    async def update(self, text: str) -> None:
        """The latest build line, as text to show in place of the previous one (already throttled)."""


class Status(enum.Enum):
    """How a refresh ended."""

    DONE = "done"  # the new database is served
    BUSY = "busy"  # another replica holds the refresh lock: nothing was built here
    FAILED = "failed"  # the build failed: the old database is still served
    UNUSABLE = "unusable"  # the build succeeded but its file could not be opened: the old one is still served


@dataclass(frozen=True, slots=True)
class Outcome:
    """The end of one refresh, for any door to tell (see `outcome_text`)."""

    status: Status
    build: BuildResult | None = None
    error: str = ""  # UNUSABLE: why the new file could not be opened
    before: Coverage | None = None  # DONE: what the old and the new database cover
    after: Coverage | None = None


STARTED = "⏳ 开始更新数据（后台构建，期间照常回答问题）…"


def progress_text(line: str) -> str:
    """The status shown while the build runs: its latest output line."""
    return f"⏳ 正在更新数据…\n{line[:300]}"


def outcome_text(outcome: Outcome) -> str:
    """The admin's message at the end of a refresh."""
    b = outcome.build
    if outcome.status is Status.BUSY:
        return "已有一次数据更新在进行中（另一个实例），请等它完成。"
    if outcome.status is Status.FAILED:
        assert b is not None
        return f"❌ 数据更新失败（退出码 {b.returncode}），继续使用原来的数据。\n最后的输出：\n" + "\n".join(b.tail[-5:])
    if outcome.status is Status.UNUSABLE:
        return f"❌ 新数据库无法打开，继续使用原来的数据：{outcome.error}"
    assert b is not None and outcome.before is not None and outcome.after is not None
    return f"✅ 数据已更新（用时 {b.seconds:.1f} 秒）。\n" + diff_text(outcome.before, outcome.after)


class _Throttled:
    """Passes build lines on to a door's Progress as status text, at most every `every` seconds."""

    def __init__(self, progress: Progress, every: float) -> None:
        self.progress, self.every = progress, every
        self._last = time.monotonic()
        self._shown = ""

    async def __call__(self, line: str) -> None:
        now = time.monotonic()
        text = progress_text(line)
        if now - self._last < self.every or text == self._shown:
            return
        self._last, self._shown = now, text
        await self.progress.update(text)


async def refresh(refresher: Refresher, engines: Engines, progress: Progress) -> Outcome:
    """Build, swap the new database in (publishing it to the other replicas), and say what changed or why
    nothing did. One build at a time across replicas: under another replica's lock the outcome is BUSY."""
    pub = refresher.publisher
    if pub is None:
        return await _refresh(refresher, engines, progress, None)
    if not await pub.lock():
        return Outcome(Status.BUSY)
    try:
        return await _refresh(refresher, engines, progress, pub)
    finally:
        await pub.unlock()


async def _refresh(refresher: Refresher, engines: Engines, progress: Progress, pub: Publisher | None) -> Outcome:
    before = coverage(engines.current.store)
    await progress.started(STARTED)
    out = pub.next_path() if pub is not None else None
    result = await refresher.build(_Throttled(progress, refresher.progress_every), out)
    if not result.ok:
        log.warning("refresh failed (exit %s): %s", result.returncode, " | ".join(result.tail[-3:]))
        return Outcome(Status.FAILED, result)
    try:
        if pub is not None and out is not None:  # every worker swaps on the announcement; this one at once
            await engines.switch(out)
            await pub.publish(out)
        else:
            await engines.reload()
    except Exception as exc:  # the new file is unusable: say why, keep serving the old engine
        log.exception("refresh: new database could not be opened")
        return Outcome(Status.UNUSABLE, result, error=str(exc))
    return Outcome(Status.DONE, result, before=before, after=coverage(engines.current.store))
