"""Settings, read once at start-up from the environment and an optional `.env` file."""

from __future__ import annotations

import os
import shlex
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
  GAOKAO_OUTBOX        file of the outbox, where replies Telegram could not take yet wait
                       (default: next to the database, e.g. data/admissions.outbox.sqlite)
  GAOKAO_OUTBOX_RETRY  outbox backoff in seconds: first,most,give-up (default 0.25,60,3600):
                       retries double from `first` up to `most`; a reply is dropped once
                       it is `give-up` seconds old
  GAOKAO_PACING        1 (default): pace sends under Telegram's limits (30/s overall,
                       1/s per chat, 20/min per group); 0: send at once (benchmarks)
  GAOKAO_REDIS_URL     redis://host:port/db: share the rate limits, pacing, outbox and
                       database versions with other replicas (needed by `web` and `worker`;
                       `run` uses it too when set, else keeps everything in memory)
  GAOKAO_WEBHOOK_SECRET  the secret Telegram sends with each webhook request (`run --webhook`, `web`)
  GAOKAO_PUBLISH_DIR   shared directory where /refresh publishes new database files for every
                       worker (default: the database's directory)
  GAOKAO_CLAIM_IDLE    seconds before a worker takes over the updates of a worker that stopped
                       answering (default 30)
  GAOKAO_BUILD_COMMAND the command /refresh runs instead of `python -m etl build --sources S`
                       (split like a shell would; `--out FILE` is appended), e.g. a script that
                       fetches a database built elsewhere
"""


OUTBOX_RETRY = (0.25, 60.0, 3600.0)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None = field(default=None, repr=False)  # never printed
    api_base: str | None = None
    admin_ids: frozenset[int] = frozenset()
    db: Path = Path("data") / "admissions.duckdb"
    sources: Path | None = None
    outbox: Path | None = None  # None: next to the database
    outbox_retry: tuple[float, float, float] = OUTBOX_RETRY  # first, most, give up after (seconds)
    pacing: bool = True
    redis_url: str | None = field(default=None, repr=False)  # may hold a password
    webhook_secret: str | None = field(default=None, repr=False)
    publish_dir: Path | None = None  # None: the database's directory
    claim_idle: float = 30.0
    build_command: tuple[str, ...] = ()  # empty: python -m etl build


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
    outbox = merged.get("GAOKAO_OUTBOX")
    return Settings(
        token=merged.get("TELEGRAM_BOT_TOKEN") or None,
        api_base=(merged.get("TELEGRAM_API_BASE") or None),
        admin_ids=frozenset(ids),
        db=Path(merged.get("GAOKAO_DB") or Path("data") / "admissions.duckdb"),
        sources=Path(sources) if sources else None,
        outbox=Path(outbox) if outbox else None,
        outbox_retry=_retry(merged.get("GAOKAO_OUTBOX_RETRY", "")),
        pacing=_flag("GAOKAO_PACING", merged.get("GAOKAO_PACING", "1")),
        redis_url=merged.get("GAOKAO_REDIS_URL") or None,
        webhook_secret=merged.get("GAOKAO_WEBHOOK_SECRET") or None,
        publish_dir=Path(publish) if (publish := merged.get("GAOKAO_PUBLISH_DIR")) else None,
        claim_idle=_seconds("GAOKAO_CLAIM_IDLE", merged.get("GAOKAO_CLAIM_IDLE", "30")),
        build_command=_command("GAOKAO_BUILD_COMMAND", merged.get("GAOKAO_BUILD_COMMAND", "")),
    )


def _command(name: str, text: str) -> tuple[str, ...]:
    """A command line split like a POSIX shell would (no expansion)."""
    try:
        return tuple(shlex.split(text))
    except ValueError as exc:
        raise ValueError(f"{name}: {text!r}: {exc}") from None


def _seconds(name: str, text: str) -> float:
    """A positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a number of seconds") from None
    if not 0 < value < 1e7:
        raise ValueError(f"{name}: {text!r} must be a positive number of seconds")
    return value


def _retry(text: str) -> tuple[float, float, float]:
    """GAOKAO_OUTBOX_RETRY: first,most,give-up seconds (missing parts keep their defaults)."""
    values = list(OUTBOX_RETRY)
    parts = [p.strip() for p in text.split(",")] if text.strip() else []
    if len(parts) > 3:
        raise ValueError(f"GAOKAO_OUTBOX_RETRY: {text!r} has more than three numbers (first,most,give-up)")
    for i, part in enumerate(parts):
        try:
            values[i] = float(part)
        except ValueError:
            raise ValueError(f"GAOKAO_OUTBOX_RETRY: {part!r} is not a number of seconds") from None
        if not 0 < values[i] < 1e7:
            raise ValueError(f"GAOKAO_OUTBOX_RETRY: {part!r} must be a positive number of seconds")
    first, most, give_up = values
    return first, max(first, most), give_up


def _flag(name: str, text: str) -> bool:
    """1/0, yes/no, on/off, true/false."""
    value = text.strip().lower()
    if value in ("1", "yes", "on", "true", ""):
        return True
    if value in ("0", "no", "off", "false"):
        return False
    raise ValueError(f"{name}: {text!r} is not 1 or 0")
