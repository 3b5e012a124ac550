"""Command line of the bot: `python -m bot [run|web|worker|ask|chat]`."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
from pathlib import Path

from bot.core.answer import Engine
from bot.core.answers import Answer, ReachAnswer
from bot.core.errors import BotError
from bot.core.render import render
from bot.settings import ENV_HELP, Settings, load_settings

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description="高考志愿 bot: answers admission questions from the admissions database. "
                    "Without a command: runs the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat.",
        epilog=ENV_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--db", type=Path, default=None, help="database file (default: $GAOKAO_DB or data/admissions.duckdb)")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    # Without a sub-command `python -m bot` may still run the Telegram bot: give it run's defaults.
    p.set_defaults(webhook=None, listen="127.0.0.1:8080", webhook_secret=None, text=None, json=False, path="/",
                   concurrency=64)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    r = sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook with --webhook)",
                       description="Run the Telegram bot.", epilog=ENV_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("--webhook", metavar="URL", default=None,
                   help="serve a webhook at this public URL instead of long polling")
    r.add_argument("--listen", default="127.0.0.1:8080", metavar="HOST:PORT",
                   help="where the webhook server listens (default 127.0.0.1:8080)")
    r.add_argument("--webhook-secret", default=None, metavar="SECRET",
                   help="secret token Telegram sends with every webhook request (default: $GAOKAO_WEBHOOK_SECRET)")
    w = sub.add_parser("web", help="webhook receiver for several replicas: queues updates in Redis for the workers",
                       description="Receive Telegram's webhook requests and queue each update in a Redis Stream "
                                   "(GAOKAO_REDIS_URL); `worker` processes answer them. Answers 200 once Redis has "
                                   "the update, 503 while Redis is down.", epilog=ENV_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    w.add_argument("--listen", default="127.0.0.1:8080", metavar="HOST:PORT",
                   help="where to listen (default 127.0.0.1:8080)")
    w.add_argument("--path", default="/", help="URL path of the webhook (default /)")
    w.add_argument("--webhook-secret", default=None, metavar="SECRET",
                   help="secret token Telegram sends with every request (default: $GAOKAO_WEBHOOK_SECRET)")
    w.add_argument("--webhook", metavar="URL", default=None,
                   help="register this public URL with Telegram first (needs TELEGRAM_BOT_TOKEN)")
    k = sub.add_parser("worker", help="answer the updates `web` queued in Redis (run several)",
                       description="Answer the updates queued in Redis (GAOKAO_REDIS_URL) by `python -m bot web`; "
                                   "run any number of workers.", epilog=ENV_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    k.add_argument("--concurrency", type=int, default=64, metavar="N",
                   help="updates answered at the same time by this worker (default 64)")
    a = sub.add_parser("ask", help="answer one message (or one per line from stdin with '-') and print it",
                       description="Answer a message and print the chat text, or the structured answer with --json.")
    a.add_argument("text", help="the message, or '-' to read one message per line from stdin")
    a.add_argument("--json", action="store_true", help="print the structured answer as JSON (one object per line)")
    a.add_argument("--detail", action="store_true",
                   help="the long form of a rank answer (every year of every school, every note)")
    sub.add_parser("chat", help="interactive terminal chat", description="Chat with the bot in the terminal.")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        settings = load_settings()
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    db = args.db or settings.db
    command = args.command or ("run" if settings.token else "chat")
    if command == "web":
        return _web(args, settings)
    try:
        if command == "worker":
            from bot.telegram.worker import run_worker

            worker_code: int = run_worker(settings, db, args.concurrency)
            return worker_code
        if command == "run":
            if not settings.token:
                log.error("TELEGRAM_BOT_TOKEN is not set: export it (or put it in .env), or use `python -m bot chat`")
                return 2
            from bot.telegram.app import run_bot

            code: int = run_bot(settings, db, webhook=args.webhook, listen=args.listen, secret=args.webhook_secret)
            return code
        engine = Engine.open(db)
    except BotError as exc:
        log.error("%s", exc)
        return 1
    if command == "ask":
        return _ask(engine, args.text, as_json=args.json, detail=args.detail)
    if args.command is None:
        sys.stderr.write("TELEGRAM_BOT_TOKEN 未设置，启动终端对话。设置方法见 README（export TELEGRAM_BOT_TOKEN=...）。\n")
    try:
        return _chat(engine)
    except BotError as exc:  # the file was replaced by an unusable one during the chat
        log.error("%s", exc)
        return 1


def _web(args: argparse.Namespace, settings: Settings) -> int:
    """The receiver: no engine, no aiogram (it starts in a fraction of a second)."""
    import asyncio

    from bot.serve.receiver import serve
    from bot.serve.shared import SharedStateError, connect

    if not settings.redis_url:
        log.error("GAOKAO_REDIS_URL is not set: the receiver queues updates in Redis (redis://host:6379/0)")
        return 2
    try:
        redis = connect(settings.redis_url)
    except SharedStateError as exc:
        log.error("%s", exc)
        return 2
    secret = args.webhook_secret or os.environ.get("GAOKAO_WEBHOOK_SECRET") or settings.webhook_secret
    code: int = asyncio.run(serve(redis, args.listen, secret, path=args.path, webhook=args.webhook,
                                  api_base=settings.api_base, token=settings.token))
    return code


def _emit(engine: Engine, text: str, as_json: bool, detail: bool = False) -> None:
    ans = engine.answer(text)
    parts = render(ans, detail=detail)
    if as_json:
        d = ans.to_dict()
        d["text"] = "\n".join(parts)
        sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n\n".join(parts) + "\n")


def _ask(engine: Engine, text: str, *, as_json: bool, detail: bool = False) -> int:
    if text != "-":
        _emit(engine, text, as_json, detail)
        return 0
    # Read bytes and decode leniently: one bad byte (a non-UTF-8 terminal, a cut file) must not stop the rest.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    for line in stdin:
        _emit(engine, line.rstrip("\r\n"), as_json, detail)
        sys.stdout.flush()
    return 0


MORE_WORDS = frozenset({"更多", "/detail", "详情", "/more"})
MORE_HINT = "发“更多”看详情。"
NOTHING_MORE = "没有可以展开的上一条位次查询。先问位次或分数，例如“河南 理科 447200”，再发“更多”。"


def chat_reply(engine: Engine, text: str, last: Answer | None) -> tuple[str, Answer | None]:
    """One turn of the terminal chat: the reply, and the answer `更多`/`/detail` would expand next.

    `更多` after a rank answer shows its long form (every year of every school, every note)."""
    if text.strip() in MORE_WORDS:
        if last is None:
            return NOTHING_MORE, None
        return "\n\n".join(render(last, detail=True)), last
    ans = engine.answer(text)
    rank = isinstance(ans, ReachAnswer) and not ans.problem and bool(ans.results)
    reply = "\n\n".join(render(ans, more=MORE_HINT if rank else ""))
    return reply, ans if rank else last


def _chat(engine: Engine) -> int:
    sys.stdout.write("高考志愿助手（输入 exit 退出；位次查询后发“更多”看详情）\n")
    last: Answer | None = None
    while True:
        try:
            text = input("> ")
        except (EOFError, KeyboardInterrupt):
            sys.stdout.write("\n")
            return 0
        if text.strip().lower() in {"exit", "quit", "退出"}:
            return 0
        engine = engine.reloaded()
        reply, last = chat_reply(engine, text, last)
        sys.stdout.write(reply + "\n")
