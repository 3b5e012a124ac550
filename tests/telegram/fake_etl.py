"""A stand-in for `python -m etl build --out DB` in refresh tests: logs like the ETL, builds the tiny
database (one school more, a new build time) into a temp file and renames it over DB.

Flags: --template DB0 (copy this tiny database instead of writing one: faster), --copy (with --template: only
a new build time, no school added, so any database can be the template), --fail (exit 1 after an error line,
DB untouched), --sleep S (take S seconds).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import duckdb

from tests.tinydb import make_tiny_db

log = logging.getLogger("etl")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--fail", action="store_true")
    p.add_argument("--sleep", type=float, default=0.0)
    p.add_argument("--template", type=Path, default=None)
    p.add_argument("--copy", action="store_true")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.info("building %s from fixtures", args.out)
    time.sleep(args.sleep)
    if args.fail:
        log.error("sources directory not found: /nowhere (set --sources or GAOKAO_SOURCES)")
        return 1
    tmp = args.out.with_name(f".{args.out.name}.building-{os.getpid()}")
    if args.template:
        shutil.copyfile(args.template, tmp)
    else:
        make_tiny_db(tmp)
    con = duckdb.connect(str(tmp))
    con.execute("UPDATE build_info SET value = '2026-07-01T00:00:00+00:00' WHERE key = 'built_at'")
    if args.copy and args.template:
        con.close()
        log.info("copied %s", args.template)
        os.replace(tmp, args.out)
        log.info("built %s", args.out)
        return 0
    con.execute("INSERT INTO schools VALUES (9, '河南理工大学', NULL, '河南', '焦作', '本科', '公办', '河南省', '理工', "
                "false, false, false, 200, '软科2025', NULL, NULL, [])")
    con.execute("INSERT INTO school_aliases VALUES ('河南理工大学', 9, 'official', 'tiny')")
    con.execute("INSERT INTO school_cutoffs VALUES ('河南', 2025, '物理类', '本科批', '本科', 9, NULL, 520, 420, "
                "'published', 'school', TRUE, 1, 'tiny')")
    con.close()
    log.info("read fixtures: 9 schools")
    os.replace(tmp, args.out)
    log.info("built %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
