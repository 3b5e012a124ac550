"""School-name folding and cleaning: one spelling for the ETL's source names and the bot's messages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_BRACKETS = re.compile(r"[(\[【{<](.*?)[)\]】}>]")
_NOISE_IN_BRACKETS = re.compile(
    r"民办|公办|独立学院|中外合作|合作办学|专项|预科|一流|建设高校|双一流|985|211|只招|仅招|限|省属|部属|"
    r"原|更名|代码|新设|本科|专科|高职|学费|定向|男|女|较高|不招|第.组|\d|班|项目|实验|方向|培养|互认|联办|合办|国际|"
    r"专业|招生|计划|就读|办学|校企"
)
_CAMPUS_SUFFIX = re.compile(
    r"^(?P<school>.+?(?:大学|学院)(?:\([^()]+\))?)(?P<campus>[\u4e00-\u9fff]{0,6}(?:分校|校区|校本部|医学部|医学院))$"
)
# A campus is a place (威海, 保定, 秦皇岛分校, 克拉玛依校区); these remarks name a programme, a fee
# class or a faculty instead, and are never a campus.
_NOT_A_PLACE = re.compile(
    r"类$|类型|单列|单利|专项|预科|合作|中外|高收|收费|校企|软件|款件|医学|医护|学部$|产业学院|技术学院|农学|农林|"
    r"气象|新增|预防|重点|高校|计划|联合|面向|双学士|课程|民族|定向|定藏|贯通|高本|特殊|特类|艺术|体育|国际|闽台|"
    r"乌拉尔学院|迈阿密学院|UIUC|就业"
)
_WS = re.compile(r"\s+")


def is_place(remark: str) -> bool:
    """Whether a school-name remark names a place (a campus), not a programme, fee class or faculty."""
    return bool(remark) and not _NOT_A_PLACE.search(remark)



@dataclass(frozen=True, slots=True)
class CleanName:
    """A school name with source noise removed, plus what the noise said."""

    name: str  # e.g. 华北电力大学(保定)
    base: str  # with a campus qualifier removed, e.g. 华北电力大学
    campus: str | None  # a place only: 保定, 威海, 秦皇岛分校, 克拉玛依校区 ...


def fold(text: str) -> str:
    """NFKC-fold a name: full-width to ASCII, Chinese brackets to ASCII, no spaces."""
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("（", "(").replace("）", ")").replace("【", "[").replace("】", "]")
    return _WS.sub("", t).strip()


def clean_school_name(raw: str) -> CleanName:
    """Strip source noise from a school name and split off a campus qualifier."""
    t = fold(raw)
    kept: list[str] = []

    def _drop_noise(m: re.Match[str]) -> str:
        inner = m.group(1)
        if (not inner or _NOISE_IN_BRACKETS.search(inner) or not is_place(inner)
                or inner.endswith(("市", "县", "区", "州", "省"))):
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
            if not is_place(campus):  # 北京大学医学部: a faculty of the school, not a campus
                campus = None
    return CleanName(name=t, base=base, campus=campus)


def faculty(text: str) -> str | None:
    """The faculty a school name ends with when it is not a place (北京大学医学部 -> 医学部), else None.

    Such a faculty admits under its own code in many provinces: it is kept as the row's group, not as a campus.
    """
    t = fold(text)
    t = _BRACKETS.sub("", t)
    m = _CAMPUS_SUFFIX.match(t)
    if m is None or is_place(m.group("campus")) or not m.group("campus").endswith(("医学部", "医学院")):
        return None
    return m.group("campus")
