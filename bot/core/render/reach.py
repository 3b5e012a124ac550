"""The rank (score) answer: 冲/稳/保, short by default (at most MAX_LINES lines), or every year and note."""

from __future__ import annotations

import re
from typing import Any

from bot.core.advise import WEAK_UNREACHED
from bot.core.answers import ReachAnswer
from bot.core.render.common import _fmt_rank, _fmt_score, _meta, _notes
from bot.core.render.notes import brief_text, note_text

TIER_TITLES = {"冲": "冲（有机会，不稳）", "稳": "稳（把握较大）", "保": "保（稳妥兜底）"}


MAX_LINES = 25  # a default rank answer fits a phone screen and a half


NOTE_WIDTH = 100  # characters of brief notes gathered on one note line


def text(a: ReachAnswer, detail: bool = False, more: str = "") -> str:
    """The rank answer: one line a school and two note lines (at most MAX_LINES lines), or with `detail` every year
    of every school and every note. `more`: how to reach the detail (a chat door's "发“更多”看详情")."""
    if detail:
        lines = [note_text(n) for n in a.placement]
        for tier in ("冲", "稳", "保"):
            rows = [r for r in a.results if r["tier"] == tier]
            lines += ["", _tier_head(a, tier, rows)]
            for r in rows:
                lines += _school_lines(r)
        cov = a.query.get("coverage") or []
        if cov:
            lines += ["", "数据覆盖（您位次附近、近三年有逐校录取位次的学校数）："]
            lines += [f"• {c['level']}：" + "、".join(
                f"{y}年核验{n['verified']}所/第三方{n['third_party']}所" for y, n in c["years"].items()) for c in cov]
        return "\n".join(lines + _notes(a.notes))
    shown = {t: [r for r in a.results if r["tier"] == t] for t in ("冲", "稳", "保")}
    notes = _brief_lines([brief_text(n) for n in a.brief], more)
    while True:
        lines = [note_text(n) for n in a.placement]
        lines.append("")
        for tier in ("冲", "稳", "保"):
            lines.append(_tier_head(a, tier, shown[tier]))
            lines += [_school_line(r) for r in shown[tier]]
        if notes:
            lines += [""] + notes
        if len(lines) <= MAX_LINES or not any(len(v) > 1 for v in shown.values()):
            return "\n".join(lines)
        longest = max(("冲", "稳", "保"), key=lambda t: (len(shown[t]), t != "保"))
        shown[longest] = shown[longest][:-1]


def _tier_head(a: ReachAnswer, tier: str, rows: list[dict[str, Any]]) -> str:
    """"【稳（把握较大）】共67所（2023–2025年数据），列5所", with why 保 is what it is."""
    q = a.query
    total = q.get("totals", {}).get(tier, len(rows))
    years = (q.get("tier_years") or {}).get(tier) or []
    span = (f"{years[0]}年" if years[0] == years[-1] else f"{years[0]}–{years[-1]}年") if years else ""
    head = f"【{TIER_TITLES[tier]}】"
    weak = q.get("weak_safe") if tier == "保" else ""
    if not rows:
        return head + ("数据不足，无法给出" if tier == "保" and _safe_data_missing(a) else "暂无")
    if weak:
        if weak != WEAK_UNREACHED and _safe_data_missing(a):
            return head + f"（{span}数据）逐校数据不足，仅列把握最大的一所，并非稳妥保底"
        return head + f"（{span}数据）" + (" 往年没有学校录取到您的位次，这是最接近的一所，并不稳妥"
                                          if weak == WEAK_UNREACHED else " 仅是现有数据中把握最大的一所，并不稳妥")
    head += f"共{total}所" + (f"（{span}数据）" if span else "") + (f"，列{len(rows)}所" if total > len(rows) else "")
    levels = q.get("safe_levels") or []
    if tier == "保" and levels == ["专科"] and "专科" not in _list_levels(a):
        head += "，为专科院校"
    lined = sum(1 for r in rows if r.get("at_line"))
    if tier == "保" and lined:
        head += ("：往年在批次线附近录满，线上即可录取" if lined == len(rows)
                 else f"；其中{lined}所往年在批次线附近录满，线上即可录取")
    return head


def _list_levels(a: ReachAnswer) -> set[str]:
    return {r["batch_level"] for r in a.results if r["tier"] != "保"}


def _safe_data_missing(a: ReachAnswer) -> bool:
    """The 保 levels' data is thin near the user's rank: a missing 保 is missing data, not a missing school."""
    levels = set(a.query.get("safe_levels") or [])
    return any(c["thin"] and c["level"] in levels for c in a.query.get("coverage") or [])


def _school_line(r: dict[str, Any]) -> str:
    """One school in one line: name, where and what, its latest cutoff."""
    meta = "·".join(x for x in (r.get("city"), (r.get("nature") or "") + (r.get("level") or ""),
                                "/".join(r.get("tags") or []) or None) if x)
    latest = r["history"][0] if r.get("history") else {
        "year": r["year"], "cutoff_score": r["cutoff_score"], "cutoff_rank": r["cutoff_rank"],
        "rank_source": r["rank_source"]}
    score = "" if latest["cutoff_score"] is None else f"{latest['cutoff_score']:g}分/"
    batch = "专科批 " if r.get("batch_level") == "专科" and r.get("level") == "本科" else ""
    unit = _unit_text(r)
    if unit:  # the group (major) placed, its majors, and the school's range
        return f"• {r['school']}（{meta}）{unit}" + ("（未核验）" if not r["verified"] else "")
    return (f"• {r['school']}（{meta}）{latest['year']} {batch}{score}{_fmt_rank(latest['cutoff_rank'], latest['rank_source'])}"
            + ("（未核验）" if not r["verified"] else ""))


