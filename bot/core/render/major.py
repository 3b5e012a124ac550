"""A major at one school: its standing and cutoffs."""

from __future__ import annotations

from bot.core.answers import MajorAnswer
from bot.core.majors import group_code
from bot.core.render.common import _fmt_score, _notes, _profile_lines, _rank_text


def text(a: MajorAnswer) -> str:
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
