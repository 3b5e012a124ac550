"""Inline buttons: page through a tier, switch tier, a rank answer's standing chart, a school's trend chart,
compare two schools from a list."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.core.answers import ReachAnswer
from bot.core.asks import CompareAsk
from bot.core.render import render
from bot.serve.charts import ChartMaker, Trend, school_trend, standing_of, standing_text, trend_text
from bot.serve.engines import Core
from bot.telegram.keyboards import CmpCb, HistCb, RankCb, TierCb, picker, tier_view
from bot.telegram.replies import send_answer, send_chart, send_parts
from bot.telegram.views import Paging, first_page, picker_text, tier_rows, tier_text

EXPIRED = "这个按钮已失效（数据可能已更新），请重新提问。"
FORGED = "按钮数据无效，已忽略。"  # data no button of ours carries: a page out of range, a rank of -5 ...
NO_STANDING = "这个回答里没有学校的录取位次，画不出图表。"
# prefix -> the number of fields: data of an older layout (a message sent before a deploy) is expired, not forged
_FIELDS = {cls.__prefix__: len(cls.model_fields) for cls in (TierCb, HistCb, CmpCb, RankCb)}


async def _show(cq: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup, new: bool) -> None:
    """Edit the message under the button, or send a new one (first open, or the old one is gone)."""
    msg = cq.message
    if msg is None:
        return
    if new or not isinstance(msg, Message):
        await bot.send_message(msg.chat.id, text, parse_mode=None, reply_markup=markup)
        return
    try:
        await msg.edit_text(text, parse_mode=None, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:  # a double tap on the same page is fine
            raise


async def on_tier(cq: CallbackQuery, callback_data: TierCb, bot: Bot, core: Core, paging: Paging) -> None:
    """A tier page (m=o/v), or the compare picker on it (m=c)."""
    cb = callback_data
    answer = await core.tiers(cb.to_ask())
    if answer.problem or not isinstance(answer, ReachAnswer):
        await cq.answer(EXPIRED, show_alert=True)
        return
    rows, pages = tier_rows(answer, cb, paging.page)
    in_tier = {r["school_id"] for r in answer.results if r["tier"] == cb.t}
    if cb.n >= pages or (cb.m == "c" and cb.a and cb.a not in in_tier):
        await cq.answer(FORGED)
        return
    if cb.m == "c":
        names = {r["school_id"]: r["school"] for r in rows}
        await _show(cq, bot, picker_text(names, cb.a), picker(cb, rows), new=False)
    else:
        text = tier_text(answer, cb, rows, pages, paging.page)
        await _show(cq, bot, text, tier_view(cb, rows, pages, answer.query.get("totals", {})), new=cb.m == "o")
    await cq.answer()


async def on_detail(cq: CallbackQuery, callback_data: RankCb, bot: Bot, core: Core) -> None:
    """The long form of a rank answer, as new messages."""
    answer = await core.ask(callback_data.to_ask())
    if answer.problem or not isinstance(answer, ReachAnswer) or cq.message is None:
        await cq.answer(EXPIRED, show_alert=True)
        return
    await cq.answer()
    await send_parts(bot, cq.message.chat.id, render(answer, detail=True))


async def _send_trends(cq: CallbackQuery, bot: Bot, charts: ChartMaker, trends: list[Trend]) -> None:
    if cq.message is None:
        return
    text = trend_text(trends, charts.ascii_only)
    if not any(t.series for t in trends):
        await send_parts(bot, cq.message.chat.id, [text])
        return
    await send_chart(bot, cq.message.chat.id, await charts.png(trends), text)


async def on_history(cq: CallbackQuery, callback_data: HistCb, bot: Bot, core: Core, charts: ChartMaker) -> None:
    """A school's cutoff-rank trend: a chart and the numbers."""
    trend = await core.call(school_trend, core.engine.store, callback_data.s, callback_data.p)
    if trend is None:
        await cq.answer(EXPIRED, show_alert=True)
        return
    await cq.answer()
    await _send_trends(cq, bot, charts, [trend])


async def on_compare(cq: CallbackQuery, callback_data: CmpCb, bot: Bot, core: Core, charts: ChartMaker,
                     paging: Paging) -> None:
    """Two schools: the core's comparison (g=0) or their trends side by side (g=1)."""
    cb, store = callback_data, core.engine.store
    a, b = store.schools.get(cb.a), store.schools.get(cb.b)
    if a is None or b is None or cq.message is None:
        await cq.answer(EXPIRED, show_alert=True)
        return
    await cq.answer()
    if cb.g:
        trends = [await core.call(school_trend, store, sid, cb.p) for sid in (cb.a, cb.b)]
        await _send_trends(cq, bot, charts, [t for t in trends if t is not None])
    else:
        ask = CompareAsk(cb.a, cb.b, cb.p or None, (a.name, b.name))
        await send_answer(bot, cq.message.chat.id, await core.ask(ask), paging)


async def on_standing(cq: CallbackQuery, callback_data: RankCb, bot: Bot, core: Core, charts: ChartMaker,
                      paging: Paging) -> None:
    """A rank answer's standing chart: the user's rank against the latest cutoff ranks of the schools it lists."""
    answer = await core.ask(callback_data.to_ask())
    if answer.problem or not isinstance(answer, ReachAnswer) or cq.message is None:
        await cq.answer(EXPIRED, show_alert=True)
        return
    standing = standing_of(answer.query, first_page(answer, paging.first).results)
    if standing is None:
        await cq.answer(NO_STANDING)
        return
    await cq.answer()
    await send_chart(bot, cq.message.chat.id, await charts.rank_png(standing),
                     standing_text(standing, charts.ascii_only))


async def on_stale(cq: CallbackQuery) -> None:
    """A button this version does not know (an old message), or one of ours whose data fails its range checks."""
    prefix, *parts = (cq.data or "").split(":")
    if _FIELDS.get(prefix) == len(parts):  # our layout, but a value out of range: forged, not old
        await cq.answer(FORGED)
        return
    await cq.answer(EXPIRED, show_alert=True)


def make_router() -> Router:
    """The callbacks router."""
    router = Router(name="callbacks")
    router.callback_query.register(on_tier, TierCb.filter(F.t.in_({"冲", "稳", "保"})))
    router.callback_query.register(on_detail, RankCb.filter(F.v == "d"))
    router.callback_query.register(on_history, HistCb.filter())
    router.callback_query.register(on_compare, CmpCb.filter())
    router.callback_query.register(on_standing, RankCb.filter(F.v == "s"))
    router.callback_query.register(on_stale)
    return router
