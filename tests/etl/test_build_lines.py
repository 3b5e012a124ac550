"""Batch lines in the build: every ordinary line loaded (专科 too), the most trusted source winning, disagreements logged."""

from __future__ import annotations

import gzip
import json
import logging
import shutil
import types
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl.build import build, control_line_key
from etl.rows import ControlLine, Row
from etl.sources import immaotianyi, liuxusummer, zhiyuan_site
from tests.etl.test_build import write_sources

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OFFICIAL = f"{zhiyuan_site.ORIGIN}/data/admissions/official-fujian-control-lines-2026-import.json"
SHANDONG_ORIGIN = "botonwa83-byte__gaokao-data"


def _record(prov: str, year: int, track: str, batch: str, score: int, quality: str) -> dict[str, object]:
    return {"province": prov, "year": year, "subjectType": track, "batch": batch, "dataType": "control-line",
            "majorGroup": "普通类", "minScore": score, "sourceQuality": quality}


def _shandong_reader() -> types.ModuleType:
    """A stand-in for the #22 reader: 山东 2025 lines as it emits them (普通类一段/二段)."""
    mod = types.ModuleType("shandong_lines")

    def read(root: Path) -> Iterator[Row]:
        src = f"{SHANDONG_ORIGIN}/data/2025/shandong/score-range.csv"
        yield ControlLine(src, "山东", 2025, "综合", "普通类一段", 441.0)
        yield ControlLine(src, "山东", 2025, "综合", "普通类二段", 150.0)

    mod.ORIGIN = SHANDONG_ORIGIN  # type: ignore[attr-defined]
    mod.SKIPPED = {}  # type: ignore[attr-defined]
    mod.read = read  # type: ignore[attr-defined]
    return mod


def _sources(root: Path) -> Path:
    write_sources(root)
    shutil.copytree(FIXTURES / immaotianyi.ORIGIN, root / immaotianyi.ORIGIN)
    (root / SHANDONG_ORIGIN).mkdir()
    release = root / zhiyuan_site.ORIGIN / zhiyuan_site.RELEASE
    release.mkdir(parents=True)
    shard = {"province": "henan", "rankConversions": [], "records": [
        _record("河南", 2025, "物理类", "普通高职（专科）批控制线", 185, "official-henan-control-line"),
        _record("河南", 2025, "物理类", "普通本科批控制线", 427, "official-henan-control-line"),
    ]}
    (release / "henan.json.gz").write_bytes(gzip.compress(json.dumps(shard, ensure_ascii=False).encode()))
    official = {"records": [_record("福建", 2026, "物理类", "普通类高职（专科）录取控制分数线", 235,
                                    "official-fujian-control-line-image-verified")]}
    (root / OFFICIAL).parent.mkdir(parents=True)
    (root / OFFICIAL).write_text(json.dumps(official, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = _sources(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("db") / "admissions.duckdb"
    handler_records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handler_records.append(record)

    handler = Keep(level=logging.WARNING)
    logging.getLogger("etl.build").addHandler(handler)
    try:
        build(root, out, readers=[liuxusummer, zhiyuan_site, immaotianyi, _shandong_reader()], short_names=None,
              renames=None)
    finally:
        logging.getLogger("etl.build").removeHandler(handler)
    return out, "\n".join(r.getMessage() for r in handler_records)


def _line(out: Path, prov: str, year: int, track: str, batch: str) -> tuple[float, str] | None:
    con = duckdb.connect(str(out), read_only=True)
    try:
        row = con.execute("SELECT score, source_file FROM control_lines WHERE province = ? AND year = ? AND track = ? "
                          "AND batch = ?", [prov, year, track, batch]).fetchone()
    finally:
        con.close()
    return (float(row[0]), str(row[1])) if row else None


def test_the_official_line_wins_and_the_disagreement_is_logged(built: tuple[Path, str]) -> None:
    out, log_text = built
    assert _line(out, "福建", 2026, "物理类", "专科批") == (235.0, OFFICIAL)
    assert "福建 2026 物理类 专科批: 235 from " + OFFICIAL in log_text
    assert "disagrees with 239 from immaotianyi__gaokao-volunteer-v2/backend/data/control_line_2026.csv" in log_text


def test_zhuanke_lines_are_loaded_from_both_sources(built: tuple[Path, str]) -> None:
    out, log_text = built
    line = _line(out, "河南", 2025, "物理类", "专科批")
    assert line is not None and line[0] == 185 and line[1].endswith("henan.json.gz")  # #2 wins; #20 agrees
    assert "河南 2025" not in log_text
    assert _line(out, "河南", 2024, "理科", "专科批") == (185.0, f"{immaotianyi.ORIGIN}/backend/data/control_line_2024.csv")
    assert _line(out, "重庆", 2025, "物理类", "专科批") is not None


def test_old_track_lines_land_on_the_old_tracks(built: tuple[Path, str]) -> None:
    out, _ = built
    assert _line(out, "河南", 2024, "文科", "本科二批") is not None
    assert _line(out, "河南", 2024, "历史类", "本科二批") is None


def test_shandong_segment_lines_become_benke_and_zhuanke(built: tuple[Path, str]) -> None:
    out, _ = built
    assert _line(out, "山东", 2025, "综合", "本科批") is not None
    assert _line(out, "山东", 2025, "综合", "本科批")[0] == 441  # type: ignore[index]
    assert _line(out, "山东", 2025, "综合", "专科批")[0] == 150  # type: ignore[index]


def test_line_keys_read_level_remarks_and_drop_other_remarks() -> None:
    def key(batch: str, prov: str = "辽宁", track: str = "物理类") -> tuple[str, int, str, str] | None:
        return control_line_key(ControlLine("x", prov, 2026, track, batch, 150.0))

    assert key("普通类专科（高职、提前专科）控制分数线") == ("辽宁", 2026, "物理类", "专科批")
    assert key("高职（专科）批次（普通类｜高职（专科）批次）", "陕西") == ("陕西", 2026, "物理类", "专科批")
    assert key("本科二批（A类考生）", "西藏") is None
    assert key("本科提前批公安院校公安专业体检面试体能测评资格线（普通本科-男）", "吉林") is None
    assert key("戏曲类本科批次录取最低控制分数线", "广西") is None
    assert key("中国消防救援学院本科录取最低分数线", "广东") is None
    assert key("本科特殊招生线（特殊类型招生）", "湖北") == ("湖北", 2026, "物理类", "特殊类型招生线")
