"""四川 文/理 2015–2020, 浙江 2017–2020 and 上海 2017–2020 school cutoffs from web-scraper exports.

Origin: Oliver666Young__A-Prediction-Model-for-Gaokao-Admission-Score-Lines. The workbooks are
scraper exports of per-school "各省分数线" pages: 文本 = school, 文本1 = province, 文本2 = track,
年份, 录取批次, 招生类型, 最低分_最低位次 ("642/31", "-/-", "150/-"), 省控线 (and, for 上海, 专业组).
`数据总表.xlsx` has the same layout for 浙江 in sheet 历年分数线 (separate 最低分 / 最低位次 columns)
and the 浙江 一分一段 tables in sheets 20xx分数段; its 招生计划 sheets are plans, not cutoffs.

Defects handled (skipped and counted, logged at INFO):
- placeholder rows of schools without data (年份 "-" or empty, track "科类") and rows with an empty
  school name;
- rows whose 省控线 is a number other than the one nearly every row of the same province-year-
  track-batch shows: in the 文科 workbook these carry the 理科 line and 理科 scores of another
  school (e.g. 复旦大学 2019 文科 本科一批 "651/8289" beside the real "650/69"), so they are
  mis-scraped rows, not 文科 facts.
A batch control line is emitted once per province-year-track-batch from that majority value.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Row, ScoreRank
from gaokao.regions import province, tracks_for

ORIGIN = "Oliver666Young__A-Prediction-Model-for-Gaokao-Admission-Score-Lines"

SCRAPER_FILES: tuple[tuple[str, str], ...] = (
    ("四川文科历年录取线.xlsx", "Sheet1"),
    ("四川理科历年录取线.xlsx", "Sheet1"),
    ("上海综合2017-2020录取线.xlsx", "Sheet1"),
    ("数据总表.xlsx", "历年分数线"),
)
SUMMARY = "数据总表.xlsx"

SKIPPED: dict[str, str] = {
    "derived_school_cutoffs_flat.csv": "flat conversion of the three 录取线 workbooks and 数据总表.xlsx/历年分数线, "
    "all read",
}

log = logging.getLogger(__name__)

_BASE_COLUMNS = ("文本", "文本1", "文本2", "年份", "录取批次", "招生类型", "省控线")
_PLACEHOLDER_TRACKS = ("", "科类")
_EMPTY = ("", "-")
_YEAR = re.compile(r"^\s*(\d{4})\s*(.*)$")
_SCORE_TABLE = re.compile(r"^(20\d\d)分数段$")


@dataclass(frozen=True, slots=True)
class _Cutoff:
    """One parsed row, before the control-line check."""

    province: str
    year: int
    track: str
    batch: str
    school: str
    group: str | None
    score: float | None
    rank: int | None
    note: str | None
    control: float | None


def read(root: Path) -> Iterator[Row]:
    """Yield school/group cutoffs, batch control lines and 浙江 一分一段 rows."""
    base = root / ORIGIN
    for name, sheet in SCRAPER_FILES:
        path = base / name
        yield from _read_cutoffs(path.relative_to(root).as_posix(), path, _sheet(path, sheet), sheet)
    summary = base / SUMMARY
    yield from _read_score_tables(summary.relative_to(root).as_posix(), summary)


# ---------------------------------------------------------------------------
# Cells


def _open(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError) as exc:
        raise SourceError(path, f"cannot open workbook: {exc}") from exc


def _sheet(path: Path, name: str) -> Sequence[Sequence[object]]:
    """All rows of one sheet."""
    try:
        rows: Sequence[Sequence[object]] = _open(path).get_sheet_by_name(name).to_python()
    except CalamineError as exc:
        raise SourceError(path, f"cannot read sheet {name}: {exc}") from exc
    return rows


def _text(cell: object) -> str:
    """A cell as stripped text; whole floats lose their '.0'."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def score_rank(cell: str) -> tuple[float | None, int | None]:
    """Split a "642/31" cell into (score, rank); "-", empty, 0 or a negative part -> None."""
    score_text, _, rank_text = cell.partition("/")
    score = _number(score_text.strip())
    rank = _number(rank_text.strip())
    return (
        score if score is not None and score > 0 else None,
        int(rank) if rank is not None and rank > 0 else None,
    )


def year_and_batch(year_cell: str, batch_cell: str) -> tuple[int, str] | None:
    """(year, batch) of a row; a "2024本科" year label gives the batch when the batch cell is empty."""
    m = _YEAR.match(year_cell)
    if m is None:
        return None
    batch = batch_cell if batch_cell not in _EMPTY else m.group(2).strip()
    return int(m.group(1)), batch


def _group(cell: str) -> str | None:
    """A 专业组 label without its brackets: "（01）" -> "01"; "-" or empty -> None."""
    g = cell.strip().strip("（）()").strip()
    return None if g in _EMPTY else g


def _note(enroll_type: str, batch: str) -> str | None:
    """招生类型, plus the batch when the batch itself names a special plan (国家专项计划本科批)."""
    parts = [p for p in (enroll_type, batch if "专项" in batch else "") if p not in _EMPTY]
    return " | ".join(parts) if parts else None


