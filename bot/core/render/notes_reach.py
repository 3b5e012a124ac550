"""Note texts of the rank (score) answer: where the user stands, coverage, filters, how the list was drawn; and of
the help answer's problems (a message the bot could not read a rank or score from).

`TEXT`: code -> the full sentence; `SHORT`: code -> the phrase a short answer's note lines use, for the codes a
rank answer's `brief` holds (a code without one is said in full there)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.core.places import PLACE_KINDS

# the user's list filters (parse.FILTERS keys) as the words of "只列…院校"
FILTER_WORDS = {"home": "省内", "public": "公办", "985": "985", "211": "211", "dfc": "双一流", "no_zk": "本科"}


def scope_words(filters: Sequence[str], home: str | None) -> list[str]:
    """The place filters as words for "只列…院校": 江浙沪, 武汉或长沙, 河南及邻省, 省外."""
    named = [f.split(":", 1)[1] for f in filters if f.startswith(PLACE_KINDS)]
    out = ["或".join(named)] if named else []
    if "near" in filters:
        out.append(f"{home or '本省'}及邻省")
    if "away" in filters:
        out.append("省外")
    return out


def scope(filters: Sequence[str], province: str | None) -> str:
    """The user's filters as words for "只列…院校": 省内、公办、江浙沪."""
    fixed = [FILTER_WORDS[f] for f in filters if f in FILTER_WORDS]
    return "、".join(scope_words(filters, province) + fixed)


def wan(n: int) -> str:
    """A head count the way people say it: 20.6万, or the digits below ten thousand."""
    return f"{n / 10_000:.1f}万" if n >= 10_000 else f"{n:,}"


def example_rank(size: int) -> str:
    """A rank inside a cohort of `size`, written the way people write it (位次28万, 位次4,500)."""
    half = size // 2
    return f"{half // 10_000}万" if half >= 10_000 else f"{max(1, half):,}"


def _extent(year: int, size: int, rank: int, truncated: bool, low: int | float) -> str:
    """What the table says about the rank's share of the cohort: a percentage only when it can be one."""
    if truncated:
        return f"{year}年该科类一分一段表只列到{low}分，共{size:,}人，更低分数的考生不在表内，算不出位次百分比"
    return f"{year}年该科类一分一段共{size:,}人，位次约前{100 * rank / size:.1f}%"


def _line_name(batch: str) -> str:
    return batch if batch.endswith("线") else f"{batch}线"


def _lines(year: int, table_year: int, score: float | None, low: int | float,
           lines: Sequence[Sequence[Any]], missing: Sequence[Sequence[Any]]) -> str:
    """"对照2025年批次线：高于本科批线479分41分，…": the user's score (None: below the table, unknown) against
    each (batch, line), then each batch level without a line that year (level, latest year with one, its line)."""
    parts = []
    for batch, line in lines:
        name = _line_name(batch)
        if score is None:  # below the table's lowest score: below every line at or above it, unknown against the rest
            parts.append(f"低于{name}{line:g}分" if line >= low else f"与{name}{line:g}分相比高低未知")
            continue
        diff = score - line
        parts.append(f"{'高于' if diff >= 0 else '低于'}{name}{line:g}分{abs(diff):g}分")
    for level, known_year, known_line in missing:
        last = f"（最近为{known_year}年{known_line:g}分）" if known_year is not None else ""
        parts.append(f"{year}年{level}批线暂缺{last}")
    note = "" if year == table_year else f"（{table_year}年批次线暂缺，用{year}年）"
    return f"对照{year}年批次线{note}：" + "，".join(parts) + "。"


def _depth(province: str, track: str, level: str, years: Sequence[Sequence[int]], few: int | None,
           unverified: int, unusable: bool, stale: bool) -> str:
    """"河南物理类专科院校：2024年仅4所、2025年1所有核验过的逐校数据（另有205所只有第三方数据），无法给出可靠的专科冲稳保";
    `years`: (year, verified schools); `few`: the index of the year "仅" goes with."""
    counts = [f"{y}年{'仅' if i == few else ''}{v}所" for i, (y, v) in enumerate(years)]
    have = "、".join(counts) + "有核验的逐校数据" if counts else "近年没有逐校数据"
    third = f"（另{unverified}所只有第三方数据）" if unverified else ""
    verdict = (f"无法给出可靠的{level}冲稳保" if unusable
               else f"{years[-1][0]}年数据缺失，{level}冲稳保仅供参考" if stale else f"{level}冲稳保仅供参考")
    return f"{province}{track}{level}院校：{have}{third}，{verdict}"


