"""A replica set for tests and benchmarks: one receiver (`python -m bot web`) and N workers against the fake
Bot API and a redis-server; updates are posted to the receiver as Telegram's webhook would."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout

from bot.serve.receiver import SECRET_HEADER
from tests.telegram.fake_api import FakeBotAPI, free_port, spawn_bot, stop_bot

SECRET = "replica-test-secret"
READY = "answering updates from Redis"


@dataclass
class Replicas:
    """The processes, where to post updates, and their logs."""

    api: FakeBotAPI
    db: Path
    tmp: Path
    env: dict[str, str]
    url: str = ""
    receiver: asyncio.subprocess.Process | None = None
    workers: list[asyncio.subprocess.Process] = field(default_factory=list)
    session: ClientSession | None = None

    def log(self, name: str) -> Path:
        """A process's log file."""
        return self.tmp / f"{name}.log"

    def logs(self) -> str:
        """Every log, for assertion messages."""
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.tmp.glob("*.log")))

    async def start_worker(self, i: int) -> asyncio.subprocess.Process:
        """Start worker `i` and wait until it reads from Redis."""
        proc = await spawn_bot(self.api.base_url, self.db, self.log(f"worker{i}"), args=("worker",),
                               extra_env=self.env, verbose=False)
        deadline = time.monotonic() + 60
        while READY not in self.log(f"worker{i}").read_text(errors="replace"):
            assert proc.returncode is None and time.monotonic() < deadline, self.logs()
            await asyncio.sleep(0.1)
        self.workers.append(proc)
        return proc

    async def start(self, workers: int) -> None:
        """The receiver, then `workers` workers."""
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/hook"
        self.receiver = await spawn_bot(self.api.base_url, self.db, self.log("receiver"),
                                        args=("web", "--listen", f"127.0.0.1:{port}", "--path", "/hook"),
                                        extra_env={**self.env, "GAOKAO_WEBHOOK_SECRET": SECRET}, verbose=False)
        self.session = ClientSession(timeout=ClientTimeout(total=10))
        deadline = time.monotonic() + 20
        while True:
            try:
                async with self.session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass  # not listening yet
            assert self.receiver.returncode is None and time.monotonic() < deadline, self.logs()
            await asyncio.sleep(0.05)
        await asyncio.gather(*(self.start_worker(i) for i in range(workers)))

    async def post(self, update: dict[str, Any]) -> int:
        """Post one update as Telegram does; returns the HTTP status."""
        assert self.session is not None
        async with self.session.post(self.url, data=json.dumps(update, ensure_ascii=False).encode(),
                                     headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"}) as resp:
            return resp.status

    async def deliver(self, update: dict[str, Any], retry: float = 0.2, timeout: float = 60.0) -> int:
        """Post as Telegram does, again every `retry` seconds until the receiver answers 200 (Telegram retries a
        503 or a failed connection); returns how many times it was refused."""
        refused = 0
        deadline = time.monotonic() + timeout
        while True:
            try:
                if await self.post(update) == 200:
                    return refused
            except (OSError, TimeoutError):
                pass  # the receiver did not answer: Telegram retries
            refused += 1
            assert time.monotonic() < deadline, f"update {update['update_id']} never confirmed\n{self.logs()}"
            await asyncio.sleep(retry)

    async def stop(self) -> list[int]:
        """SIGTERM everything still running; the exit codes."""
        codes = [await stop_bot(p) for p in (*self.workers, *([self.receiver] if self.receiver else []))
                 if p.returncode is None]
        if self.session is not None:
            await self.session.close()
        return codes
