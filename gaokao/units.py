"""A school's groups (专业组) or majors as `group_units` holds them: written by etl/units.py, read by the bot."""

from __future__ import annotations

from typing import NamedTuple


class Unit(NamedTuple):
    """One group or major of a school: a row of `group_units`, and what a tier places."""

    kind: str  # 'group', 'major', or 'school' (old 文理 years: the 志愿 is the school; majors only informative)
    code: str | None  # group code (101, 03 …) when the source gives one
    name: str  # the source's group label, or the major's name
    majors: tuple[str, ...]  # a group's majors, hardest first (matching ones only under a major filter); () for a major
    min_rank: int
    min_score: float | None
    rank_source: str | None
    year: int
    programme: str = "ordinary"  # gaokao.terms.Programme code: 'ordinary', or 'sino_foreign' (中外合作办学)


class SchoolUnits(NamedTuple):
    """Every placed group (major) of one school-campus-level in its latest year with such rows."""

    year: int
    kind: str  # 'group', 'major' or 'school'
    units: tuple[Unit, ...]  # hardest (lowest rank) first

    @property
    def highest(self) -> int:
        """The hardest unit's cutoff rank."""
        return self.units[0].min_rank

    @property
    def lowest(self) -> int:
        """The easiest unit's cutoff rank."""
        return self.units[-1].min_rank
