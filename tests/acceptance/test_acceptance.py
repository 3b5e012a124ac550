"""Issue 11's acceptance suite: realistic messages (messages.tsv) answered on the full database.

Each message checks what the bot understood (intent, province, track, rank or score, schools, major, filters),
the extra `has:`/`not:` checks of its row, and, by intent, every fact the answer shows against the database with
its own SQL: a cutoff shown for a school and year is a row of `admissions`, a batch line shown is a row of
`control_lines` and is printed in its source file (when the sources are on the machine), a score's rank is the one of
`score_ranks`, a school's ranking and tags are those of `schools`.
"""

from __future__ import annotations

import csv
import functools
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bot.core.advise import equivalent_tracks
from bot.core.majors import clean_major
from bot.core.render import render
from gaokao.names import fold
from tests.conftest import full_sources

ROOT = Path(__file__).resolve().parents[2]
DB = ROOT / "data" / "admissions.duckdb"
MESSAGES = Path(__file__).with_name("messages.tsv")

# Known gaps: message text -> why the answer is not yet right (strict: the test fails once it is fixed).
XFAIL: dict[str, str] = {}

# Text that must never reach a student: raw source labels, doubled words, Python values.
NEVER = re.compile(r"位次位次|（注[:：]|原专业代码|\bNone\b|\bnan\b|专业组[\u4e00-\u9fff]+(?:大学|学院)|[|]普通类|-本科普通类")


@dataclass(frozen=True)
class Row:
    text: str
    intent: str
    province: str
    track: str
    rank: str
    score: str
    school_a: str
    school_b: str
    major: str
    filters: str
    checks: str


def rows() -> list[Row]:
    """The messages of messages.tsv (comment lines start with #)."""
    with MESSAGES.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [Row(**{k: (v or "") for k, v in r.items()}) for r in reader]


def _params() -> Iterator[Any]:
    for i, r in enumerate(rows()):
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[r.text])] if r.text in XFAIL else []
        yield pytest.param(r, id=f"{i:02d}-{r.text[:16]}", marks=marks)


@pytest.fixture(scope="module")
def db(request: pytest.FixtureRequest) -> Path:
    """The built database (data/admissions.duckdb), else the one the integration tests build from the full
    sources (a fresh clone in CI); skips, saying why, when neither can be had."""
    if DB.exists():
        return DB
    path: Path = request.getfixturevalue("full_db")
    return path


@pytest.fixture(scope="module")
def engine(db: Path) -> Any:
    from bot.core.answer import Engine

    return Engine.open(db)


@pytest.fixture(scope="module")
def con(engine: Any, db: Path) -> duckdb.DuckDBPyConnection:
    from bot.core import dbfile

    return dbfile.connect(db)  # the engine's configuration: one process may hold both


def test_the_suite_is_broad() -> None:
    """At least 80 messages over 25 provinces and every kind of question."""
    rs = rows()
    assert len(rs) >= 80
    assert len({r.province for r in rs if r.province}) >= 25
    assert {r.intent for r in rs} == {"rank", "score", "compare", "major", "school", "lines", "help"}
    assert len({r.text for r in rs}) == len(rs)


@pytest.mark.parametrize("row", list(_params()))
def test_message(row: Row, engine: Any, con: duckdb.DuckDBPyConnection) -> None:
    a = engine.answer(row.text)
    q = a.query
    text = "\n".join(render(a))
    assert a.intent == row.intent, text
    assert q["province"] == (row.province or None)
    assert q["track"] == (row.track or None)
    if not row.score:  # a score's rank is the engine's conversion, checked against score_ranks below
        assert q["rank"] == (int(row.rank) if row.rank else None)
    assert q["score"] == (float(row.score) if row.score else None)
    if row.intent != "help":
        assert q["school_a"] == (row.school_a or None)
        assert q["school_b"] == (row.school_b or None)
        assert q["major"] == (row.major or None)
    if row.intent in ("rank", "score") and not a.problem:
        assert sorted(q["filters"]) == sorted(f for f in row.filters.split(",") if f)
    for check in filter(None, row.checks.split("|")):
        kind, _, pattern = check.partition(":")
        found = re.search(pattern, text)
        assert (found is not None) == (kind == "has"), f"{check}\n{text}"
    bad = NEVER.search(text)
    assert bad is None, f"{bad.group() if bad else ''}\n{text}"
    {"rank": _rank_facts, "score": _rank_facts, "school": _school_facts, "compare": _compare_facts,
     "major": _major_facts, "lines": _lines_facts, "help": _help_facts}[a.intent](a, text, con)


