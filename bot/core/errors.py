"""Errors of the answer engine, turned into friendly replies at the edge."""

from __future__ import annotations


class BotError(Exception):
    """Base class of the answer engine's own errors."""


class DataUnavailable(BotError):
    """The database is missing or cannot be opened."""
