"""`python -m etl`: build, coverage, fetch, manifest."""

from etl.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
