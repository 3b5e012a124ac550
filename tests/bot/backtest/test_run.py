"""The back-test loop on the tiny database: targets, the bot's own lists, known rates; the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.backtest.__main__ import main, parse_overrides
from bot.backtest.run import (
    BASELINE_LAST,
    METHOD,
    SAFE_KINDS,
    Options,
    band,
    run,
    targets,
    user_ranks,
    wider_name,
)
from bot.core.advise import Params, shortlist
from bot.core.store import Store

P = Params(weights=(3.0, 1.0, 0.5), cohort_power=1.0, spread_floor=0.11, one_year_floor=0.18, stale_growth=1.0, private_spread=1.0, campus_spread=1.0, reform_spread=1.0,
           safe_z=-1.9, match_z=0.0, reach_z=1.6, per_tier=5)


def test_targets_are_years_with_cutoffs_in_the_year_before(tiny_store: Store) -> None:
    found = {(t.label, t.schools, t.reform) for t in targets(tiny_store)}
    # 2024 理科 follows 2023 理科 (4 schools in both); 2025 物理类 follows 2024 理科 across the reform.
    assert found == {("河南理科2024", 4, False), ("河南物理类2025", 5, True)}
    assert targets(tiny_store, ["广东"]) == []


def test_back_test_scores_what_the_bot_shows(tiny_store: Store) -> None:
    tgs = targets(tiny_store)
    board = run(tiny_store, tgs, Options(params=P, ranks=(250,)))
    # 2024 from 2023 alone: 河南大学 (320) is 稳, 河南科技学院 (640) 保; both admitted 250 in 2024 (330, 660).
    # 2025 from 2023–2024: both are 保 and admitted 250 in 2025 (325, 650). 郑州大学 (~185) is out of reach.
    m = board.get(METHOD, "all", "all")
    assert m is not None
    assert (m.tiers["保"].scored, m.tiers["保"].admitted) == (3, 3)
    assert (m.tiers["稳"].scored, m.tiers["稳"].admitted) == (1, 1)
    assert m.tiers["冲"].shown == 0
    assert m.safe_share == 1.0
    y2025 = board.get(METHOD, "target", "河南物理类2025")
    assert y2025 is not None and y2025.tiers["保"].tightness == pytest.approx((325 / 250 + 650 / 250) / 2)
    b1 = board.get(BASELINE_LAST, "all", "all")
    assert b1 is not None and (b1.tiers["保"].scored, b1.tiers["保"].admitted) == (4, 4)
    # Baseline 1 with 保 at 2x the user's rank keeps only 河南科技学院 (640 and 660 last year, vs 250).
    wide = run(tiny_store, tgs, Options(params=P, ranks=(250,), safe_bands=(2.0,))).get(wider_name(2.0), "all", "all")
    assert wide is not None and (wide.tiers["保"].scored, wide.tiers["保"].admitted) == (2, 2)
    # The lists scored are the bot's own.
    rec = shortlist(tiny_store, "河南", "物理类", 250, 2025, 2025, P)
    assert [p.school_id for p in rec.tiers["保"]] == [3, 4] and rec.levels == ("本科",)


def test_queries_are_grouped_by_where_their_safe_choice_came_from(tiny_store: Store) -> None:
    board = run(tiny_store, targets(tiny_store), Options(params=P, ranks=(250, 1000)))
    banded, unreached = board.get(METHOD, "safe", SAFE_KINDS[0]), board.get(METHOD, "safe", SAFE_KINDS[3])
    assert banded is not None and banded.queries == 2  # rank 250, both target years
    # rank 1000 is below every cutoff the fixture has. In 2025 the closest school (940 the year before) is still
    # named as 保; in 2024 the closest had stopped at 640, under 0.7 x 1000, so no 保 is named.
    assert unreached is not None and unreached.queries == 1 and unreached.listed["保"] == 1
    none = board.get(METHOD, "safe", SAFE_KINDS[4])
    assert none is not None and none.queries == 1 and none.listed["保"] == 0
    m = board.get(METHOD, "all", "all")
    assert m is not None and m.safe_shown == m.safe_existed


def test_user_ranks_are_log_spaced_over_the_cohort() -> None:
    ranks = user_ranks(400_000, 200)
    assert len(ranks) == 200 and ranks[0] == 50 and ranks[-1] == 400_000
    assert ranks[100] / ranks[99] == pytest.approx(ranks[20] / ranks[19], rel=0.01)


def test_bands() -> None:
    assert band(50, 100_000, ("本科",), True) == "前1%"
    assert band(5_000, 100_000, ("本科",), True) == "1–10%"
    assert band(30_000, 100_000, ("本科",), True) == "10–50%"
    assert band(60_000, 100_000, ("本科",), True) == "50%以后（本科线上）"
    assert band(60_000, 100_000, ("本科", "专科"), True) == "专科段（本科线下）"
    assert band(60_000, 100_000, ("本科",), True, line_rank=70_000) == "本科线附近（线上20%以内）"
    assert band(52_000, 100_000, ("本科",), True, line_rank=70_000) == "50%以后（本科线上）"
    assert band(8_000, 100_000, ("本科",), True, line_rank=9_000) == "本科线附近（线上20%以内）"
    assert band(60_000, 100_000, ("本科", "专科"), False) == "50%以后（本科线上）"


def test_params_overrides() -> None:
    p = parse_overrides(["safe_z=-2.5", "weights=2,1", "per_tier=3"], Params())
    assert (p.safe_z, p.weights, p.per_tier) == (-2.5, (2.0, 1.0), 3)
    with pytest.raises(ValueError):
        parse_overrides(["nope=1"], Params())
    with pytest.raises(ValueError):
        parse_overrides(["safe_z=low"], Params())
    assert parse_overrides(["latest_cap=False"], Params()).latest_cap is False
    assert parse_overrides(["latest_cap=1"], Params(latest_cap=False)).latest_cap is True
    with pytest.raises(ValueError):
        parse_overrides(["latest_cap=maybe"], Params())


def test_command_writes_the_report(tiny_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "backtest.md"
    code = main(["--db", str(tiny_db), "--min-schools", "0", "--ranks", "20", "--out", str(out),
                 "--variant", "cohort_power=0"])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    for heading in ("# 冲/稳/保 回测", "## 总体", "## 目标", "## 同等把握下的紧度", "## 分省", "## 分位次段", "## 官方位次与换算位次", "## 参数"):
        assert heading in text
    assert "python -m bot.backtest --min-schools 0" in text and f"数据：{tiny_db.name}" in text
    assert "本方法变体" in text and "基线1" in text
    assert "按历史数据回测" in capsys.readouterr().err


def test_command_help_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "--per-tier" in capsys.readouterr().out
    assert main(["--db", str(tmp_path / "missing.duckdb")]) == 2
