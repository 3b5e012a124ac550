"""One school: its profile, and with a rank its entries placed."""

from __future__ import annotations

from bot.core.answers import SchoolAnswer
from bot.core.render.common import _fmt_rank, _fmt_score, _notes, _profile_lines

CHANCE_WORDS = {"冲": "冲（有机会，不稳）", "稳": "稳（把握较大）", "保": "保（稳妥）", "": "够不上（按往年位次希望很小）"}


def _chances(a: SchoolAnswer) -> list[str]:
    """For "…能上X吗": the school's units placed for the user's rank, above its profile."""
    q = a.query
    lines = [f"按您的位次{q['rank']:,}（{q.get('province')}{q.get('track_used')}），{a.school['school'] if a.school else ''}："]
    for r in a.results:
        latest = r["history"][0]
        unit = r["batch"] + (f"({r['campus']})" if r.get("campus") else "")
        lines.append(f"• {unit}：{CHANCE_WORDS.get(r['tier'], r['tier'])}，预期最低位次约{r['expected_rank']:,}；"
                     f"{latest['year']}年{_fmt_score(latest['cutoff_score'])}/位次"
                     f"{_fmt_rank(latest['cutoff_rank'], latest['rank_source'])}")
    return lines + [""]


def text(a: SchoolAnswer) -> str:
    assert a.school is not None
    head = _chances(a) if a.results else []
    return "\n".join(head + _profile_lines(a.school) + _notes(a.notes))
