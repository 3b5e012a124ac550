"""Row types that source readers emit and the build consumes.

Readers keep labels as the source spells them (track, batch, school name, notes);
`etl.normalize` turns them into canonical values during the build. The one exception is
`province`, which readers pass through `normalize.province()` (or set from the file's
own context, e.g. a Shandong-only file), because some files name it in pinyin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["school", "group", "major"]
Quality = Literal["official", "school", "third-party"]


@dataclass(frozen=True, slots=True)
class Admission:
    """One cutoff: the lowest score and/or rank admitted for a school, group or major."""

    source_file: str  # path relative to the sources root
    province: str  # canonical short name, e.g. 河南, 内蒙古
    year: int
    track: str  # as published: 理科, 物理, 物理类, 综合, 首选物理, ...
    batch: str  # as published: 本科一批, 本科批, 专科批, 平行录取一段, ...
    school: str  # school name as spelled in the source (noise is stripped later)
    level: Level
    min_score: float | None = None
    min_rank: int | None = None  # None when missing; a 0 in the source is None
    rank_derived_by_source: bool = False  # the source says it converted the rank from a score
    moe_code: str | None = None  # 10-digit MOE code when the source gives it
    group: str | None = None  # 院校专业组 label/code
    major: str | None = None
    plan_count: int | None = None
    note: str | None = None  # raw text carrying special-plan marks (招生类型, 备注, group name ...)
    quality: Quality = "official"  # provincial authority, the school's own site, or unverified


@dataclass(frozen=True, slots=True)
class ScoreRank:
    """One line of a 一分一段 table: `rank` students scored `score` or more."""

    source_file: str
    province: str
    year: int
    track: str  # as published
    score: int
    rank: int  # cumulative rank at this score (最低位次)
    count: int | None = None  # students at exactly this score (or in the range)


@dataclass(frozen=True, slots=True)
class ControlLine:
    """A batch control line (批次线/省控线) of a province-year-track."""

    source_file: str
    province: str
    year: int
    track: str
    batch: str
    score: float


@dataclass(frozen=True, slots=True)
class SchoolInfo:
    """What one catalogue says about one institution. Empty fields mean "not said"."""

    source_file: str
    name: str
    moe_code: str | None = None
    province: str | None = None  # where the school is (canonical short name)
    city: str | None = None
    level: str | None = None  # 本科 / 专科 / 职业本科
    nature: str | None = None  # 公办 / 民办 / 中外合作
    authority: str | None = None  # 教育部, 工业和信息化部, 河南省 ...
    category: str | None = None  # 综合 / 理工 / 师范 / 医药 / 财经 ...
    is985: bool | None = None
    is211: bool | None = None
    double_first_class: bool | None = None
    ranking: int | None = None  # 软科中国大学排名 (BCUR) position
    ranking_name: str | None = None  # which ranking `ranking` is, e.g. 软科2025
    gaokao_id: str | None = None  # gaokao.cn school id
    tags: tuple[str, ...] = ()  # extra labels: C9, 强基计划, 保研资格, 教育部直属 ...
    english_name: str | None = None


@dataclass(frozen=True, slots=True)
class Alias:
    """Another name for a school: a former name, a short name, or a catalogue spelling."""

    source_file: str
    alias: str
    name: str  # the school's current official name
    kind: Literal["former", "short", "spelling", "english"]
    moe_code: str | None = None


@dataclass(frozen=True, slots=True)
class MajorStrength:
    """A major's (or discipline's) standing at a school."""

    source_file: str
    school: str
    major: str
    kind: Literal["软科专业排名", "学科评估", "双一流学科", "一流专业"]
    rank: int | None = None
    grade: str | None = None  # A+, A, B+ ... or 国家级 / 省级
    year: int | None = None
    major_code: str | None = None


Row = Admission | ScoreRank | ControlLine | SchoolInfo | Alias | MajorStrength
