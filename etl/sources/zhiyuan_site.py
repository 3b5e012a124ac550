"""The 31-province admissions knowledge base of gaokao-zhiyuan-site (liuguanghui0226__gaokao-zhiyuan-site).

`site/data/release-v3.275/<slug>.json.gz` holds one shard per province (29 here; Shandong and Zhejiang
are missing): `{province, records[], rankConversions[]}`. A record's `dataType` says what it is:

- institution- / major-group- / major- / vocational-admission and school-admission-summary are cutoffs
  (Admission). Vocational records are the 专科 rows: major-level when `majorName` is a real major,
  otherwise a school or group filing line (`majorName` is then a label such as 院校投档线).
- control-line is a batch control line (ControlLine); admission-plan is a plan, not a cutoff (counted, skipped).
- rankConversions are 一分一段 rows (ScoreRank): `rankEnd` is the cumulative rank at `score`.

`data/admissions/official-*.json` are the site's import files: 2025 一分一段 tables, 2026 control lines,
Xinjiang 2025 filing lines and three single-school files. They repeat shard records (same ids) except
Zhejiang's control lines and a few school rows; the build drops exact duplicates.

`subjectType` is the site's normalised track (it maps old 文史/理工 to 历史类/物理类; the build maps them
back by year); the source's own spelling (`sourceSubjectRaw`) goes into `note` with the special-plan fields.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from etl.errors import SourceError
from etl.rows import Admission, ControlLine, Level, Quality, Row, ScoreRank
from gaokao.regions import province

ORIGIN = "liuguanghui0226__gaokao-zhiyuan-site"
RELEASE = "site/data/release-v3.275"
IMPORTS = "data/admissions"

SKIPPED: dict[str, str] = {
    "derived_flat_admissions.csv.gz": f"flat copy of the records in {RELEASE}/*.json.gz (same 672,442 rows)",
    "derived_flat_rank_conversions.csv.gz": f"flat copy of the rankConversions in {RELEASE}/*.json.gz (76,081 rows)",
    f"{RELEASE}/manifest.json.gz": "index of the shards (file names, sizes, hashes), no admission facts",
}

log = logging.getLogger(__name__)

_LEVEL_BY_TYPE: dict[str, Level | None] = {
    "major-admission": "major",
    "major-group-admission": "group",
    "institution-admission": None,  # school, or major when majorName is a real major
    "vocational-admission": None,  # major, group or school, from majorName / majorGroup
    "school-admission-summary": "school",
}
# A majorName with one of these words is a label of a filing line (院校投档线 ...), not a major.
_LABEL = re.compile(r"投档|录取|调档|分数|概况|汇总|校线|控制线|专业组|日报|边界|最低分")
# Raw fields that carry special-plan marks (招生类型, 计划类别, 备注 ...), in the order they go into `note`.
_NOTE_FIELDS = (
    "admissionType",
    "admissionSubtype",
    "candidateCategory",
    "rankCategory",
    "sourceAdmissionTypeRaw",
    "sourcePlanTypeRaw",
    "sourceRemark",
)
_YEAR = re.compile(r"^\s*(\d{4})\s*(本科|专科)?")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ORDINARY_RANK_USAGES = (None, "undergraduate")


@dataclass(slots=True)
class _Ctx:
    """Per-file reading context: where rows come from and what was skipped."""

    rel: str  # source_file of every row
    fallback_province: str | None  # from the file name (pinyin slug)
    stats: Counter[str]
    provinces: dict[str, str | None] = field(default_factory=dict)
    qualities: dict[str, Quality] = field(default_factory=dict)


def read(root: Path) -> Iterator[Row]:
    """Yield Admission, ControlLine and ScoreRank rows from the shards and the official import files."""
    folder = root / ORIGIN
    shards = folder / RELEASE
    if not shards.is_dir():
        raise SourceError(shards, "release folder with the province shards is missing")
    stats: Counter[str] = Counter()
    for path in sorted(shards.glob("*.json.gz")):
        if path.name == "manifest.json.gz":
            continue
        slug = path.name.removesuffix(".json.gz")
        ctx = _Ctx(path.relative_to(root).as_posix(), province(slug), stats)
        yield from _read_doc(_load(path), path, ctx, required=("records", "rankConversions"))
    for path in sorted((folder / IMPORTS).glob("official-*.json")):
        slug = path.name.removeprefix("official-").split("-")[0]
        ctx = _Ctx(path.relative_to(root).as_posix(), province(slug), stats)
        yield from _read_doc(_load(path), path, ctx, required=())
    for what, n in sorted(stats.items()):
        log.info("%s: %d %s", ORIGIN, n, what)


def _load(path: Path) -> dict[str, Any]:
    """Parse a .json or .json.gz file into its top-level object."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                data = orjson.loads(fh.read())
        else:
            data = orjson.loads(path.read_bytes())
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, orjson.JSONDecodeError) as exc:
        raise SourceError(path, f"cannot read JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SourceError(path, "top-level JSON value is not an object")
    return data


def _read_doc(doc: dict[str, Any], path: Path, ctx: _Ctx, required: tuple[str, ...]) -> Iterator[Row]:
    """Rows of one file: its records, then its rankConversions."""
    missing = [k for k in required if k not in doc]
    if missing or not ("records" in doc or "rankConversions" in doc):
        raise SourceError(path, f"missing key(s): {', '.join(missing) or 'records/rankConversions'}")
    records = _list(doc, "records", path)
    later: list[ControlLine] = []  # third-party control lines go after the official ones
    for rec in records:
        if not isinstance(rec, dict):
            raise SourceError(path, "a record is not an object")
        dt = rec.get("dataType")
        if dt == "control-line":
            line = _control_line(rec, ctx)
            if line is not None:
                if str(rec.get("sourceQuality", "")).startswith("third-party"):
                    later.append(line)
                else:
                    yield line
        elif dt in _LEVEL_BY_TYPE:
            adm = _admission(rec, dt, ctx)
            if adm is not None:
                yield adm
        elif dt == "admission-plan":
            ctx.stats["admission-plan records (plans, not cutoffs; skipped)"] += 1
        else:
            ctx.stats[f"records of unknown dataType {dt!r} (skipped)"] += 1
    yield from later
    for rc in _list(doc, "rankConversions", path):
        if not isinstance(rc, dict):
            raise SourceError(path, "a rankConversion is not an object")
        sr = _score_rank(rc, ctx)
        if sr is not None:
            yield sr


def _list(doc: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise SourceError(path, f"{key!r} is not a list")
    return value


def _admission(rec: dict[str, Any], dt: str, ctx: _Ctx) -> Admission | None:
    """One cutoff record as an Admission, or None (counted) when it is unusable."""
    get = rec.get  # this runs ~600k times: plain lookups, few calls
    base = _where(rec, ctx)
    if base is None:
        return None
    prov, year, batch = base
    school = _text(get("schoolName"))
    if school is None:
        ctx.stats["admission records without a school name (skipped)"] += 1
        return None
    score = _number(get("minScore"))
    rank = _rank(rec, ctx)
    if score is None and rank is None:
        ctx.stats["admission records with neither score nor rank (skipped)"] += 1
        return None
    major_name = _text(get("majorName"))
    mg = _text(get("majorGroup"))
    if mg == batch:
        mg = None  # third-party rows repeat the batch here
    level = _LEVEL_BY_TYPE[dt] or _level(dt, major_name, mg)
    group = major = None
    if level == "major":
        group, major = mg, major_name
    elif level == "group":
        group = mg or major_name
    else:  # a school-level line may still name its group (华中科技大学 …|理工组：物+化): the build keeps it
        group = mg
    plan = get("planCount")
    code = get("schoolCode")
    sq = _text(get("sourceQuality"))
    return Admission(
        source_file=ctx.rel,
        province=prov,
        year=year,
        track=_text(get("subjectType")) or "",
        batch=batch,
        school=school,
        level=level,
        min_score=score,
        min_rank=rank,
        rank_derived_by_source=get("rankDerivedFromScore") is True,
        moe_code=code if type(code) is str and len(code) == 10 and code.isdigit() else None,
        group=group,
        major=major,
        plan_count=plan if type(plan) is int and plan > 0 else None if plan is None else _plan(plan),
        note=_note(rec, mg if level == "school" else None, sq),
        quality=ctx.qualities.get(sq or "") or _quality(sq, ctx),
    )


def _plan(value: Any) -> int | None:
    n = _number(value)
    return int(n) if n is not None and n > 0 else None


def _level(dt: str, major_name: str | None, group: str | None) -> Level:
    """Level of an institution- or vocational-admission record from what its names say."""
    if major_name and not _LABEL.search(major_name) and major_name != group:
        return "major"
    if dt == "vocational-admission" and (
        (group is not None and "组" in group) or (major_name is not None and "专业组" in major_name)
    ):
        return "group"
    return "school"


def _note(rec: dict[str, Any], group: str | None, sq: str | None) -> str | None:
    """Special-plan texts of a record (deduplicated), then its sourceQuality."""
    get = rec.get
    parts: list[str] = []
    for key in _NOTE_FIELDS:
        v = get(key)
        if v:
            t = _text(v)
            if t and t not in parts:
                parts.append(t)
    raw_track = get("sourceSubjectRaw")
    if raw_track and raw_track != get("subjectType"):
        t = _text(raw_track)
        if t and t not in parts:
            parts.append(t)
    if group and group not in parts:
        parts.append(group)
    scope = get("formalScoreScope")
    if scope:
        parts.append(str(scope))
    if sq:
        parts.append(sq)
    return " | ".join(parts) or None


def _quality(sq: str | None, ctx: _Ctx) -> Quality:
    """Trust class of a sourceQuality tag: school site, provincial authority, or unverified."""
    key = sq or ""
    q = ctx.qualities.get(key)
    if q is None:
        if key.startswith("official-school-"):
            q = "school"
        elif key.startswith("official-"):
            q = "official"
        else:  # third-party-*, exam-authority-*-third-party-image-mirror-*, or missing
            q = "third-party"
            if not key.startswith("third-party-"):
                ctx.stats[f"files with sourceQuality {key!r} (read as third-party)"] += 1
        ctx.qualities[key] = q
    return q


def _control_line(rec: dict[str, Any], ctx: _Ctx) -> ControlLine | None:
    """A control-line record; a non-普通类 majorGroup (单列类, A类考生, 男 ...) is kept in the batch."""
    base = _where(rec, ctx)
    if base is None:
        return None
    prov, year, batch = base
    score = _number(rec.get("minScore"))
    if score is None:
        ctx.stats["control lines without a score (skipped)"] += 1
        return None
    mg = _text(rec.get("majorGroup"))
    if mg and mg != "普通类" and mg not in batch:
        batch = f"{batch}（{mg}）"
    track = str(rec.get("subjectType") or "").strip()
    return ControlLine(source_file=ctx.rel, province=prov, year=year, track=track, batch=batch, score=score)


def _score_rank(rc: dict[str, Any], ctx: _Ctx) -> ScoreRank | None:
    """A 一分一段 row; art/sports/对口 category tables and Guangxi's 区内院校 table are skipped (counted)."""
    usage = rc.get("rankUsage")
    track = str(rc.get("subjectType") or "").strip()
    if rc.get("rankInstitutionScope") == "inside-guangxi":
        ctx.stats["rank rows of Guangxi's 区内院校 (local-bonus) table (skipped)"] += 1
        return None
    if usage == "vocational" or (isinstance(usage, str) and "专科" in usage):
        track = f"{track}（{'专科' if usage == 'vocational' else usage}）"
    elif usage not in _ORDINARY_RANK_USAGES:
        ctx.stats[f"rank rows of category tables, rankUsage {usage!r} (skipped)"] += 1
        return None
    prov = _province(rc.get("province"), ctx)
    year = _year(rc.get("year"))
    score = _number(rc.get("score"))
    rank = _number(rc.get("rankEnd"))
    if prov is None or year is None or score is None or rank is None or rank <= 0 or not track:
        ctx.stats["rank rows without province/year/track/score/rank (skipped)"] += 1
        return None
    count = _number(rc.get("sameRankScore"))
    return ScoreRank(
        source_file=ctx.rel,
        province=prov,
        year=year[0],
        track=track,
        score=int(score),
        rank=int(rank),
        count=int(count) if count is not None and count >= 0 else None,
    )


def _where(rec: dict[str, Any], ctx: _Ctx) -> tuple[str, int, str] | None:
    """(province, year, batch) of a record; a `2024本科` year puts 本科 into an empty batch."""
    prov = _province(rec.get("province"), ctx)
    year = _year(rec.get("year"))
    if prov is None or year is None:
        ctx.stats["records without a usable province or year (skipped)"] += 1
        return None
    batch = str(rec.get("batch") or "").strip() or (year[1] or "")
    return prov, year[0], batch


def _province(text: Any, ctx: _Ctx) -> str | None:
    key = str(text or "")
    if key not in ctx.provinces:
        ctx.provinces[key] = province(key) or ctx.fallback_province
    return ctx.provinces[key]


def _year(value: Any) -> tuple[int, str | None] | None:
    """Year and an optional 本科/专科 suffix from 2024, "2024" or "2024本科"."""
    if type(value) is int:
        return value, None
    m = _YEAR.match(str(value or ""))
    return (int(m.group(1)), m.group(2)) if m else None


def _rank(rec: dict[str, Any], ctx: _Ctx) -> int | None:
    """Lowest admitted rank: minRank, else the end of the minRankStart-minRankEnd range; <= 0 is None."""
    rank = _number(rec.get("minRank"))
    if rank is None or rank <= 0:
        rank = _number(rec.get("minRankEnd"))
        start = _number(rec.get("minRankStart"))
        if rank is not None and start is not None and rank < start:
            ctx.stats["inverted minRankStart-minRankEnd ranges (rank dropped, score kept)"] += 1
            return None
    return int(rank) if rank is not None and rank > 0 else None


def _number(value: Any) -> float | None:
    """A number from an int, a float or a text cell ("642", "642/31" -> 642); None when empty."""
    if type(value) is int or type(value) is float:
        return value
    if value is None or isinstance(value, bool):
        return None
    m = _NUMBER.search(str(value))
    return float(m.group()) if m else None


def _text(value: Any) -> str | None:
    """A stripped string, or None when empty."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    return str(value).strip() or None
