"""Note texts of the school, major, comparison and batch-line answers."""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, Callable[..., str]] = {
    # which school a name was read as, or why it could not be (answer.Engine._resolve)
    "school.read-as-local": lambda span, province, school: f"“{span}”按{province}的{school}理解。",
    "school.ambiguous": lambda span: f"“{span}”可能指多所学校，请说全称：",
    "school.not-found": lambda: "没有找到您说的学校，请检查校名（可用全称或常见简称）。",
    # a school's profile and its chances (facts.profile, answer.Engine.school)
    "school.no-cutoffs": lambda school, province, track=None: (
        f"暂无{school}在{province}{track or ''}的普通批录取数据。"),
    "school.no-chance-data": lambda school, province, track: (
        f"{school}在{province}{track}近年没有可用的普通批录取位次，无法判断能否录取。"),
    # a major at one school (facts.major_info)
    "major.no-cutoffs": lambda school, major: (
        f"暂无{school}“{major}”专业的分专业录取数据，下面给出学校整体录取线。"),
    "major.not-in-province": lambda major, province: (
        f"暂无“{major}”专业在{province}的分专业录取数据，下面列出其他省份的。"),
    "major.read-as": lambda major, asked: f"按“{major}”查找（您写的是“{asked}”）。",
    "major.no-standing": lambda major: f"软科专业排名、学科评估和一流专业名单中没有找到“{major}”。",
    # two schools side by side (facts.compare_notes)
    "compare.unranked": lambda school: f"{school}不在软科中国大学排名主榜中（或数据暂缺）。",
    # a province's batch lines (answer.Engine.lines)
    "lines.no-province": lambda: "请带上省份，例如“河南 2025 批次线”。",
    "lines.no-data": lambda province: f"暂无{province}的批次线数据。",
    "lines.year-fallback": lambda province, asked, year: f"没有{province}{asked}年的批次线，列出{year}年的。",
    "lines.no-track": lambda province, year, track: f"{province}{year}年没有“{track}”的批次线，列出全部科类。",
    "lines.benke-batch": lambda: "“本科批”线即本科最低控制线（该省本科不再分一本、二本）。",
}
