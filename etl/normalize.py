"""Cleaning of source labels: batch texts, special-plan marks and bracketed remarks.

The domain words themselves (provinces, tracks, levels, programme types, name folding) live in
the `gaokao` package; the names re-exported below keep the readers' imports working.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from gaokao import groups
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
from gaokao.terms import BATCH_LEVELS, SPECIAL_TYPE_LINE, Programme, Round, batch_level

__all__ = [
    "BATCH_LEVELS",
    "PROVINCES",
    "SPECIAL_TYPE_LINE",
    "TRACKS",
    "CleanName",
    "batch_label",
    "batch_level",
    "bracketed",
    "classify_programme",
    "clean_school_name",
    "fold",
    "neutral_remark",
    "province",
    "province_full_name",
    "province_spellings",
    "reform",
    "round_of",
    "special_plan",
    "track_for_year",
    "track_label",
    "tracks_for",
]

# ---------------------------------------------------------------------------
# Batches (批次)


def batch_label(text: str | None, province_name: str | None = None, school_level: str | None = None) -> str:
    """Normalise a batch label: 本科提前批, 本科一批, 本科二批, 本科三批, 本科批, 专科提前批, 专科批.

    `school_level` (本科/专科/职业本科 from the catalogue) decides the level when the text names none
    and the province's batch text is a round (Shandong's 一/二/三批次) or a mixed segment (Zhejiang's 二段).
    """
    t = unicodedata.normalize("NFKC", str(text or "")).strip()
    if "特殊类型" in t or "特控" in t:
        return SPECIAL_TYPE_LINE
    if province_name == "山东" and _SHANDONG_ROUND.search(t) and "提前" not in t:
        # Shandong's 一/二/三批次 are the 1st/2nd/3rd 志愿 rounds of 常规批 (see round_of), not
        # batches: the level is the programme's (本科/专科 when the row says so, else the school's).
        if "专科" in t or ("本科" not in t and school_level == "专科"):
            return "专科批"
        return "本科批"
    if (province_name == "浙江" and "二段" in t and school_level in ("本科", "职业本科")
            and not any(k in t for k in ("专科", "高职", "高专"))):
        # Zhejiang's 平行录取二段 admits the 本科 programmes below 一段 (and 专科 ones): a 本科 school's row is 本科.
        return "本科批"
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


_SHANDONG_ROUND = re.compile(r"[一二三]批次")
_SOLICIT = re.compile(r"征集|征求|降分|缺额|余额")
_SUPPLEMENT = re.compile(r"补录|补充录取|补充投档")
_LATER = re.compile(r"第[二三四五六2-6]次|第[二三四五2-5]轮|[二三2-3]轮|二次志愿|第二志愿|二次投档")


def round_of(text: str | None, province_name: str | None = None, level: str | None = None) -> Round:
    """The 志愿 round a batch text names: 征集志愿, 补录, a later round, else the first round.

    Shandong's 一/二/三批次 are the 1st/2nd/3rd rounds of 常规批. 本科 is filled in the 1st; 专科 (`level`)
    in the 2nd, its own first round (专科一批次 holds a handful of rows), so only its 三批次 is later.
    """
    t = unicodedata.normalize("NFKC", str(text or "")).strip()
    if _SUPPLEMENT.search(t):
        return Round.SUPPLEMENT
    if _SOLICIT.search(t):
        return Round.SOLICIT
    if province_name == "山东":
        m = _SHANDONG_ROUND.search(t)
        if m is not None:
            first = ("一", "二") if level == "专科" else ("一",)
            return Round.FIRST if m.group().startswith(first) else Round.LATER
    if _LATER.search(t):
        return Round.LATER
    return Round.FIRST


# ---------------------------------------------------------------------------
# Programme types (not ordinary admission)

# Checked in this order: the first programme with a mark in any of a row's labels wins.
_PROGRAMME_MARKS: tuple[tuple[Programme, str], ...] = (
    (Programme.NATIONAL_SPECIAL, r"国家专项"),
    (Programme.LOCAL_SPECIAL, r"地方专项|农村专项|贫困专项|地方农村专项|乡村振兴专项|^农村$"),
    (Programme.UNIVERSITY_SPECIAL, r"高校专项"),
    (Programme.PREPARATORY, r"(?<!及)预科"),
    (Programme.SINO_FOREIGN, r"中外|合作办学|合办|国际合作|国际班|国际项目|国际本科|学分互认|国际课程|"
                             r"乌拉尔学院|迈阿密学院|联合学院|UIUC"),
    (Programme.HMT, r"内高|港澳台|港澳|台湾|内地班|内地西藏|内地新疆|新疆班|西藏班"),
    (Programme.ETHNIC, r"民族班|少数民族|民族语|双语"),
    (Programme.DIRECTED, r"(?<!非)(?<!不)定向|订单|免费医学|公费医学|免费师范|公费师范|优师|边防|军队|国防生|"
                         r"士官|军士|护航|定藏就业|公安类|公安专业|司法类|司法警官|^公费"),
    (Programme.SPECIAL_TYPE, r"强基|综合评价|高水平|特殊类|特类|艺术|美术|音乐|舞蹈|体育|表演|播音|书法|戏剧|影视|术科|"
                             r"少年班"),
    (Programme.VOCATIONAL_ENTRY, r"单招|单独招生|技能高考|春季高考|对口|中职|三校生|专升本|高本贯通|贯通培养|五年一贯|"
                                 r"职教改革|分段培养|高职本科"),
    (Programme.HIGH_FEE, r"高收|学费较高|较高收费|校企|软件类|^软件$|款件类"),
    (Programme.OTHER_SEPARATE, r"其他单列|其他单利|单列|医护类|农林类|农林矿|医学类|公共卫生类|闽台合作|联合培养|"
                               r"协同培养|面向[^)）]{2,4}$|专项|special-path|八协计划"),
)
_PROGRAMME_RE = [(prog, re.compile(marks)) for prog, marks in _PROGRAMME_MARKS]
_NEGATED_RE = re.compile("非定向|不定向|非专项|非国家专项|不含中外|非中外")
_PIECE_RE = re.compile(r"[(（\[【]([^()（）\[\]【】]*)[)）\]】]")


def _pieces(text: str) -> list[str]:
    """The labels inside one raw text: its bracketed remarks, its ' | ' segments, then the text itself."""
    out = [m.group(1).strip() for m in _PIECE_RE.finditer(text)]
    out += [s.strip() for s in text.split("|")]
    return [p for p in out if p]


def classify_programme(*texts: str | None) -> tuple[Programme, str | None]:
    """The programme type of a row from all its raw labels, and the raw label that decided it.

    Labels are the row's school remark, group, major, note, batch text and track, in any order.
    Ordinary rows return (Programme.ORDINARY, None).
    """
    return _classify(tuple(t for t in texts if t))


@lru_cache(maxsize=200_000)
def _classify(texts: tuple[str, ...]) -> tuple[Programme, str | None]:
    best: tuple[int, str] | None = None
    for raw in texts:
        text = _NEGATED_RE.sub("", unicodedata.normalize("NFKC", raw))
        for piece in _pieces(text):
            for i, (_, pattern) in enumerate(_PROGRAMME_RE):
                if best is not None and i >= best[0]:
                    break
                if pattern.search(piece):
                    best = (i, piece)
                    break
    if best is None:
        return Programme.ORDINARY, None
    return _PROGRAMME_RE[best[0]][0], best[1]


# Remarks that say where a school is, what it is (公办, 一流大学建设高校, a former name), or which
# ordinary list a row belongs to: they carry no programme type.
_NEUTRAL_RE = re.compile(
    r"公办|民办|独立学院|一流|建设高校|双一流|985|211|重点|2011|^原|更名|省属|部属|共建|[市县区省州盟旗]$|校区|分校|分院|"
    r"校本部|教学点|^\d+$|专业组|组$|普通|统招|只招|仅招|^限|男|女|就读|学费|元|年制|^含|包括|方向|选考|物理|历史|化学|"
    r"生物|地理|政治|思想|不限|再选|首选|^\d|段$|阶段|批$|批次|^[A-Z]$|代码|新设|新增|面向全国|平行志愿|理|文|"
    r"专科|高职|本科|师范|轮|类$|医学院$|医学部$|学制|年|一体化|基地班|实验班|试验班|拔尖|^[ⅠⅡⅢⅣ]+$|^Q\d|"
    r"^(华东|华南|华北|华中|西南|西北|东北|武汉|北京|保定|深圳|威海|厦门|宁德|南平|龙岩|平潭|区内)$"
)


def neutral_remark(text: str) -> bool:
    """Whether a bracketed remark carries no programme type (a place, the school's standing, a list)."""
    t = unicodedata.normalize("NFKC", text).strip()
    return not t or (bool(_NEUTRAL_RE.search(t) or is_place_word(t)) and _classify((t,))[0] is Programme.ORDINARY)


def is_place_word(text: str) -> bool:
    """A remark that is a province or a known place spelling."""
    return province(text) is not None


def special_plan(*texts: str | None) -> str | None:
    """The Chinese word of a row's programme type (国家专项, 中外合作办学 ...), or None when ordinary."""
    programme, _ = classify_programme(*texts)
    return None if programme is Programme.ORDINARY else programme.zh


# ---------------------------------------------------------------------------
# Remarks

def bracketed(text: str | None) -> str | None:
    """The bracketed remarks of a label, e.g. 北京大学(地方专项) -> 地方专项."""
    if not text:
        return None
    inner = _BRACKETS.findall(fold(text))
    return " ".join(inner) or None


# ---------------------------------------------------------------------------
# 院校专业组 labels
#
# Normal form of `admissions.grp` (one spelling whatever the source wrote; gaokao/groups.py writes and reads it):
#   - a group with a code:            第{code}组            e.g. 第3组, 第203组, 第0A3组, 第88003组
#   - a code and the group's own name: 第{code}组 {name}     e.g. 第30组 理工组
#   - a group known only by its name:  {name}               e.g. 理工组, 医科组, 分类投档-医科, 物理+化学组
# Codes of 1–4 digits lose their leading zeros (01, 001 and 1 are one group); longer or
# alphanumeric codes stay as published (upper-cased). The school's name, the province, year,
# batch, track, subject requirement (物+化, (不限)) and programme remarks ((国家专项)) are noise:
# the programme is read from the raw text (classify_programme), never from the normal form.
# A text that names no group (a batch, a round, a major code 专业代号01, 普通类, 物理+化学) gives None.

_GROUP_SPLIT = re.compile(r"[|,，;；、。]|\s+/\s+|\s+-\s+|-")
_GROUP_YEAR = re.compile(r"^(?:19|20)\d\d$")
_GROUP_CODE_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"第\s*([A-Za-z]{0,2}\d{1,4}[A-Za-z]?)\s*(?:专业)?组"),  # 第101组, 北京大学第06组, 第C02组
    re.compile(r"院校专业组\s*(\d{3,6})"),  # 天津: 院校专业组 088003
    re.compile(r"专业组\s*([A-Za-z]{0,2}\d{1,4})"),  # 专业组003, 专业组U19
    re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{0,2}\d{1,4}[A-Za-z]?)\s*专业组?"),  # 001专业组, 0A3专业组, 007专业
    re.compile(r"(?<![0-9A-Za-z第])([A-Za-z]{0,2}\d{1,4}[A-Za-z]?)\s*组"),  # 03组, 05组,普通类
    re.compile(r"(?<![0-9A-Za-z])(\d{1,4})(?=[\u4e00-\u9fff]{1,8}组)"),  # 030理工组
    re.compile(r"[(\[]([A-Za-z]{0,2}\d{1,4})[)\]]$"),  # 阿坝师范学院(01) when the school is spelled otherwise
)
# A bare code (203, (01), 02 物理+化学, 101不限) counts only as the label's first part: later parts are
# major codes and the like (重庆 本科批平行志愿-105).
_GROUP_BARE_CODE = re.compile(r"^[(\[]?([A-Za-z]{0,2}\d{1,4}[A-Za-z]?)[)\]]?(?=$|[\s.]|[^\x00-\x7f])")
_GROUP_NAME_TAIL = re.compile(r"[:：].*$")
_GROUP_NOT_A_NAME = re.compile(
    r"^(?:院校)?(?:普通类?)?(?:专业)?组$|^(?:物理|历史|物理类|历史类|首选物理|首选历史)(?:科目)?组$|投档|录取|分数|志愿|控制"
)
_GROUP_BY_REQUIREMENT = re.compile(r"^(?:专业组|[WL])\(([^()]+)\)(.*)$|^\(?[WL]([\u4e00-\u9fff+]+)\)?$")
_GROUP_CLASSIFIED = re.compile(r"分类投档\s*-\s*([^:：|/,，\s]+)")
_GROUP_REMARK = re.compile(r"\(([^()]*)\)")


