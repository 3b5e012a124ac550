"""Chat text from a structured answer: Simplified Chinese, phone-sized, split under 4,096 chars."""

from __future__ import annotations

from typing import Any

from bot.core.advise import WEAK_UNREACHED
from bot.core.answer import Answer
from bot.core.rates import tier_rates_text

LIMIT = 4000  # Telegram allows 4,096; keep a margin for markup

EXAMPLES = ("河南 理科 447200", "长春师范大学和广州大学哪个好", "湖南大学的土木工程专业排名怎么样")
TIER_TITLES = {"冲": "冲（有机会，不稳）", "稳": "稳（把握较大）", "保": "保（稳妥兜底）"}


def help_text(tier_rates: str | None = None) -> str:
    """The short friendly explanation of what the bot does, with the back-tested rates of the tiers by default."""
    if tier_rates is None:
        tier_rates = tier_rates_text()
    lines = [
        "您好！我是高考志愿查询助手，可以根据公开的历年录取数据回答：",
        "• 位次/分数能上哪些学校（分冲、稳、保）",
        "• 两所学校对比，某校某专业的历年录取线和排名",
        "",
        "试试这样问：",
        *(f"  {e}" for e in EXAMPLES),
    ]
    if tier_rates:
        lines += ["", tier_rates]
    return "\n".join(lines)


def render(a: Answer, tier_rates: str | None = None) -> list[str]:
    """Render an answer as one or more chat messages."""
    if a.intent == "help":
        if a.problem:  # e.g. a province and a track but no usable rank or score: say so before the examples
            return split("\n".join([a.problem, *_notes(a.notes), "", help_text(tier_rates)]))
        return [help_text(tier_rates)]
    if a.problem:
        body = [a.problem]
        if a.candidates:
            body += [f"  • {c}" for c in a.candidates]
        body += _notes(a.notes)
        return split("\n".join(body))
    if a.intent in ("rank", "score"):
        return split(_reach(a))
    if a.intent == "compare":
        return split(_compare(a))
    if a.intent == "major":
        return split(_major(a))
    if a.intent == "lines":
        return split(_lines(a))
    return split(_school(a))


def _fmt_rank(rank: int | None, source: str | None) -> str:
    if rank is None:
        return "位次暂缺"
    return ("≈" if source == "derived" else "") + f"{rank:,}"


def _fmt_score(score: float | None) -> str:
    return "—" if score is None else f"{score:g}分"


def _reach(a: Answer) -> str:
    lines = list(a.placement)
    for tier in ("冲", "稳", "保"):
        rows = [r for r in a.results if r["tier"] == tier]
        total = a.query.get("totals", {}).get(tier, len(rows))
        head = f"【{TIER_TITLES[tier]}】" + (f" 共{total}所，列前{len(rows)}所" if total > len(rows) else "")
        weak = a.query.get("weak_safe")
        if tier == "保" and weak:
            head += (" 往年没有学校录取到您的位次，这是最接近的一所，并不稳妥" if weak == WEAK_UNREACHED
                     else " 仅是现有数据中把握最大的一所，并不稳妥")
        lines += ["", head]
        if not rows:
            lines.append("  （暂无）")
        for r in rows:
            lines.append(f"• {r['school']}  {_meta(r)}")
            hist = "；".join(
                f"{h['year']} {_fmt_score(h['cutoff_score'])}/位次{_fmt_rank(h['cutoff_rank'], h['rank_source'])}"
                for h in r["history"]
            )
            lines.append(f"  {r['batch']}：{hist}" + ("（未核验）" if not r["verified"] else ""))
    lines += _notes(a.notes)
    return "\n".join(lines)


def _meta(r: dict[str, Any]) -> str:
    bits = [r.get("city"), r.get("level"), r.get("nature"), "/".join(r.get("tags") or []) or None]
    return " · ".join(b for b in bits if b)


