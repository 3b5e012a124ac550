"""Every command line the READMEs document runs: a README edit that documents a broken command fails here.

Command lines are the lines of the code blocks and every `python -m …` or `make …` in backticks. Each runs
for real on a tiny database and a tiny sources tree, except those that need a token, the network or that
write into the repository: those run with --help, and their documented options must appear in the help.
`make` targets run as a dry run (`make -n`).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.etl.test_build import write_sources
from tests.tinydb import make_tiny_db

ROOT = Path(__file__).resolve().parents[1]
READMES = ("README.md", "README.zh-CN.md")
# (module, sub-command) that need a token, the network or Redis, or write into the repository (docs/backtest.md);
# `web` and `worker` run for real in tests/telegram/test_replicas_e2e.py
HELP_ONLY = {("etl", "fetch"), ("bot", "run"), ("bot", "web"), ("bot", "worker"), ("bot.backtest", "")}
_OPTIONAL = re.compile(r"\s*\[([^\]]*)\]")
_PLACEHOLDER = re.compile(r"\b(?:URL|DIR|FILE)\b")


def command_lines(text: str) -> list[str]:
    """The command lines of a Markdown text: code-block lines (not of a ```text block: an example's output) and
    backticked `python -m`/`make` spans."""
    found: list[str] = []
    for lang, block in re.findall(r"```([a-z]*)\n(.*?)```", text, flags=re.DOTALL):
        if lang != "text":
            found += [line.split(" #", 1)[0].strip() for line in block.splitlines() if line.strip()]
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    found += [span.strip() for span in re.findall(r"`([^`\n]+)`", prose)
              if span.startswith(("python -m ", "make ")) or span == "python -m bot"]
    return list(dict.fromkeys(c for c in found if c))


def _all_commands() -> list[str]:
    return list(dict.fromkeys(c for name in READMES for c in command_lines((ROOT / name).read_text(encoding="utf-8"))))


def test_the_readmes_document_commands() -> None:
    commands = _all_commands()
    assert commands[:2] == ["make run", "make test"]  # the README's first code block
    assert any(c.startswith("python -m etl build") for c in commands)
    assert any(c.startswith("python -m bot ask") for c in commands)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("readme")
    return {"db": make_tiny_db(base / "tiny.duckdb"), "sources": write_sources(base / "sources")}


def _env(tmp: Path, world: dict[str, Path], module: str, sub: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "GAOKAO_"))}
    db = tmp / "admissions.duckdb"
    if (module, sub) != ("etl", "build"):
        shutil.copyfile(world["db"], db)
    env.update(GAOKAO_DB=str(db), GAOKAO_SOURCES=str(world["sources"]), PYTHONPATH=str(ROOT))
    return env


@pytest.mark.parametrize("command", _all_commands())
def test_a_documented_command_runs(command: str, tmp_path: Path, world: dict[str, Path]) -> None:
    if command.startswith("make "):
        proc = subprocess.run(["make", "-n", *shlex.split(command)[1:]], capture_output=True, text=True, cwd=ROOT,
                              timeout=60)
        assert proc.returncode == 0, proc.stderr
        return
    assert command.startswith("python -m "), f"not a command this test knows how to run: {command}"
    optional = " ".join(_OPTIONAL.findall(command))
    argv = shlex.split(_OPTIONAL.sub("", command))[2:]
    module = argv[0]
    sub = next((a for a in argv[1:] if not a.startswith("-")), "") if module in ("etl", "bot") else ""
    help_only = (module, sub) in HELP_ONLY or bool(_PLACEHOLDER.search(" ".join(argv)))
    if help_only:
        argv = [a for a in argv if not _PLACEHOLDER.fullmatch(a)]
        argv = argv[: argv.index(sub) + 1] if sub else argv[:1]
        argv.append("--help")
    # cwd is a scratch directory: no .env with a real token, and nothing written into the repository
    proc = subprocess.run([sys.executable, "-m", *argv], capture_output=True, text=True, cwd=tmp_path,
                          env=_env(tmp_path, world, module, sub), input="exit\n", timeout=300)
    assert proc.returncode == 0, f"{command}: {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr
    if help_only or optional:
        shown = proc.stdout if help_only else subprocess.run(
            [sys.executable, "-m", *argv[: argv.index(sub) + 1 if sub else 1], "--help"], capture_output=True,
            text=True, cwd=tmp_path, timeout=60).stdout
        for flag in re.findall(r"--[a-z][a-z-]*", optional + " " + command):
            assert flag in shown, f"{command}: {flag} is not an option"
    else:
        assert proc.stdout.strip() or proc.stderr.strip()


def test_an_example_output_block_is_not_read_as_commands() -> None:
    text = "```\nmake test\n```\n\n```text\n• 北京大学 2025 位次≈100\n```\n`python -m bot ask \"河南 理科 447200\"`"
    assert command_lines(text) == ["make test", 'python -m bot ask "河南 理科 447200"']
