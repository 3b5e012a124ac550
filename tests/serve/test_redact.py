"""The bot token never reaches a log line."""

from __future__ import annotations

import logging

from bot.serve.redact import MASK, RedactToken, redact_logs

TOKEN = "123456:ABC-secret-token"


def test_token_is_masked_in_log_records() -> None:
    f = RedactToken(TOKEN)
    rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "url %s failed", (f"http://h/bot{TOKEN}/getMe",), None)
    try:
        raise ValueError(f"bad {TOKEN}")
    except ValueError as exc:
        rec.exc_info = (type(exc), exc, exc.__traceback__)
    assert f.filter(rec)
    text = logging.Formatter().format(rec)
    assert TOKEN not in text and MASK in text


def test_redact_logs_installs_one_filter_per_handler() -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        redact_logs(TOKEN)
        redact_logs(TOKEN)
        assert sum(isinstance(f, RedactToken) for f in handler.filters) == 1
    finally:
        root.removeHandler(handler)
