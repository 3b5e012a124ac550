"""Major names as students write them and as sources print them.

`clean_major` removes source remarks ("（注：原专业代码为101012T。授予理学学士…") from a major name;
`expand` turns what students call a field (计算机, 学医) into the major names it covers, from the
synonym table bot/core/data/major_synonyms.tsv.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

# A source's remark inside a major name: an opening bracket, 注/备注/说明 and a colon, up to the closing
# bracket or the end (some files cut the remark off), or a remark about the catalogue code.
_REMARK = re.compile(r"\s*[（(【\[]\s*(?:备注|注|说明|原专业代码)\s*[:：][^）)】\]]*(?:[）)】\]]|$)")
_CODE_NOTE = re.compile(r"\s*[（(][^（）()]*原专业代码[^（）()]*(?:[）)]|$)")


def clean_major(name: str) -> str:
    """A major name without the source's remarks; the name itself when nothing is left."""
    cleaned = _CODE_NOTE.sub("", _REMARK.sub("", name)).strip()
    return cleaned or name


@functools.cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Field word -> major names it covers, closest first."""
    text = resources.files("bot.core").joinpath("data", "major_synonyms.tsv").read_text(encoding="utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, names = line.split("\t")
            out[word.strip()] = tuple(n.strip() for n in names.split(","))
    return out


def expand(text: str) -> tuple[str, ...]:
    """The major names a field word covers (计算机 -> 计算机科学与技术, 计算机类 …); () when it is not one."""
    return synonyms().get(text.strip().removesuffix("专业"), ())


# A group's code as sources print it: "201", "（101）", "第06组", "01专业组(不限)", "专业组233", "D-5-江西理工大学(02)".
_CODE_ONLY = re.compile(r"[（(]?\s*([0-9A-Za-z]{1,5})\s*[)）]?")
_CODE_WORD = re.compile(r"第?\s*([0-9A-Za-z]{1,5})\s*(?:专业组|组)|专业组\s*[（(]?\s*([0-9A-Za-z]{1,5})")
_CODE_TAIL = re.compile(r"[（(]\s*(\d{1,4})\s*[)）]\s*$")


def group_code(grp: str | None, school: str = "") -> str | None:
    """The code of a 院校专业组 as students write it (201, 06), or None when the source's label holds no code.

    Source labels such as "中南大学-湖南-物理类-本科普通类-临床医学（八年制）" or "北京师范大学|普通类|历史类|不限" name the
    school, track and programme, not the group: they are never shown to the user."""
    if not grp:
        return None
    text = grp.replace(school, "").strip() if school else grp.strip()
    m = _CODE_ONLY.fullmatch(text)
    if m and any(ch.isdigit() for ch in m.group(1)):
        return m.group(1)
    m = _CODE_WORD.search(text)
    if m:
        return m.group(1) or m.group(2)
    m = _CODE_TAIL.search(text)
    if m and ("|" in text or "-" in text):
        return m.group(1)
    return None
