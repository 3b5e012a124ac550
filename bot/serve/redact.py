"""Keep the bot token out of every log line (it is part of each Bot API URL)."""

from __future__ import annotations

import logging

MASK = "<token>"


class RedactToken(logging.Filter):
    """A handler filter that masks the token in messages, arguments and tracebacks."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        msg = record.getMessage()
        if self.token in msg:
            record.msg, record.args = msg.replace(self.token, MASK), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, MASK)
        return True


def redact_logs(token: str) -> None:
    """Install the filter on every handler of the root logger (or on the root itself when it has none)."""
    root = logging.getLogger()
    targets: list[logging.Filterer] = list(root.handlers) or [root]
    for t in targets:
        if not any(isinstance(f, RedactToken) for f in t.filters):
            t.addFilter(RedactToken(token))