def _profile_lines(p: dict[str, Any]) -> list[str]:
    lines = [f"【{p['school']}】"]
    where = " ".join(x for x in (p.get("province"), p.get("city")) if x)
    lines.append(f"  所在地：{where or '—'}；层次：{p.get('level') or '—'}；性质：{p.get('nature') or '—'}")
    lines.append(f"  类型：{p.get('category') or '—'}；主管：{p.get('authority') or '—'}")
    lines.append(f"  985/211/双一流：{'/'.join(p['tags']) if p['tags'] else '否'}")
    if p.get("ranking"):
        lines.append(f"  {p.get('ranking_name') or '软科排名'}：第{p['ranking']}名")
    sm = p.get("strong_majors") or {}
    if sm.get("ruanke"):
        lines.append("  软科专业排名：" + "、".join(f"{m['major']}({m['grade']})" for m in sm["ruanke"]))
    if sm.get("eval4"):
        lines.append("  第四轮学科评估：" + "、".join(f"{m['discipline']}({m['grade']})" for m in sm["eval4"]))
    if sm.get("double_first_class"):
        lines.append("  双一流建设学科：" + "、".join(sm["double_first_class"]))
    if sm.get("first_class_majors"):
        lines.append(f"  一流本科专业建设点：{sm['first_class_majors']}个")
    if p.get("cutoffs"):
        lines.append(f"  在{p['cutoffs_in']}的普通批录取线：")
        for c in p["cutoffs"][:12]:
            campus = f"({c['campus']})" if c.get("campus") else ""
            lines.append(f"   {c['year']} {c['track']} {c['batch']}{campus}：{_fmt_score(c['cutoff_score'])}，"
                         f"位次{_fmt_rank(c['cutoff_rank'], c['rank_source'])}" + ("（未核验）" if not c["verified"] else ""))
    return lines


def _compare(a: Answer) -> str:
    lines: list[str] = [f"{a.schools[0]['school']} 与 {a.schools[1]['school']} 对比（只列数据，不替您下结论）："]
    for p in a.schools:
        lines += [""] + _profile_lines(p)
    lines += _notes(a.notes)
    return "\n".join(lines)


CHANCE_WORDS = {"冲": "冲（有机会，不稳）", "稳": "稳（把握较大）", "保": "保（稳妥）", "": "够不上（按往年位次希望很小）"}


def _chances(a: Answer) -> list[str]:
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


def _school(a: Answer) -> str:
    assert a.school is not None
    head = _chances(a) if a.results else []
    return "\n".join(head + _profile_lines(a.school) + _notes(a.notes))


def _major(a: Answer) -> str:
    assert a.school is not None and a.major is not None
    m = a.major
    lines = [f"{a.school['school']} · {m['name']}"]
    for s in m["standing"][:6]:
        val = " ".join(x for x in (s.get("grade"), f"第{s['rank']}名" if s.get("rank") else None) if x)
        lines.append(f"  {s['kind']}{'(' + str(s['year']) + ')' if s.get('year') else ''}：{s['major']} {val}")
    if m["cutoffs"]:
        asked = a.query.get("province")
        shown = m["cutoffs"][:20]
        for i, c in enumerate(shown):  # the asked province's years first (facts.major_info orders them)
            if i == 0 or (c["province"] == asked) != (shown[i - 1]["province"] == asked):
                lines.append(f"在{asked}的历年录取线：" if c["province"] == asked else
                             "其他省份的录取线：" if asked else "历年录取线：")
            group = f" 专业组{c['group']}" if c.get("group") else ""
            lines.append(f"  {c['province']} {c['year']} {c['track']} 批次：{c['batch']}{group} {c['major']}："
                         f"{_fmt_score(c['cutoff_score'])}，位次{_fmt_rank(c['cutoff_rank'], c['rank_source'])}"
                         + ("（未核验）" if not c["verified"] else ""))
    else:
        lines += [""] + _profile_lines(a.school)
    lines += _notes(a.notes)
    return "\n".join(lines)


def _lines(a: Answer) -> str:
    q = a.query
    out = [f"{q.get('province')}{q.get('year')}年批次线："]
    by_track: dict[str, list[str]] = {}
    for r in a.results:
        name = r["batch"] if r["batch"].endswith("线") else f"{r['batch']}线"
        by_track.setdefault(r["track"], []).append(f"{name} {r['score']:g}分")
    out += [f"• {t}：" + "；".join(parts) for t, parts in by_track.items()]
    return "\n".join(out + _notes(a.notes))


def _notes(notes: list[str]) -> list[str]:
    return ([""] + [f"注：{n}" for n in notes]) if notes else []


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Split text on line boundaries into parts under `limit` characters."""
    parts: list[str] = []
    cur = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if cur:
                parts.append(cur)
                cur = ""
            parts.append(line[:limit])
            line = line[limit:]
        if len(cur) + len(line) + 1 > limit:
            parts.append(cur)
            cur = line
        else:
            cur = f"{cur}\n{line}" if cur else line
    if cur or not parts:
        parts.append(cur)
    return parts
