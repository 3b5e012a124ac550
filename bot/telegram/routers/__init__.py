"""One router per concern; `make_routers()` builds fresh ones, in the order they must be tried."""

from __future__ import annotations

from aiogram import Router

from bot.telegram.routers import admin, callbacks, errors, inline, queries, start_help


def make_routers() -> list[Router]:
    """Errors first (they only see errors), the catch-all text handler last."""
    return [errors.make_router(), admin.make_router(), start_help.make_router(), callbacks.make_router(),
            inline.make_router(), queries.make_router()]
