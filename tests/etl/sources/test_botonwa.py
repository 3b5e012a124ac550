"""Reader for botonwa83-byte__gaokao-data: third-party 2025 投档 rows and 一分一段 tables with batch lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl import normalize as nz
from etl.errors import SourceError
from etl.rows import Admission, ControlLine, ScoreRank
from etl.sources import botonwa
from etl.sources.botonwa import ORIGIN, read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HENAN = f"{ORIGIN}/data/2025/henan/school-admission.csv"
SICHUAN = f"{ORIGIN}/data/2025/sichuan/school-admission.csv"
SHANDONG = f"{ORIGIN}/data/2025/shandong/school-admission.csv"


def _rows() -> tuple[list[Admission], list[ScoreRank], list[ControlLine]]:
    rows = list(read(FIXTURES))
    return ([r for r in rows if isinstance(r, Admission)], [r for r in rows if isinstance(r, ScoreRank)],
            [r for r in rows if isinstance(r, ControlLine)])


def test_admissions_are_third_party_and_never_carry_the_published_rank() -> None:
    adm, _, _ = _rows()
    zz = next(a for a in adm if a.school == "郑州大学")
    assert zz == Admission(HENAN, "河南", 2025, "物理类", "本科批", "郑州大学", "group", min_score=700.0, min_rank=None,
                           group="101", plan_count=12, quality="third-party")
    assert all(a.quality == "third-party" and a.min_rank is None for a in adm)


def test_art_rows_are_left_out() -> None:
    adm, _, _ = _rows()
    assert "郑州美术学院" not in {a.school for a in adm}
    assert len(adm) == 3 + 3 + 3


def test_plan_type_stays_in_the_batch_and_goes_to_the_note() -> None:
    adm, _, _ = _rows()
    gj = next(a for a in adm if a.batch.startswith("本科批A段"))
    assert (gj.batch, gj.note, gj.level, gj.group) == ("本科批A段（国家专项）", "国家专项", "group", "101")
    assert nz.special_plan(gj.note, gj.batch) == "国家专项"
    gx = next(a for a in adm if a.school == "北京大学")
    assert (gx.batch, gx.note) == ("高校专项计划批", "高校专项计划批")
    assert nz.special_plan(gx.note) == "高校专项"
    yk = next(a for a in adm if a.school == "西南民族大学")
    assert nz.special_plan(yk.note) == "预科"


def test_empty_major_group_is_a_school_level_row() -> None:
    adm, _, _ = _rows()
    b = next(a for a in adm if a.batch == "本科批B段")
    assert (b.level, b.group, b.note, b.plan_count) == ("school", None, None, None)
    sd = [a for a in adm if a.source_file == SHANDONG]
    assert {a.level for a in sd} == {"school"} and {a.track for a in sd} == {"综合"}
    assert {nz.batch_label(a.batch, "山东") for a in sd} == {"本科批", "专科批", nz.SPECIAL_TYPE_LINE}


def test_score_rows_keep_the_lumped_head_and_drop_the_lumped_tail() -> None:
    _, ranks, _ = _rows()
    henan = [(r.track, r.score, r.rank, r.count) for r in ranks if r.province == "河南"]
    assert henan[:3] == [("物理类", 710, 12, 12), ("物理类", 709, 19, 7), ("物理类", 185, 49, 30)]
    shaanxi = [(r.track, r.score, r.rank) for r in ranks if r.province == "陕西"]
    assert shaanxi == [("物理类", 710, 11), ("物理类", 101, 12), ("历史类", 678, 3)]  # no "0-100" rows


def test_control_lines_take_each_batch_line_at_its_highest_score() -> None:
    _, _, lines = _rows()
    got = {(c.province, c.track, c.batch, c.score) for c in lines}
    assert got == {
        ("河南", "物理类", "本科批", 427), ("河南", "物理类", "专科批", 185),
        ("河南", "历史类", "本科批", 471), ("河南", "历史类", "专科批", 185),
        ("四川", "物理类", "本科批", 438), ("四川", "物理类", "专科批", 150),  # not 365 / 345 below the line
        ("四川", "历史类", "本科批", 467), ("四川", "历史类", "专科批", 150),
        ("山东", "综合", "普通类一段", 441), ("山东", "综合", "普通类二段", 150),
        ("陕西", "物理类", "本科批", 394), ("陕西", "物理类", "专科批", 200),
        ("陕西", "历史类", "本科批", 414), ("陕西", "历史类", "专科批", 200),
    }
    assert {nz.batch_label(c.batch, c.province) for c in lines} == {"本科批", "专科批"}


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / ORIGIN, tmp_path / ORIGIN)
    return tmp_path


def test_a_changed_header_fails_naming_the_file(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / SICHUAN
    path.write_text(path.read_text(encoding="utf-8").replace("min_score", "score", 1), encoding="utf-8")
    with pytest.raises(SourceError, match=r"sichuan/school-admission\.csv"):
        list(read(root))


def test_a_short_line_fails(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / HENAN
    path.write_text(path.read_text(encoding="utf-8") + "河南,2025,物理类,本科批\n", encoding="utf-8")
    with pytest.raises(SourceError, match="expected 17 fields"):
        list(read(root))


def test_a_missing_file_fails(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / ORIGIN / botonwa.SCORE_FILES[3]).unlink()
    with pytest.raises(SourceError, match=r"shaanxi/score-range\.csv"):
        list(read(root))
