"""Private chats, groups and commands, through the dispatcher."""

from __future__ import annotations

import re

from aiogram.methods import SendMessage, SetMyCommands

from tests.telegram.conftest import Harness
from tests.telegram.fake_api import BOT_USERNAME, TOKEN

BOT_ID = int(TOKEN.split(":")[0])
GROUP = -100123


async def test_any_private_text_gets_one_plain_text_answer(h: Harness) -> None:
    sent = await h.say("河南 理科 505分")
    assert [type(r) for r in sent] == [SendMessage]
    assert "保（稳妥兜底）" in sent[0].text and "河南大学" in sent[0].text
    assert sent[0].parse_mode is None and sent[0].reply_parameters is None


async def test_private_small_talk_gets_the_help(h: Harness) -> None:
    sent = await h.say("你好")
    assert len(sent) == 1 and "高考志愿查询助手" in sent[0].text


async def test_start_and_help_show_examples_and_commands(h: Harness) -> None:
    for cmd in ("/start", "/help"):
        sent = await h.say(cmd)
        assert len(sent) == 1
        text = sent[0].text
        assert "河南 理科 447200" in text and "/rank" in text and "/compare" in text and f"@{BOT_USERNAME}" in text


async def test_query_commands(h: Harness) -> None:
    expected = {
        "/rank 河南 理科 447": "位次447",
        "/score 河南 理科 580分": "580分",
        "/compare 郑州大学 河南大学": "郑州大学 vs 河南大学",
        "/major 郑州大学 土木工程": "郑州大学 · 土木工程",
        "/school 郑大": "【郑州大学】",
        "/lines 河南 2024": "河南2024年批次线：",
    }
    for text, needle in expected.items():
        sent = await h.say(text)
        assert len(sent) == 1 and needle in sent[0].text, (text, sent)


async def test_rank_answer_has_tier_buttons(h: Harness) -> None:
    sent = await h.say("河南 理科 505分")
    *tiers, (chart,), (detail,) = sent[0].reply_markup.inline_keyboard
    buttons = [b for row in tiers for b in row]
    assert buttons and all(re.fullmatch(r"[冲稳保] \d+所 ›", b.text) for b in buttons)
    assert buttons[0].callback_data.startswith("t:河南:理科:241:")  # the track asked (the answer maps it)
    assert chart.text == "📊 图表" and chart.callback_data == "q:河南:理科:241:0:::s"
    assert detail.text == "详情" and detail.callback_data == "q:河南:理科:241:0:::d"  # the long form


async def test_school_and_compare_answers_have_chart_buttons(h: Harness) -> None:
    school = await h.say("郑大怎么样")
    assert school[0].reply_markup.inline_keyboard[0][0].callback_data == "h:2:河南"
    compare = await h.say("郑州大学和河南大学哪个好")
    assert compare[0].reply_markup.inline_keyboard[0][0].callback_data == "c:2:3:河南:1"


async def test_datainfo_shows_version_and_coverage(h: Harness) -> None:
    sent = await h.say("/datainfo")
    assert "2026-01-01T00:00:00+00:00" in sent[0].text
    assert "河南：" in sent[0].text and "2023–2025" in sent[0].text


async def test_group_chatter_gets_no_answer(h: Harness) -> None:
    for text in ("今天作业好多", "河南 理科 505分", "/rank@other_bot 河南 理科 447", "/start@other_bot", "@someone 你好"):
        assert await h.say(text, chat_id=GROUP, user_id=5, chat_type="supergroup") == [], text


async def test_group_commands_mentions_and_replies_are_answered(h: Harness) -> None:
    bot_msg = {"message_id": 77, "date": 0, "chat": {"id": GROUP, "type": "supergroup"},
               "from": {"id": BOT_ID, "is_bot": True, "first_name": "b"}, "text": "…"}
    other_msg = {**bot_msg, "from": {"id": 9, "is_bot": False, "first_name": "u"}}
    cases = [
        (dict(text="/rank 河南 理科 447"), True),
        (dict(text=f"/rank@{BOT_USERNAME} 河南 理科 447"), True),
        (dict(text=f"/help@{BOT_USERNAME}"), True),
        (dict(text=f"@{BOT_USERNAME} 郑大怎么样"), True),
        (dict(text=f"@{BOT_USERNAME.upper()} 郑大怎么样"), True),
        (dict(text=f"@{BOT_USERNAME}x 郑大怎么样"), False),
        (dict(text="郑大怎么样", reply_to=bot_msg), True),
        (dict(text="郑大怎么样", reply_to=other_msg), False),
    ]
    for kw, answered in cases:
        sent = await h.say(chat_id=GROUP, user_id=5, chat_type="supergroup", message_id=42, **kw)
        assert len(sent) == (1 if answered else 0), kw
        if answered:
            assert sent[0].reply_parameters.message_id == 42  # groups: the answer quotes the question


async def test_non_text_private_message_gets_a_hint(h: Harness) -> None:
    h.session.clear()
    body = {"message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                        "from": {"id": 5, "is_bot": False, "first_name": "u"},
                        "sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
                                    "height": 1, "is_animated": False, "is_video": False}}}
    await h.feed(body)
    assert "文字" in h.session.sends()[0].text


async def test_command_menu_is_registered_at_start(h: Harness) -> None:
    await h.dp.emit_startup(bot=h.bot, **h.dp.workflow_data)
    (req,) = [r for r in h.session.requests if isinstance(r, SetMyCommands)]
    assert {c.command for c in req.commands} >= {"rank", "score", "compare", "major", "school", "datainfo", "help"}
