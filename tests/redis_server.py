"""A real redis-server for the tests: started on a free loopback port in a temporary directory, stopped after.

Without the binary the tests that need it skip, saying why; in CI (CI=true) they fail instead, since CI
must have it (`make test` installs Debian's redis-server package when run as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process; `stop` and `start` again keep the port (a restart, as far as clients see)."""

    def __init__(self, binary: str, directory: Path, appendonly: bool = False, appendfsync: str = "everysec") -> None:
        self.binary, self.directory, self.appendonly, self.appendfsync = binary, directory, appendonly, appendfsync
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """redis://127.0.0.1:PORT/0"""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir",
                str(self.directory), "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", self.appendfsync]
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 (the process keeps it)
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.directory / 'redis.log').read_text()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start within 10 s")

    def kill(self) -> None:
        """SIGKILL it (a crash of the process: what it wrote to its AOF is in the page cache)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self, down: float = 0.0, *, crash: bool = False) -> None:
        """Stop it (SHUTDOWN via SIGTERM, or SIGKILL with `crash`), stay down `down` seconds, start it again on
        the same port and data directory."""
        if crash:
            self.kill()
        else:
            self.stop()
        time.sleep(down)
        self.start()

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def redis_binary() -> str:
    """The redis-server binary, or skip (fail in CI) saying why."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (apt-get install redis-server, or run `make test` as root)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}: CI must run the Redis tests")
        pytest.skip(reason)
    return binary


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A fresh redis-server for one test."""
    server = RedisServer(redis_binary(), tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_aof(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A fresh redis-server with AOF (appendfsync everysec), for restarts that must keep the data."""
    server = RedisServer(redis_binary(), tmp_path_factory.mktemp("redis"), appendonly=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()
