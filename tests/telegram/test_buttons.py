"""Inline keyboards: tier pages, tier switch, a school's trend chart, compare two from a list; inline mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery, EditMessageText, SendMessage, SendPhoto

from bot.core import answer as answer_module
from bot.core.asks import CompareAsk, RankAsk
from bot.core.render import render
from bot.serve.charts import standing_of, standing_text
from bot.serve.engines import Core
from bot.telegram.keyboards import DETAIL_TEXT, CmpCb, HistCb, RankCb, TierCb, _fits, rank_fields
from bot.telegram.routers.callbacks import EXPIRED, FORGED
from bot.telegram.views import Paging, first_page
from tests.telegram import fake_api
from tests.telegram.conftest import Harness, make_harness


@pytest.fixture
async def paged(tg_db: Path) -> AsyncIterator[Harness]:
    """One school per page, so the tiny database has several pages."""
    harness = await make_harness(tg_db, paging=Paging(first=1, page=1))
    yield harness
    await harness.engines.close()


def buttons(req: SendMessage | EditMessageText) -> list[tuple[str, str]]:
    assert req.reply_markup is not None
    return [(b.text, b.callback_data or "") for row in req.reply_markup.inline_keyboard for b in row]


def test_callback_data_fits_in_64_bytes() -> None:
    worst = [TierCb(p="黑龙江", k="物理类", r=2_000_000, y=2025, t="冲", n=99, m="c", a=2_147_483_647, f="hp92d"),
             RankCb(p="黑龙江", k="物理类", r=2_000_000, y=2025, f="hp92dznw~江浙沪", v="d"),
             CmpCb(a=2_147_483_647, b=2_147_483_646, p="黑龙江", g=1), HistCb(s=2_147_483_647, p="黑龙江"),
             RankCb(p="黑龙江", k="物理类", r=2_000_000, y=2025, f="hp92dznw", v="s")]
    for cb in worst:
        assert len(cb.pack().encode()) <= 64, cb.pack()


async def test_first_answer_shows_one_per_tier_and_offers_more(paged: Harness) -> None:
    (msg,) = await paged.say("河南 理科 505分")
    assert "列1所" in msg.text  # the tier header: "共N所（…年数据），列1所"
    assert buttons(msg)[0][1] == TierCb(p="河南", k="理科", r=241, t="保", m="o").pack()
    assert dict(buttons(msg))[DETAIL_TEXT] == RankCb(p="河南", k="理科", r=241, v="d").pack()


async def test_detail_button_sends_the_long_form_of_the_rank_answer(paged: Harness) -> None:
    sent = await paged.press(RankCb(p="河南", k="物理类", r=241, v="d").pack())
    texts = [r.text for r in sent if isinstance(r, SendMessage)]
    assert texts and "位次241" in texts[0]
    assert "数据覆盖" in texts[0] and "注：录取位次取自" in texts[0]  # every school's years, every note
    assert isinstance(sent[0], AnswerCallbackQuery)


async def test_a_forged_detail_button_is_refused(paged: Harness) -> None:
    sent = await paged.press("q:河南:物理类:-5:0:::d")
    assert [type(r) for r in sent] == [AnswerCallbackQuery]
    assert sent[0].text == FORGED


async def test_tier_button_opens_a_page_as_a_new_message_then_pages_by_editing(paged: Harness) -> None:
    sent = await paged.press(TierCb(p="河南", k="物理类", r=241, t="保", m="o").pack())
    assert [type(r) for r in sent] == [SendMessage, AnswerCallbackQuery]
    assert "【保】" in sent[0].text and "第1/" in sent[0].text
    nxt = dict(buttons(sent[0]))["下一页 ›"]
    sent = await paged.press(nxt)
    assert [type(r) for r in sent] == [EditMessageText, AnswerCallbackQuery]
    assert "第2/" in sent[0].text and "‹ 上一页" in dict(buttons(sent[0]))


async def test_tier_switch_row_marks_the_current_tier(paged: Harness) -> None:
    sent = await paged.press(TierCb(p="河南", k="物理类", r=120, t="稳", m="v").pack())
    labels = [t for t, _ in buttons(sent[0])]
    assert "·稳·" in labels and "保" in labels


async def test_history_button_sends_a_png_with_the_numbers(h: Harness) -> None:
    sent = await h.press(HistCb(s=2, p="河南").pack())
    photo = next(r for r in sent if isinstance(r, SendPhoto))
    assert photo.photo.data.startswith(b"\x89PNG")
    assert "郑州大学" in photo.caption and "位次185" in photo.caption and "2023" in photo.caption
    assert any(isinstance(r, AnswerCallbackQuery) for r in sent)


async def test_rank_answer_offers_the_standing_chart(paged: Harness) -> None:
    (msg,) = await paged.say("河南 理科 505分")
    data = dict(buttons(msg))["📊 图表"]
    assert data == RankCb(p="河南", k="理科", r=241, v="s").pack()
    assert msg.reply_markup is not None and len(msg.reply_markup.inline_keyboard[-1]) == 1  # a row of its own
    sent = await paged.press(data)
    photo = next(r for r in sent if isinstance(r, SendPhoto))
    assert photo.photo.data.startswith(b"\x89PNG") and len(photo.photo.data) > 5000
    listed = [line[2:].split("（")[0].split()[0] for line in msg.text.splitlines() if line.startswith("• ")]
    assert listed == ["河南大学"]  # one school per tier on the first page (of 2 in 保)
    assert "位次241" in photo.caption and "河南大学：2025 位次325" in photo.caption and "河南科技学院" not in photo.caption
    assert [type(r) for r in sent] == [AnswerCallbackQuery, SendPhoto]


async def test_standing_chart_keeps_the_list_filters(h: Harness) -> None:
    (msg,) = await h.say("河南 理科 位次100 只看川渝")
    data = dict(buttons(msg))["📊 图表"]
    assert data == RankCb(p="河南", k="理科", r=100, f="~川渝", v="s").pack()
    sent = await h.press(data)
    photo = next(r for r in sent if isinstance(r, SendPhoto))
    assert "重庆大学" in photo.caption and "郑州大学" not in photo.caption


async def test_standing_chart_of_an_empty_list_is_a_notice(h: Harness) -> None:
    sent = await h.press(RankCb(p="河南", k="物理类", r=100, f="~新疆", v="s").pack())
    assert len(sent) == 1 and isinstance(sent[0], AnswerCallbackQuery) and "画不出图表" in (sent[0].text or "")


async def test_compare_two_schools_picked_from_a_tier_page(h: Harness) -> None:
    page = TierCb(p="河南", k="物理类", r=120, t="保", m="v")
    sent = await h.press(page.model_copy(update={"m": "c"}).pack())
    assert "第一所" in sent[0].text
    first = buttons(sent[0])[0][1]
    sent = await h.press(first)
    assert "再选一所" in sent[0].text
    second = buttons(sent[0])[0][1]
    assert second.startswith("c:")
    sent = await h.press(second)
    texts = [r.text for r in sent if isinstance(r, SendMessage)]
    assert len(texts) == 1 and "对比" in texts[0]
    chart = buttons(next(r for r in sent if isinstance(r, SendMessage)))[0][1]
    sent = await h.press(chart)
    photo = next(r for r in sent if isinstance(r, SendPhoto))
    assert "A = " in photo.caption and "B = " in photo.caption  # no CJK font: the chart says A/B


async def test_buttons_survive_a_restart(tg_db: Path) -> None:
    first = await make_harness(tg_db)
    (msg,) = await first.say("河南 理科 505分")
    data = buttons(msg)[0][1]
    await first.engines.close()
    again = await make_harness(tg_db)  # a new process: nothing in memory but the button's own data
    sent = await again.press(data)
    assert isinstance(sent[0], SendMessage) and "【保】" in sent[0].text
    await again.engines.close()


async def test_stale_or_unknown_buttons_get_a_polite_alert(h: Harness) -> None:
    for data in (HistCb(s=999_999, p="河南").pack(), "zz:old:button", CmpCb(a=2, b=999_999).pack(),
                 TierCb(p="西藏", k="理科", r=100, t="保").pack()):
        sent = await h.press(data)
        assert len(sent) == 1 and isinstance(sent[0], AnswerCallbackQuery) and sent[0].show_alert, data


async def test_inline_query_offers_the_answer_to_post(h: Harness) -> None:
    h.session.clear()
    await h.feed(fake_api.inline("河南 理科 447200", user_id=5))
    (req,) = h.session.sends()
    assert isinstance(req, AnswerInlineQuery)
    (article,) = req.results
    assert "河南" in article.title
    assert len(article.input_message_content.message_text) <= 4096
    assert article.input_message_content.parse_mode is None


async def test_empty_inline_query_offers_the_help(h: Harness) -> None:
    h.session.clear()
    await h.feed(fake_api.inline("", user_id=5))
    (req,) = h.session.sends()
    assert "河南 理科 447200" in req.results[0].input_message_content.message_text


async def test_inline_batch_lines_have_their_own_title(h: Harness) -> None:
    h.session.clear()
    await h.feed(fake_api.inline("河南 2024 一本线", user_id=5))
    (req,) = h.session.sends()
    assert req.results[0].title == "河南2024年批次线"
    assert "本科一批线 511分" in req.results[0].input_message_content.message_text


async def test_tier_buttons_keep_the_list_filters(h: Harness) -> None:
    (msg,) = await h.say("河南 理科 位次100 只看省内")
    ((_, data),) = [b for b in buttons(msg) if b[0].startswith("保")]
    assert data == TierCb(p="河南", k="理科", r=100, t="保", m="o", f="h").pack()
    sent = await h.press(data)
    assert "郑州大学" in sent[0].text and "重庆大学" not in sent[0].text


async def test_tier_buttons_keep_place_filters(h: Harness) -> None:
    (msg,) = await h.say("河南 理科 位次100 只看川渝")
    ((_, data),) = [b for b in buttons(msg) if b[0].startswith("保")]
    assert data == TierCb(p="河南", k="理科", r=100, t="保", m="o", f="~川渝").pack()
    sent = await h.press(data)
    assert "重庆大学" in sent[0].text and "郑州大学" not in sent[0].text


def test_place_filters_fit_or_leave_out_the_tier_buttons() -> None:
    from bot.telegram.keyboards import _fits, pack_filters

    assert pack_filters(["home", "no_zk", "region:江浙沪", "place:武汉"]) == "hz~江浙沪~武汉"
    assert _fits(TierCb(p="黑龙江", k="物理类", r=2_000_000, y=2025, t="冲", f=pack_filters(["region:江浙沪"])))
    many = TierCb(p="黑龙江", k="物理类", r=2_000_000, y=2025, t="冲", f=pack_filters(["place:四川", "place:重庆"]))
    assert not _fits(many)  # no button rather than one Telegram refuses


async def test_forged_buttons_get_a_short_notice(paged: Harness) -> None:
    good = TierCb(p="河南", k="物理类", r=241, t="保", m="v")
    forged = [good.pack().replace(":0:v:", ":-1:v:"), good.pack().replace(":0:v:", ":1000000000:v:"),
              good.pack().replace(":241:", ":-5:"), good.pack().replace(":v:", ":x:"),
              good.pack().replace("河南", "<b>"), good.pack().replace(":0:v:", ":50:v:"),  # page beyond the list
              good.model_copy(update={"m": "c", "a": 999_999}).pack(),  # a first school not in the tier
              "h:-3:", "c:2:3::7", "c:0:3::0",
              RankCb(p="河南", k="物理类", r=241, v="s").pack().replace(":241:", ":-5:"),
              RankCb(p="河南", k="物理类", r=241, v="s").pack().replace(":241:", ":2000001:"),
              RankCb(p="河南", k="物理类", r=241, v="s").pack().replace("物理类", "化学类"),
              RankCb(p="河南", k="物理类", r=241, v="s").pack().replace(":0:", ":1999:")]
    for data in forged:
        sent = await paged.press(data)
        assert len(sent) == 1 and isinstance(sent[0], AnswerCallbackQuery), data
        assert sent[0].text == "按钮数据无效，已忽略。" and not sent[0].show_alert, data


# messages with list filters (places, regions, flags, a field of study) whose buttons must answer the same list
FILTERED = ("河南 理科 位次100 只看川渝", "河南 物理类 位次100 只看省内公办", "河南 物理类 位次100 只看成都或重庆 985",
            "河南 物理类 位次200 想学软件工程", "河南 物理类 位次100 离家近 不要专科")


@pytest.mark.parametrize("text", FILTERED)
async def test_a_button_answers_as_the_message_does(h: Harness, text: str) -> None:
    (msg,) = await h.say(text)
    expected = h.engines.current.answer(text)
    sent = await h.press(dict(buttons(msg))[DETAIL_TEXT])
    assert [r.text for r in sent if isinstance(r, SendMessage)] == render(expected, detail=True)
    sent = await h.press(dict(buttons(msg))["📊 图表"])
    photo = next(r for r in sent if isinstance(r, SendPhoto))
    standing = standing_of(expected.query, first_page(expected, Paging().first).results)
    assert standing is not None and photo.caption == standing_text(standing, True)  # no CJK font in the tests


async def test_buttons_carry_a_typed_query_and_parse_no_text(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    (msg,) = await h.say("河南 物理类 位次100 只看省内 想学软件工程")
    asked: list[object] = []
    for name in ("ask", "tiers"):
        real = getattr(Core, name)

        async def recording(core: Core, query: object, real: Any = real) -> Any:
            asked.append(query)
            return await real(core, query)

        monkeypatch.setattr(Core, name, recording)

    def no_parsing(*_: object) -> None:
        raise AssertionError("a button's query was parsed")

    monkeypatch.setattr(answer_module, "parse", no_parsing)
    monkeypatch.setattr(Core, "answer", no_parsing)
    want = RankAsk("河南", "物理类", 100, filters=("home",), major="软件工程")
    labels = dict(buttons(msg))
    for label in (DETAIL_TEXT, "📊 图表", next(t for t in labels if t.startswith("保"))):
        sent = await h.press(labels[label])
        assert not any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in sent), label
    assert asked == [want, want, want]
    fields = rank_fields(RankAsk("河南", "物理类", 100, filters=("home",)))  # a tier of several schools
    assert fields is not None
    page = TierCb(**fields, t="保", m="c")
    first = buttons((await h.press(page.pack()))[0])[0][1]
    second = buttons((await h.press(first))[0])[0][1]
    sent = await h.press(second)
    assert isinstance(asked[-1], CompareAsk) and asked[-1].province == "河南", asked[-1]
    assert "对比" in next(r for r in sent if isinstance(r, SendMessage)).text


async def test_buttons_from_before_the_deploy_are_expired(h: Harness) -> None:
    """The standing and detail buttons had their own prefixes; tier buttons one field fewer (no field of study)."""
    for old in ("s:河南:物理类:241:0:", "d:河南:物理类:241:0:~川渝", "t:河南:物理类:241:0:保:0:o:0:"):
        sent = await h.press(old)
        assert len(sent) == 1 and sent[0].show_alert and sent[0].text == EXPIRED, old


def test_a_query_buttons_cannot_carry_whole_gets_no_button() -> None:
    fits = RankAsk("湖南", "物理类", 30_000, filters=("place:湘西土家族苗族自治州",))
    fields = rank_fields(fits)
    assert fields is not None and RankCb(**fields, v="d").to_ask() == fits
    assert not _fits(TierCb(**fields, t="冲"))  # no tier pages: their page and choice fields leave no room
    for unfit in (RankAsk("河南", "技术类", 100), RankAsk("河南", "物理类", 100, major="超过十个字的一个专业的名字"),
                  RankAsk("河南", "物理类", 100, filters=tuple(f"place:城{i}" for i in range(5)))):
        assert rank_fields(unfit) is None, unfit
