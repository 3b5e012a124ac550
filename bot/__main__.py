"""`python -m bot`: the Telegram bot, or the terminal doors (ask, chat)."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
