"""Note texts of the school, major, comparison and batch-line answers."""

from __future__ import annotations

from collections.abc import Callable

TEXT: dict[str, Callable[..., str]] = {}
