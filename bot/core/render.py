"""Chat text from a structured answer: Simplified Chinese, phone-sized, split under 4,096 chars."""

from __future__ import annotations

import re
from typing import Any

from bot.core.advise import WEAK_UNREACHED
from bot.core.answer import Answer
from bot.core.majors import group_code
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


def render(a: Answer, tier_rates: str | None = None, *, detail: bool = False, more: str = "") -> list[str]:
    """Render an answer as one or more chat messages; `detail`: the long form of a rank answer (every year, every
    note); `more`: how the reader reaches it, added to a short rank answer's last line."""
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
        return split(_reach(a, detail, more))
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


def _rank_text(rank: int | None, source: str | None) -> str:
    """"位次≈1,234" or "位次暂缺" (never "位次位次暂缺")."""
    return "位次暂缺" if rank is None else "位次" + _fmt_rank(rank, source)


MAX_LINES = 25  # a default rank answer fits a phone screen and a half
NOTE_WIDTH = 100  # characters of brief notes gathered on one note line


def _reach(a: Answer, detail: bool = False, more: str = "") -> str:
    """The rank answer: one line a school and two note lines (at most MAX_LINES lines), or with `detail` every year
    of every school and every note. `more`: how to reach the detail (a chat door's "发“更多”看详情")."""
    if detail:
        lines = list(a.placement)
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
    notes = _brief_lines(a.brief, more)
    while True:
        lines = list(a.placement)
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


def _tier_head(a: Answer, tier: str, rows: list[dict[str, Any]]) -> str:
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


def _list_levels(a: Answer) -> set[str]:
    return {r["batch_level"] for r in a.results if r["tier"] != "保"}


def _safe_data_missing(a: Answer) -> bool:
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
        return f"{shown} {cut}"
    name = r["group"]["name"] if kind == "group" else ""
    # a major, or a group without a code named after its first major: its majors alone
    head = shown if kind != "group" or name in majors else f"{name}（{shown}）" if shown else name
    span = r.get("range")
    if span and span["count"] > 1:
        word = "组" if span["kind"] == "group" else "个专业"
        cut += f" · {span['count']}{word} {span['highest']:,}–{span['lowest']:,}"
    return f"{head} {cut}"


_MAJOR_REMARK = re.compile(r"[【\[][^】\]]*[】\]]|[（(]\s*含[^）)]*[）)]")


def _short_major(name: str) -> str:
    """A major as a list line shows it: without its 【…】 and （含…） remarks, at most 12 characters."""
    short = _MAJOR_REMARK.sub("", name).strip() or name
    return short if len(short) <= 12 else short[:11] + "…"


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


TIER_SHORT = {"冲": "冲", "稳": "稳", "保": "保", "": "够不上"}


def _cell(y: dict[str, Any] | None) -> str:
    if not y:
        return "—"
    score = f"（{y['cutoff_score']:g}分）" if y.get("cutoff_score") is not None else ""
    return _fmt_rank(y["cutoff_rank"], y["rank_source"]) + score + ("*" if not y["verified"] else "")


def _units_cell(p: dict[str, Any]) -> str:
    us = p.get("units") or []
    if not us:
        return "无分组数据"
    word = "组" if us[0]["kind"] == "group" else "个专业"
    lo, hi = us[0]["cutoff_rank"], us[-1]["cutoff_rank"]
    return f"{len(us)}{word} {lo:,}–{hi:,}" if lo != hi else f"{len(us)}{word} {lo:,}"


def _compare(a: Answer) -> str:
    """Two schools side by side: a row per fact, `名称｜A｜B`, then two summary lines of facts."""
    pa, pb = a.schools
    c = a.query.get("compare") or {}
    prov, tracks = c.get("province"), c.get("tracks") or []
    fam = "/".join(tracks[:2])
    lines = [f"{pa['school']} vs {pb['school']}（只列数据，不替您下结论）"]
    if c.get("how") == "common" and pa.get("province") == pb.get("province"):
        lines.append(f"两校所在的{pa.get('province')}缺少两校同年的数据，按两校都有数据的{prov}比较。")
    elif c.get("how") == "common":
        lines.append(f"两校不在同一省份，各自所在省份缺少两校同年的数据，按两校都有数据的{prov}比较。")
    elif c.get("how") == "one-home":
        lines.append(f"两校不在同一省份，按两校都有同年数据的{prov}比较。")
    rows = [("所在地", " ".join(x for x in (p.get("province"), p.get("city")) if x) or "—") for p in (pa, pb)]
    table = [("", pa["school"], pb["school"]), ("所在地", rows[0][1], rows[1][1]),
             ("层次", "/".join(pa["tags"]) or pa.get("level") or "—", "/".join(pb["tags"]) or pb.get("level") or "—"),
             ("软科", f"第{pa['ranking']}名" if pa.get("ranking") else "未上榜",
              f"第{pb['ranking']}名" if pb.get("ranking") else "未上榜")]
    if prov:
        lines.append(f"在{prov}{fam}的最低录取位次（各校最容易进的普通批专业组/专业，即学校最低线）：")
        for y in c.get("years") or []:
            table.append((str(y), _cell(pa["years"].get(y)), _cell(pb["years"].get(y))))
        if pa.get("units") or pb.get("units"):
            years = sorted({int(p["units_year"]) for p in (pa, pb) if p.get("units")})
            table.append((f"{'/'.join(str(y) for y in years)}各组位次", _units_cell(pa), _units_cell(pb)))
        q = a.query
        if q.get("rank") is not None:
            table.append((f"位次{q['rank']:,}", TIER_SHORT.get(pa.get("tier") or "", "无数据") if pa.get("tier") is not None
                          else "无数据", TIER_SHORT.get(pb.get("tier") or "", "无数据") if pb.get("tier") is not None else "无数据"))
    lines += ["｜".join(r) if r[0] else "｜".join(("对比",) + r[1:]) for r in table]
    if any("*" in cell for r in table for cell in r[1:]):
        lines.append("（*为第三方数据，未核验；≈为由分数换算的位次）")
    lines += _unit_tiers(a)
    lines += _summary(a, c, prov, fam)
    lines += _notes(a.notes)
    return "\n".join(lines)


