"""The build end to end on a small sources tree written here: atomic, validated, failing loudly."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.errors import SourceError, ValidationError
from etl.sources import liuxusummer, zhiyuan_site

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "liuxusummer__gaokao-advisor/public/data"
SCHOOLS = [("4111010001", "北京大学", "北京市"), ("4141010459", "郑州大学", "河南省"), ("4144010559", "广州大学", "广东省")]


def write_sources(root: Path, *, cutoffs: list[tuple[str, int, int]] | None = None) -> Path:
    """A tiny tree in the liuxusummer format: three schools, a Guangdong table and group lines."""
    base = root / ORIGIN
    (base / "common").mkdir(parents=True)
    (base / "scores" / "广东").mkdir(parents=True)
    colleges = [{"id": c, "moeCode": c, "name": n, "province": p, "city": p, "level": ["本科"], "type": "综合",
                 "nature": "public", "affiliation": "教育部"} for c, n, p in SCHOOLS]
    (base / "common" / "colleges.json").write_text(json.dumps(colleges, ensure_ascii=False), encoding="utf-8")
    rows, cum = [], 0
    for score in range(700, 399, -1):
        count = 5 + (700 - score)
        cum += count
        rows.append({"province": "广东", "year": 2024, "category": "物理类", "score": score, "rank": cum - count + 1,
                     "count": count, "cumulativeCount": cum})
    table = {"province": "广东", "year": 2024, "categories": {"物理类": rows}}
    (base / "scores" / "广东" / "rank_table_2024.json").write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    cutoffs = cutoffs if cutoffs is not None else [("北京大学", 690, 0), ("郑州大学", 600, 0), ("广州大学", 540, 0)]
    scores = [{"collegeId": "", "collegeName": n, "year": 2024, "majorName": f"{n}(201)", "majorGroup": "201",
               "majorGroupName": f"{n}(201)", "province": "广东", "category": "物理类", "batch": "本科批",
               "minScore": s, "minRank": r} for n, s, r in cutoffs]
    (base / "scores" / "广东" / "scores_2024.json").write_text(json.dumps(scores, ensure_ascii=False), encoding="utf-8")
    return root


def test_build_derives_ranks_and_records_sources(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    out = tmp_path / "db" / "admissions.duckdb"
    report = build(src, out, readers=[liuxusummer], short_names=None, renames=None)
    assert report.resolved_share == 1.0
    con = duckdb.connect(str(out), read_only=True)
    rank, source = con.execute("""SELECT min_rank, rank_source FROM school_cutoffs JOIN schools USING (school_id)
                                  WHERE name = '郑州大学'""").fetchone()  # type: ignore[misc]
    table_rank = con.execute("SELECT rank FROM score_ranks WHERE score = 600").fetchone()
    assert source == "derived" and (rank,) == table_rank
    files = dict(con.execute("SELECT path, status FROM source_files").fetchall())
    assert files[f"{ORIGIN}/scores/广东/scores_2024.json"] == "read"
    assert con.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()
    assert not list(out.parent.glob(".*building*"))


def test_corrupt_gzip_fails_naming_the_file_and_keeps_the_old_database(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    out = tmp_path / "admissions.duckdb"
    build(src, out, readers=[liuxusummer], short_names=None, renames=None)
    before = out.read_bytes()
    shard = src / zhiyuan_site.ORIGIN / "site" / "data" / "release-v3.275" / "henan.json.gz"
    shard.parent.mkdir(parents=True)
    shard.write_bytes(gzip.compress(b'{"province": "henan", "records": []}')[:20])
    with pytest.raises(SourceError) as err:
        build(src, out, readers=[liuxusummer, zhiyuan_site], short_names=None, renames=None)
    assert "henan.json.gz" in str(err.value)
    assert out.read_bytes() == before


def test_missing_columns_fail_naming_the_file(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    path = src / ORIGIN / "common" / "colleges.json"
    path.write_text(json.dumps([{"id": "1"}]), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        build(src, tmp_path / "x.duckdb", readers=[liuxusummer], short_names=None, renames=None)
    assert "colleges.json" in str(err.value)
    assert not (tmp_path / "x.duckdb").exists()


def test_failed_sanity_check_refuses_to_publish(tmp_path: Path) -> None:
    # every school name is unknown: the resolution check (>= 98%) must refuse the build
    src = write_sources(tmp_path / "src", cutoffs=[(f"不存在的学校{i}", 500, 0) for i in range(5)])
    out = tmp_path / "admissions.duckdb"
    out.write_bytes(b"old database")
    with pytest.raises(ValidationError) as err:
        build(src, out, readers=[liuxusummer], short_names=None, renames=None)
    assert "name no known school" in str(err.value)
    assert out.read_bytes() == b"old database"


def test_cli_reports_a_bad_source_and_exits_non_zero(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    (src / ORIGIN / "common" / "colleges.json").write_text("{not json", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "etl", "build", "--sources", str(src), "--out", str(tmp_path / "o.duckdb")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1
    assert "colleges.json" in proc.stderr


def test_kill_9_during_a_build_leaves_the_old_database(tmp_path: Path, sources_dir: Path) -> None:
    """An interrupted full build (SIGKILL mid-way) never touches the database being served."""
    out = tmp_path / "admissions.duckdb"
    out.write_bytes(b"the database being served")
    proc = subprocess.Popen([sys.executable, "-m", "etl", "-q", "build", "--sources", str(sources_dir), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".admissions.duckdb.building-*")):
        time.sleep(0.2)
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert out.read_bytes() == b"the database being served"
    # the next build cleans the leftover temporary file of the dead process
    src = write_sources(tmp_path / "src")
    build(src, out, readers=[liuxusummer], short_names=None, renames=None)
    assert not list(tmp_path.glob(".admissions.duckdb.building-*"))
    assert duckdb.connect(str(out), read_only=True).execute("SELECT count(*) FROM schools").fetchone() == (3,)


def test_special_programme_rows_do_not_become_the_school_cutoff(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src", cutoffs=[("北京大学", 690, 0), ("郑州大学", 600, 0), ("郑州大学(特殊类)", 520, 0),
                                                   ("广州大学", 540, 0), ("广州大学(中外合作办学)", 480, 0)])
    out = tmp_path / "admissions.duckdb"
    build(src, out, readers=[liuxusummer], short_names=None, renames=None)
    con = duckdb.connect(str(out), read_only=True)
    cut = dict(con.execute("""SELECT name, min_score FROM school_cutoffs JOIN schools USING (school_id)""").fetchall())
    assert cut == {"北京大学": 690, "郑州大学": 600, "广州大学": 540}
    assert con.execute("SELECT count(*) FROM school_cutoffs WHERE campus IS NOT NULL").fetchone() == (0,)
    rows = con.execute("""SELECT school_raw, programme, programme_label, round FROM admissions
                          ORDER BY school_raw""").fetchall()
    assert ("郑州大学(特殊类)", "special_type", "特殊类", "first") in rows
    assert ("广州大学(中外合作办学)", "sino_foreign", "中外合作办学", "first") in rows
    assert ("郑州大学", "ordinary", None, "first") in rows
