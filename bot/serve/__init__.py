"""What every chat door needs, without aiogram (tests/serve/test_doors.py checks it): the engine lease and live
database swap, the refresher, the outbox and pacing, the stores (in memory or Redis), charts, /datainfo text,
token redaction, and the Redis parts of several replicas."""