# ---------------------------------------------------------------------------
# Cutoffs and control lines


def _columns(path: Path, sheet: str, header: Sequence[object]) -> dict[str, int]:
    """Column positions by name; the cutoff is either 最低分_最低位次 or 最低分 + 最低位次."""
    cols = {_text(h): i for i, h in enumerate(header)}
    missing = [c for c in _BASE_COLUMNS if c not in cols]
    if "最低分_最低位次" not in cols and not {"最低分", "最低位次"} <= cols.keys():
        missing.append("最低分_最低位次")
    if missing:
        raise SourceError(path, f"sheet {sheet}: missing columns {missing}")
    return cols


def _parse(row: Sequence[object], cols: dict[str, int]) -> _Cutoff | str:
    """One row as a _Cutoff, or the reason it is skipped."""

    def cell(name: str) -> str:
        i = cols.get(name)
        return _text(row[i]) if i is not None and i < len(row) else ""

    school = cell("文本")
    if not school:
        return "empty school"
    yb = year_and_batch(cell("年份"), cell("录取批次"))
    if yb is None:
        return "placeholder (no year)"
    year, batch = yb
    prov = province(cell("文本1"))
    if prov is None:
        return "no province"
    track = cell("文本2")
    if track in _PLACEHOLDER_TRACKS:
        lists = tracks_for(prov, year)
        if len(lists) != 1:
            return "no track"
        track = lists[0]
    if not batch:
        return "no batch"
    if "最低分_最低位次" in cols:
        score, rank = score_rank(cell("最低分_最低位次"))
    else:
        score, rank = score_rank(f"{cell('最低分')}/{cell('最低位次')}")
    return _Cutoff(
        province=prov,
        year=year,
        track=track,
        batch=batch,
        school=school,
        group=_group(cell("专业组")),
        score=score,
        rank=rank,
        note=_note(cell("招生类型"), batch),
        control=_number(cell("省控线")),
    )


def _majority_lines(rows: list[_Cutoff]) -> dict[tuple[str, int, str, str], float]:
    """The 省控线 most rows of each province-year-track-batch show, where that is a number."""
    seen: dict[tuple[str, int, str, str], Counter[float | None]] = defaultdict(Counter)
    for r in rows:
        seen[(r.province, r.year, r.track, r.batch)][r.control] += 1
    out: dict[tuple[str, int, str, str], float] = {}
    for key, counts in seen.items():
        value = counts.most_common(1)[0][0]
        if value is not None:
            out[key] = value
    return out


def _read_cutoffs(src: str, path: Path, rows: Sequence[Sequence[object]], sheet: str) -> Iterator[Row]:
    """Admissions and control lines of one scraper sheet."""
    if not rows:
        raise SourceError(path, f"sheet {sheet} is empty")
    cols = _columns(path, sheet, rows[0])
    skipped: Counter[str] = Counter()
    parsed: list[_Cutoff] = []
    for row in rows[1:]:
        p = _parse(row, cols)
        if isinstance(p, str):
            skipped[p] += 1
        else:
            parsed.append(p)
    lines = _majority_lines(parsed)
    for r in parsed:
        line = lines.get((r.province, r.year, r.track, r.batch))
        if r.control is not None and line is not None and r.control != line:
            skipped["省控线 of another track (mis-scraped)"] += 1
            continue
        if r.score is None and r.rank is None:
            skipped["no cutoff (-/-)"] += 1
            continue
        yield Admission(
            source_file=src,
            province=r.province,
            year=r.year,
            track=r.track,
            batch=r.batch,
            school=r.school,
            level="group" if r.group else "school",
            min_score=r.score,
            min_rank=r.rank,
            group=r.group,
            note=r.note,
        )
    for (prov, year, track, batch), score in sorted(lines.items()):
        yield ControlLine(src, prov, year, track, batch, score)
    log.info("%s [%s]: skipped rows: %s", src, sheet, dict(skipped))


# ---------------------------------------------------------------------------
# 浙江 一分一段


def _read_score_tables(src: str, path: Path) -> Iterator[ScoreRank]:
    """ScoreRank rows of the 20xx分数段 sheets (分数, count at the score, cumulative count)."""
    wb = _open(path)
    for name in wb.sheet_names:
        m = _SCORE_TABLE.match(name)
        if m is None:
            continue
        try:
            rows: Sequence[Sequence[object]] = wb.get_sheet_by_name(name).to_python()
        except CalamineError as exc:
            raise SourceError(path, f"cannot read sheet {name}: {exc}") from exc
        if not rows or _text(rows[0][0]) != "分数" or len(rows[0]) < 3:
            raise SourceError(path, f"sheet {name}: expected 分数, count, cumulative columns")
        for r in rows[1:]:
            score, count, rank = (_number(_text(c)) for c in r[:3])
            if score is None or rank is None or rank <= 0:
                continue
            yield ScoreRank(
                src,
                "浙江",
                int(m.group(1)),
                "综合",
                int(score),
                int(rank),
                None if count is None else int(count),
            )
