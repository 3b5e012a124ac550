"""Tests for the gaokao.cn tag pages and Hunan provincescore reader (tiankongzhise__gaokao_school)."""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path

import pytest

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Row, SchoolInfo
from etl.sources.gaokao_school import HUNAN_TAR, ORIGIN, read, tag_of

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = Path(
    os.environ.get(
        "GAOKAO_SOURCES", Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sources"
    )
)
needs_sources = pytest.mark.skipif(
    not (SOURCES / ORIGIN).is_dir(), reason=f"full sources not found at {SOURCES}"
)

TAR = f"{ORIGIN}/{HUNAN_TAR}"
MEMBERS = FIXTURES / ORIGIN / "temp_hunan_provincescore_raw"


def _build_root(tmp_path: Path) -> Path:
    """Copy the tag pages and pack the plain provincescore fixtures into the tar.gz the reader expects."""
    folder = tmp_path / ORIGIN
    folder.mkdir(parents=True)
    for page in (FIXTURES / ORIGIN).glob("*.json"):
        shutil.copy(page, folder / page.name)
    with tarfile.open(folder / HUNAN_TAR, "w:gz") as tar:
        tar.add(MEMBERS / "temp", arcname="temp", recursive=False)
        for member in sorted((MEMBERS / "temp").glob("*.json")):
            tar.add(member, arcname=f"temp/{member.name}")
    return tmp_path


@pytest.fixture()
def rows(tmp_path: Path) -> list[Row]:
    return list(read(_build_root(tmp_path)))


def test_tag_of() -> None:
    assert tag_of(Path("985-2.json")) == "985"
    assert tag_of(Path("C9联盟-1.json")) == "C9"
    assert tag_of(Path("保研资格-19.json")) == "保研资格"


def test_tag_pages(rows: list[Row]) -> None:
    schools = [r for r in rows if isinstance(r, SchoolInfo)]
    pku = [s for s in schools if s.name == "北京大学"]
    assert sorted(s.tags for s in pku) == [("211",), ("985",), ("C9",)]
    assert pku[0] == SchoolInfo(
        source_file=f"{ORIGIN}/211-1.json",
        name="北京大学",
        province="北京",
        city="北京市",
        level="本科",
        nature="公办",
        authority="教育部",
        category="综合",
        is985=True,
        is211=True,
        double_first_class=True,
        gaokao_id="31",
        tags=("211",),
    )
    by_name = {s.name: s for s in schools}
    assert by_name["北京工业大学"].is985 is False
    assert by_name["北京工业大学"].ranking is None  # the page's rank is gaokao.cn's, not 软科
    assert by_name["宁波诺丁汉大学"].nature == "中外合作"
    assert by_name["宁波诺丁汉大学"].double_first_class is False
    assert (by_name["北京警察学院"].level, by_name["北京警察学院"].category) == ("专科", "政法")
    assert by_name["哈尔滨工业大学（深圳）"].province == "广东"
    # 教育部直属.json is skipped (mislabelled 双一流 page): 北京工业大学 appears only on 211-1.
    assert [s.source_file for s in schools if s.name == "北京工业大学"] == [f"{ORIGIN}/211-1.json"]
    assert len(schools) == 8  # the nameless school on 警校-1 is skipped


