"""`python -m bot ask`: one answer per stdin line, whatever the bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.tinydb import make_tiny_db

ROOT = Path(__file__).resolve().parents[1]


def test_ask_stdin_with_a_bad_byte_answers_every_line(tmp_path: Path) -> None:
    db = make_tiny_db(tmp_path / "tiny.duckdb")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C", "LANG": "C"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    proc = subprocess.run([sys.executable, "-m", "bot", "--db", str(db), "ask", "--json", "-"],
                          input="河南 ".encode() + b"\xff" + " 理科 447200\n郑大怎么样\n".encode(),
                          capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    answers = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(answers) == 2
    assert answers[0]["query"]["province"] == "河南" and answers[0]["query"]["rank"] == 447200
    assert answers[1]["intent"] == "school" and answers[1]["query"]["school_a"] == "郑州大学"
