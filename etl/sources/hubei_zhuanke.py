"""Hubei 专科批/专科提前批 group cutoffs 2024–2025 with rank, and 2026 本科 filing lines (1052666__hb-gaokao-toudang).

`raw_data_chunks_and_index.tar.gz` holds the repo's `data_chunks/chunk_*.json` ({"schools": [{"id",
"name", "records": [...]}]}) and `data_index.json` (school index; its `meta.year` is the release year).
Three kinds of record:

- `数据类型` "2024参考投档线" / "2025参考投档线": 阳光高考 (api.eol.cn) 专科 group cutoffs with 位次,
  计划类别 and the batch control line (控制线) -> group Admission (+ the distinct ControlLines).
- no `数据类型` and no `年份`: 本科 filing lines the repo took from 武汉本地宝, a news site; the year is
  not in the record and is taken from the index's release year (2026) -> quality "third-party".
- `数据类型` "2026招生计划": 专科 enrolment plans, not cutoffs -> skipped (counted).
"""

from __future__ import annotations

import json
import logging
import re
import tarfile
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Row
from etl.sources._cells import join_notes, positive, to_float, to_int

ORIGIN = "1052666__hb-gaokao-toudang"
ARCHIVE = "raw_data_chunks_and_index.tar.gz"
PROVINCE = "湖北"
INDEX = "data_index.json"
CHUNK = re.compile(r"(?:.*/)?data_chunks/chunk_\d+\.json")

SKIPPED: dict[str, str] = {
    "derived_flat_records.csv": f"derived flattening of {ARCHIVE} (same 11,682 records), which is read",
}

log = logging.getLogger(__name__)

_REFERENCE = "参考投档线"
_PLAN = "招生计划"
_REFERENCE_KEYS = ("年份", "科类", "类别", "专业组编号", "投档线", "位次", "计划类别")
_UNDERGRAD_KEYS = ("类别", "专业组名称")


def read(root: Path) -> Iterator[Row]:
    """Yield 专科 reference cutoffs (2024–2025), their control lines and the third-party 本科 lines."""
    path = root / ORIGIN / ARCHIVE
    source_file = f"{ORIGIN}/{ARCHIVE}"
    index, chunks = _load_archive(path)
    release_year = _release_year(path, index)
    kinds: Counter[str] = Counter()
    lines: set[ControlLine] = set()
    for member, chunk in chunks:
        for school, rec in _records(path, member, chunk):
            kind = str(rec.get("数据类型") or "")
            if kind.endswith(_REFERENCE):
                row = _reference(path, source_file, school, rec)
                line = _control_line(source_file, rec)
                if line is not None:
                    lines.add(line)
            elif kind.endswith(_PLAN):
                row = None
            elif not kind and not rec.get("年份"):
                row = _undergrad(path, source_file, release_year, school, rec)
            else:
                raise SourceError(path, f"{member}: unknown record kind {kind!r} ({school})")
            kinds[f"{kind or 'undergrad'}:{'kept' if row else 'skipped'}"] += 1
            if row is not None:
                yield row
    yield from sorted(lines, key=lambda c: (c.year, c.track, c.batch))
    log.info("%s: records by kind: %s", source_file, dict(sorted(kinds.items())))


def _load_archive(path: Path) -> tuple[Mapping[str, Any], list[tuple[str, Any]]]:
    """The parsed index and the parsed chunks (in name order) of the tarball."""
    index: Any = None
    chunks: list[tuple[str, Any]] = []
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                is_index = member.name.rsplit("/", 1)[-1] == INDEX
                if not member.isfile() or not (is_index or CHUNK.fullmatch(member.name)):
                    continue
                f = tar.extractfile(member)
                if f is None:
                    raise SourceError(path, f"cannot extract {member.name}")
                data = _json(path, member.name, f.read())
                if is_index:
                    index = data
                else:
                    chunks.append((member.name, data))
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise SourceError(path, f"cannot read the tar.gz archive: {exc}") from exc
    if not isinstance(index, dict):
        raise SourceError(path, f"no {INDEX} object in the archive")
    if not chunks:
        raise SourceError(path, "no data_chunks/chunk_*.json in the archive")
    return index, chunks


