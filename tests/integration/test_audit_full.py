"""`python -m etl audit` on the database built from the full sources."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import dbfile
from etl import audit

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_audit_runs_and_prints_every_check(full_db: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "etl", "audit", "--db", str(full_db)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # every must-be-zero check is zero
    for check in audit.CHECKS:
        assert f"] {check.name}" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("audit: ")
    con = dbfile.connect(full_db)  # the engine's configuration: other tests hold it open
    results = {r.check.name: r for r in audit.run(con)}
    assert results["ordinary rows below their batch line"].total == 0  # the quarantine took them
    assert results["quarantined rows (by reason)"].total > 0


def test_issue_examples_are_quarantined(full_db: Path) -> None:
    con = dbfile.connect(full_db)  # the engine's configuration: other tests hold it open
    reasons = con.execute("""
        SELECT q.year, q.track, q.min_score, q.reason FROM quarantine q JOIN schools s USING (school_id)
        WHERE q.province = '河南' AND s.name IN ('河南理工大学', '成都大学') AND q.year = 2025 AND q.level IN ('school', 'group')
        ORDER BY ALL
    """).fetchall()
    assert (2025, "物理类", 417.0, "below_control_line") in reasons  # 本科 line 427
    assert (2025, "历史类", 482.0, "year_outlier") in reasons  # 成都大学: 22.5% of the cohort vs ~3% in 2021–2024


def test_coverage_document_has_every_section(full_db: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "etl", "coverage", "--db", str(full_db)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = proc.stdout
    for heading in ("# Data coverage", "## Control lines", "## 院校专业组 (groups)", "## Programme labels", "### 原始标签 → 类型",
                    "### 未归类的标签", "## Quarantined admission rows", "## Truncated 一分一段 tables",
                    "## What each new source added", "### #20 immaotianyi", "### #21 botonwa", "### #22 botonwa"):
        assert heading in doc, heading
    assert "| 河南 | 2026 | 物理类 | 本科批 419 | 专科批 179 |" in doc
    assert "| 山东 | 2025 | 综合 | 本科批 441 | 专科批 150 |" in doc
    assert re.search(r"\| 江苏 \| 2026 \| 物理类 \| 456 \| 217,438 \| 456 \| – \|", doc)
    assert re.search(r"\| admissions \| 河南 \| 2025 \| 专科 \| [\d,]+ \| 1\d\d \|", doc)  # #21: ~160 专科 schools
    assert re.search(r"\| school_cutoffs \| 山东 \| 2025 \| 本科 \| [\d,]+ \| 1,\d{3} \|", doc)  # #22: >1,000
