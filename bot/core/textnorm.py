"""Text normalisation for user messages: cleaning, typo fixes, Chinese numerals, track words."""

from __future__ import annotations

import re
import unicodedata

import zhconv

# Common misspellings of gaokao words (after conversion to simplified characters).
TYPOS: tuple[tuple[str, str], ...] = (
    ("录戎", "录取"),
    ("录娶", "录取"),
    ("录曲", "录取"),
    ("绿取", "录取"),
    ("路取", "录取"),
    ("分数钱", "分数线"),
    ("分数限", "分数线"),
    ("分属线", "分数线"),
    ("位此", "位次"),
    ("为次", "位次"),
    ("排明", "排名"),
    ("高靠", "高考"),
)

# What users call a track -> the normalised track. Longest spellings first; DESIGN §2.
TRACK_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("首选物理", "物理类"),
    ("物理方向", "物理类"),
    ("物理类", "物理类"),
    ("物理组", "物理类"),
    ("物理科", "物理类"),
    ("选物理", "物理类"),
    ("物化生", "物理类"),
    ("物化地", "物理类"),
    ("物化政", "物理类"),
    ("物生地", "物理类"),
    ("物生政", "物理类"),
    ("物地政", "物理类"),
    ("物理", "物理类"),
    ("首选历史", "历史类"),
    ("历史方向", "历史类"),
    ("历史类", "历史类"),
    ("历史组", "历史类"),
    ("选历史", "历史类"),
    ("史政地", "历史类"),
    ("史地政", "历史类"),
    ("政史地", "历史类"),
    ("史地生", "历史类"),
    ("史政生", "历史类"),
    ("历史", "历史类"),
    ("不分文理", "综合"),
    ("综合类", "综合"),
    ("综合", "综合"),
    ("3+3", "综合"),
    ("理工类", "物理类"),
    ("理工", "物理类"),
    ("文史类", "文科"),
    ("文史", "文科"),
    ("理科", "理科"),
    ("文科", "文科"),
)
# Words that follow a track word when it is not a track ("历史分数线" = past cutoffs).
_NOT_TRACK_AFTER: dict[str, str] = {
    "历史": "分数|录取|数据|最低|成绩|上|学",
    "综合": "实力|评价|排名|素质|性|实践|大学|学院",
    "理工": "大学|学院|科大|类大学|类院校",
    "物理": "学|系|竞赛|成绩",
}
_CJK_CLASS = r"\u3400-\u9fff"


def _track_pattern() -> re.Pattern[str]:
    parts: list[str] = []
    for word, _ in TRACK_SYNONYMS:
        neg = next((v for k, v in _NOT_TRACK_AFTER.items() if word == k), None)
        parts.append(re.escape(word) + (f"(?!{neg})" if neg else ""))
    # A lone 理/文 counts only when it stands apart ("河南 理 447200").
    parts.append(f"(?<![{_CJK_CLASS}])[理文](?![{_CJK_CLASS}])")
    return re.compile("|".join(parts))


_TRACK_RE = _track_pattern()
_TRACK_OF: dict[str, str] = {**dict(TRACK_SYNONYMS), "理": "理科", "文": "文科"}


def find_tracks(text: str) -> list[tuple[int, int, str]]:
    """Every track word in a text as (start, end, normalised track), in order."""
    return [(m.start(), m.end(), _TRACK_OF[m.group()]) for m in _TRACK_RE.finditer(text)]


# ---------------------------------------------------------------------------
# Cleaning

_WS = re.compile(r"\s+")
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _visible(ch: str) -> str:
    if ch in "\t\n\r":
        return " "
    return " " if unicodedata.category(ch) in _DROP_CATEGORIES else ch


def fix_typos(text: str) -> str:
    """Replace common misspellings of gaokao words."""
    for wrong, right in TYPOS:
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def clean_text(text: str, max_chars: int) -> tuple[str, bool]:
    """Simplified, NFKC-folded, typo-fixed, one-spaced text cut to max_chars; and whether it was cut."""
    raw = text[: max_chars * 2]
    t = "".join(_visible(c) for c in raw)
    t = unicodedata.normalize("NFKC", t)
    t = str(zhconv.convert(t, "zh-cn"))
    t = t.replace("（", "(").replace("）", ")")
    t = _WS.sub(" ", fix_typos(t)).strip()
    cut = len(text) > len(raw) or len(t) > max_chars
    return t[:max_chars].rstrip(), cut


# ---------------------------------------------------------------------------
# Chinese numerals

_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = re.compile("[零〇○一二两三四五六七八九十百千万亿]+")


def parse_cn_number(s: str) -> int | None:
    """Value of a Chinese numeral: 四十四万七千二百, 五百八十, 五十八万, 五百八 (=580), 四四七二〇〇."""
    if not s or any(c not in _DIGITS and c not in _SMALL_UNITS and c not in _BIG_UNITS for c in s):
        return None
    if all(c in _DIGITS for c in s):
        return int("".join(str(_DIGITS[c]) for c in s))
    total = section = 0
    num: int | None = None
    last_unit = 0  # the unit just before a trailing digit, for 五百八 / 四万五
    zero_seen = False
    for c in s:
        if c in _DIGITS:
            if num is not None and _DIGITS[c] != 0:
                return None  # "三四百": ranges are not numbers we can use
            zero_seen = zero_seen or _DIGITS[c] == 0
            num = _DIGITS[c] if _DIGITS[c] != 0 else None
        elif c in _SMALL_UNITS:
            unit = _SMALL_UNITS[c]
            section += (1 if num is None else num) * unit
            num, last_unit, zero_seen = None, unit, False
        else:
            unit = _BIG_UNITS[c]
            section += num or 0
            if section == 0:
                return None
            total = (total + section) * unit if total and unit > 10_000 else total + section * unit
            section, num, last_unit, zero_seen = 0, None, unit, False
    if num is not None:
        if last_unit >= 10 and not zero_seen:
            num *= last_unit // 10
        section += num
    return total + section


def replace_cn_numerals(text: str) -> str:
    """Replace Chinese numerals that are clearly numbers (五百八十, 四十四万, 二〇二三) with digits."""

    def _sub(m: re.Match[str]) -> str:
        run = m.group()
        has_unit = any(c in _SMALL_UNITS or c in _BIG_UNITS for c in run)
        starts_ok = run[0] in _DIGITS or run[0] == "十"
        if not starts_ok or len(run) < 2 or (not has_unit and len(run) < 3):
            return run
        # Keep a trailing 万 that the number parser reads as a unit ("五十八万" -> "58万").
        core, tail = (run[:-1], "万") if run.endswith("万") and run.count("万") == 1 else (run, "")
        value = parse_cn_number(core)
        if value is None:
            return run
        return f"{value}{tail}"

    return _CN_RUN.sub(_sub, text)
