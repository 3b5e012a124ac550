"""Shanghai 本科普通批 group filing lines 2020–2024 and 一分一段 tables (666keke__Shanghai-Gaokao).

- `data.json`: one record per 院校专业组 and year (组名, 院校名 as abbreviated, 组号, 投档线, 最低排名).
  The workbook's notes say 最低排名 was looked up from the 一分一段 table by the filing score, so
  ranks are marked `rank_derived_by_source`. Groups whose line is "580(分)及以上" are published
  only as a bound (their rank is the rank of 580), and groups with no line (#N/A: nobody filed)
  carry no cutoff: both are skipped and counted.
- `志愿工具-2020-2024年投档数据v2025.1.xlsx`: sheets `总表`/`20xx` repeat data.json row for row; the
  `20xxD` sheets are the 一分一段 tables (分数, 人数, 累计人数) and are read as ScoreRank rows.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from etl.errors import SourceError
from etl.rows import Admission, Row, ScoreRank

ORIGIN = "666keke__Shanghai-Gaokao"
PROVINCE = "上海"
TRACK = "综合"
BATCH = "本科普通批"

GROUPS_JSON = "data.json"
WORKBOOK = "志愿工具-2020-2024年投档数据v2025.1.xlsx"

# The workbook is read for its 一分一段 sheets only (its group sheets repeat data.json).
SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

_KEYS = ("院校名", "组号", "投档线", "最低排名", "年份")
_SCORE = re.compile(r"^\d+(\.\d+)?$")
_BOUND = re.compile(r"^(\d+)分?及以上$")  # "611分及以上": everyone at or above the score
_TABLE_SHEET = re.compile(r"^(20\d\d)D$")


def read(root: Path) -> Iterator[Row]:
    """Yield Shanghai group cutoffs (data.json) and 一分一段 rows (the workbook's D sheets)."""
    yield from _read_groups(root, root / ORIGIN / GROUPS_JSON)
    yield from _read_tables(root, root / ORIGIN / WORKBOOK)


def _load_records(path: Path) -> list[dict[str, Any]]:
    """The list of group records of data.json, checked for the keys the reader needs."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(path, f"cannot read JSON: {exc}") from exc
    if not isinstance(data, list):
        raise SourceError(path, f"expected a list of records, got {type(data).__name__}")
    for i, rec in enumerate(data):
        if not isinstance(rec, dict) or any(k not in rec for k in _KEYS):
            raise SourceError(path, f"record {i} lacks one of the keys {_KEYS}")
    return data


def _rank(value: object) -> int | None:
    """A rank as int, or None when missing, zero or negative."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return int(value)
    return None


def _read_groups(root: Path, path: Path) -> Iterator[Admission]:
    """One group-level Admission per record of data.json that has a filing line."""
    src = path.relative_to(root).as_posix()
    skipped: Counter[str] = Counter()
    for rec in _load_records(path):
        line = str(rec["投档线"] or "").strip()
        school = str(rec["院校名"] or "").strip()
        if not school:
            skipped["empty school"] += 1
            continue
        if not _SCORE.match(line):
            skipped["bound (及以上)" if _BOUND.match(line) else "no filing line"] += 1
            continue
        yield Admission(
            source_file=src,
            province=PROVINCE,
            year=int(rec["年份"]),
            track=TRACK,
            batch=BATCH,
            school=school,
            level="group",
            min_score=float(line),
            min_rank=_rank(rec["最低排名"]),
            rank_derived_by_source=True,
            group=str(rec["组号"]).strip() or None,
        )
    if skipped:
        log.info("%s: skipped records: %s", src, dict(skipped))


def _sheets(path: Path) -> Iterator[tuple[str, Sequence[Sequence[object]]]]:
    """(name, rows) of every sheet of the workbook named like 2020D."""
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = [n for n in wb.sheet_names if _TABLE_SHEET.match(n)]
        if not names:
            raise SourceError(path, "no 一分一段 sheet named like 2020D")
        for name in names:
            yield name, wb.get_sheet_by_name(name).to_python()
    except (CalamineError, OSError) as exc:
        raise SourceError(path, f"cannot read workbook: {exc}") from exc


def _whole(cell: object) -> int | None:
    """A whole-number cell (number or digit text) as int, else None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return int(cell) if float(cell).is_integer() else None
    t = str(cell).strip().removesuffix(".0")
    return int(t) if t.isdigit() else None


def _read_tables(root: Path, path: Path) -> Iterator[ScoreRank]:
    """ScoreRank rows of the 20xxD sheets; a "611分及以上" top row becomes score 611."""
    src = path.relative_to(root).as_posix()
    for name, rows in _sheets(path):
        m = _TABLE_SHEET.match(name)
        if not m:
            continue
        year = int(m.group(1))
        if not rows or [str(c).strip() for c in rows[0][:3]] != ["分数", "人数", "累计人数"]:
            raise SourceError(path, f"sheet {name}: expected the header 分数, 人数, 累计人数")
        seen: set[int] = set()
        for r in rows[1:]:
            label = str(r[0]).strip()
            bound = _BOUND.match(label)
            score = int(bound.group(1)) if bound else _whole(r[0])
            rank = _whole(r[2])
            if score is None or rank is None or score in seen:
                continue  # the helper row "580及以上" repeats the 580 row
            seen.add(score)
            yield ScoreRank(src, PROVINCE, year, TRACK, score, rank, _whole(r[1]))