# -- facts by intent -----------------------------------------------------------------------------------------------


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> Any:
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def _admission_exists(con: duckdb.DuckDBPyConnection, sid: int, prov: str, year: int, track: str,
                      rank: int | None, score: float | None, extra: str = "", params: tuple[Any, ...] = ()) -> bool:
    n = _one(con, f"""
        SELECT count(*) FROM admissions
        WHERE school_id = ? AND province = ? AND year = ? AND track = ?
          AND min_rank IS NOT DISTINCT FROM ? AND min_score IS NOT DISTINCT FROM ? {extra}
    """, [sid, prov, year, track, rank, score, *params])
    if n:
        return True
    # a rank derived from the score (≈) is the score's rank in that year's table, not a row's own rank
    n = _one(con, f"""
        SELECT count(*) FROM admissions
        WHERE school_id = ? AND province = ? AND year = ? AND track = ?
          AND min_score IS NOT DISTINCT FROM ? AND min_rank IS NULL {extra}
    """, [sid, prov, year, track, score, *params])
    return bool(n) and score is not None


def _school_row(con: duckdb.DuckDBPyConnection, sid: int) -> tuple[Any, ...]:
    row = con.execute("SELECT name, ranking, is985, is211, nature, province FROM schools WHERE school_id = ?",
                      [sid]).fetchone()
    assert row is not None, sid
    return tuple(row)


def _school_cutoff_exists(con: duckdb.DuckDBPyConnection, sid: int, prov: str, c: dict[str, Any]) -> bool:
    n = _one(con, """
        SELECT count(*) FROM school_cutoffs
        WHERE school_id = ? AND province = ? AND year = ? AND track = ? AND batch = ?
          AND campus IS NOT DISTINCT FROM ? AND min_rank IS NOT DISTINCT FROM ? AND min_score IS NOT DISTINCT FROM ?
    """, [sid, prov, c["year"], c["track"], c["batch"], c.get("campus"), c["cutoff_rank"], c["cutoff_score"]])
    return bool(n)


@functools.cache
def _source_text(rel: str) -> str | None:
    """A source file's text (gunzipped), or None when the sources are not on this machine or it is not text."""
    path = full_sources() / rel
    if not path.is_file() or not re.search(r"\.(?:json|csv|tsv|txt|md)(?:\.gz)?$", rel):
        return None  # absent, or a spreadsheet the test does not read
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", errors="replace")


def _line_in_source(con: duckdb.DuckDBPyConnection, prov: str, year: int, track: str, batch: str,
                    score: float) -> None:
    """A batch line shown is printed in the source file it was read from (when the sources are here)."""
    files = [r[0] for r in con.execute("""SELECT DISTINCT source_file FROM control_lines WHERE province = ? AND year = ?
                                           AND track = ? AND (batch = ? OR batch = ?) AND score = ?""",
                                        [prov, year, track, batch, batch + "线", score]).fetchall()]
    texts = [t for t in map(_source_text, files) if t is not None]
    if texts:
        assert any(re.search(rf"(?<!\d){score:g}(?:\.0)?(?!\d)", t) for t in texts), (prov, year, batch, files)


def _rank_facts(a: Any, text: str, con: duckdb.DuckDBPyConnection) -> None:
    q = a.query
    if a.problem:
        return
    prov, track, year = q["province"], q["track_used"], q["table_year"]
    if q["score"] is not None and q["rank"] is not None and a.intent == "score":
        # the rank a score converts to is the cumulative rank of that score (or the next lower one) in the table
        want = _one(con, """SELECT rank FROM score_ranks WHERE province = ? AND year = ? AND track = ? AND score <= ?
                            ORDER BY score DESC LIMIT 1""", [prov, year, track, int(q["score"])])
        if want is not None:
            assert q["rank"] == want, (q["rank"], want)
    m = re.search(r"对照(\d{4})年批次线[^：]*：(.*)", text)
    if m:  # every batch line shown is the province's control line of that year and track
        shown = re.findall(r"[高低]于(\S+?)线(\d+(?:\.\d+)?)分", m.group(2))
        assert shown, m.group(0)
        for batch, score in shown:
            n = _one(con, """SELECT count(*) FROM control_lines WHERE province = ? AND year = ? AND track = ?
                              AND (batch = ? OR batch = ?) AND score = ?""",
                     [prov, int(m.group(1)), track, batch, batch + "线", float(score)])
            assert n, (batch, score, m.group(0))
            _line_in_source(con, prov, int(m.group(1)), track, batch, float(score))
    for r in a.results:
        name, _, is985, is211, nature, home = _school_row(con, r["school_id"])
        assert r["school"].startswith(name)
        if "985" in q["filters"]:
            assert is985, r["school"]
        if "211" in q["filters"]:
            assert is211, r["school"]
        if "public" in q["filters"]:
            assert nature == "公办", r["school"]
        if "home" in q["filters"]:
            assert home == prov, r["school"]
        if "no_zk" in q["filters"]:
            assert r["batch_level"] != "专科", r["school"]
        for h in r["history"]:  # every cited year is an ordinary first-round row of that school
            assert _admission_exists(con, r["school_id"], prov, h["year"], h["track"], h["cutoff_rank"],
                                     h["cutoff_score"], "AND programme = 'ordinary' AND round = 'first'"), (r["school"], h)


