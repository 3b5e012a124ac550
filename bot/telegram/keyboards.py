"""Inline keyboards and their callback data: short, and self-contained so buttons survive a restart.

Every button carries what is needed to recompute its answer, never a key into server memory: a rank answer's
buttons a typed query (bot.core.asks.RankAsk, packed in RankFields and read back by `to_ask`), which the core
answers without parsing any text. Telegram allows 64 bytes; a query that does not fit gets no button.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import AfterValidator, Field

from bot.core.answers import Answer, CompareAnswer, MajorAnswer, ReachAnswer, SchoolAnswer
from bot.core.asks import RankAsk, canonical_filters, place_key, rank_ask
from bot.core.parse import MAX_RANK
from bot.core.places import PLACE_KINDS

Tier = Literal["冲", "稳", "保"]
TIERS: tuple[Tier, ...] = ("冲", "稳", "保")

# Every field of a button is range-checked when it is read back: Telegram hands back whatever a client sends, so a
# forged button (page -1 or 10⁹, rank -5, an unknown mode) fails to unpack and gets a short notice (routers/callbacks).
Province = Annotated[str, Field(pattern=r"^[\u4e00-\u9fff]{2,3}$")]
MaybeProvince = Annotated[str, Field(pattern=r"^(?:[\u4e00-\u9fff]{2,3})?$")]
SchoolId = Annotated[int, Field(ge=1, le=2_147_483_647)]
MAX_PAGE = 99  # a tier lists at most a few hundred schools
Track = Literal["物理类", "历史类", "理科", "文科", "综合", ""]  # a track parse reads ("" = none said)
Rank = Annotated[int, Field(ge=1, le=MAX_RANK)]


def _year(y: int) -> int:
    if y and y < 2000:
        raise ValueError("year")
    return y


Year = Annotated[int, Field(ge=0, le=2049), AfterValidator(_year)]  # the year asked, 0 = latest
# the user's list filters: one letter each (FILTER_CODES), then each place as "~word" (pack_filters)
Filters = Annotated[str, Field(pattern=r"^[hp92dznws]{0,9}(?:~[\u4e00-\u9fff]{1,12}){0,4}$")]


# a field of study asked ("想学计算机" -> 计算机; the synonym table also has "AI")
Major = Annotated[str, Field(pattern=r"^[\u4e00-\u9fffA-Za-z]{0,10}$")]


class RankFields(CallbackData, prefix="rank"):
    """The rank query a button carries (bot.core.asks.RankAsk): the buttons below add what to show of it."""

    p: Province  # province
    k: Track  # the track asked
    r: Rank
    y: Year = 0
    f: Filters = ""
    j: Major = ""  # the field of study asked ("" = none)

    def to_ask(self) -> RankAsk:
        """The typed query this button carries."""
        letters, *words = self.f.split("~")
        flags = [key for code in letters for key, c in FILTER_CODES.items() if c == code]
        return RankAsk(self.p, self.k or None, self.r, self.y or None,
                       canonical_filters(flags + [place_key(w) for w in words]), self.j or None)


class TierCb(RankFields, prefix="t"):
    """One page of one tier of a rank query; `m`: o = open as new message, v = view, c = choose."""

    t: Tier = "冲"
    n: Annotated[int, Field(ge=0, le=MAX_PAGE)] = 0  # page
    m: Literal["o", "v", "c"] = "v"
    a: Annotated[int, Field(ge=0, le=2_147_483_647)] = 0  # in "c" mode: the first school chosen


class RankCb(RankFields, prefix="q"):
    """A view of a rank answer: `v` s = the standing chart (where the user's rank stands among the schools it
    lists), d = the long form (every year of every school, every note)."""

    v: Literal["s", "d"] = "d"


DETAIL_TEXT = "详情"


# parse.FILTERS keys as one letter each in RankFields.f (callback data is limited to 64 bytes); place filters
# (places.find_places) follow as "~word" ("~江浙沪", "~武汉"; a region word reads back as a region), "near" and
# "away" as letters.
FILTER_CODES = {"home": "h", "public": "p", "985": "9", "211": "2", "dfc": "d", "no_zk": "z", "near": "n",
                "away": "w", "sino": "s"}


def pack_filters(filters: Sequence[str]) -> str:
    """A rank query's filters as RankFields.f: letters, then each place as "~word"."""
    letters = "".join(FILTER_CODES[x] for x in filters if x in FILTER_CODES)
    return letters + "".join("~" + x.split(":", 1)[1] for x in filters if x.startswith(PLACE_KINDS))


def rank_fields(ask: RankAsk) -> dict[str, Any] | None:
    """The callback fields that carry `ask`, or None when it cannot be carried whole (a long place name, a track
    or field buttons do not know): no button rather than one that answers something else."""
    fields: dict[str, Any] = {"p": ask.province, "k": ask.track or "", "r": ask.rank, "y": ask.year or 0, "f": pack_filters(ask.filters),
              "j": ask.major or ""}
    try:
        carried = RankCb(**fields).to_ask()
    except ValueError:  # pydantic's ValidationError is one
        return None
    return fields if carried == ask else None


