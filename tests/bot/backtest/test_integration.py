"""The back-test on the database built from the full sources, for two provinces (skipped without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.backtest.run import BASELINE_LAST, METHOD, Options, run, targets
from bot.core.store import Store

pytestmark = pytest.mark.integration


def test_safe_tier_holds_on_real_outcomes(full_db: Path) -> None:
    store = Store(full_db)
    try:
        used = [t for t in targets(store, ["广东", "湖南"]) if t.schools >= 50]
        assert used, "no 广东/湖南 province-track-year with school cutoffs in two consecutive years"
        board = run(store, used, Options(n_ranks=60))
    finally:
        store.close()
    m, b = board.get(METHOD, "all", "all"), board.get(BASELINE_LAST, "all", "all")
    assert m is not None and b is not None
    assert m.tiers["保"].scored > 500
    assert (m.tiers["保"].rate or 0) >= 0.95
    assert m.safe_share == 1.0  # a 保 is named whenever some candidate school really admitted the rank
    assert 0.45 <= (m.tiers["稳"].rate or 0) <= 0.9 and 0.15 <= (m.tiers["冲"].rate or 0) <= 0.6