def group_label(raw: str | None, school: str | None = None) -> str | None:
    """The normal form of a 院校专业组 label (see above), or None when the text names no group."""
    if not raw:
        return None
    return _group_label(raw, school or "")


@lru_cache(maxsize=100_000)
def _group_label(raw: str, school: str) -> str | None:
    t = unicodedata.normalize("NFKC", raw).replace("（", "(").replace("）", ")").strip()
    for spelling in {school, fold(school)} - {""}:
        t = t.replace(spelling, "|")
    classified = _GROUP_CLASSIFIED.search(t)
    if classified:  # 分类投档 - 医科：物+化 (华中科技大学): a group by name
        t = t[: classified.start()] + "|" + t[classified.end():]
    code: str | None = None
    name = f"分类投档-{classified.group(1)}" if classified else None
    first = True
    for seg in _GROUP_SPLIT.split(t):
        seg = seg.strip()
        if not seg:
            continue
        if code is None and not _GROUP_YEAR.match(seg):
            code, seg = _group_code(seg, bare=first)
        first = False
        if name is None:
            name = _group_name(seg)
    return groups.normal_form(code, name)


def _group_code(seg: str, *, bare: bool) -> tuple[str | None, str]:
    """(code, the segment without it) of one segment of a group label."""
    if seg.startswith(("专业代号", "专业编号", "专业代码", "代码", "专业")) and "组" not in seg:
        return None, seg  # 河北/辽宁/内蒙古 name a major's code, not a group's
    for pattern in (*_GROUP_CODE_RES, _GROUP_BARE_CODE) if bare else _GROUP_CODE_RES:
        m = pattern.search(seg)
        if m is None or _GROUP_YEAR.match(m.group(1)):
            continue
        code = m.group(1).upper()
        if code.isdigit() and len(code) <= 4:
            code = code.lstrip("0") or "0"
        elif code.isdigit():
            code = code.lstrip("0")
        return code, (seg[: m.start()] + seg[m.end():]).strip(" .")
    return None, seg


def _group_name(seg: str) -> str | None:
    """A group's own name in one segment (理工组, 医科组, 物理+化学组), or None."""
    seg = _GROUP_NAME_TAIL.sub("", seg).strip(" .")
    by_req = _GROUP_BY_REQUIREMENT.match(seg)
    if by_req:  # 专业组(物理+化学)(苏州医学院), (W不限): named by its subject requirement
        req = by_req.group(1) or by_req.group(3)
        rest = [r.strip() for r in _GROUP_REMARK.findall(by_req.group(2) or "") if r.strip()]
        return f"{req}组" + "".join(f"({r})" for r in rest)
    bare = _GROUP_REMARK.sub("", seg).strip()
    if (bare.endswith("组") and 2 <= len(bare) <= 12 and re.search(r"[\u4e00-\u9fff]", bare)
            and not _GROUP_NOT_A_NAME.search(bare)):
        return bare
    return None