def _among(filters: Sequence[str], province: str | None) -> str:
    s = scope(filters, province)
    return f"在{s}院校中，" if s else ""


def _widen(filters: Sequence[str], province: str | None, otherwise: str) -> str:
    return "去掉筛选条件可以看到更稳妥的学校。" if scope(filters, province) else otherwise


def _where(fallback: Sequence[str]) -> str:
    return f"（{'、'.join(fallback)}院校）" if fallback else ""


def _unit(by_major: bool) -> str:
    return "专业" if by_major else "专业组"


def _major_filter(field: str, words: Sequence[str], by_major: bool) -> str:
    more = "等" if len(words) > 3 else ""
    return f"只列有“{field}”相关专业（{'、'.join(words[:3])}{more}）的{_unit(by_major)}或学校。"


_UNFILTERED_WHY = {
    "no-units": "暂无分专业组（专业）的录取数据",
    "no-match": "的专业组（专业）数据里没有与“{field}”相关的专业",
    "no-majors": "的专业组数据没有列出组内专业",
}


def _major_unfiltered(province: str, track: str, field: str, why: str) -> str:
    return f"{province}{track}{_UNFILTERED_WHY[why].format(field=field)}，无法按“{field}”筛选；下面是不分专业的学校列表。"


def _easiest(province: str, grouped: bool, by_major: bool) -> str:
    unit = _unit(by_major)
    if grouped:
        return f"未列{unit}的学校暂无分{unit}数据：所列位次是该校最容易进的{unit}，其他{unit}更难。"
    return f"{province}按{unit}录取，各{unit}录取线不同；暂无分{unit}数据，所列位次是各校最容易进的{unit}。"


def _private(count: int, private: int) -> str:
    """"（民办）" when the 保 listed are 民办 (the list shows them all: `count` of them)."""
    if not private or private > count:
        return ""
    return "（民办）" if private == count == 1 else "（均为民办）" if private == count else f"（其中{private}所民办）"


def _next_step(count: int, weak: bool, levels: Sequence[str], zhuanke_margin: float | None,
               filters: Sequence[str], province: str | None, private: int = 0) -> str:
    """What to do when 保 is weak or thin: drop the filters, or add 专科 schools (the user clears the 专科 line)."""
    if zhuanke_margin is None:
        return (f"在{scope(filters, province)}院校中，按现有数据只有{count}所可作“保”{_private(count, private)}："
                "去掉筛选条件可以看到更多保底学校。")
    have = f"只有{count}所可作“保”{_private(count, private)}" if count and not weak else "没有稳妥的“保”"
    return (f"{'、'.join(levels)}院校里按现有数据{have}：您的分数高于专科批线{zhuanke_margin:g}分，"
            "可以再填几所专科院校兜底。")


def _next_step_short(count: int, weak: bool, levels: Sequence[str], zhuanke_margin: float | None,
                     filters: Sequence[str], province: str | None, private: int = 0) -> str:
    if zhuanke_margin is None:
        return f"“保”只有{count}所{_private(count, private)}，去掉筛选条件可看到更多"
    if count and not weak:
        return f"{'、'.join(levels)}“保”只有{count}所{_private(count, private)}，可加填专科院校兜底"
    return f"可加填专科院校兜底（高出专科批线{zhuanke_margin:g}分）"


