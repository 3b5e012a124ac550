"""Hubei 物理类 本科普通批 院校专业组 filing lines 2023–2024 (cathyjay__hubei-gaokao-volunteer-2026).

`hubei-<year>-physics-toudang-parsed.csv` is the repo's text parse of the official PDF: code (A00105),
name (北京大学第05组), req, score, tie-break sub-scores, 志愿号, 备注 (国家专项计划 ...). No rank.

The PDFs carry a vertical watermark; where it crosses the table the parser glued one or two of its
characters to the front of the name ("湖公北京体育大学第11组", "北【南昌大学第03组"), to the
subject requirement and to the remark ("】国家专项计划"). The school name is repaired from the
other groups of the same school (same 4-character school code, longest common ending when every
spelling is that ending behind a watermark prefix), else by removing a known watermark prefix.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from etl.errors import SourceError
from etl.rows import Admission
from etl.sources._cells import to_float

ORIGIN = "cathyjay__hubei-gaokao-volunteer-2026"
PROVINCE = "湖北"
TRACK = "物理类"
BATCH = "本科普通批"
PATTERN = "hubei-*-physics-toudang-parsed.csv"

SKIPPED: dict[str, str] = {
    f"hubei-{y}-physics-toudang-official.pdf": f"official PDF; hubei-{y}-physics-toudang-parsed.csv is its text"
    for y in (2023, 2024)
}

# Watermark fragments seen glued to names, longest first. 信/北/公 also begin real names
# (信阳…, 北京…/北方…/北华…/北部湾…, 公安…): they are removed only when the next character
# could not continue such a name.
WATERMARK_PREFIXES = (
    "北【", "等湖", "湖公", "湖号", "湖高", "省号", "省湖", "号北",
    "【", "】", "众", "微", "教", "育", "学", "高", "校", "等", "省", "号", "公", "信", "北", "湖",
)  # fmt: skip
_REAL_NAME_STARTS = {"信": "阳", "北": "京方华部", "公": "安", "湖": "北南州"}

log = logging.getLogger(__name__)

_COLUMNS = ("code", "name", "score", "备注")
_NAME = re.compile(r"(?P<school>.+?)第(?P<group>\d{1,3})组")
_FILE_YEAR = re.compile(r"hubei-(\d{4})-physics-toudang-parsed\.csv")


def read(root: Path) -> Iterator[Admission]:
    """Yield group-level Admissions from both parsed CSVs."""
    base = root / ORIGIN
    paths = sorted(base.glob(PATTERN))
    if not paths:
        raise SourceError(base, f"no {PATTERN} found")
    for path in paths:
        m = _FILE_YEAR.fullmatch(path.name)
        if m is None:
            raise SourceError(path, "cannot read the year from the file name")
        yield from _read_file(path, f"{ORIGIN}/{path.name}", int(m.group(1)))


def _rows(path: Path) -> list[dict[str, str]]:
    """All rows of a parsed CSV (SourceError when unreadable or a column is missing)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise SourceError(path, f"missing columns {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read CSV: {exc}") from exc


def _read_file(path: Path, source_file: str, year: int) -> Iterator[Admission]:
    """Admissions of one year's CSV."""
    parsed: list[tuple[str, str, str, float, str]] = []  # school code, raw school, group, score, remark
    skipped = 0
    for row in _rows(path):
        m = _NAME.fullmatch((row["name"] or "").strip())
        score = to_float(row["score"])
        if m is None or score is None:
            skipped += 1
            continue
        remark = (row["备注"] or "").strip().lstrip("【】")
        parsed.append(((row["code"] or "").strip()[:4], m.group("school"), m.group("group"), score, remark))
    names = _school_names(parsed)
    repaired = 0
    for code, raw, group, score, remark in parsed:
        school = names.get((code, raw)) or strip_watermark(raw)
        repaired += school != raw
        yield Admission(
            source_file=source_file,
            province=PROVINCE,
            year=year,
            track=TRACK,
            batch=BATCH,
            school=school,
            level="group",
            min_score=score,
            group=group,
            note=remark or None,
        )
    log.info(
        "%s: repaired %d watermarked school names, skipped %d unparsable rows", source_file, repaired, skipped
    )


def _school_names(parsed: Iterable[tuple[str, str, str, float, str]]) -> dict[tuple[str, str], str]:
    """(school code, raw name) -> repaired name, for codes spelled several ways."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for code, raw, *_ in parsed:
        if code:
            spellings[code][raw] += 1
    out: dict[tuple[str, str], str] = {}
    for code, names in spellings.items():
        if len(names) < 2:
            continue
        ending = _common_ending(list(names))
        if len(ending) >= 2 and all(n == ending or n[: -len(ending)] in WATERMARK_PREFIXES for n in names):
            out.update({(code, n): strip_watermark(ending) for n in names})
    return out


def _common_ending(names: list[str]) -> str:
    """The longest ending shared by all names."""
    shortest = min(names, key=len)
    n = 0
    while n < len(shortest) and all(name[-1 - n] == shortest[-1 - n] for name in names):
        n += 1
    return shortest[len(shortest) - n :]


def strip_watermark(name: str) -> str:
    """`name` without one leading watermark fragment ("微中央民族大学" -> "中央民族大学")."""
    for prefix in WATERMARK_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            rest = name[len(prefix) :]
            if rest[0] in _REAL_NAME_STARTS.get(prefix, ""):
                continue
            return rest
    return name
