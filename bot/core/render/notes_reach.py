"""Note texts of the rank (score) answer: where the user stands, coverage, filters, how the list was drawn."""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, Callable[..., str]] = {}
