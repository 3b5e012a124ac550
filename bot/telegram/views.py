"""Telegram-only views built from the core's structured answer: help, tier pages, inline titles."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram.types import BotCommand

from bot.core.answers import Answer, MajorAnswer, ReachAnswer
from bot.core.render import help_text, note_text
from bot.core.render.reach import tier_page
from bot.telegram.keyboards import TierCb

COMMANDS: tuple[tuple[str, str, str], ...] = (
    # command, menu description, example arguments
    ("rank", "按位次查能上的学校（冲/稳/保）", "河南 理科 447200"),
    ("score", "按分数查能上的学校", "河南 理科 580分"),
    ("compare", "两所学校对比", "郑州大学 河南大学"),
    ("major", "某校某专业的录取线和排名", "郑州大学 土木工程"),
    ("school", "学校概况和历年录取线", "郑州大学"),
    ("lines", "一个省的批次线（一本线、本科线等）", "河南 2025"),
    ("datainfo", "数据版本和覆盖范围", ""),
    ("help", "用法和示例", ""),
)


@dataclass(frozen=True, slots=True)
class Paging:
    """How many schools a first answer shows per tier, and a tier page."""

    first: int = 5
    page: int = 8


def bot_commands() -> list[BotCommand]:
    """The command menu registered with setMyCommands."""
    return [BotCommand(command=c, description=d) for c, d, _ in COMMANDS]


def full_help(username: str | None) -> str:
    """The core's help text plus the commands, groups and inline mode."""
    lines = [help_text(), "", "命令（示例）："]
    lines += [f"/{c} {ex}".rstrip() + f" — {d}" for c, d, ex in COMMANDS]
    lines += ["", "在群里：发命令，或 @我，或回复我的消息。"]
    if username:
        lines.append(f"在任意聊天里输入 @{username} 河南 理科 447200 可直接发出查询结果。")
    return "\n".join(lines)


A = TypeVar("A", bound=Answer)


def first_page(answer: A, per_tier: int) -> A:
    """The answer with at most `per_tier` schools per tier (the rest is reached by buttons); other answers
    as they are."""
    if not isinstance(answer, ReachAnswer) or not answer.results:
        return answer
    seen: dict[str, int] = {}
    kept = []
    for r in answer.results:
        seen[r["tier"]] = seen.get(r["tier"], 0) + 1
        if seen[r["tier"]] <= per_tier:
            kept.append(r)
    return dataclasses.replace(answer, results=kept)


def tier_rows(answer: ReachAnswer, cb: TierCb, size: int) -> tuple[list[dict[str, Any]], int]:
    """The schools on the page `cb.n` of tier `cb.t`, and the number of pages."""
    rows = [r for r in answer.results if r["tier"] == cb.t]
    pages = max(1, math.ceil(len(rows) / size))
    return rows[cb.n * size:(cb.n + 1) * size], pages


def tier_text(answer: ReachAnswer, cb: TierCb, rows: list[dict[str, Any]], pages: int, size: int) -> str:
    """A tier page as chat text (written by bot.core.render, as every answer is)."""
    return tier_page(answer, cb.t, rows, cb.n, pages, size)


def picker_text(names: dict[int, str], first: int) -> str:
    """The prompt of the compare picker."""
    if not first:
        return "选择要对比的第一所学校："
    return f"已选 {names.get(first, first)}，再选一所："


def inline_title(answer: Answer) -> str:
    """A one-line title for an inline result."""
    q = answer.query
    if answer.problem:
        return "无法回答：" + note_text(answer.problem)[:40]  # a problem is a note code
    if answer.intent in ("rank", "score"):
        t = q.get("totals", {})
        return f"{q['province']}{q['track_used']} 位次{q['rank']:,}：冲{t.get('冲', 0)} 稳{t.get('稳', 0)} 保{t.get('保', 0)}"
    if answer.intent == "compare":
        return f"{q['school_a']} 与 {q['school_b']} 对比"
    if isinstance(answer, MajorAnswer) and answer.major:
        return f"{q['school_a']} · {answer.major['name']}"
    if answer.intent == "school":
        return f"{q['school_a']} 概况与录取线"
    if answer.intent == "lines":
        return f"{q['province']}{q['year']}年批次线"
    return "高考志愿助手：用法"
