"""The inline result's title says why a message could not be answered, from the answer's problem note."""

from __future__ import annotations

from pathlib import Path

from bot.core.answer import Engine
from bot.telegram.views import inline_title


def test_an_inline_title_writes_the_problem_note(tg_db: Path) -> None:
    a = Engine.open(tg_db).answer("西藏 批次线")  # no batch lines there: the problem is a note code
    assert a.problem is not None and not isinstance(a.problem, str)
    assert inline_title(a) == "无法回答：暂无西藏的批次线数据。"