def test_hunan_admissions(rows: list[Row]) -> None:
    adm = [r for r in rows if isinstance(r, Admission)]
    assert len(adm) == 7
    pku = [a for a in adm if a.school == "北京大学"]
    assert pku[0] == Admission(
        source_file=TAR,
        province="湖南",
        year=2020,
        track="理科",
        batch="本科一批",
        school="北京大学",
        level="school",
        min_score=688.0,
        min_rank=82,
        note="普通类",
        quality="official",
    )
    assert pku[1].batch == "国家专项计划本科批"
    assert pku[2].track == "文科"
    assert pku[2].min_rank is None  # min_section 0
    shu = [a for a in adm if a.school == "上海大学"]
    assert shu[0] == Admission(
        source_file=TAR,
        province="湖南",
        year=2024,
        track="物理类",
        batch="本科批",
        school="上海大学",
        level="group",
        min_score=613.0,
        min_rank=9859,
        group="（107）",
        note="普通类 | 首选物理，再选化学",
        quality="official",
    )
    assert shu[1].note == "国家专项计划 | 首选物理，再选不限"
    ctgu = next(a for a in adm if a.school == "三峡大学")
    assert (ctgu.year, ctgu.batch, ctgu.min_rank, ctgu.note) == (
        2021,
        "本科提前批",
        None,
        "公费师范生 | 首选物理，再选不限",
    )


def test_hunan_control_lines(rows: list[Row]) -> None:
    lines = [(c.year, c.track, c.batch, c.score) for c in rows if isinstance(c, ControlLine)]
    assert lines == [
        (2020, "文科", "本科一批", 550.0),
        (2020, "理科", "本科一批", 507.0),
        (2021, "物理类", "本科提前批", 504.0),
        (2024, "历史类", "本科批", 438.0),
        (2024, "物理类", "本科批", 422.0),
    ]
    assert all(c.province == "湖南" and c.source_file == TAR for c in rows if isinstance(c, ControlLine))


def test_corrupt_tar_names_the_file(tmp_path: Path) -> None:
    root = _build_root(tmp_path)
    (root / ORIGIN / HUNAN_TAR).write_bytes(b"not a gzip file")
    with pytest.raises(SourceError, match=r"temp_hunan_provincescore_raw\.tar\.gz"):
        list(read(root))


def test_bad_member_json_names_the_file(tmp_path: Path) -> None:
    root = _build_root(tmp_path)
    bad = tmp_path / "x_2020.json"
    bad.write_text("{", encoding="utf-8")
    with tarfile.open(root / ORIGIN / HUNAN_TAR, "w:gz") as tar:
        tar.add(bad, arcname="temp/x_2020.json")
    with pytest.raises(SourceError, match=r"tar\.gz: temp/x_2020\.json"):
        list(read(root))


def test_bad_tag_page_names_the_file(tmp_path: Path) -> None:
    root = _build_root(tmp_path)
    (root / ORIGIN / "985-1.json").write_text('{"code": "0000", "data": {}}', encoding="utf-8")
    with pytest.raises(SourceError, match=r"985-1\.json"):
        list(read(root))


@pytest.mark.integration
@needs_sources
def test_full_sources() -> None:
    rows = list(read(SOURCES))
    schools = [r for r in rows if isinstance(r, SchoolInfo)]
    assert len(schools) == 960
    assert len({s.gaokao_id for s in schools}) == 455
    per_tag: dict[str, set[str]] = {}
    for s in schools:
        per_tag.setdefault(s.tags[0], set()).add(str(s.gaokao_id))
    assert {t: len(ids) for t, ids in per_tag.items()} == {
        "211": 132,
        "985": 50,
        "C9": 11,
        "双一流": 164,
        "保研资格": 377,
        "教育部直属": 81,
        "中央部委": 36,
        "强基计划": 39,
        "国防7子": 7,
        "军校": 12,
        "警校": 51,
    }
    adm = [r for r in rows if isinstance(r, Admission)]
    assert len(adm) == 10535
    assert len({a.school for a in adm}) == 417
    pku = next(
        a
        for a in adm
        if a.school == "北京大学" and a.year == 2020 and a.track == "理科" and a.batch == "本科一批"
    )
    assert (pku.min_score, pku.min_rank) == (688.0, 82)
    lines = {(c.year, c.track, c.batch): c.score for c in rows if isinstance(c, ControlLine)}
    assert lines[(2024, "物理类", "本科批")] == 422.0
    assert lines[(2020, "理科", "本科一批")] == 507.0
