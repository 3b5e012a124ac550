"""Shandong 2020–2024 major-level cutoffs, 一分一段 tables, renames and school list (sdzk.cn via ZhixinZhang-12).

`20xx一二三批次合并.xlsx`: one row per school-major of 普通类常规批, 批次 = 一批次/二批次/三批次 (the 1st,
2nd and 3rd 志愿 rounds, not batches); the 2024 file adds 层次 本科/专科, which is put in front of the
round label ("专科二批次") and carried back to the same school-major in earlier years. Ranks are published (最低位次); only 2020 also has 最低分. Rows with neither a score nor a
rank (majors nobody was filed to) carry no cutoff and are skipped with a count.

`20xx年夏季高考一分一段表.xlsx`: only the 全体 (overall) column is read; the per-subject columns
(选考物理 ...) are subsets of the same cohort, not separate ranking lists.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from etl.errors import SourceError
from etl.rows import Admission, Alias, Row, SchoolInfo, ScoreRank
from etl.sources._cells import (
    Cell,
    bracket_remarks,
    join_notes,
    positive,
    read_sheet,
    special_remarks,
    text,
    to_float,
    to_int,
)
from gaokao.regions import province

ORIGIN = "ZhixinZhang-12__ShandongGaokao-admin-data"

ADMISSION_DIR = "山东省各批次志愿录取数据年份合并"
RANK_DIR = "山东省分数一分一段表"
INFO_DIR = "报考要求信息"
RENAMES = f"{INFO_DIR}/高校名称变化.xlsx"
SCHOOLS = f"{INFO_DIR}/高校信息.CSV"

SKIPPED: dict[str, str] = {
    "山东省本专科招生变化/本科录取年际变化.CSV": (
        "2020–2024 ranks side by side: every (school, year, rank) is also in the 一二三批次合并.xlsx files"
    ),
    "山东省本专科招生变化/专科录取年际变化.CSV": (
        "2020–2024 ranks side by side: every (school, year, rank) is also in the 一二三批次合并.xlsx files"
    ),
    f"{INFO_DIR}/本科绿本录取计划yoy变化.xlsx": "enrolment plans (计划数) by year, no cutoffs",
    f"{INFO_DIR}/仅更名.xlsx": "major renames (专业名称/原专业名称), not schools",
    f"{INFO_DIR}/高校专业名称变化本科.xlsx": "MOE 职业本科 major catalogue changes, not schools",
    f"{INFO_DIR}/高校专业名称变化专科.xlsx": "MOE 高职专科 major catalogue changes, not schools",
    f"{INFO_DIR}/专业名称变化本科专科合并扁平表.CSV": "flat merge of the two major-catalogue change tables",
    f"{INFO_DIR}/院校名单2020.xlsx": f"MOE school list 2020, merged into {SCHOOLS} (read)",
    f"{INFO_DIR}/院校名单2024.xlsx": f"school list 2024 (name, province, website), merged into {SCHOOLS} (read)",
    f"{INFO_DIR}/发布会数据整理.xlsx": "press-conference totals (applicants, admitted counts), no cutoffs",
}

log = logging.getLogger(__name__)

PROVINCE = "山东"
TRACK = "综合"
_ADMISSION_COLUMNS = ("院校名称", "专业名称", "投档计划数", "最低位次", "批次")
_RANK_ONLY_TOP = re.compile(r"^前\s*(\d+)\s*名$")  # 2021 清华: 最低位次 "前50名"
_YEAR = re.compile(r"^(20\d\d)")
_SCHOOL_COLUMNS = (
    "学校名称",
    "学校标识码",
    "主管部门",
    "所在省份",
    "所在地市",
    "办学层次",
    "办学方式(民办等)",
    "院校名称2024",
)
# 办学方式 as the MOE list spells it -> SchoolInfo.nature. Blank means 公办 in that list.
_NATURE = {"民办": "民办", "中外合作办学": "中外合作", "内地与港澳台地区合作办学": "中外合作"}


def read(root: Path) -> Iterator[Row]:
    """Yield Admission, ScoreRank, Alias and SchoolInfo rows from the Shandong folder."""
    folder = root / ORIGIN
    levels: dict[tuple[str, str], str] = {}
    for year, path in reversed(_year_files(folder / ADMISSION_DIR, "*一二三批次合并.xlsx")):  # 2024 (with 层次) first
        yield from read_admissions(path, _rel(root, path), year, levels)
    for year, path in _year_files(folder / RANK_DIR, "*一分一段表.xlsx"):
        yield from read_score_ranks(path, _rel(root, path), year)
    yield from read_renames(folder / RENAMES, f"{ORIGIN}/{RENAMES}")
    yield from read_schools(folder / SCHOOLS, f"{ORIGIN}/{SCHOOLS}")


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _year_files(folder: Path, pattern: str) -> list[tuple[int, Path]]:
    """The (year, path) of every file matching `pattern`, the year taken from the name's start."""
    found: list[tuple[int, Path]] = []
    for path in sorted(folder.glob(pattern)):
        m = _YEAR.match(path.name)
        if m is None:
            raise SourceError(path, "file name does not start with a year")
        found.append((int(m.group(1)), path))
    if not found:
        raise SourceError(folder, f"no file matching {pattern}")
    return found


