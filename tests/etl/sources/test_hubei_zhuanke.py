"""Reader for 1052666__hb-gaokao-toudang: Hubei 专科 cutoffs 2024–2025 and third-party 2026 本科 lines."""

from __future__ import annotations

import io
import os
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Admission, ControlLine
from etl.sources import hubei_zhuanke
from etl.sources.hubei_zhuanke import ARCHIVE, ORIGIN, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CONTENT = FIXTURES / ORIGIN / "raw_data_chunks_and_index"  # the archive's files, unpacked
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

SRC = f"{ORIGIN}/{ARCHIVE}"


def _pack(root: Path, files: dict[str, Path | bytes]) -> Path:
    """Write the tar.gz as the repo's release has it (data_chunks/…, data_index.json)."""
    path = root / ORIGIN / ARCHIVE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for arcname, content in files.items():
            if isinstance(content, Path):
                tar.add(content, arcname=arcname)
            else:
                info = tarfile.TarInfo(arcname)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _pack(
        tmp_path,
        {
            "data_chunks/chunk_000.json": CONTENT / "data_chunks/chunk_000.json",
            "data_index.json": CONTENT / "data_index.json",
        },
    )
    return tmp_path


def _bk(school: str, track: str, batch: str, score: float, group: str, note: str | None) -> Admission:
    return Admission(SRC, "湖北", 2026, track, batch, school, "group", min_score=score, group=group, note=note,
                     quality="third-party")  # fmt: skip


def _zk(
    year: int, track: str, batch: str, score: float, rank: int | None, group: str, note: str
) -> Admission:
    return Admission(SRC, "湖北", year, track, batch, "武汉职业技术学院", "group", min_score=score, min_rank=rank,
                     group=group, note=note)  # fmt: skip


def test_reads_cutoffs_and_control_lines(root: Path) -> None:
    assert list(read(root)) == [
        _bk("清华大学", "物理科目组合", "本科普通批", 693, "08", "非定向"),
        _bk("清华大学", "物理科目组合", "本科普通批", 684, "09", "国家专项 | 国家专项计划"),
        _bk("清华大学", "历史科目组合", "本科普通批", 657, "07",
            "高校专项 | 高校专项计划(学校要求投档控制最低分为本科特殊线线上60分(592分))"),
        _bk("清华大学", "", "本科提前批", 666, "01", None),
        # 投档线 "中外合作办学" and a missing 投档线 are skipped
        _bk("集美大学", "物理类", "提前批航海类", 582, "航海技术", "非定向"),
        _zk(2024, "物理类", "专科批", 452, 150321, "01", "普通类"),
        _zk(2024, "物理类", "专科批", 452, 150321, "01", "普通类"),  # repeated in the source; kept
        _zk(2025, "历史类", "专科提前批", 300, None, "02", "定向培养军士（男）"),
        _zk(2025, "历史类", "专科批", 380, 70211, "03", "中外合作办学"),
        # the 2026 专科 plan is not a cutoff: skipped
        ControlLine(SRC, "湖北", 2024, "物理类", "专科批", 200.0),
        ControlLine(SRC, "湖北", 2025, "历史类", "专科批", 200.0),
    ]  # fmt: skip


def test_derived_csv_is_skipped() -> None:
    assert set(hubei_zhuanke.SKIPPED) == {"derived_flat_records.csv"}


def test_bad_json_in_the_archive(tmp_path: Path) -> None:
    path = _pack(
        tmp_path,
        {"data_chunks/chunk_000.json": b'{"schools": [', "data_index.json": CONTENT / "data_index.json"},
    )
    with pytest.raises(SourceError, match="chunk_000") as err:
        list(read(tmp_path))
    assert err.value.path == str(path)


def test_not_a_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / ORIGIN / ARCHIVE
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a tarball")
    with pytest.raises(SourceError) as err:
        list(read(tmp_path))
    assert err.value.path == str(path)


def test_missing_index(tmp_path: Path) -> None:
    _pack(tmp_path, {"data_chunks/chunk_000.json": CONTENT / "data_chunks/chunk_000.json"})
    with pytest.raises(SourceError, match=r"data_index\.json"):
        list(read(tmp_path))


def test_record_without_required_keys(tmp_path: Path) -> None:
    chunk = '{"schools": [{"id": "9", "name": "某大学", "records": [{"数据类型": "2024参考投档线", "年份": "2024"}]}]}'
    _pack(
        tmp_path,
        {"data_chunks/chunk_000.json": chunk.encode(), "data_index.json": CONTENT / "data_index.json"},
    )
    with pytest.raises(SourceError, match="lacks"):
        list(read(tmp_path))


@pytest.mark.integration
@needs_sources
def test_full_source() -> None:
    rows = list(read(SOURCES))
    adm = [r for r in rows if isinstance(r, Admission)]
    by = Counter((a.year, a.batch, a.track) for a in adm if a.year < 2026)
    assert by[(2024, "专科批", "物理类")] == 849 and by[(2024, "专科批", "历史类")] == 741
    assert by[(2024, "专科提前批", "物理类")] == 47 and by[(2024, "专科提前批", "历史类")] == 36
    assert by[(2025, "专科批", "物理类")] == 852 and by[(2025, "专科批", "历史类")] == 734
    assert by[(2025, "专科提前批", "物理类")] == 52 and by[(2025, "专科提前批", "历史类")] == 41
    assert all(a.min_rank is not None and a.quality == "official" for a in adm if a.year < 2026)
    undergrad = [a for a in adm if a.year == 2026]
    assert all(a.quality == "third-party" for a in undergrad)
    assert Counter(a.batch for a in undergrad)["本科普通批"] == 5195  # 5,221 less 26 without a score
    tsinghua = [a for a in undergrad if a.school == "清华大学" and a.group == "08"]
    assert [(a.min_score, a.track) for a in tsinghua] == [(693.0, "物理科目组合")]
    assert [r for r in rows if isinstance(r, ControlLine)] == [
        ControlLine(SRC, "湖北", y, t, "专科批", 200.0) for y in (2024, 2025) for t in ("历史类", "物理类")
    ]
