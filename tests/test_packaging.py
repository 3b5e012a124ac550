"""`pip install -e .` (what `make run` and `make test` do first) prints no packaging warning."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# pip's own notes about this machine's index configuration are not the project's.
_MACHINE_NOTE = re.compile(r"^WARNING: Location '.*' is ignored")


def test_the_licence_is_an_spdx_expression() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(project["project"]["license"], str)  # the TOML table form is deprecated


def test_an_editable_install_prints_no_warning(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                           "--no-deps", "--disable-pip-version-check", "-e", str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and ("Could not find a version" in proc.stderr or "NewConnectionError" in proc.stderr):
        pytest.skip(f"pip cannot fetch the build backend (offline?): {proc.stderr.strip().splitlines()[-1]}")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if not _MACHINE_NOTE.match(line)]
    warnings = [line for line in lines if re.search(r"warning|deprecat|!!", line, re.IGNORECASE)]
    assert warnings == []
