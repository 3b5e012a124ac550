"""Henan 理科 本科一批 major-level cutoffs 2024 and 2023 (Lieber7802__Henan-Gaokao-data).

`河南高考物理类录取统计.xlsx` is the final table of an OCR pipeline over 河南's 《2025年理科录取统计》
book, chapter 3 分专业录取, 本科一批 (the repo's docs/chapter3_major_admission_reuse_notes.md; 本科二批
was never published there). Despite "物理类" in the name it is 理科: Henan was 理科/文科 until 2025.
Columns: 学校, 专业, an unnamed remark column (中外合作办学, 师范, [定向] ...; sometimes 1/2 to tell
two same-named majors apart), then 年份/最低录取分数/最低录取位次 for 2024 and again for 2023, then an
average rank (derived, ignored). Each line gives one Admission per year that has a score or a rank.
The year blocks are positional: two lines carry "2024" in the 2023 block (OCR slip; their numbers match
the 2023 一分一段), so the block decides the year and the mismatch is only logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from etl.errors import SourceError
from etl.rows import Admission, Row
from etl.sources._cells import (
    bracket_remarks,
    join_notes,
    positive,
    read_sheet,
    special_remarks,
    text,
    to_float,
    to_int,
)

ORIGIN = "Lieber7802__Henan-Gaokao-data"
WORKBOOK = "河南高考物理类录取统计.xlsx"

SKIPPED: dict[str, str] = {}

log = logging.getLogger(__name__)

PROVINCE = "河南"
TRACK = "理科"
BATCH = "本科一批"
# (year, column of 年份, column of 最低录取分数, column of 最低录取位次)
_BLOCKS = ((2024, 3, 4, 5), (2023, 6, 7, 8))
_HEADER = ("学校", "专业", "", "年份", "最低录取分数", "最低录取位次", "年份", "最低录取分数", "最低录取位次")


def read(root: Path) -> Iterator[Row]:
    """Yield two Admission rows (2024, 2023) per school-major line of the Henan workbook."""
    path = root / ORIGIN / WORKBOOK
    source = f"{ORIGIN}/{WORKBOOK}"
    rows = read_sheet(path, "Sheet1")
    if not rows or tuple(text(c) for c in rows[0][: len(_HEADER)]) != _HEADER:
        raise SourceError(path, f"unexpected header {rows[0] if rows else None}, expected {_HEADER}")
    garbage = year_slips = 0
    for r in rows[1:]:
        school, major = text(r[0]), text(r[1])
        if not school or not major or school == "学校":
            garbage += 1
            continue
        note = join_notes(text(r[2]), *special_remarks(school), *bracket_remarks(major))
        for year, year_col, score_col, rank_col in _BLOCKS:
            score = to_float(r[score_col])
            rank = positive(to_int(r[rank_col]))
            if not score and rank is None:
                continue
            if text(r[year_col]) not in ("", str(year)):
                year_slips += 1
            yield Admission(
                source_file=source,
                province=PROVINCE,
                year=year,
                track=TRACK,
                batch=BATCH,
                school=school,
                level="major",
                min_score=score or None,
                min_rank=rank,
                major=major,
                note=note,
            )
    log.info(
        "%s: skipped %d garbage rows; %d year cells disagree with their block", source, garbage, year_slips
    )
