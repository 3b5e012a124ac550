"""Reader for pypi__mcp-gaokao-rank: the SQLite 一分一段 database."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import ScoreRank
from etl.sources import mcp_gaokao_rank
from etl.sources.mcp_gaokao_rank import DB, ORIGIN, read

SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

SRC = f"{ORIGIN}/{DB}"

# Same schema as the package's database.
SCHEMA = """
CREATE TABLE t_exam_contexts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    province TEXT NOT NULL,
    year TEXT NOT NULL,
    category TEXT NOT NULL,
    created_at TEXT DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')),
    updated_at TEXT DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')),
    UNIQUE (province, year, category)
);
CREATE TABLE t_score_segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    context_id INTEGER NOT NULL,
    max_order INTEGER,
    max_score INTEGER,
    min_order INTEGER,
    min_score INTEGER,
    student_count INTEGER,
    created_at TEXT DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')),
    updated_at TEXT DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'))
);
"""

CONTEXTS = [
    (1, "河南", "2024", "理科"),
    (2, "北京", "2024本科", "3+3综合"),
    (3, "北京", "2024专科", "语数外"),
    (4, "江西", "2023本科", "文科"),
]

# (context_id, min_score, max_score, min_order, max_order, student_count)
SEGMENTS = [
    (1, 709, 750, 1, 10, 10),  # top tail, repeated as in the real file
    (1, 709, 750, 1, 10, 10),
    (1, 709, 750, 1, 10, 10),
    (1, 601, 601, 22337, 22963, 627),
    (1, 600, 600, 22964, 23638, 675),
    (1, 150, 199, 400001, 401000, 1000),  # bottom tail
    (2, 650, 750, 1, 120, 120),
    (2, 649, 649, 121, 150, 30),
    (2, 390, 399, 49231, 50213, 983),  # 10-point band in the low range
    (3, 371, 371, 17, 18, 2),
    (3, 369, 370, 18, 18, 1),
    (4, 620, 620, 50, 60, 11),
    (4, 619, 619, 61, 0, 0),  # no rank: unusable
]


def _build(root: Path, contexts: list[tuple[object, ...]], segments: list[tuple[object, ...]]) -> Path:
    path = root / ORIGIN / DB
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    con.executemany(
        "INSERT INTO t_exam_contexts (id, province, year, category) VALUES (?, ?, ?, ?)", contexts
    )
    con.executemany(
        "INSERT INTO t_score_segments (context_id, min_score, max_score, min_order, max_order, student_count) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        segments,
    )
    con.commit()
    con.close()
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _build(tmp_path, CONTEXTS, SEGMENTS)
    return tmp_path


def test_segments_become_cumulative_ranks(root: Path) -> None:
    assert list(read(root)) == [
        ScoreRank(SRC, "河南", 2024, "理科", 709, 10, 10),
        ScoreRank(SRC, "河南", 2024, "理科", 601, 22963, 627),
        ScoreRank(SRC, "河南", 2024, "理科", 600, 23638, 675),
        ScoreRank(SRC, "河南", 2024, "理科", 150, 401000, 1000),
        ScoreRank(SRC, "北京", 2024, "3+3综合", 650, 120, 120),
        ScoreRank(SRC, "北京", 2024, "3+3综合", 649, 150, 30),
        ScoreRank(SRC, "北京", 2024, "3+3综合", 390, 50213, 983),
        ScoreRank(SRC, "北京", 2024, "语数外|专科", 371, 18, 2),
        ScoreRank(SRC, "北京", 2024, "语数外|专科", 369, 18, 1),
        ScoreRank(SRC, "江西", 2023, "文科", 620, 60, 11),
    ]


def test_skips_the_derived_csv() -> None:
    assert set(mcp_gaokao_rank.SKIPPED) == {"data/score_segments_flat.csv.gz"}


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found") as err:
        list(read(tmp_path))
    assert err.value.path.endswith(DB)


def test_corrupt_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / DB
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SourceError) as err:
        list(read(tmp_path))
    assert err.value.path == str(path)


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / DB
    path.parent.mkdir(parents=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t_exam_contexts (id INTEGER, province TEXT, year TEXT)")
    con.close()
    with pytest.raises(SourceError, match="category") as err:
        list(read(tmp_path))
    assert err.value.path == str(path)


def test_unreadable_context_is_an_error(tmp_path: Path) -> None:
    _build(tmp_path, [(1, "火星", "2024", "理科")], [(1, 600, 600, 1, 5, 5)])
    with pytest.raises(SourceError, match="火星"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    assert len(rows) == 188_464 - 1_680  # exact repeats of the top tails dropped
    tables = Counter((r.province, r.year, r.track) for r in rows)
    assert len(tables) == 385
    assert len({p for p, _, _ in tables}) == 29
    henan = {r.score: r.rank for r in rows if (r.province, r.year, r.track) == ("河南", 2024, "理科")}
    assert henan[600] == 23_638
    assert ("北京", 2024, "语数外|专科") in tables and ("北京", 2024, "3+3综合") in tables
    assert {t for _, _, t in tables} == {"理科", "文科", "物理类", "历史类", "3+3综合", "语数外|专科"}
