"""Understand a chat message: intent, province, track, rank or score, year, schools and major.

Notes on a Query are short machine-readable strings "code: detail":
`truncated`, `unknown-command: /x`, `number-ignored: 18`, `number-out-of-range: 99999999`,
`extra-number: 600`, `other-province: 广东`, `other-track: 文科`, `no-rank-or-score`, `bad-number: -5000`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Literal

from bot.core import majors
from bot.core import places as place_words
from bot.core.names import Mention, NameIndex
from bot.core.textnorm import clean_text, find_tracks, replace_cn_numerals
from gaokao.regions import province_spellings

log = logging.getLogger(__name__)

Intent = Literal["rank", "score", "compare", "major", "school", "lines", "help"]

MAX_CHARS = 300  # only the start of a long message is read
MAX_SCORE = 900.0  # 海南 uses a 900-point scale
MIN_SCORE = 100.0
MAX_RANK = 2_000_000
BARE_SCORE_MAX = 750.0  # a bare number above this is a rank

_PROVINCE_SPELLINGS: dict[str, str] = province_spellings()
_PROVINCE_RE = re.compile("|".join(re.escape(s) for s in sorted(_PROVINCE_SPELLINGS, key=len, reverse=True)))

_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@[A-Za-z0-9_]+)?(?=\s|$)\s*(.*)$", re.S)
_COMMANDS: dict[str, Intent] = {
    "rank": "rank",
    "score": "score",
    "compare": "compare",
    "major": "major",
    "school": "school",
    "lines": "lines",
    "start": "help",
    "help": "help",
}
_AT_MENTION = re.compile(r"@[A-Za-z][A-Za-z0-9_]{2,}")

_YEAR = re.compile(
    r"(?<!\d)(20[0-4]\d|[1-4]\d)\s*(?:年|届)|(?<![\d.])(20[0-4]\d)(?=\s*高考)|^\s*(20[1-3]\d)(?![\d.,]|\s*(?:[名分万wW]|位(?!次)))"
)
# "… 550分 2024": a bare year at the end, when the message states its score or rank with a unit elsewhere
_TRAILING_YEAR = re.compile(r"(?<![\d.,])(20[12]\d)\s*[。.!！?？]*\s*$")
_EXPLICIT_NUMBER = re.compile(r"\d\s*(?:分|名|位|万|千|w|k)|(?:位次|排名|排位|名次)\s*\d", re.I)
# "河南一本线是多少", "广东物理类本科线", "2025 湖南 批次线": a province's batch control lines
_LINES_WORDS = re.compile(r"(?:一本|二本|三本|本科|专科|高职|特控|特殊类型|批次|控制|省控|分数)线")
# What a rank question may ask the list to keep to: key -> the words that ask it.
FILTERS: dict[str, re.Pattern[str]] = {
    "home": re.compile(r"省内|本省|不出省|留在?(?:本)?省"),
    "public": re.compile(r"公办|(?:不要|不考虑|不上|不去|排除|除了|除去)(?:民办|私立)"),
    "985": re.compile(r"(?<!\d)985(?!\d)"),
    "211": re.compile(r"(?<!\d)211(?!\d)"),
    "dfc": re.compile(r"双一流"),
    "no_zk": re.compile(r"(?:不要|不考虑|不上|不读|不去|排除|除了|除去)(?:高职)?专科|(?:只要|只看|只上|只读|只报)本科"),
    # not a filter: sino-foreign groups (中外合作办学) join the list, labelled ("不要中外合作" is the default)
    "sino": re.compile(r"(?<![不没])(?:接受|可以|能|也|含|包含|包括|加上|算上)(?:报|上|考虑)?(?:中外合作|合作办学)"
                       r"|(?:中外合作|合作办学)(?:办学)?(?:专业组?|项目)?的?(?:都?可以|也行|也可以|能接受|可接受|可|行|没问题|也?ok)",
                       re.I),
}
# a unit after the number: 万/w (x10,000), 千/k (x1,000): "4.5万", "8千", "8.5千", "12k"
_NUMBER = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)\s*(万(?!亿)|w(?![a-z])|千(?![米克瓦元块])|k(?![a-z]))?", re.I)
_UNIT_VALUE = {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000}
_AFTER_SCORE = re.compile(r"\s*分(?!之|钟|数线|段)")
_AFTER_RANK = re.compile(r"\s*(?:名|位(?!数))")
_AFTER_OTHER = re.compile(
    r"\s*(?:岁|年|月|日|号|天|元|块|个|次|届|级|人|所|本|%|\+|小时|分钟|大学|院校|高校|学校|工程)"
)
_RANK_BEFORE = re.compile(r"(?:排名|位次|排位|名次|排行|排|位)[\s:是为在约大概]*(?:约|大概|大约)?\s*$")
_SCORE_BEFORE = re.compile(r"(?:考了|考|分数|成绩|总分|得了|估分|估了|打了)[\s:是为约大概]*$")
_RANK_WORDS = re.compile(r"排名|位次|排位|名次|排行|多少名|\d\s*名")
_ASKS_FOR_RANK = re.compile(r"排名多少|多少名|位次多少|排多少|能排|什么位次|多少位")
_WORDY = re.compile(r"[\u3400-\u9fffA-Za-z]{2,}")
_GAOKAO_WORDS = re.compile(r"高考|志愿|大学|学校|院校|本科|专科|一本|二本|录取|分数|能上|报考|填报|排名|位次")

_JOINERS = frozenset(
    {"和", "与", "跟", "vs", "v", "pk", "对比", "还是", "比", "对", "、", ",", "/", "or", "同", "及"}
)
_COMPARE_WORDS = re.compile(r"哪个|哪所|哪一个|对比|比较|区别|vs|pk|还是|选哪|怎么选|比怎么样|差距")
_MAJOR_BEFORE_WORD = re.compile(r"^[\s的:,]*(?P<major>[^\s,.?!:;、()。]{2,24}?)\s*专业")
_MAJOR_BEFORE_ASK = re.compile(
    r"^[\s的:,]*(?P<major>[\u4e00-\u9fff]{2,16}?)\s*(?:专业)?\s*(?:[在于][\u4e00-\u9fff]{2,3}(?:省|市|自治区)?的?\s*)?"
    r"(?:排名|分数线|录取|就业|怎么样|好不好|如何|前景|历年)"
)
_MAJOR_LIKE = re.compile(
    r"(?:学|工程|技术|管理|科学|设计|医学|教育|经济|金融|会计|法|护理|药学|艺术|语言|文学|英语|翻译|新闻|"
    r"传播|统计|财务|物流|营销|自动化|电子|通信|计算机|软件|机械|建筑|土木|临床|口腔|中医|电气|材料|化工|"
    r"能源|动力|测绘|地质|交通|运输|信息|智能|数据|网络|安全|制造|车辆|航空|航天|船舶|农学|园林|林学|"
    r"动物|植物|食品|环境|生物|化学|物理|数学|哲学|历史学|社会|政治|外交|心理|体育|音乐|美术|表演|播音|"
    r"编导|汉语言|商务|贸易|电商|保险|审计|税收|财政|工商|行政|公共|档案|图书|旅游|酒店|烹饪|学前|幼儿|"
    r"师范|康复|检验|影像|麻醉|儿科|预防|助产|中药|药剂|兽医|水利|水电|港口|道路|桥梁|隧道|铁道|安装)$"
)
_MAJOR_ANY = re.compile(r"^[\s的:,]*(?P<major>[^\s,.?!:;、]{2,24})")
_GENERIC_MAJOR = re.compile(
    r"^(?:什么|哪些|哪个|有什么|有哪些|王牌|热门|优势|好的|最好的|强势|特色|所有|各|一流|重点|的|招生|学费|宿舍|食堂|校园|地址|官网)"
)


@dataclass(frozen=True, slots=True)
class Query:
    """What a message asks, as far as the text says it."""

    intent: Intent
    text: str
    province: str | None = None
    track: str | None = None
    rank: int | None = None
    score: float | None = None
    year: int | None = None
    schools: tuple[Mention, ...] = ()
    major: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # FILTERS keys and place keys (places.find_places) the user asked the school list to keep to ("只看省内公办")
    filters: tuple[str, ...] = ()


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace spans with spaces, keeping offsets."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def _split_command(text: str) -> tuple[Intent | None, str, list[str]]:
    """(intent forced by a /command or None, the text without the command and @mentions, notes)."""
    notes: list[str] = []
    forced: Intent | None = None
    m = _COMMAND.match(text)
    if m:
        cmd = m.group(1).lower()
        forced = _COMMANDS.get(cmd, "help")
        if cmd not in _COMMANDS:
            notes.append(f"unknown-command: /{cmd}")
        text = m.group(2)
    text = _AT_MENTION.sub(" ", text).strip()
    return forced, text, notes


def _find_province(text: str, notes: list[str]) -> tuple[str | None, list[tuple[int, int]]]:
    found: str | None = None
    spans: list[tuple[int, int]] = []
    for m in _PROVINCE_RE.finditer(text):
        p = _PROVINCE_SPELLINGS[m.group()]
        spans.append((m.start(), m.end()))
        if found is None:
            found = p
        elif p != found and f"other-province: {p}" not in notes:
            notes.append(f"other-province: {p}")
    return found, spans


def _find_track(text: str, notes: list[str]) -> tuple[str | None, list[tuple[int, int]]]:
    found: str | None = None
    spans: list[tuple[int, int]] = []
    for s, e, track in find_tracks(text):
        spans.append((s, e))
        if found is None:
            found = track
        elif track != found and f"other-track: {track}" not in notes:
            notes.append(f"other-track: {track}")
    return found, spans


_ANY_YEAR = re.compile(r"(?<![\d.,])(20[0-3]\d)(?![\d.,]|\s*(?:[名分万wW]|位))")


def _find_year(text: str, lines: bool = False) -> tuple[int | None, list[tuple[int, int]]]:
    """The year a message names, and where; `lines`: a question about batch lines, whose 20xx is a year."""
    year: int | None = None
    spans: list[tuple[int, int]] = []
    for m in _YEAR.finditer(text):
        if m.group(3) and not _NUMBER.search(text, m.end()):
            continue  # "河南 理科 2024" (province and track masked): the only number is the rank
        raw = m.group(1) or m.group(2) or m.group(3)
        y = int(raw) + (2000 if len(raw) == 2 else 0)
        if 2000 <= y <= 2049:
            spans.append((m.start(), m.end()))
            year = year or y
    # A bare 20xx: anywhere in a batch-line question; at the end when the score or rank has its unit elsewhere.
    bare = (_ANY_YEAR if lines else _TRAILING_YEAR).search(text) if year is None else None
    if bare and (lines or _EXPLICIT_NUMBER.search(text[: bare.start()])):
        year = int(bare.group(1))
        spans.append((bare.start(1), bare.end(1)))
    return year, spans


# A number that cannot be a rank or a score: negative ("-5000", "位次-5000", after a space or a rank/score word,
# not a range such as "580-600"), or in exponent form ("1e308", which would otherwise read as 1 and 308).
_BAD_NUMBER = re.compile(
    r"(?:^|(?<=[\s:,(=])|(?<=位次|排名|名次|分数|成绩|总分|考了|估分))[-\u2212]\s*\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+|\s*[万w])?"
    r"|(?<![\dA-Za-z.])\d+(?:\.\d+)?e[-+]?\d+(?![A-Za-z])",
    re.I,
)


# "2万8", "2万8千", "1w5": a digit after 万 is its thousands, as people say ranks ("两万八").
_WAN_DIGIT = re.compile(r"(?<![\d.])(\d{1,3})\s*([万wW])(\d)(?:千|k|K)?(?![\d.]|,\d)")


def _numbers(text: str, forced: Intent | None, notes: list[str]) -> tuple[int | None, float | None]:
    """The rank and the score a text states (first of each), by units, nearby words and size."""
    rank: int | None = None
    score: float | None = None
    text = _WAN_DIGIT.sub(lambda m: f"{m.group(1)}.{m.group(3)}{m.group(2)}", text)
    bad = list(_BAD_NUMBER.finditer(text))
    for m in bad:
        notes.append("bad-number: " + "".join(m.group().split()))
    text = _mask(text, [m.span() for m in bad])
    rank_words = bool(_RANK_WORDS.search(text)) and not _ASKS_FOR_RANK.search(text)
    for m in _NUMBER.finditer(text):
        digits, wan = m.group(1).replace(",", ""), m.group(2)
        try:
            value = float(digits)
        except ValueError:  # pragma: no cover - the pattern only matches numbers
            continue
        after, before = text[m.end() :], text[max(0, m.start() - 8) : m.start()]
        kind: str | None = None
        if wan:
            kind, value = "rank", round(value * _UNIT_VALUE[wan.lower()], 6)
        elif _AFTER_SCORE.match(after):
            kind = "score"
        elif _AFTER_RANK.match(after):
            kind = "rank"
        elif _AFTER_OTHER.match(after) or (digits in {"985", "211"} and not _RANK_BEFORE.search(before)):
            continue
        elif _RANK_BEFORE.search(before):
            kind = "rank"
        elif _SCORE_BEFORE.search(before):
            kind = "score" if value <= MAX_SCORE else "rank"
        elif value > BARE_SCORE_MAX or forced == "rank" or (rank_words and forced != "score"):
            kind = "rank"
        elif value >= MIN_SCORE:
            kind = "score"
        if kind == "rank" and 1 <= value <= MAX_RANK and value == int(value):
            if rank is None:
                rank = round(value)
            else:
                notes.append(f"extra-number: {m.group().strip()}")
        elif kind == "score" and MIN_SCORE <= value <= MAX_SCORE:
            if score is None:
                score = value
            else:
                notes.append(f"extra-number: {m.group().strip()}")
        elif kind is None:
            notes.append(f"number-ignored: {m.group().strip()}")
        else:
            notes.append(f"number-out-of-range: {m.group().strip()}")
    return rank, score


def _major_after(
    text: str, mention: Mention, others: list[Mention], forced: Intent | None
) -> tuple[str | None, tuple[int, int]]:
    """A major written right after a school mention: '…的土木工程专业', '… 护理学 专业', '…土木工程排名'."""
    rest = text[mention.end :]
    m = _MAJOR_BEFORE_WORD.match(rest)
    if m is None:
        m2 = _MAJOR_BEFORE_ASK.match(rest)
        m = m2 if m2 and _MAJOR_LIKE.search(m2.group("major")) else None
    if m is None:
        m = _major_before_province(rest)
    if m is None:
        m = _major_tail(rest)
    if m is None and forced == "major":
        m = _MAJOR_ANY.match(rest)
    if m is None:
        return None, (0, 0)
    major = m.group("major")
    start = mention.end + m.start("major")
    if "的" in major:  # "在河南的土木工程" -> "土木工程"
        head, major = major.rsplit("的", 1)
        start += len(head) + 1
    major = major.removesuffix("专业").strip()
    end = start + len(major)
    if (
        len(major) < 2
        or _GENERIC_MAJOR.match(major)
        or _PROVINCE_RE.match(major)
        or any(s == 0 and e == len(major) for s, e, _ in find_tracks(major))
        or any(o.start < end and start < o.end for o in others)
    ):
        return None, (0, 0)
    return major, (start, end)


_MAJOR_HEAD = re.compile(r"^[\s的:,]*(?P<major>[\u4e00-\u9fff]{2,16})")
_MAJOR_END = re.compile(r"\s|$|[,，。?？!！（(]|专业|分数|录取|位次|多少|能上|排名|历年")


# What a major's name starts with (two characters or more: a lone 学 or 法 would read 学费 as a major).
_MAJOR_STEM = re.compile("^(?:" + "|".join(
    w for w in _MAJOR_LIKE.pattern.removeprefix("(?:").removesuffix(")$").split("|") if len(w) >= 2) + ")")
_MAJOR_TAIL = re.compile(r"^[\s的:,]*(?P<major>[\u4e00-\u9fff]{3,10})\s*[?？。.!！]*\s*$")


def _major_tail(rest: str) -> re.Match[str] | None:
    """A major written last, after the school, without 专业 or a question word, possibly with a typo
    ("长沙理工大学 土木工层"): a run of 3 to 10 Chinese characters that starts as a major's name does."""
    m = _MAJOR_TAIL.match(rest)
    return m if m and _MAJOR_STEM.match(m.group("major")) else None


