# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/admissions.duckdb

.PHONY: redis-server run test lint typecheck pytest build coverage bench clean help

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(DB): | $(STAMP)
	$(BIN)/python -m etl build --out $(DB)

run: $(STAMP) $(DB)  ## Set up .venv, build the database if missing, start the bot
	$(BIN)/python -m bot

build: $(STAMP)  ## Rebuild the database from the sources
	$(BIN)/python -m etl build --out $(DB)

coverage: $(STAMP)  ## Print which provinces, years and tracks have school cutoffs
	$(BIN)/python -m etl coverage --db $(DB)

test: $(STAMP) redis-server  ## Set up .venv and run ruff, mypy and the whole test suite
	$(BIN)/ruff check gaokao etl bot tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The Redis tests need a redis-server binary: as root (CI), install Debian's package; otherwise they skip.
redis-server:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null); } \
	  || echo "redis-server is not installed (apt-get install redis-server): the Redis tests will be skipped"

bench: $(STAMP) $(DB)  ## Run the benchmarks (figures go to docs/benchmarks.md by hand)
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_answer.py --db $(DB)
	$(BIN)/python benchmarks/bench_telegram.py --db $(DB)

clean:  ## Remove the virtual environment and caches (keeps the database)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
