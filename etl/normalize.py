"""Cleaning of source labels: batch texts, special-plan marks and bracketed remarks.

The domain words themselves (provinces, tracks, levels, programme types, name folding) live in
the `gaokao` package; the names re-exported below keep the readers' imports working.
"""

from __future__ import annotations

import re
import unicodedata

from gaokao.names import _BRACKETS, CleanName, clean_school_name, fold
from gaokao.regions import (
    PROVINCES,
    TRACKS,
    province,
    province_full_name,
    province_spellings,
    reform,
    track_for_year,
    track_label,
    tracks_for,
)
from gaokao.terms import BATCH_LEVELS, SPECIAL_TYPE_LINE, batch_level

__all__ = [
    "BATCH_LEVELS",
    "PROVINCES",
    "SPECIAL_TYPE_LINE",
    "TRACKS",
    "CleanName",
    "batch_label",
    "batch_level",
    "bracketed",
    "clean_school_name",
    "fold",
    "province",
    "province_full_name",
    "province_spellings",
    "reform",
    "special_plan",
    "track_for_year",
    "track_label",
    "tracks_for",
]

# ---------------------------------------------------------------------------
# Batches (批次)


def batch_label(text: str | None, province_name: str | None = None) -> str:
    """Normalise a batch label: 本科提前批, 本科一批, 本科二批, 本科三批, 本科批, 专科提前批, 专科批."""
    t = unicodedata.normalize("NFKC", str(text or "")).strip()
    if "特殊类型" in t or "特控" in t:
        return SPECIAL_TYPE_LINE
    if province_name == "山东" and "批次" in t and "提前" not in t:
        # Shandong's 一/二/三批次 are the 1st/2nd/3rd 志愿 rounds of 常规批: round 1 fills 本科
        # (普通类一段), later rounds are mostly 专科 (二段) unless the row says 本科.
        if "本科" in t:
            return "本科批"
        return "本科批" if ("一批次" in t and "专科" not in t) else "专科批"
    zk = any(k in t for k in ("专科", "高职", "高专", "二段", "三段")) and "本科" not in t
    if "提前" in t:
        return "专科提前批" if zk else "本科提前批"
    if zk:
        return "专科批"
    if any(k in t for k in ("一批", "一本", "本一", "第一批", "重点")):
        return "本科一批"
    if any(k in t for k in ("二批", "二本", "本二", "第二批")):
        return "本科二批"
    if any(k in t for k in ("三批", "三本", "本三", "第三批")):
        return "本科三批"
    return "本科批"


# ---------------------------------------------------------------------------
# Special plans (not ordinary admission)

# Checked in order; the first hit names the plan.
_SPECIAL_MARKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("国家专项", ("国家专项",)),
    ("地方专项", ("地方专项", "农村专项", "贫困专项")),
    ("高校专项", ("高校专项",)),
    ("中外合作", ("中外合作", "合作办学", "中外办学", "中外合办", "国际合作", "国际班", "国际项目")),
    ("预科", ("预科",)),
    ("民族班", ("民族班", "少数民族", "内地西藏", "内地新疆", "新疆班", "西藏班", "民族预科", "民族语", "双语")),
    ("定向", ("定向", "订单", "免费医学", "公费医学", "免费师范", "公费师范", "优师", "边防", "军队", "国防生")),
    ("艺体", ("艺术", "美术", "音乐", "舞蹈", "体育", "表演", "播音", "书法", "戏剧", "影视", "术科")),
    ("单招", ("单招", "单独招生", "技能高考", "春季高考")),
    ("对口", ("对口", "中职", "三校生")),
    ("其他", ("强基", "综合评价", "高水平", "专项计划", "联合培养", "协同培养", "学分互认", "护航", "士官", "港澳台",
             "校企合作", "特殊类型",
             "special-path", "专项")),
)


_MARK_LABEL: dict[str, str] = {}
for _label, _marks in _SPECIAL_MARKS:
    for _m in _marks:
        _MARK_LABEL.setdefault(_m, _label)
_LABEL_ORDER: dict[str, int] = {label: i for i, (label, _) in enumerate(_SPECIAL_MARKS)}
_MARK_RE = re.compile("|".join(sorted(map(re.escape, _MARK_LABEL), key=len, reverse=True)))
_NEGATED_RE = re.compile("非定向|不定向|非专项|非国家专项")


def special_plan(*texts: str | None) -> str | None:
    """The special plan a row belongs to (国家专项, 中外合作 ...), or None for ordinary admission."""
    joined = " ".join(t for t in texts if t)
    if not joined:
        return None
    joined = _NEGATED_RE.sub("", joined)
    labels = {_MARK_LABEL[m.group()] for m in _MARK_RE.finditer(joined)}
    if not labels:
        return None
    return min(labels, key=_LABEL_ORDER.__getitem__)


# ---------------------------------------------------------------------------
# Remarks

def bracketed(text: str | None) -> str | None:
    """The bracketed remarks of a label, e.g. 北京大学(地方专项) -> 地方专项."""
    if not text:
        return None
    inner = _BRACKETS.findall(fold(text))
    return " ".join(inner) or None