def _major_before_province(rest: str) -> re.Match[str] | None:
    """A major name right after a school and before a province or a question ("临床医学 山东 多少位次能上",
    "软件工程河南分数线"): the shortest run of Chinese characters that reads as a major and ends there."""
    head = _MAJOR_HEAD.match(rest)
    if head is None:
        return None
    start = head.start("major")
    for end in range(start + 2, head.end("major") + 1):
        after = rest[end:]
        run = rest[start:end]
        if (_MAJOR_LIKE.search(run) or _MAJOR_STEM.match(run)) and (
                _MAJOR_END.match(after) or _PROVINCE_RE.match(after)):
            return re.compile(rf"^[\s的:,]*(?P<major>{re.escape(rest[start:end])})").match(rest)
    return None


# A long message that names no school and has no rank or score word is not a question for the bot (a work report
# that mentions 山东省 and "8点", "14:30"), however many numbers it holds.
LONG_TEXT = 80
_RANK_OR_SCORE_WORD = re.compile(
    r"位次|排名|名次|排位|\d\s*名|考了|成绩|总分|估分|分数|(?<![点:\d])\d{3}(?:\.\d)?\s*分(?!钟|之)")


def _off_topic(body: str) -> bool:
    """A long text without a rank or score word, a gaokao word or a track (schools are checked by the caller)."""
    return (len(body) > LONG_TEXT and not _RANK_OR_SCORE_WORD.search(body) and not _GAOKAO_WORDS.search(body)
            and not find_tracks(body))


