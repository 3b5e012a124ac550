"""Provinces, their spellings, reform years and the ranking lists (tracks) they use."""

from __future__ import annotations

import unicodedata

# Canonical short name -> (full name, pinyin slug used by some sources, extra spellings).
_PROVINCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "北京": ("北京市", "beijing", ("京",)),
    "天津": ("天津市", "tianjin", ("津",)),
    "河北": ("河北省", "hebei", ("冀",)),
    "山西": ("山西省", "shanxi", ("晋",)),
    "内蒙古": ("内蒙古自治区", "inner-mongolia", ("内蒙", "neimenggu", "蒙")),
    "辽宁": ("辽宁省", "liaoning", ("辽",)),
    "吉林": ("吉林省", "jilin", ("吉",)),
    "黑龙江": ("黑龙江省", "heilongjiang", ("黑", "黑省")),
    "上海": ("上海市", "shanghai", ("沪",)),
    "江苏": ("江苏省", "jiangsu", ("苏",)),
    "浙江": ("浙江省", "zhejiang", ("浙",)),
    "安徽": ("安徽省", "anhui", ("皖",)),
    "福建": ("福建省", "fujian", ("闽",)),
    "江西": ("江西省", "jiangxi", ("赣",)),
    "山东": ("山东省", "shandong", ("鲁",)),
    "河南": ("河南省", "henan", ("豫",)),
    "湖北": ("湖北省", "hubei", ("鄂",)),
    "湖南": ("湖南省", "hunan", ("湘",)),
    "广东": ("广东省", "guangdong", ("粤",)),
    "广西": ("广西壮族自治区", "guangxi", ("桂", "广西自治区")),
    "海南": ("海南省", "hainan", ("琼",)),
    "重庆": ("重庆市", "chongqing", ("渝",)),
    "四川": ("四川省", "sichuan", ("川", "蜀")),
    "贵州": ("贵州省", "guizhou", ("黔",)),
    "云南": ("云南省", "yunnan", ("滇",)),
    "西藏": ("西藏自治区", "xizang", ("藏",)),
    "陕西": ("陕西省", "shaanxi", ("陕", "秦")),
    "甘肃": ("甘肃省", "gansu", ("甘", "陇")),
    "青海": ("青海省", "qinghai", ("青",)),
    "宁夏": ("宁夏回族自治区", "ningxia", ("宁", "宁夏自治区")),
    "新疆": ("新疆维吾尔自治区", "xinjiang", ("新", "新疆自治区")),
}

PROVINCES: tuple[str, ...] = tuple(_PROVINCES)

# Every spelling that names exactly one province (one-letter abbreviations excluded:
# they are too ambiguous in free text; use `province()` for labels that may be one letter).
_LOOKUP: dict[str, str] = {}
for _short, (_full, _slug, _extra) in _PROVINCES.items():
    _LOOKUP[_short] = _short
    _LOOKUP[_full] = _short
    _LOOKUP[_slug] = _short
    _LOOKUP[_short + "省"] = _short
    _LOOKUP[_short + "市"] = _short
    for _e in _extra:
        _LOOKUP[_e] = _short


def province(text: str | None) -> str | None:
    """Return the canonical short province name for a label, or None if it names none."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    if t in _LOOKUP:
        return _LOOKUP[t]
    for name in PROVINCES:  # "河南省教育考试院", "广西壮族自治区招生考试院" ...
        if t.startswith(name):
            return name
    return None


def province_full_name(short: str) -> str:
    """Full official name of a canonical province, e.g. 广西 -> 广西壮族自治区."""
    return _PROVINCES[short][0]


def province_spellings() -> dict[str, str]:
    """Every multi-character spelling of every province, mapped to its canonical name."""
    return {k: v for k, v in _LOOKUP.items() if len(k) > 1 and not k.isascii()}


# ---------------------------------------------------------------------------
# Tracks (科类) and reform years

TRACKS: tuple[str, ...] = ("理科", "文科", "物理类", "历史类", "综合")

# First year of the new gaokao per province: (system, year). Before it: 理科/文科.
_REFORM: dict[str, tuple[str, int]] = {
    "上海": ("3+3", 2017),
    "浙江": ("3+3", 2017),
    "北京": ("3+3", 2020),
    "天津": ("3+3", 2020),
    "山东": ("3+3", 2020),
    "海南": ("3+3", 2020),
    **{p: ("3+1+2", 2021) for p in ("河北", "辽宁", "江苏", "福建", "湖北", "湖南", "广东", "重庆")},
    **{p: ("3+1+2", 2024) for p in ("黑龙江", "吉林", "安徽", "江西", "广西", "贵州", "甘肃")},
    **{p: ("3+1+2", 2025) for p in ("山西", "内蒙古", "河南", "四川", "云南", "陕西", "青海", "宁夏")},
}


def reform(province_name: str) -> tuple[str, int] | None:
    """The (system, first year) of a province's new gaokao, or None if it has not joined."""
    return _REFORM.get(province_name)


def tracks_for(province_name: str, year: int) -> tuple[str, ...]:
    """The ranking lists (tracks) a province used in a year."""
    r = _REFORM.get(province_name)
    if r is None or year < r[1]:
        return ("理科", "文科")
    return ("综合",) if r[0] == "3+3" else ("物理类", "历史类")


def track_label(text: str | None) -> str | None:
    """Normalise a track label (source or user) to one of TRACKS, without regard to year."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    if not t:
        return None
    if "物理" in t or t in {"physics", "首选物理"}:
        return "物理类"
    if "历史" in t or t in {"history", "首选历史"}:
        return "历史类"
    if "综合" in t or "不分" in t or "3+3" in t or t in {"普通类", "普通", "总分", "全体", "zonghe"}:
        return "综合"
    if "理科" in t or "理工" in t or t.endswith("理") or t in {"like", "li"}:
        return "理科"
    if "文科" in t or "文史" in t or t.endswith("文") or t in {"wenke", "wen"}:
        return "文科"
    return None


def track_for_year(label: str | None, province_name: str, year: int) -> str | None:
    """Map a normalised track label onto the lists the province used that year.

    理科 in a 3+1+2 year means 物理类 (and back), 文科 means 历史类; in a 3+3 year both mean 综合.
    """
    t = track_label(label)
    if t is None:
        return None
    used = tracks_for(province_name, year)
    if t in used:
        return t
    if used == ("综合",):
        return "综合"
    mapping = {"理科": "物理类", "物理类": "理科", "文科": "历史类", "历史类": "文科"}
    m = mapping.get(t)
    if m in used:
        return m
    return None  # 综合 asked in a province that splits tracks


def track_system(province_name: str, year: int) -> str:
    """The exam system a province used in a year: 'old' (理科/文科), '3+3' or '3+1+2'."""
    r = _REFORM.get(province_name)
    if r is None or year < r[1]:
        return "old"
    return r[0]


def equivalent_tracks(track: str) -> tuple[str, ...]:
    """Tracks whose history compares with `track` as a share of the cohort (across a reform)."""
    return {"物理类": ("物理类", "理科"), "理科": ("理科", "物理类"), "历史类": ("历史类", "文科"),
            "文科": ("文科", "历史类"), "综合": ("综合",)}[track]


# Provinces where one 志愿 names a major at a school (DESIGN.md §3); elsewhere in the new gaokao, a group.
MAJOR_MODE: frozenset[str] = frozenset({"浙江", "山东", "河北", "辽宁", "重庆"})