def _school_lines(r: dict[str, Any]) -> list[str]:
    """One school with every year its tier rests on (the detail view)."""
    if _unit_text(r):
        return school_entry(r)
    hist = "；".join(
        f"{h['year']} {_fmt_score(h['cutoff_score'])}/位次{_fmt_rank(h['cutoff_rank'], h['rank_source'])}"
        for h in r["history"]
    )
    return [f"• {r['school']}  {_meta(r)}",
            f"  {r['batch']}：{hist}" + ("（未核验）" if not r["verified"] else "")]


def _brief_lines(brief: list[str], more: str = "") -> list[str]:
    """The brief notes on at most two lines (the first phrases first; the rest is in the detail view)."""
    lines: list[str] = []
    for phrase in (b.rstrip("。") for b in brief):
        room = [i for i, x in enumerate(lines) if len(x) + len(phrase) + 1 <= NOTE_WIDTH]
        if room:
            lines[room[0]] += "；" + phrase
        elif len(lines) < 2:
            lines.append(phrase)
    out = [f"注：{x}。" for x in lines]
    if more:
        if out:
            out[-1] += more
        else:
            out.append(more)
    return out


def school_entry(r: dict[str, Any]) -> list[str]:
    """One listed school, at most two lines: the school and the group (major) placed, with its majors, cutoff and
    the school's range that year; then what kind of school it is and the history of its easiest entry."""
    hist = "；".join(
        f"{h['year']} {_fmt_score(h['cutoff_score'])}/位次{_fmt_rank(h['cutoff_rank'], h['rank_source'])}"
        for h in r["history"]
    ) + ("（未核验）" if not r["verified"] else "")
    unit = _unit_text(r)
    if not unit:
        return [f"• {r['school']}  {_meta(r)}", f"  {r['batch']}：{hist}"]
    return [f"• {r['school']} · {unit}", f"  {_meta(r)} · 最低线 {hist}"]


def _unit_text(r: dict[str, Any]) -> str:
    """"3组（计算机类、电气类…）2025 位次≈5,610 · 4组 1,271–12,436"; "" for a school without group data."""
    kind, majors = r.get("unit_kind"), r.get("majors") or []
    if kind not in ("group", "major") and not (kind == "school" and majors):
        return ""
    short = [_short_major(m) for m in majors[:3]]
    shown = "、".join(short) + ("…" if len(majors) > 3 else "")
    cut = f"{r['unit_year']} 位次{_fmt_rank(r['unit_rank'], r['unit_rank_source'])}"
    if kind == "school":  # old 文理 years: the school is the 志愿; its matching majors
        return f"{_programme_label(r)}{shown} {cut}"
    name = r["group"]["name"] if kind == "group" else ""
    # a major, or a group without a code named after its first major: its majors alone
    head = shown if kind != "group" or name in majors else f"{name}（{shown}）" if shown else name
    span = r.get("range")
    if span and span["count"] > 1:
        word = "组" if span["kind"] == "group" else "个专业"
        cut += f" · {span['count']}{word} {span['highest']:,}–{span['lowest']:,}"
    return f"{_programme_label(r)}{head} {cut}"


def _programme_label(r: dict[str, Any]) -> str:
    """"【中外合作】" before a sino-foreign group (major), which the list holds only when asked; "" for others."""
    return "【中外合作】" if (r.get("programme") or {}).get("code") == "sino_foreign" else ""


_MAJOR_REMARK = re.compile(r"[【\[][^】\]]*[】\]]|[（(]\s*含[^）)]*[）)]|[（(]中外合作(?:办学)?[）)]")  # 【中外合作】 says it


def _short_major(name: str) -> str:
    """A major as a list line shows it: without its 【…】 and （含…） remarks, at most 12 characters."""
    short = _MAJOR_REMARK.sub("", name).strip() or name
    return short if len(short) <= 12 else short[:11] + "…"


def tier_page(a: ReachAnswer, tier: str, rows: list[dict[str, Any]], page: int, pages: int, size: int) -> str:
    """One page of one tier (a door's tier button): the tier's count, then each school numbered, with the group
    (major) placed and its label (【中外合作】) as the list shows it, and the years its cutoff rests on."""
    q = a.query
    total = q.get("totals", {}).get(tier, 0)
    listed = sum(1 for r in a.results if r["tier"] == tier)
    head = f"{q['province']}{q['track_used']} 位次{q['rank']:,} ·【{tier}】共{total}所"
    head += f"（可翻看前{listed}所）" if listed < total else ""
    lines = [head, f"第{page + 1}/{pages}页："]
    for i, r in enumerate(rows, start=page * size + 1):
        first, second = school_entry(r)
        lines += [f"{i}. {first.removeprefix('• ')}", f"  {second}"]
    if not rows:
        lines.append("  （暂无）")
    return "\n".join(lines)