def _has_context(masked: str) -> bool:
    """Whether a number can be about the gaokao: gaokao words nearby, or nothing but the number."""
    return bool(_GAOKAO_WORDS.search(masked)) or not _WORDY.search(_NUMBER.sub("", masked))


def _distinct_schools(mentions: list[Mention]) -> list[Mention]:
    """One mention per school (the first), dropping mentions that are really a province name."""
    seen: set[tuple[int, str | None]] = set()  # two campuses of one school are two schools (哈工大威海、哈工大深圳)
    out: list[Mention] = []
    for m in mentions:
        if m.candidates and (m.best.school_id, m.campus) not in seen and m.span not in _PROVINCE_SPELLINGS:
            seen.add((m.best.school_id, m.campus))
            out.append(m)
    return out


def _is_compare(text: str, a: Mention, b: Mention) -> bool:
    between = re.sub(r"[\s()]", "", text[a.end : b.start]).lower()
    return between in _JOINERS or between == "" or bool(_COMPARE_WORDS.search(text))


def _command_fallback(text: str, names: NameIndex) -> list[Mention]:
    """For /school, /compare and /major: resolve space-separated words that find_mentions missed."""
    out: list[Mention] = []
    for m in re.finditer(r"[^\s,]{2,30}", text):
        cands = names.resolve(m.group(), limit=5)
        if cands and cands[0].score >= 75.0:
            out.append(Mention(m.start(), m.end(), m.group(), tuple(cands)))
    return out


