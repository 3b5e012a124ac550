"""Guangdong 2021–2025 major/group cutoffs and the 2011–2025 一分一段 table (insensible104__GaokaoAgent).

- `backend/data/20xx_{physics,history}.csv`: major-level 本科 results 2021–2024 (min score, the rank of
  the min score, 专业组, 录取人数, 备注). The files carry no batch column: Guangdong numbers its
  院校专业组 by batch (1xx 本科提前批, 2xx 本科批, 5xx 专科批, 7xx 特殊类型招生批), which the 2025 plan
  file confirms, so the batch comes from the group code. Every score is at or above the 本科 line:
  there are no 专科 rows.
- `data/actual_2025_{group,major}_admissions.csv`: 2025 group and major cutoffs.
- `backend/data/2025_enrollment_历史.csv`: the 2025 历史 plan with 2021–2024 cutoffs attached. Only
  the part the per-year files lack is read: 专科批/专科提前批 rows and 本科 rows of schools absent
  from that year's `history.csv`. 2021–2023 values differ between the majors of a group (major level);
  2024 values are one per group (group level, labelled with the 2025 group code).
- `data/2011-2025广东高考一分一段表.xlsx`: sheet 一分一段表 (2011–2025, 理科/文科 labels also for the
  物理/历史 years) and sheet 线上人数 (特控线 and 本科线 2017–2025). 2011–2017 are published in
  5-point bands that the file interpolates to single points; only the published (whole-number
  cumulative) points are read.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from python_calamine import CalamineError, CalamineWorkbook

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Row, ScoreRank

ORIGIN = "insensible104__GaokaoAgent"
PROVINCE = "广东"

PER_YEAR_DIR = "backend/data"
PER_YEAR_TRACKS = {"physics": "物理类", "history": "历史类"}
GROUPS_2025 = "data/actual_2025_group_admissions.csv"
MAJORS_2025 = "data/actual_2025_major_admissions.csv"
ENROLLMENT = "backend/data/2025_enrollment_历史.csv"
SCORE_XLSX = "data/2011-2025广东高考一分一段表.xlsx"
HISTORY_YEARS = (2021, 2022, 2023, 2024)
GROUP_LEVEL_HISTORY_YEAR = 2024  # the plan file's 2024 values are one per 专业组

SKIPPED: dict[str, str] = {
    "data/actual_2025.csv": "row-by-row join of actual_2025_group_admissions.csv and "
    "actual_2025_major_admissions.csv, both read",
    **{
        f"backend/data/{y}_{t}_yifenyiduan.csv": f"same table as {SCORE_XLSX} (read; it covers 2011–2025)"
        for y in range(2021, 2026)
        for t in ("物理", "历史")
    },
}

log = logging.getLogger(__name__)

_PER_YEAR_NAME = re.compile(r"^(20\d\d)_(physics|history)\.csv$")
_BATCH_BY_GROUP_DIGIT = {"1": "本科提前批", "2": "本科批", "5": "专科批", "7": "特殊类型招生批"}
_PER_YEAR_COLUMNS = ("年份", "院校名称", "专业/类", "最低分", "最低分平均排位", "专业组", "录取人数", "备注")
_GROUP_COLUMNS = (
    "subject_group", "school_name", "major_group_code", "actual_group_min_score",
    "actual_group_min_rank", "actual_group_plan_count", "group_note",
)  # fmt: skip
_MAJOR_COLUMNS = (
    "subject_group", "school_name", "major_name", "major_group_code", "actual_major_min_score",
    "actual_major_min_rank", "actual_major_admit_count", "major_note",
)  # fmt: skip
_ENROLLMENT_COLUMNS = (
    "院校代码",
    "院校名称",
    "批次",
    "招生备注",
    "科类",
    "专业组代码",
    "专业名称",
    "专业备注",
)


def read(root: Path) -> Iterator[Row]:
    """Yield Guangdong admissions, 一分一段 rows and control lines from the origin folder."""
    base = root / ORIGIN
    history_codes: dict[int, set[str]] = {}
    for path in sorted((base / PER_YEAR_DIR).glob("20*_*.csv")):
        m = _PER_YEAR_NAME.match(path.name)
        if m is None:
            continue
        codes: set[str] = set()
        yield from _read_per_year(root, path, PER_YEAR_TRACKS[m.group(2)], codes)
        if m.group(2) == "history":
            history_codes[int(m.group(1))] = codes
    yield from _read_2025(root, base / GROUPS_2025, "group")
    yield from _read_2025(root, base / MAJORS_2025, "major")
    yield from _read_enrollment_history(root, base / ENROLLMENT, history_codes)
    yield from _read_score_table(root, base / SCORE_XLSX)


# ---------------------------------------------------------------------------
# Cells


def _num(text: str | None) -> float | None:
    """A numeric cell as float, or None when empty or not a number."""
    t = (text or "").strip()
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        return None


def _rank(text: str | None) -> int | None:
    """A rank cell as int (a .5 mid-tie rank rounds up), or None when empty, zero or negative."""
    v = _num(text)
    if v is None or v <= 0:
        return None
    return int(v + 0.5)


def _score(text: str | None) -> float | None:
    """A score cell, or None when empty or zero."""
    v = _num(text)
    return v if v is not None and v > 0 else None


def _count(text: str | None) -> int | None:
    """A head-count cell as int, or None when empty."""
    v = _num(text)
    return int(v) if v is not None and v >= 0 else None


def _note(*parts: str | None) -> str | None:
    """Join the non-empty parts with ' | ', or None."""
    kept = [p.strip() for p in parts if p and p.strip()]
    return " | ".join(dict.fromkeys(kept)) if kept else None


def batch_from_group(code: str) -> str:
    """The batch a Guangdong 院校专业组 code belongs to (201 -> 本科批); '本科' when the code says nothing."""
    c = code.strip()
    if len(c) == 3 and c.isdigit():
        return _BATCH_BY_GROUP_DIGIT.get(c[0], "本科")
    return "本科"


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _csv_rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """Rows of a UTF-8 (BOM) CSV with whitespace removed from header names; checks the columns."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = ["".join(h.split()) for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise SourceError(path, f"missing columns {missing}")
            for cells in reader:
                if cells:
                    yield dict(zip(header, cells, strict=False))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read CSV: {exc}") from exc


