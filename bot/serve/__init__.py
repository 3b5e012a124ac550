"""Services any chat door can use (no aiogram here): the durable outbox and the pacing of sends."""