def parse(text: str, names: NameIndex, cities: frozenset[str] = frozenset()) -> Query:
    """Turn a chat message into a Query; never raises, reads at most MAX_CHARS characters.

    `cities`: the cities schools are in, for place filters ("只看武汉")."""
    cleaned, cut = clean_text(text or "", MAX_CHARS)
    forced, body, notes = _split_command(cleaned)
    if cut:
        notes.insert(0, "truncated")
    if forced == "help" or not body:
        return Query(intent="help", text=body, notes=tuple(notes))

    mentions = _distinct_schools(names.find_mentions(body))
    if not mentions and forced in ("school", "compare", "major"):
        mentions = _distinct_schools(_command_fallback(body, names))
    if forced is None and not mentions and _off_topic(body):
        return Query(intent="help", text=body, notes=tuple([*notes, "off-topic"]))
    major: str | None = None
    major_span = (0, 0)
    for mention in mentions:
        major, major_span = _major_after(body, mention, mentions, forced)
        if major:
            break

    masked = _mask(body, [(m.start, m.end) for m in mentions] + [major_span])
    places, spans = place_words.find_places(masked, cities)
    wants = place_words.find_unsupported(masked)
    masked = _mask(masked, spans)
    province, spans = _find_province(masked, notes)
    masked = _mask(masked, spans)
    track, spans = _find_track(masked, notes)
    masked = replace_cn_numerals(_mask(masked, spans))
    year, spans = _find_year(masked, lines=forced == "lines" or bool(_LINES_WORDS.search(masked)))
    masked = _mask(masked, spans)
    rank, score = _numbers(masked, forced, notes)
    if (rank or score) and not (mentions or province or track or forced or _has_context(masked)):
        notes.append(f"number-ignored: {rank or score:g}")
        rank = score = None

    intent: Intent
    if forced is not None:
        intent = forced
        if forced in ("rank", "score"):
            intent = "score" if score is not None and rank is None else "rank"
    elif len(mentions) >= 2 and _is_compare(body, mentions[0], mentions[1]):
        intent = "compare"
    elif mentions and major:
        intent = "major"
    elif mentions:
        intent = "school"
    elif rank is not None:
        intent = "rank"
    elif score is not None:
        intent = "score"
    elif province and _LINES_WORDS.search(masked):
        intent = "lines"
    else:
        intent = "help"
        if province or track:
            notes.append("no-rank-or-score")
    kept = tuple(mentions[:2]) if intent == "compare" else tuple(mentions)
    if intent in ("rank", "score"):
        major = majors.interest(masked)  # "想学计算机": the list keeps to groups and majors that match
    filters: tuple[str, ...] = ()
    if intent in ("rank", "score"):
        filters = tuple(k for k, rx in FILTERS.items() if rx.search(masked) and not (k.isdigit() and rank == int(k)))
        filters += tuple(places)
        notes += [f"filter-unsupported: {w}" for w in wants]
    q = Query(intent, body, province, track, rank, score, year, kept, major, tuple(notes), filters)
    log.debug("parsed %r -> %s", body[:60], q.intent)
    return q