# ---------------------------------------------------------------------------
# Cutoffs


def _read_per_year(root: Path, path: Path, track: str, codes: set[str]) -> Iterator[Admission]:
    """Major-level rows of one `20xx_{physics,history}.csv`; collects the school codes it names."""
    src = _rel(root, path)
    skipped = 0
    for r in _csv_rows(path, _PER_YEAR_COLUMNS):
        school = r["院校名称"].strip()
        year = _num(r["年份"])
        if not school or year is None:
            skipped += 1
            continue
        codes.add(r.get("代码", "").strip())
        group = r["专业组"].strip()
        yield Admission(
            source_file=src,
            province=PROVINCE,
            year=int(year),
            track=track,
            batch=batch_from_group(group),
            school=school,
            level="major",
            min_score=_score(r["最低分"]),
            min_rank=_rank(r["最低分平均排位"]),
            group=group or None,
            major=r["专业/类"].strip() or None,
            plan_count=_count(r["录取人数"]),
            note=_note(r["备注"]),
        )
    if skipped:
        log.info("%s: skipped %d rows without school or year", src, skipped)


def _read_2025(root: Path, path: Path, level: Literal["group", "major"]) -> Iterator[Admission]:
    """2025 cutoffs of one level: the group file or the major file (same layout, own column names)."""
    src = _rel(root, path)
    major = level == "major"
    prefix = "actual_major" if major else "actual_group"
    for r in _csv_rows(path, _MAJOR_COLUMNS if major else _GROUP_COLUMNS):
        group = r["major_group_code"].strip()
        yield Admission(
            source_file=src,
            province=PROVINCE,
            year=2025,
            track=r["subject_group"].strip(),
            batch=batch_from_group(group),
            school=r["school_name"].strip(),
            level=level,
            min_score=_score(r[f"{prefix}_min_score"]),
            min_rank=_rank(r[f"{prefix}_min_rank"]),
            group=group or None,
            major=(r["major_name"].strip() or None) if major else None,
            plan_count=_count(r["actual_major_admit_count" if major else "actual_group_plan_count"]),
            note=_note(r["major_note" if major else "group_note"]),
        )


def _read_enrollment_history(
    root: Path, path: Path, history_codes: dict[int, set[str]]
) -> Iterator[Admission]:
    """2021–2024 cutoffs of the 2025 plan file that the per-year history files do not have."""
    src = _rel(root, path)
    required = _ENROLLMENT_COLUMNS + tuple(f"{y}_{k}" for y in HISTORY_YEARS for k in ("最低分", "最低位次"))
    seen_groups: set[Admission] = set()
    kept: Counter[int] = Counter()
    for r in _csv_rows(path, required):
        school = r["院校名称"].strip()
        batch = r["批次"].strip()
        if not school:
            continue
        for year in HISTORY_YEARS:
            score = _score(r[f"{year}_最低分"])
            if score is None:
                continue
            if not batch.startswith("专科") and r["院校代码"].strip() in history_codes.get(year, set()):
                continue  # already in backend/data/<year>_history.csv
            row = _history_row(src, r, year, score, _rank(r[f"{year}_最低位次"]))
            if row.level == "group":
                if row in seen_groups:
                    continue
                seen_groups.add(row)
            kept[year] += 1
            yield row
    log.info("%s: history rows not in the per-year files: %s", src, dict(sorted(kept.items())))


