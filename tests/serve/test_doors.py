"""Code every door needs (bot/serve) and the core (bot/core) load without aiogram, so a second door can reuse them."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import bot.core
import bot.serve

ROOT = Path(__file__).resolve().parents[2]


def modules() -> list[str]:
    """Every module of bot.core and bot.serve."""
    return sorted(m.name for pkg in (bot.core, bot.serve)
                  for m in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."))


def test_the_door_agnostic_packages_have_the_moved_modules() -> None:
    names = set(modules())
    for moved in ("engines", "refresh", "stores", "services", "charts", "datainfo", "redact", "outbox", "replicas"):
        assert f"bot.serve.{moved}" in names
    assert "bot.core.answer" in names


def test_importing_bot_serve_and_bot_core_never_imports_aiogram() -> None:
    code = ("import importlib, json, sys\n"
            f"for name in {modules()!r}:\n"
            "    importlib.import_module(name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m == 'aiogram' or m.startswith('aiogram.'))))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_bot_telegram_does_import_aiogram() -> None:
    """The check above can fail: the Telegram door does pull aiogram in."""
    code = "import sys, bot.telegram.app; print('aiogram' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "True", out.stderr
