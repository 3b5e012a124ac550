"""Canonical provinces, tracks, batches, special plans and school-name cleaning.

Shared by the ETL (normalising source labels) and the bot (understanding messages).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


# ---------------------------------------------------------------------------
# Batches (批次)

BATCH_LEVELS = ("本科", "专科")
SPECIAL_TYPE_LINE = "特殊类型招生线"  # 特控线: a threshold for special admission types, not a batch


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


def batch_level(batch: str) -> str:
    """本科 or 专科 for a normalised batch label."""
    return "专科" if batch.startswith("专科") else "本科"


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
# School names

_BRACKETS = re.compile(r"[(\[【{<](.*?)[)\]】}>]")
_NOISE_IN_BRACKETS = re.compile(
    r"民办|公办|独立学院|中外合作|合作办学|专项|预科|一流|建设高校|双一流|985|211|只招|仅招|限|省属|部属|"
    r"原|更名|代码|新设|本科|专科|高职|学费|定向|男|女|较高|不招|第.组|\d|班|项目|实验|方向|培养|互认|联办|合办|国际|"
    r"专业|招生|计划|就读|办学|校企"
)
_CAMPUS_SUFFIX = re.compile(
    r"^(?P<school>.+?(?:大学|学院)(?:\([^()]+\))?)(?P<campus>[\u4e00-\u9fff]{0,6}(?:分校|校区|校本部|医学部|医学院))$"
)
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CleanName:
    """A school name with source noise removed, plus what the noise said."""

    name: str  # e.g. 华北电力大学(保定)
    base: str  # with a campus qualifier removed, e.g. 华北电力大学
    campus: str | None  # 保定, 威海, 医学部, 克拉玛依校区 ...


def fold(text: str) -> str:
    """NFKC-fold a name: full-width to ASCII, Chinese brackets to ASCII, no spaces."""
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("（", "(").replace("）", ")").replace("【", "[").replace("】", "]")
    return _WS.sub("", t).strip()


def bracketed(text: str | None) -> str | None:
    """The bracketed remarks of a label, e.g. 北京大学(地方专项) -> 地方专项."""
    if not text:
        return None
    inner = _BRACKETS.findall(fold(text))
    return " ".join(inner) or None


def clean_school_name(raw: str) -> CleanName:
    """Strip source noise from a school name and split off a campus qualifier."""
    t = fold(raw)
    kept: list[str] = []

    def _drop_noise(m: re.Match[str]) -> str:
        inner = m.group(1)
        if not inner or _NOISE_IN_BRACKETS.search(inner) or inner.endswith(("市", "县", "区", "州", "省")):
            if inner.endswith("校区"):
                kept.append(inner)
                return f"({inner})"
            return ""
        kept.append(inner)
        return f"({inner})"

    t = _BRACKETS.sub(_drop_noise, t).strip(" -_·,，")
    # Trailing group/major noise: 北京大学第05组, 北京大学05组
    t = re.sub(r"第?\d{1,3}组$", "", t)
    base, campus = t, None
    m = re.match(r"^(?P<school>.+?)\((?P<campus>[^()]+)\)$", t)
    if m:
        base, campus = m.group("school"), m.group("campus")
    else:
        m2 = _CAMPUS_SUFFIX.match(t)
        if m2:
            base, campus = m2.group("school"), m2.group("campus")
    return CleanName(name=t, base=base, campus=campus)
