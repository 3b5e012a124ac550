"""The Telegram door: a thin aiogram 3 adapter over `bot.core` (routers, filters, keyboards, middlewares)."""