def _history_row(src: str, r: dict[str, str], year: int, score: float, rank: int | None) -> Admission:
    """One history cutoff of a 2025 plan row: major level, or group level for 2024."""
    group_level = year == GROUP_LEVEL_HISTORY_YEAR
    plan_note = r["招生备注"].strip()
    if plan_note in ("本科", "专科"):  # restates the batch: not a remark
        plan_note = ""
    return Admission(
        source_file=src,
        province=PROVINCE,
        year=year,
        track=r["科类"].strip(),
        batch=r["批次"].strip(),
        school=r["院校名称"].strip(),
        level="group" if group_level else "major",
        min_score=score,
        min_rank=rank,
        group=(r["专业组代码"].strip() or None) if group_level else None,
        major=None if group_level else (r["专业名称"].strip() or None),
        note=_note(plan_note) if group_level else _note(plan_note, r["专业备注"]),
    )


# ---------------------------------------------------------------------------
# 一分一段 and control lines


def _sheet(path: Path, name: str) -> Sequence[Sequence[object]]:
    """All rows of one sheet of an .xlsx file."""
    try:
        rows: Sequence[Sequence[object]] = (
            CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
        )
    except (CalamineError, OSError) as exc:
        raise SourceError(path, f"cannot read sheet {name}: {exc}") from exc
    return rows


def _cell_float(cell: object) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    return _num(str(cell)) if cell is not None else None


def _whole(v: float | None) -> int | None:
    """`v` as int when it is a whole number (within float noise), else None."""
    if v is None or abs(v - round(v)) > 1e-6:
        return None
    return round(v)


def _read_score_table(root: Path, path: Path) -> Iterator[Row]:
    """ScoreRank rows of sheet 一分一段表 and ControlLine rows of sheet 线上人数."""
    src = _rel(root, path)
    rows = _sheet(path, "一分一段表")
    header_at = next((i for i, r in enumerate(rows[:5]) if "分数" in r and "最差排名" in r), None)
    if header_at is None:
        raise SourceError(path, "sheet 一分一段表 has no header row with 分数/最差排名")
    header = [str(h).strip() for h in rows[header_at]]
    try:
        i_score, i_count, i_rank = header.index("分数"), header.index("人数/分"), header.index("最差排名")
        i_year, i_track = header.index("年份"), header.index("科类")
    except ValueError as exc:
        raise SourceError(path, f"sheet 一分一段表: {exc}") from exc
    interpolated = 0
    for r in rows[header_at + 1 :]:
        score, year = _whole(_cell_float(r[i_score])), _whole(_cell_float(r[i_year]))
        if score is None or year is None:
            continue
        rank = _whole(_cell_float(r[i_rank]))
        if rank is None:
            interpolated += 1
            continue
        yield ScoreRank(
            source_file=src,
            province=PROVINCE,
            year=year,
            track=str(r[i_track]).strip(),
            score=score,
            rank=rank,
            count=_whole(_cell_float(r[i_count])),
        )
    log.info("%s: skipped %d interpolated (not published) 一分一段 points", src, interpolated)
    yield from _control_lines(src, path, _sheet(path, "线上人数"))


def _control_lines(src: str, path: Path, rows: Sequence[Sequence[object]]) -> Iterator[ControlLine]:
    """特控线 and 本科线 per year and 文/理 from sheet 线上人数 (two header rows: batch, then track)."""
    if len(rows) < 3 or str(rows[1][0]).strip() != "年份":
        raise SourceError(path, "sheet 线上人数 does not start with the 年份 header")
    batches: list[str] = []
    current = ""
    for cell in rows[1]:
        current = str(cell).strip() or current
        batches.append(current)
    tracks = [str(c).strip() for c in rows[2]]
    cols = [i for i, t in enumerate(tracks) if t in ("文科", "理科") and "线" in batches[i]]
    for r in rows[3:]:
        year = _whole(_cell_float(r[0]))
        if year is None:
            continue
        for i in cols:
            score = _cell_float(r[i])
            if score is not None and score > 0:
                yield ControlLine(src, PROVINCE, year, tracks[i], batches[i], score)
