"""What a build prints and leaves behind: compact progress, a build log, one line for a full disk or a
stopping signal (temporary files removed), and connections that never fetch a DuckDB extension."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl import duck
from etl.build import build
from etl.progress import Progress
from etl.sources import liuxusummer
from tests.etl.test_build import write_sources

ROOT = Path(__file__).resolve().parents[2]


def _etl(*argv: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "etl", *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, **kw)  # type: ignore[call-overload,no-any-return]


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if " ERROR " in line]


def test_plain_progress_has_one_line_per_source_and_step(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    shown = io.StringIO()
    build(src, tmp_path / "a.duckdb", readers=[liuxusummer], short_names=None, renames=None,
          progress=Progress(shown, interactive=False))
    lines = shown.getvalue().splitlines()
    assert "\r" not in shown.getvalue()
    assert re.fullmatch(r"1/1 liuxusummer__gaokao-advisor +307 rows +\d+\.\ds", lines[0])
    assert [line.split()[0] for line in lines[1:]] == ["normalise,", "validate", "write"]


def test_interactive_progress_draws_a_bar_and_clears_it(tmp_path: Path) -> None:
    shown = io.StringIO()
    p = Progress(shown, interactive=True)
    p.sources(2)
    p.reading("a")
    p.read("a", 10, 0.5)
    p.reading("b")
    out = shown.getvalue()
    assert "[" + "." * 24 + "] 0/2 reading a" in out
    assert "\r\x1b[K1/2 a" in out
    assert out.endswith("[" + "#" * 12 + "." * 12 + "] 1/2 reading b")
    with pytest.raises(OSError), p.step("write"):  # a failed step leaves no bar above its error
        raise OSError("disk full")
    assert shown.getvalue().endswith("] 1/2 write\r\x1b[K")


def test_the_cli_prints_progress_and_keeps_the_detail_in_the_build_log(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    out = tmp_path / "data" / "admissions.duckdb"
    proc = _etl("build", "--sources", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert " INFO " not in proc.stderr
    assert "liuxusummer__gaokao-advisor" in proc.stderr and f"built {out}" in proc.stderr
    log = (tmp_path / "data" / "admissions.build.log").read_text(encoding="utf-8")
    assert " INFO etl.collect: read liuxusummer__gaokao-advisor" in log and "  schools " in log
    verbose = _etl("-v", "build", "--sources", str(src), "--out", str(out))
    assert verbose.returncode == 0 and " INFO etl.collect: read " in verbose.stderr


def test_connections_never_install_or_load_an_extension(tmp_path: Path) -> None:
    con = duck.connect(tmp_path / "x.duckdb")
    got = con.execute("SELECT current_setting('autoinstall_known_extensions'), "
                      "current_setting('autoload_known_extensions')").fetchall()
    con.close()
    assert got == [(False, False)]


def test_every_connection_goes_through_a_helper() -> None:
    """A new `duckdb.connect` in bot/, etl/ or benchmarks/ would bypass the extension settings."""
    helpers = {ROOT / "etl" / "duck.py", ROOT / "bot" / "core" / "dbfile.py"}
    offenders = [str(p.relative_to(ROOT)) for d in ("bot", "etl", "benchmarks") for p in (ROOT / d).rglob("*.py")
                 if p not in helpers and "duckdb.connect(" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_info_on_a_bad_file_gives_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    proc = _etl("info", "--db", str(bad))
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and str(bad) in proc.stderr and "etl build --out" in proc.stderr


@pytest.fixture()
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 1 MB file system (tmpfs), or skip when this user may not mount one."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up (needs root): {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_full_disk_gives_one_line_naming_the_output_and_keeps_the_old_file(tmp_path: Path,
                                                                              tiny_disk: Path) -> None:
    src = write_sources(tmp_path / "src")
    out = tiny_disk / "admissions.duckdb"
    out.write_bytes(b"the database being served" * 100)
    proc = _etl("build", "--sources", str(src), "--out", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Logging error" not in proc.stderr
    errors = _errors(proc.stderr)
    assert len(errors) == 1 and f"cannot write {out}: no space left" in errors[0], proc.stderr
    assert out.read_bytes() == b"the database being served" * 100
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["admissions.build.log", "admissions.duckdb"]


def test_sigterm_during_a_build_removes_its_temporary_files(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    out = tmp_path / "admissions.duckdb"
    out.write_bytes(b"the database being served")
    # the build is held in its validation step (the temporary database exists by then) until the signal
    script = ("import sys, time; import etl.build as b; real = b.validate\n"
              "b.validate = lambda con: (time.sleep(60), real(con))[1]\n"
              "from etl.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.Popen([sys.executable, "-c", script, "build", "--sources", str(src), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".admissions.duckdb.building-*")):
        time.sleep(0.1)
    assert list(tmp_path.glob(".admissions.duckdb.building-*")), "the build never started writing"
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert not list(tmp_path.glob(".admissions.duckdb.building-*"))
    assert out.read_bytes() == b"the database being served"
    errors = _errors(stderr)
    assert "Traceback" not in stderr and len(errors) == 1 and "stopped by SIGTERM" in errors[0]

