"""What every renderer shares: numbers as the answers write them, notes, a school's profile, splitting."""

from __future__ import annotations

from typing import Any

from bot.core.rates import tier_rates_text
from bot.core.render.notes import note_text

LIMIT = 4000  # Telegram allows 4,096; keep a margin for markup


EXAMPLES = ("河南 理科 447200", "长春师范大学和广州大学哪个好", "湖南大学的土木工程专业排名怎么样")


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


def _fmt_rank(rank: int | None, source: str | None) -> str:
    if rank is None:
        return "位次暂缺"
    return ("≈" if source == "derived" else "") + f"{rank:,}"


def _fmt_score(score: float | None) -> str:
    return "—" if score is None else f"{score:g}分"


def _rank_text(rank: int | None, source: str | None) -> str:
    """"位次≈1,234" or "位次暂缺" (never "位次位次暂缺")."""
    return "位次暂缺" if rank is None else "位次" + _fmt_rank(rank, source)


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
            campus = f"({c['campus']})" if c.get("campus") and not p.get("campus") else ""  # a campus's own profile
            lines.append(f"   {c['year']} {c['track']} {c['batch']}{campus}：{_fmt_score(c['cutoff_score'])}，"
                         f"{_rank_text(c['cutoff_rank'], c['rank_source'])}" + ("（未核验）" if not c["verified"] else ""))
    return lines


def _notes(notes: list[Any]) -> list[str]:
    """Notes (codes or text) as "注：…" lines after a blank line."""
    return ([""] + [f"注：{note_text(n)}" for n in notes]) if notes else []


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