def _json(path: Path, member: str, raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(path, f"{member}: bad JSON: {exc}") from exc


def _release_year(path: Path, index: Mapping[str, Any]) -> int:
    """The release year in the index meta (the year of the undated 本科 lines)."""
    meta = index.get("meta")
    year = to_int(meta.get("year")) if isinstance(meta, dict) else None
    if year is None:
        raise SourceError(path, f"{INDEX}: no meta.year")
    return year


def _records(path: Path, member: str, chunk: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(school name, record) pairs of one chunk."""
    schools = chunk.get("schools") if isinstance(chunk, dict) else None
    if not isinstance(schools, list):
        raise SourceError(path, f"{member}: no 'schools' list")
    for school in schools:
        if not isinstance(school, dict) or not isinstance(school.get("records"), list):
            raise SourceError(path, f"{member}: a school without a 'records' list")
        name = str(school.get("name") or "").strip()
        if not name:
            raise SourceError(path, f"{member}: school {school.get('id')!r} has no name")
        for rec in school["records"]:
            if not isinstance(rec, dict):
                raise SourceError(path, f"{member}: {name}: a record is not an object")
            yield name, rec


def _require(path: Path, school: str, rec: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    missing = [k for k in keys if k not in rec]
    if missing:
        raise SourceError(path, f"{school}: record lacks {', '.join(missing)}")


def _group(value: Any) -> str | None:
    """'（01）' -> '01'; '第07组' and names stay as they are."""
    t = str(value or "").strip().strip("（）()")
    return t or None


def _reference(path: Path, source_file: str, school: str, rec: Mapping[str, Any]) -> Admission | None:
    """A 2024/2025 专科 reference cutoff (None when it has no score)."""
    _require(path, school, rec, _REFERENCE_KEYS)
    year = to_int(rec["年份"])
    if year is None:
        raise SourceError(path, f"{school}: bad 年份 {rec['年份']!r}")
    score = to_float(rec["投档线"])
    rank = positive(to_int(rec["位次"]))
    if score is None and rank is None:
        return None
    return Admission(
        source_file=source_file,
        province=PROVINCE,
        year=year,
        track=str(rec["科类"] or ""),
        batch=str(rec["类别"] or rec.get("批次") or ""),
        school=school,
        level="group",
        min_score=score,
        min_rank=rank,
        group=_group(rec["专业组编号"]),
        note=join_notes(_text(rec["计划类别"]), _text(rec.get("类型"))),
    )


def _control_line(source_file: str, rec: Mapping[str, Any]) -> ControlLine | None:
    """The batch control line a reference record carries (200 for 专科批), or None ('-')."""
    score = to_float(rec.get("控制线"))
    year = to_int(rec["年份"])
    if score is None or score <= 0 or year is None:
        return None
    batch = str(rec["类别"] or rec.get("批次") or "")
    return ControlLine(source_file, PROVINCE, year, str(rec["科类"] or ""), batch, score)


def _undergrad(
    path: Path, source_file: str, year: int, school: str, rec: Mapping[str, Any]
) -> Admission | None:
    """A 本科 filing line from the news site (None when 投档线 is missing or not a number)."""
    _require(path, school, rec, _UNDERGRAD_KEYS)
    score = to_float(rec.get("投档线"))
    if score is None:
        return None
    return Admission(
        source_file=source_file,
        province=PROVINCE,
        year=year,
        track=str(rec.get("科类") or ""),
        batch=str(rec["类别"]),
        school=school,
        level="group",
        min_score=score,
        group=_group(rec.get("专业组编号") or rec["专业组名称"]),
        note=join_notes(_text(rec.get("计划类别")), _text(rec.get("备注"))),
        quality="third-party",
    )


def _text(value: Any) -> str | None:
    """Text with line breaks and spaces removed ("高校专项计划\\n(学校要求…" -> one line)."""
    t = re.sub(r"\s+", "", str(value)) if value is not None else ""
    return t or None
