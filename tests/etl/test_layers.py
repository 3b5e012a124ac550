"""The ETL and the shared gaokao package never import the bot: the bot reads what they write, not the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def test_etl_and_gaokao_do_not_import_the_bot() -> None:
    files = [p for pkg in ("etl", "gaokao") for p in (ROOT / pkg).rglob("*.py")]
    assert len(files) > 20
    wrong = {str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m == "bot" or m.startswith("bot."))
             for p in files}
    assert {k: v for k, v in wrong.items() if v} == {}
