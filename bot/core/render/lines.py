"""A province's batch control lines."""

from __future__ import annotations

from bot.core.answers import LinesAnswer
from bot.core.render.common import _notes


def text(a: LinesAnswer) -> str:
    q = a.query
    out = [f"{q.get('province')}{q.get('year')}年批次线："]
    by_track: dict[str, list[str]] = {}
    for r in a.results:
        name = r["batch"] if r["batch"].endswith("线") else f"{r['batch']}线"
        by_track.setdefault(r["track"], []).append(f"{name} {r['score']:g}分")
    out += [f"• {t}：" + "；".join(parts) for t, parts in by_track.items()]
    return "\n".join(out + _notes(a.notes))