def _columns(path: Path, header: Sequence[Cell], required: tuple[str, ...]) -> dict[str, int]:
    """Map column names to indexes; raise SourceError when a required one is missing."""
    index = {text(c): i for i, c in enumerate(header) if text(c)}
    missing = [c for c in required if c not in index]
    if missing:
        raise SourceError(path, f"missing columns {missing}")
    return index


def read_admissions(
    path: Path, source: str, year: int, levels: dict[tuple[str, str], str] | None = None
) -> Iterator[Admission]:
    """Yield one major-level Admission per row of a 一二三批次合并 workbook.

    批次 is the 志愿 round (一/二/三批次) of 常规批, not a batch. The programme's level (层次) is put
    in front of it: from the file when it has the column (2024, recorded in `levels` by school and
    major), else from `levels` as a later file gave it, else left out (the build then takes the
    school's level).
    """
    levels = {} if levels is None else levels
    rows = read_sheet(path, "Sheet1")
    if not rows:
        raise SourceError(path, "empty sheet")
    col = _columns(path, rows[0], _ADMISSION_COLUMNS)
    garbage = no_cutoff = 0
    for r in rows[1:]:
        school = text(r[col["院校名称"]])
        major = text(r[col["专业名称"]])
        if not school or not major or school == "院校名称":
            garbage += 1
            continue
        rank_cell = text(r[col["最低位次"]])
        top = _RANK_ONLY_TOP.match(rank_cell)
        rank = int(top.group(1)) if top else positive(to_int(rank_cell))
        score = to_float(r[col["最低分"]]) if "最低分" in col else None
        score = score if score else None
        if rank is None and score is None:
            no_cutoff += 1
            continue
        if "层次" in col:
            level = text(r[col["层次"]])
            if level:
                levels.setdefault((school, major), level)
        else:
            level = levels.get((school, major), "")
        yield Admission(
            source_file=source,
            province=PROVINCE,
            year=year,
            track=TRACK,
            batch=level + text(r[col["批次"]]),
            school=school,
            level="major",
            min_score=score,
            min_rank=rank,
            major=major,
            plan_count=to_int(r[col["投档计划数"]]),
            note=join_notes(
                *special_remarks(school),
                *bracket_remarks(major),
                f"最低位次{rank_cell}" if top else None,
            ),
        )
    log.info("%s: skipped %d garbage rows and %d rows without score or rank", source, garbage, no_cutoff)


def read_score_ranks(path: Path, source: str, year: int) -> Iterator[ScoreRank]:
    """Yield the 全体 (overall) column of a 一分一段 workbook: score, cumulative rank, count."""
    rows = read_sheet(path)
    if len(rows) < 4:
        raise SourceError(path, "too few rows for a 一分一段 table")
    groups, sub = [text(c) for c in rows[1]], [text(c) for c in rows[2]]
    if "全体" not in groups:
        raise SourceError(path, "no 全体 column group in the second row")
    j = groups.index("全体")
    if sub[j : j + 2] != ["本段人数", "累计人数"]:
        raise SourceError(path, f"全体 group is not 本段人数/累计人数: {sub[j : j + 2]}")
    skipped = 0
    for r in rows[3:]:
        score, count, rank = to_int(r[0]), to_int(r[j]), to_int(r[j + 1])
        if score is None or rank is None:
            skipped += 1
            continue
        yield ScoreRank(
            source_file=source, province=PROVINCE, year=year, track=TRACK, score=score, rank=rank, count=count
        )
    log.info("%s: skipped %d rows without score or rank", source, skipped)


def read_renames(path: Path, source: str) -> Iterator[Alias]:
    """Yield a former-name Alias for each school whose 2020 name differs from its 2024 name."""
    rows = read_sheet(path, "名称变化")
    if not rows:
        raise SourceError(path, "empty sheet")
    col = _columns(path, rows[0], ("院校名称2024", "院校名称2020"))
    for r in rows[1:]:
        new, old = text(r[col["院校名称2024"]]), text(r[col["院校名称2020"]])
        if new and old and new != old:
            yield Alias(source_file=source, alias=old, name=new, kind="former")


def read_schools(path: Path, source: str) -> Iterator[Row]:
    """Yield SchoolInfo (and a former-name Alias when renamed by 2024) from the GBK school list."""
    try:
        with path.open(encoding="gbk", newline="") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read GBK CSV: {exc}") from exc
    if len(rows) < 2:
        raise SourceError(path, "no header row")
    header = rows[1]  # the first row is a free-text comment over the columns
    col = _columns(path, header, _SCHOOL_COLUMNS)
    seen: set[SchoolInfo] = set()
    for r in rows[2:]:
        if len(r) < len(header):
            raise SourceError(path, f"short row: {r}")
        old = r[col["学校名称"]].strip()
        name = r[col["院校名称2024"]].strip() or old
        if not name:
            continue
        code = r[col["学校标识码"]].strip() or None
        nature = r[col["办学方式(民办等)"]].strip()
        info = SchoolInfo(
            source_file=source,
            name=name,
            moe_code=code,
            province=province(r[col["所在省份"]]),
            city=r[col["所在地市"]].strip() or None,
            level=r[col["办学层次"]].strip() or None,
            nature=_NATURE.get(nature, nature) or ("公办" if code else None),
            authority=r[col["主管部门"]].strip() or None,
        )
        if info in seen:  # one school listed once per Shandong 院校代码 (山东大学 x3)
            continue
        seen.add(info)
        yield info
        if old and old != name:
            yield Alias(source_file=source, alias=old, name=name, kind="former", moe_code=code)
