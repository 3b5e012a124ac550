"""Major names as students write them and as sources print them.

`clean_major` removes source remarks ("（注：原专业代码为101012T。授予理学学士…") from a major name;
`expand` turns what students call a field (计算机, 学医) into the major names it covers, from the
synonym table bot/core/data/major_synonyms.tsv.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from gaokao.majors import clean_major as clean_major  # re-exported: the bot's modules import it from here


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
    for m in _CODE_WORD.finditer(text):
        code = m.group(1) or m.group(2)
        if any(ch.isdigit() for ch in code):  # 不限I组, 物化II组: a name, not a code
            return code
    m = _CODE_TAIL.search(text)
    if m and ("|" in text or "-" in text):
        return m.group(1)
    return None


# "想学汽车", "读护理专业": a field named by a wish or by 专业, when it is not in the synonym table.
_WISH = re.compile(r"(?:想|要|打算|喜欢)[学读报念]?(?:个|点|的)?(?P<w>[\u4e00-\u9fff]{2,8}?)"
                   r"(?:专业|类|方向|相关|[，,。！!？?；;\s]|$)")
_NAMED = re.compile(r"(?P<w>[\u4e00-\u9fff]{2,8}?)专业")
_NOT_FIELD = re.compile(r"哪|什么|啥|学校|大学|院校|高校|志愿|本科|专科|省内|公办|民办|能上|可以|好的|热门|冷门|选择|报考|填报|想|我")


def interest(text: str) -> str | None:
    """The field a rank message wants to study ("想学计算机" -> 计算机, "学医", "临床医学" -> 临床, "师范"):
    a word of the synonym table (the earliest, then the longest), else a word named by a wish or by 专业."""
    table = synonyms()
    best: tuple[int, int, str] | None = None
    for word in table:
        i = text.find(word)
        if i >= 0 and (best is None or (i, -len(word)) < (best[0], best[1])):
            best = (i, -len(word), word)
    if best is not None:
        word = best[2]
        return word[1:] if word.startswith("学") and word[1:] in table else word
    for rx in (_WISH, _NAMED):
        for m in rx.finditer(text):
            word = m.group("w").removeprefix("学").removeprefix("读")
            if len(word) >= 2 and not _NOT_FIELD.search(word):
                return word
    return None


def field_words(word: str) -> tuple[str, ...]:
    """The major names a field word is matched by: its synonyms, else the word itself."""
    return expand(word) or (word,)
