"""Two schools side by side."""

from __future__ import annotations

from typing import Any

from bot.core.answers import CompareAnswer
from bot.core.render.common import _fmt_rank, _notes

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


def text(a: CompareAnswer) -> str:
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


def _unit_tiers(a: CompareAnswer) -> list[str]:
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


def _summary(a: CompareAnswer, c: dict[str, Any], prov: str | None, fam: str) -> list[str]:
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
