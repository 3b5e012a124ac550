"""Settings, read once at start-up from the environment and an optional `.env` file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_HELP = """environment (also read from ./.env):
  TELEGRAM_BOT_TOKEN   bot token from @BotFather; without it the terminal chat starts
  TELEGRAM_API_BASE    root URL of a Bot API server (default https://api.telegram.org),
                       e.g. a local one at http://127.0.0.1:8081
  GAOKAO_ADMIN_IDS     comma-separated Telegram user ids allowed to /refresh
  GAOKAO_DB            database file (default data/admissions.duckdb)
  GAOKAO_SOURCES       sources directory for builds and /refresh
                       (default ../shared/data/sources when it exists, else data/sources)
"""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None = field(default=None, repr=False)  # never printed
    api_base: str | None = None
    admin_ids: frozenset[int] = frozenset()
    db: Path = Path("data") / "admissions.duckdb"
    sources: Path | None = None


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines of a .env file (comments and blanks ignored)."""
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        out[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return out


def load_settings(env: dict[str, str] | None = None, dotenv: Path = Path(".env")) -> Settings:
    """Settings from `env` (default os.environ) over the .env file."""
    merged = {**read_dotenv(dotenv), **(env if env is not None else os.environ)}
    ids: set[int] = set()
    for part in merged.get("GAOKAO_ADMIN_IDS", "").replace(";", ",").split(","):
        part = part.strip()
        if part:
            if not part.lstrip("-").isdigit():
                raise ValueError(f"GAOKAO_ADMIN_IDS: {part!r} is not a Telegram user id")
            ids.add(int(part))
    sources = merged.get("GAOKAO_SOURCES")
    return Settings(
        token=merged.get("TELEGRAM_BOT_TOKEN") or None,
        api_base=(merged.get("TELEGRAM_API_BASE") or None),
        admin_ids=frozenset(ids),
        db=Path(merged.get("GAOKAO_DB") or Path("data") / "admissions.duckdb"),
        sources=Path(sources) if sources else None,
    )