TEXT: dict[str, Callable[..., str]] = {
    # the help answer: a message with a province or a number, but nothing to place
    "help.bad-number": lambda arg: (f"“{arg}”不能是位次或分数：位次是从1开始的正整数，分数是0到750（海南900）之间的数。"
                                    "请这样写：“河南 理科 位次4.5万”或“河南 理科 580分”。"),
    "help.no-rank-or-score": lambda province, track: (
        f"看到了“{' '.join(x for x in (province, track) if x)}”，但没有看出您的位次或分数。"
        "位次直接写数字（如“447200”“位次4.5万”），分数带上“分”（如“580分”）。"),
    # why a rank or score could not be placed (the answer's problem)
    "reach.hmt": lambda: "港澳台考生一般参加港澳台联招，不在这里的分省高考数据里；如果您在内地某省参加高考，请带上那个省份。",
    "reach.no-province": lambda: "没有看出您是哪个省份的考生，请带上省份，例如“河南 理科 447200”。",
    "reach.no-data": lambda province: f"暂无{province}的一分一段表和院校录取数据，无法换算位次。",
    "reach.no-track": lambda province, track: f"{province}没有“{track}”这个科类，请说明物理类/历史类或理科/文科。",
    "reach.no-table": lambda province, track: f"暂无{province}{track}的一分一段表。",
    "reach.no-rank": lambda: "没有看出您的位次或分数，请写成“河南 理科 447200”或“河南 理科 580分”。",
    "reach.rank-beyond-cohort": lambda rank, year, province, track, size, low: (
        f"位次{rank:,}超过{year}年{province}{track}的考生总数{size:,}（一分一段表的最后一名，{low}分），"
        f"不是该年{province}{track}考生能有的位次，所以既换算不出分数，也排不出冲/稳/保。"
        f"请核对位次（在1到{size:,}之间；往年的位次请写明年份），例如“{province} {track} 位次{example_rank(size)}”。"),
    "reach.score-below-no-table": lambda score, year, province, track, low, size, truncated: (
        f"{score:g}分低于{year}年{province}{track}一分一段表内的最低分{low}分（位次约{wan(size)}之后），"
        f"{'该表只列到' + str(low) + '分，' if truncated else ''}没有覆盖这个分数的一分一段表，无法换算位次。"),
    # how the user's words and numbers were read
    "reach.track-default": lambda track: f"没有说明科类，按{track}处理；文科/历史类请在消息里写明。",
    "reach.track-default-compare": lambda track: f"没有说明科类，按{track}比较；文科/历史类请在消息里写明。",
    "reach.track-mapped": lambda track, used, province, reform_year: (
        f"{track}按{used}处理" + (f"（{province}自{reform_year}年起实行新高考）" if reform_year else "") + "。"),
    "reach.table-year": lambda year, province, track, table_year: (
        f"没有{year}年{province}{track}的一分一段表，按{table_year}年计算。"),
    "reach.score-and-rank": lambda score, rank: f"您同时写了分数{score:g}分和位次{rank:,}，按位次计算。",
    "reach.score-disagrees": lambda score, year, province, track, converted, rank: (
        f"您写的{score:g}分按{year}年{province}{track}一分一段表约合位次{converted:,}，与您写的位次{rank:,}相差较大；"
        "下面按您写的位次计算（如果位次是往年的或分数是估分，请以当年的位次为准）。"),
    "reach.rank-beyond-table": lambda year, size: (
        f"您的位次在{year}年一分一段表最后一名（位次{size:,}）之后：下面的冲/稳/保只按往年录取位次直接比较，没有换算分数。"),
    "reach.score-below": lambda score, year, province, track, low, size, full_year, rank: (
        f"{score:g}分低于{year}年{province}{track}一分一段表内的最低分{low}分（位次约{wan(size)}之后），"
        f"改按{full_year}年{province}{track}的完整一分一段表换算：约合{full_year}年位次{rank:,}"
        f"（这是{full_year}年的表，不是{year}年的）。"),
    "reach.score-above": lambda score, year, province, track, high, rank: (
        f"{score:g}分高于{year}年{province}{track}一分一段表内的最高分{high}分，按最高分的位次{rank:,}计算（实际位次只会更靠前）。"),
    "reach.score-rank": lambda score, year, province, track, rank: (
        f"{score:g}分按{year}年{province}{track}一分一段表约合位次{rank:,}。"),
    # where the user stands (the answer's placement lines)
    "reach.place-score": lambda province, track, score, year, rank, size, truncated, low: (
        f"{province}{track} {score:g}分，约合{year}年位次{rank:,}（{_extent(year, size, rank, truncated, low)}）。"),
    "reach.place-rank": lambda province, track, rank, year, score, size, truncated, low: (
        f"{province}{track} 位次{rank:,}，约合{year}年{score:g}分（{_extent(year, size, rank, truncated, low)}）。"),
    "reach.place-beyond": lambda province, track, rank, year, low, size: (
        f"{province}{track} 位次{rank:,}：在{year}年一分一段表最后一名（{low}分，位次{size:,}）之后，"
        f"即低于表内最低分{low}分（位次约{wan(size)}之后）；该表只列到{low}分，更低的分数表内没有，无法换算。"),
    "reach.place-full": lambda province, track, rank, year, full_year, full_size, full_score: (
        f"按{full_year}年{province}{track}的完整一分一段表（共{full_size:,}人），位次{rank:,}约合{full_year}年"
        f"{full_score}分；这是{full_year}年的表，不是{year}年的。"),
    "reach.no-lines": lambda province, track: f"暂无{province}{track}的批次线数据。",
    "reach.lines": _lines,
    # what the list is drawn from
    "reach.filter": lambda filters, province: f"只列{scope(filters, province)}院校。",
    "reach.major-filter": _major_filter,
    "reach.major-unfiltered": _major_unfiltered,
    "reach.benke-only": lambda fallback: "位次在本科线以上，只列本科院校" + ("（保底除外）。" if fallback else "。"),
    "reach.easiest": _easiest,
    "reach.depth": lambda **kw: _depth(**kw) + "。",
    "reach.years": lambda years, target_year, scaled: (
        f"录取位次取自{'、'.join(str(y) for y in years)}年的普通批数据，"
        + (f"按当年考生人数换算到{target_year}年" if scaled else "直接按位次比较（回测中比按考生人数换算更准）") + "。"),
    "reach.reform": lambda tracks: f"历史数据跨越新高考改革（{'/'.join(tracks)}），改革前后的位次波动更大，仅供参考。",
    "reach.at-line": lambda count, tolerance: (
        f"“保”中{count}所往年在批次线附近录满（最低分至多高出当年批次线{tolerance:g}分），您的分数高出批次线较多，"
        "线上即可录取；仍请留意招生计划的变化。"),
    "reach.safe-weak-data": lambda filters, province, fallback: (
        f"{_among(filters, province)}“保”里列的是现有数据中把握最大的一所{_where(fallback)}：这是因为逐校数据不足，"
        "不是没有学校能保底；" + _widen(filters, province, "请结合院校公布的往年录取分和征集志愿（补录）再选几所保底。")),
    "reach.safe-unreached": lambda filters, province, fallback: (
        f"{_among(filters, province)}往年没有哪所学校的最低录取位次低到您的位次；“保”里列的是往年位次最接近的一所"
        f"{_where(fallback)}，并不稳妥。" + _widen(filters, province, "请多填几所专科院校，并留意征集志愿（补录）。")),
    "reach.safe-unsafe": lambda filters, province, fallback: (
        f"{_among(filters, province)}按往年位次，没有哪所学校能算作稳妥的保底；“保”里列的是现有数据中把握最大的一所"
        f"{_where(fallback)}，仍有落榜可能，" + _widen(filters, province, "请多填几所往年位次比您低得多的学校。")),
    "reach.safe-fallback": lambda levels: f"本科院校里没有足够稳妥的保底，“保”列的是{'、'.join(levels)}院校。",
    "reach.next-step": _next_step,
    "reach.derived": lambda share: f"标“≈”的位次由分数按一分一段表换算（约{100 * share:.0f}%的数据点），非官方公布位次。",
    "reach.unverified": lambda: "标“未核验”的学校只有第三方数据，未列入“保”。",
    "reach.level-missing": lambda province, track, level: f"{province}{track}{level}批院校录取数据暂缺。",
    "reach.level-stale": lambda province, track, level, last, latest: (
        f"{province}{track}{level}批院校数据只到{last}年，"
        + (f"{latest}年" if last + 1 == latest else f"{last + 1}–{latest}年") + "暂缺。"),
    "reach.none-found": lambda: "按现有数据没有找到匹配的学校。",
    "reach.safe-missing-data": lambda filters, province: (
        f"{_among(filters, province)}“保”暂缺是因为逐校数据不足，不是没有学校能保底；"
        + _widen(filters, province, "请结合院校公布的往年录取分和征集志愿（补录）再选保底。")),
    "reach.safe-none": lambda filters, province: (
        f"{_among(filters, province)}按现有数据没有足够稳妥的“保”底学校，往年也没有学校的最低录取位次接近您的位次；"
        + _widen(filters, province, "请结合专科批和省内院校再看，并留意征集志愿（补录）。")),
}


def _stripped(code: str) -> Callable[..., str]:
    return lambda **kw: TEXT[code](**kw).rstrip("。")


# the short answer's phrases (a rank answer's `brief`)
SHORT: dict[str, Callable[..., str]] = {
    **{code: _stripped(code) for code in ("reach.filter", "reach.major-filter", "reach.major-unfiltered",
                                          "reach.easiest", "reach.none-found")},
    "reach.depth": _depth,
    "reach.years": lambda years, target_year, scaled: f"往年位次已按考生人数换算到{target_year}年",
    "reach.reform": lambda tracks: f"数据跨新高考改革（{'/'.join(tracks)}），波动更大",
    "reach.safe-unreached": lambda **_: "往年没有学校录取到您的位次，“保”并不稳妥",
    "reach.safe-unsafe": lambda **_: "按往年位次没有稳妥的保底，请多填几所往年位次低得多的学校",
    "reach.next-step": _next_step_short,
    "reach.derived": lambda share: "≈为由分数换算的位次",
    "reach.unverified": lambda: "“未核验”为第三方数据，不作保底",
    "reach.safe-none": lambda **_: "没有足够稳妥的“保”，请留意征集志愿（补录）",
}