def _school_facts(a: Any, text: str, con: duckdb.DuckDBPyConnection) -> None:
    if a.problem:
        return
    p = a.school
    name, ranking, is985, is211, _, _ = _school_row(con, p["school_id"])
    assert p["school"].startswith(name)
    assert p["ranking"] == ranking
    assert ("985" in p["tags"]) == bool(is985) and ("211" in p["tags"]) == bool(is211)
    if ranking:
        assert f"第{ranking}名" in text
    for c in p["cutoffs"]:
        assert _school_cutoff_exists(con, p["school_id"], p["cutoffs_in"], c), c
        if p.get("campus"):
            assert (c.get("campus") or "").startswith(p["campus"]), c
    for r in a.results:  # "…能上X吗": the placed units are rows of that school
        for h in r["history"]:
            assert _admission_exists(con, r["school_id"], a.query["province"], h["year"], h["track"],
                                     h["cutoff_rank"], h["cutoff_score"]), h


def _compare_facts(a: Any, text: str, con: duckdb.DuckDBPyConnection) -> None:
    if a.problem:
        return
    c = a.query["compare"]
    assert len(a.schools) == 2
    for p in a.schools:
        name, ranking, *_ = _school_row(con, p["school_id"])
        assert p["school"].startswith(name) and p["ranking"] == ranking
        for y, cell in p["years"].items():
            assert y in c["years"]
            assert _admission_exists(con, p["school_id"], c["province"], y, cell["track"], cell["cutoff_rank"],
                                     cell["cutoff_score"]), (p["school"], y, cell)
            assert f"{cell['cutoff_rank']:,}" in text
    for y in c["years"]:  # official years against official years, third-party against third-party
        assert len({p["years"][y]["verified"] for p in a.schools}) == 1, y
    for p in a.schools:  # each group (or major) once
        labels = [u["unit"] for u in p["units"]]
        assert len(labels) == len(set(labels)) or p["units"][0]["kind"] == "major", labels
    if c.get("basis_year"):
        ra, rb = (p["years"][c["basis_year"]]["cutoff_rank"] for p in a.schools)
        if ra != rb:  # the easier school is the one whose lowest entry admitted the larger rank
            assert c["easier"] == (a.schools[0]["school"] if ra > rb else a.schools[1]["school"])
    pa, pb = a.schools
    if pa["province"] == pb["province"]:
        assert "不在同一省份" not in text


def _major_facts(a: Any, text: str, con: duckdb.DuckDBPyConnection) -> None:
    if a.problem:
        return
    sid = a.school["school_id"]
    m = a.major
    asked = a.query["province"]
    if asked and any(c["province"] == asked for c in m["cutoffs"]):
        assert m["cutoffs"][0]["province"] == asked  # the asked province's years first
        assert f"在{asked}的历年录取线" in text
    seen = [(c["province"], c["year"], c["track"], fold(c["major"]), c["cutoff_score"]) for c in m["cutoffs"]
            if c["cutoff_score"] is not None]
    assert len(seen) == len(set(seen)), "one cutoff shown twice"
    tracks = set(equivalent_tracks(a.query["track_used"])) if a.query.get("track_used") else None
    for c in m["cutoffs"]:
        if tracks and c["province"] == asked:
            assert c["track"] in tracks, c
        rows = con.execute("""
            SELECT major FROM admissions
            WHERE school_id = ? AND province = ? AND year = ? AND track = ?
              AND min_rank IS NOT DISTINCT FROM ? AND min_score IS NOT DISTINCT FROM ?
        """, [sid, c["province"], c["year"], c["track"], c["cutoff_rank"], c["cutoff_score"]]).fetchall()
        derived = con.execute("""
            SELECT major FROM admissions
            WHERE school_id = ? AND province = ? AND year = ? AND track = ? AND min_rank IS NULL
              AND min_score IS NOT DISTINCT FROM ?
        """, [sid, c["province"], c["year"], c["track"], c["cutoff_score"]]).fetchall()
        majors = {clean_major(r[0]) for r in rows + derived if r[0]}
        assert c["major"] in majors, (c, majors)
        if c.get("group"):
            assert re.fullmatch(r"[0-9A-Za-z]{1,5}", c["group"]), c["group"]


def _lines_facts(a: Any, text: str, con: duckdb.DuckDBPyConnection) -> None:
    if a.problem:
        return
    assert a.results
    for r in a.results:
        n = _one(con, "SELECT count(*) FROM control_lines WHERE province = ? AND year = ? AND track = ? AND batch = ? "
                      "AND score = ?", [a.query["province"], r["year"], r["track"], r["batch"], r["score"]])
        assert n, r
        assert f"{r['score']:g}分" in text
        _line_in_source(con, a.query["province"], r["year"], r["track"], r["batch"], r["score"])


def _help_facts(a: Any, text: str, con: duckdb.DuckDBPyConnection) -> None:
    d = a.to_dict()  # a help answer has no results or schools of its own; its JSON has them empty
    assert not d["results"] and not d["schools"]
