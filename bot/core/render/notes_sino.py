"""Note texts of a rank (score) list that includes sino-foreign programmes (中外合作办学, the "sino" filter)."""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, Callable[..., str]] = {
    "reach.sino-included": lambda: "含中外合作办学（标【中外合作】，按其自身录取位次排）：学费通常较高，数据里没有学费。",
    "reach.sino-missing": lambda province, track: (
        f"{province}{track}暂无中外合作办学的分专业组（专业）录取数据，下面只列普通类。"),
    "reach.sino-unplaced": lambda province, track: (
        f"{province}{track}的中外合作办学专业组（专业）没有可排入的（年份与学校录取数据不符，或不含所问专业），"
        "下面只列普通类。"),
}
