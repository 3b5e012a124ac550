"""Closed vocabularies of the gaokao, each member with the Chinese word shown to users.

Members are `str` enums: the value is what the database stores (a Chinese word for tracks,
levels and tiers, an English code for programme types and rounds), `.zh` the word shown.
"""

from __future__ import annotations

from enum import StrEnum


class Track(StrEnum):
    """A ranking list (科类): 理科/文科 before the reform, 物理类/历史类 (3+1+2) or 综合 (3+3) after."""

    SCIENCE = "理科"
    LIBERAL = "文科"
    PHYSICS = "物理类"
    HISTORY = "历史类"
    COMBINED = "综合"

    @property
    def zh(self) -> str:
        """The Chinese word."""
        return self.value


class BatchLevel(StrEnum):
    """The level of a batch (and of a programme): 本科 or 专科."""

    BACHELOR = "本科"
    ZHUANKE = "专科"

    @property
    def zh(self) -> str:
        """The Chinese word."""
        return self.value


BATCH_LEVELS: tuple[str, ...] = tuple(BatchLevel)
SPECIAL_TYPE_LINE = "特殊类型招生线"  # 特控线: a threshold for special admission types, not a batch


def batch_level(batch: str) -> str:
    """本科 or 专科 for a normalised batch label."""
    return BatchLevel.ZHUANKE.value if batch.startswith("专科") else BatchLevel.BACHELOR.value


class Programme(StrEnum):
    """The programme type of an admission row; only ORDINARY rows give a school's cutoff."""

    ORDINARY = "ordinary"
    SINO_FOREIGN = "sino_foreign"
    HIGH_FEE = "high_fee"
    NATIONAL_SPECIAL = "national_special"
    LOCAL_SPECIAL = "local_special"
    UNIVERSITY_SPECIAL = "university_special"
    SPECIAL_TYPE = "special_type"
    PREPARATORY = "preparatory"
    ETHNIC = "ethnic"
    DIRECTED = "directed"
    VOCATIONAL_ENTRY = "vocational_entry"
    HMT = "hmt"
    OTHER_SEPARATE = "other_separate"

    @property
    def zh(self) -> str:
        """The Chinese word."""
        return _PROGRAMME_ZH[self]


_PROGRAMME_ZH: dict[Programme, str] = {
    Programme.ORDINARY: "普通",
    Programme.SINO_FOREIGN: "中外合作办学",
    Programme.HIGH_FEE: "高收费/校企合作",
    Programme.NATIONAL_SPECIAL: "国家专项",
    Programme.LOCAL_SPECIAL: "地方专项",
    Programme.UNIVERSITY_SPECIAL: "高校专项",
    Programme.SPECIAL_TYPE: "特殊类型",
    Programme.PREPARATORY: "预科",
    Programme.ETHNIC: "民族班",
    Programme.DIRECTED: "定向",
    Programme.VOCATIONAL_ENTRY: "对口/单招/专升本",
    Programme.HMT: "港澳台/内地班",
    Programme.OTHER_SEPARATE: "其他单列",
}


class Round(StrEnum):
    """The 志愿 round an admission row comes from; recommendations use FIRST only."""

    FIRST = "first"
    LATER = "later"
    SOLICIT = "solicit"
    SUPPLEMENT = "supplement"

    @property
    def zh(self) -> str:
        """The Chinese word."""
        return _ROUND_ZH[self]


_ROUND_ZH: dict[Round, str] = {
    Round.FIRST: "首轮（常规志愿）",
    Round.LATER: "后续轮次志愿",
    Round.SOLICIT: "征集志愿",
    Round.SUPPLEMENT: "补录",
}


class Tier(StrEnum):
    """The three recommendation tiers, from the least to the most likely admission."""

    REACH = "冲"
    MATCH = "稳"
    SAFE = "保"

    @property
    def zh(self) -> str:
        """The Chinese word."""
        return self.value
