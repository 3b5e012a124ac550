"""Every command has --help text (and says what it does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "argv",
    [["etl"], ["etl", "build"], ["etl", "coverage"], ["etl", "info"], ["etl", "fetch"], ["etl", "manifest"],
     ["bot"], ["bot", "run"], ["bot", "ask"], ["bot", "chat"], ["bot.backtest"]],
    ids=" ".join,
)
def test_help(argv: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", *argv, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "usage:" in proc.stdout
    assert len(proc.stdout.splitlines()) >= 4