def _unit_tiers(a: Answer) -> list[str]:
    """With a rank: each school's groups with their tier, hardest first (at most six a school)."""
    if a.query.get("rank") is None:
        return []
    out = []
    for p in a.schools:
        us = [u for u in p.get("units") or [] if "tier" in u]
        if not us:
            continue
        word = "组" if us[0]["kind"] == "group" else "专业"
        reach = [u for u in us if u["tier"]]  # hardest reachable first: the best the rank can get
        bits = [f"{u['unit']}{'（' + '、'.join(u['majors'][:2]) + '）' if u.get('majors') else ''}"
                f" {u['cutoff_rank']:,} {u['tier']}" for u in reach[:4]]
        more = f"等{len(reach)}个" if len(reach) > 4 else ""
        head = f"{p['school']} {p['units_year']}年{len(us)}个{word}："
        out.append(head + ("；".join(bits) + more if reach else "按位次都够不上")
                   + (f"；另{len(us) - len(reach)}个够不上" if reach and len(us) > len(reach) else ""))
    return out


def _summary(a: Answer, c: dict[str, Any], prov: str | None, fam: str) -> list[str]:
    pa, pb = a.schools
    out = [""]
    y = c.get("basis_year")
    if y:
        ra, rb = pa["years"][y]["cutoff_rank"], pb["years"][y]["cutoff_rank"]
        who = f"{c['easier']}更容易进" if c.get("easier") else "两校一样"
        out.append(f"• 录取难度：{y}年{prov}{fam}按学校最低线比较，{pa['school']}位次{ra:,}、{pb['school']}位次{rb:,}，"
                   f"{who}（位次数字越大越容易）。")
        ua, ub = pa.get("units") or [], pb.get("units") or []
        if ua and ub and pa.get("units_year") == pb.get("units_year"):
            ha, hb = ua[0]["cutoff_rank"], ub[0]["cutoff_rank"]
            out.append(f"  同年最难进的{'专业组' if ua[0]['kind'] == 'group' else '专业'}：{pa['school']}位次{ha:,}、"
                       f"{pb['school']}位次{hb:,}。")
    elif prov:
        out.append(f"• 录取难度：{prov}{fam}没有两校同一年的录取位次，无法按同一年比较。")
    if pa["school_id"] == pb["school_id"]:
        out.append(f"• 排名：同属{a.schools[0]['school'].split('(')[0]}，软科排名和学科评估按学校整体计算，不分校区。")
        return out
    if c.get("higher_ranked"):
        rank_bit = f"软科{pa['school']}第{pa['ranking']}名、{pb['school']}第{pb['ranking']}名，{c['higher_ranked']}排名更高"
    elif pa.get("ranking") and pa.get("ranking") == pb.get("ranking"):
        rank_bit = f"软科两校并列第{pa['ranking']}名"
    else:
        rank_bit = "软科排名只有一方或都没有上榜，无法比较"
    evals = c.get("evaluations") or []
    if evals:
        rank_bit += "；两校都参评的学科（第四轮学科评估）：" + "、".join(f"{d} {ga}/{gb}" for d, ga, gb in evals[:4])
    out.append(f"• 排名：{rank_bit}。")
    return out


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
        lines.append(f"  {s['kind']}{'(' + str(s['year']) + ')' if s.get('year') else ''}：{s['major']} {val}".rstrip())
    if m["cutoffs"]:
        asked = a.query.get("province")
        shown = m["cutoffs"][:20]
        for i, c in enumerate(shown):  # the asked province's years first (facts.major_info orders them)
            if i == 0 or (c["province"] == asked) != (shown[i - 1]["province"] == asked):
                lines.append(f"在{asked}的历年录取线：" if c["province"] == asked else
                             "其他省份的录取线：" if asked else "历年录取线：")
            code = group_code(c.get("group"), a.school["school"])  # a source's raw label never reaches the user
            group = f" 专业组{code}" if code else ""
            kind = "".join(f"【{w}】" for w in (c.get("special"), c.get("round")) if w)  # 中外合作, 征集 …
            lines.append(f"  {c['province']} {c['year']} {c['track']} 批次：{c['batch']}{group} {c['major']}{kind}："
                         f"{_fmt_score(c['cutoff_score'])}，{_rank_text(c['cutoff_rank'], c['rank_source'])}"
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
