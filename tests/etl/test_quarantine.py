"""Quarantine, shrink guard and audit on small fixture builds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from etl import audit, quarantine
from etl.build import build
from etl.rows import Admission, ControlLine, Row, ScoreRank
from etl.shrink import ShrinkError
from etl.sources import liuxusummer
from tests.etl.test_build import ORIGIN, ROOT, write_sources

FIXTURE = ROOT / "tests" / "fixtures" / "handmade__quality"


def _read(root: Path) -> Iterator[Row]:
    """Rows of handmade__quality/rows.json, plus 广东 物理类 一分一段 tables for 2021–2023."""
    rel = f"{READER.ORIGIN}/rows.json"
    data = json.loads((root / rel).read_text(encoding="utf-8") or "{}")
    for r in data.get("lines", []):
        yield ControlLine(rel, r["province"], r["year"], r["track"], r["batch"], r["score"])
    for r in data.get("admissions", []):
        yield Admission(rel, "广东", r["year"], "物理类", r["batch"], r["school"], "group", min_score=r.get("score"),
                        min_rank=r.get("rank"), group=r["group"], quality=r["quality"], note=r["why"])
    if data:
        for year in (2021, 2022, 2023):
            cum = 0
            for score in range(700, 399, -1):
                cum += 5 + (700 - score)
                yield ScoreRank(rel, "广东", year, "物理类", score, cum)


READER = ModuleType("handmade_quality")
READER.ORIGIN = "handmade__quality"  # type: ignore[attr-defined]
READER.read = _read  # type: ignore[attr-defined]


def _sources(tmp: Path) -> Path:
    src = write_sources(tmp / "src")
    shutil.copytree(FIXTURE, src / READER.ORIGIN)  # type: ignore[attr-defined]
    return src


def _build(src: Path, out: Path, **kw: bool) -> None:
    build(src, out, readers=[liuxusummer, READER], short_names=None, renames=None, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("quarantine")
    out = tmp / "admissions.duckdb"
    _build(_sources(tmp), out)
    return out


def _reasons(out: Path) -> dict[tuple[str, int, str], str]:
    con = duckdb.connect(str(out), read_only=True)
    rows = con.execute("SELECT school_raw, year, grp, reason FROM quarantine").fetchall()
    return {(s, y, g): r for s, y, g, r in rows}


def test_each_reason_quarantines_its_row_and_keeps_the_rest(built: Path) -> None:
    assert _reasons(built) == {
        ("广州大学", 2024, "第202组"): "below_control_line",
        ("郑州大学", 2024, "第201组"): "conflicting_duplicate",
        ("北京大学", 2023, "第201组"): "year_outlier",
        ("清华大学", 2022, "第201组"): "rank_beyond_cohort",
    }
    con = duckdb.connect(str(built), read_only=True)
    kept = con.execute("SELECT school_raw, year, grp, min_score, min_rank, quality FROM admissions "
                       "WHERE school_raw IN ('广州大学', '郑州大学', '北京大学') ORDER BY ALL").fetchall()
    assert ("广州大学", 2024, "第203组", 448.0) in [k[:4] for k in kept]  # within the tolerance
    # the same group from a less trusted source lost; another group of the school is no duplicate
    assert [(k[2], k[3], k[5]) for k in kept if k[0] == "郑州大学"] == [("第201组", 600.0, "official"),
                                                                       ("第202组", 590.0, "third-party")]
    assert {k[1] for k in kept if k[0] == "北京大学"} == {2021, 2022, 2024}
    detail = con.execute("SELECT detail FROM quarantine WHERE reason = 'conflicting_duplicate'").fetchone()
    assert detail and "loses to official" in detail[0]
    # quarantined rows never reach the school cutoffs
    low = con.execute("SELECT min(min_score) FROM school_cutoffs JOIN schools USING (school_id) "
                      "WHERE name = '广州大学'").fetchone()
    assert low == (448.0,)


def test_quarantine_mirrors_the_admissions_columns(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)

    def cols(t: str) -> list[str]:
        return [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()]

    assert cols("quarantine") == [*cols("admissions"), "reason", "detail"]


def test_coverage_section_counts_by_reason_and_province(built: Path) -> None:
    text = quarantine.render_markdown(duckdb.connect(str(built), read_only=True))
    assert "| Reason | Total | 广东 |" in text
    assert "| year_outlier:" in text and "| rank_beyond_cohort:" in text and text.count("| 1 | 1 |") == 4


def test_audit_passes_on_the_fixture_and_fails_on_a_must_be_zero_check(built: Path, tmp_path: Path) -> None:
    results = {r.check.name: r for r in audit.run(duckdb.connect(str(built), read_only=True))}
    assert not any(r.failed for r in results.values())
    assert results["quarantined rows (by reason)"].total == 4
    # 2021–2023 have tables and no lines: both levels missing, three years each
    assert results["province-year-tracks with a 一分一段 table but no line"].classes == [("专科 line, 广东", 3),
                                                                                     ("本科 line, 广东", 3)]
    proc = subprocess.run([sys.executable, "-m", "etl", "audit", "--db", str(built)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert all(c.name in proc.stdout for c in audit.CHECKS)
    broken = tmp_path / "broken.duckdb"
    shutil.copy(built, broken)
    con = duckdb.connect(str(broken))
    con.execute("UPDATE admissions SET min_score = 300 WHERE school_raw = '广州大学'")  # below the 450 line
    con.close()
    proc = subprocess.run([sys.executable, "-m", "etl", "audit", "--db", str(broken)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    assert "[FAIL] ordinary rows below their batch line (must be zero): 2" in proc.stdout


def test_truncated_tables_are_the_ones_the_build_marked(built: Path, tmp_path: Path) -> None:
    # the fixture's tables stop at 400 of 700 points: the build marks each truncated (etl.cohorts)
    assert audit.truncated_tables(duckdb.connect(str(built), read_only=True)) == [
        ("广东", 2021, "物理类", 400, None), ("广东", 2022, "物理类", 400, None), ("广东", 2023, "物理类", 400, None),
        ("广东", 2024, "物理类", 400, 200.0)]
    copy = tmp_path / "copy.duckdb"
    shutil.copy(built, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE cohorts SET truncated = FALSE WHERE year < 2024")
    assert audit.truncated_by_province(con) == [("广东", 1)]


def test_shrink_guard_refuses_a_missing_folder_and_keeps_the_old_file(tmp_path: Path) -> None:
    src = _sources(tmp_path)
    out = tmp_path / "admissions.duckdb"
    _build(src, out)
    before = out.read_bytes()
    shutil.rmtree(src / READER.ORIGIN)  # type: ignore[attr-defined]
    with pytest.raises(ShrinkError) as err:
        _build(src, out)
    assert "cohorts" in str(err.value) and "--allow-shrink" in str(err.value)
    assert out.read_bytes() == before
    _build(src, out, allow_shrink=True)
    assert duckdb.connect(str(out), read_only=True).execute("SELECT count(*) FROM cohorts").fetchone() == (1,)


def test_an_empty_source_file_is_a_drop(tmp_path: Path) -> None:
    src = _sources(tmp_path)
    out = tmp_path / "admissions.duckdb"
    _build(src, out)
    (src / READER.ORIGIN / "rows.json").write_text("{}", encoding="utf-8")  # type: ignore[attr-defined]
    with pytest.raises(ShrinkError) as err:
        _build(src, out)
    assert "handmade__quality/rows.json" in str(err.value)


def test_cli_exits_non_zero_on_a_shrink_and_publishes_with_allow_shrink(tmp_path: Path) -> None:
    src = write_sources(tmp_path / "src")
    extra = src / ORIGIN / "scores" / "广东" / "scores_2023.json"
    rows = [{"collegeId": "", "collegeName": "广州大学", "year": 2023, "majorName": "广州大学(201)", "majorGroup": "201",
             "majorGroupName": "广州大学(201)", "province": "广东", "category": "物理类", "batch": "本科批",
             "minScore": 530, "minRank": 0}]
    extra.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "admissions.duckdb"
    cmd = [sys.executable, "-m", "etl", "build", "--sources", str(src), "--out", str(out)]
    assert subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300).returncode == 0
    before = out.read_bytes()
    extra.write_text("[]", encoding="utf-8")  # empty but valid
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1
    assert "refusing to publish" in proc.stderr and "scores_2023.json 1 → 0" in proc.stderr
    assert out.read_bytes() == before
    proc = subprocess.run([*cmd, "--allow-shrink"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() != before
