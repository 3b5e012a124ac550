"""The normal form of a 院校专业组 label (`admissions.grp`), shared by the ETL that writes it and the code reading it.

One spelling whatever the source wrote (etl/normalize.py `group_label` finds the code and name in the source's text):
  - a group with a code:             第{code}组          e.g. 第3组, 第203组, 第0A3组, 第Z01组, 第88003组
  - a code and the group's own name: 第{code}组 {name}   e.g. 第30组 理工组
  - a group known only by its name:  {name}             e.g. 理工组, 分类投档-医科, 物理+化学组(苏州医学院)
A code is digits and capital letters (1–4 digits lose their leading zeros); a name never holds the school, the
province, the year or the track.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CODED = re.compile(r"第([0-9A-Z]+)组(?:\s+(\S.*))?")


class GroupLabel(NamedTuple):
    """A group's code and own name, either or both."""

    code: str | None
    name: str | None

    @property
    def short(self) -> str:
        """How a group is called in a list: '3组' for a coded group, else its name ('' when it has neither)."""
        return f"{self.code}组" if self.code else self.name or ""


def normal_form(code: str | None, name: str | None) -> str | None:
    """The normal form of a group with this code and name; None with neither."""
    if code:
        return f"第{code}组 {name}" if name else f"第{code}组"
    return name or None


def parse(label: str | None) -> GroupLabel:
    """The code and name of a label in the normal form: 第3组 -> (3, None), 第30组 理工组 -> (30, 理工组),
    理工组 -> (None, 理工组); an empty label -> (None, None). Text in no normal form is taken as a name."""
    text = (label or "").strip()
    m = _CODED.fullmatch(text)
    if m:
        return GroupLabel(m.group(1), m.group(2))
    return GroupLabel(None, text or None)