class HistCb(CallbackData, prefix="h"):
    """A school's cutoff-rank trend (chart and numbers) in a province ('' = its home province)."""

    s: SchoolId
    p: MaybeProvince = ""


class CmpCb(CallbackData, prefix="c"):
    """Two schools compared: `g` 0 = text, 1 = trend chart side by side."""

    a: SchoolId
    b: SchoolId
    p: MaybeProvince = ""
    g: Annotated[int, Field(ge=0, le=1)] = 0


def _fits(cb: TierCb) -> bool:
    """Whether the tier button and every button its pages derive (page, school chosen: ids stay below
    a million, the database has ~3,000 schools) fit 64 bytes."""
    try:
        cb.model_copy(update={"a": 999_999, "n": 99, "m": "c"}).pack()
    except ValueError:
        return False
    return True


def _packs(cb: CallbackData) -> bool:
    """Whether the button's data fits Telegram's 64 bytes."""
    try:
        cb.pack()
    except ValueError:
        return False
    return True


def _short(name: str, limit: int = 18) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def for_answer(answer: Answer) -> InlineKeyboardMarkup | None:
    """Buttons under a chat answer: tiers to page through and the standing chart, a school's trend, a comparison
    chart."""
    kb = InlineKeyboardBuilder()
    reach = answer if isinstance(answer, ReachAnswer) and answer.results and not answer.problem else None
    ask = rank_ask(reach.query) if reach is not None else None
    fields = rank_fields(ask) if ask is not None else None
    if reach is not None and fields is not None:
        totals: dict[str, int] = answer.query.get("totals", {})
        for tier in TIERS:
            cb = TierCb(**fields, t=tier, m="o")
            if totals.get(tier) and _fits(cb):  # a long list of places leaves no room: no pages
                kb.button(text=f"{tier} {totals[tier]}所 ›", callback_data=cb)
        chart = RankCb(**fields, v="s")
        if any(r.get("cutoff_rank") is not None for r in reach.results) and _packs(chart):
            kb.row(InlineKeyboardButton(text="📊 图表", callback_data=chart.pack()))
        detail = RankCb(**fields, v="d")
        if _packs(detail):
            kb.row(InlineKeyboardButton(text=DETAIL_TEXT, callback_data=detail.pack()))
    elif isinstance(answer, SchoolAnswer | MajorAnswer) and answer.school and answer.school.get("cutoffs"):
        s = answer.school
        kb.button(text="📈 历年录取位次走势", callback_data=HistCb(s=s["school_id"], p=s.get("cutoffs_in") or ""))
    elif isinstance(answer, CompareAnswer) and len(answer.schools) == 2:
        a, b = answer.schools
        kb.button(text="📊 两校录取位次走势", callback_data=CmpCb(a=a["school_id"], b=b["school_id"],
                                                                   p=a.get("cutoffs_in") or "", g=1))
    return kb.as_markup() if kb.buttons else None


def _switch_row(cb: TierCb, totals: dict[str, int]) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(text=f"·{t}·" if t == cb.t else t,
                             callback_data=cb.model_copy(update={"t": t, "n": 0, "m": "v", "a": 0}).pack())
        for t in TIERS if totals.get(t) or t == cb.t
    ]


def tier_view(cb: TierCb, rows: list[dict[str, Any]], pages: int, totals: dict[str, int]) -> InlineKeyboardMarkup:
    """A tier page: each school's trend, previous/next page, other tiers, and 'compare two'."""
    kb = InlineKeyboardBuilder()
    for r in rows:
        kb.row(InlineKeyboardButton(text=f"📈 {_short(r['school'])}",
                                    callback_data=HistCb(s=r["school_id"], p=cb.p).pack()))
    nav = []
    if cb.n > 0:
        nav.append(InlineKeyboardButton(text="‹ 上一页", callback_data=cb.model_copy(update={"n": cb.n - 1, "m": "v"}).pack()))
    if cb.n + 1 < pages:
        nav.append(InlineKeyboardButton(text="下一页 ›", callback_data=cb.model_copy(update={"n": cb.n + 1, "m": "v"}).pack()))
    if nav:
        kb.row(*nav)
    kb.row(*_switch_row(cb, totals))
    if len(rows) >= 2:
        kb.row(InlineKeyboardButton(text="⚖ 从列表选两所对比", callback_data=cb.model_copy(update={"m": "c", "a": 0}).pack()))
    return kb.as_markup()


def picker(cb: TierCb, rows: list[dict[str, Any]]) -> InlineKeyboardMarkup:
    """Choose the first school (`cb.a` == 0), then the second one, from a tier page."""
    kb = InlineKeyboardBuilder()
    for r in rows:
        sid = r["school_id"]
        if sid == cb.a:
            continue
        data = (CmpCb(a=cb.a, b=sid, p=cb.p) if cb.a else cb.model_copy(update={"a": sid})).pack()
        kb.row(InlineKeyboardButton(text=_short(r["school"]), callback_data=data))
    kb.row(InlineKeyboardButton(text="‹ 返回", callback_data=cb.model_copy(update={"m": "v", "a": 0}).pack()))
    return kb.as_markup()
