"""The shared domain words: regions, terms and name folding."""

from __future__ import annotations

import pytest

from gaokao import names, regions, terms


def test_regions_provinces_and_reform() -> None:
    assert regions.province("广西壮族自治区招生考试院") == "广西"
    assert regions.province_full_name("宁夏") == "宁夏回族自治区"
    assert regions.reform("河南") == ("3+1+2", 2025)
    assert regions.reform("新疆") is None
    assert regions.track_system("河南", 2024) == "old"
    assert regions.track_system("山东", 2020) == "3+3"
    assert regions.track_system("广东", 2021) == "3+1+2"
    assert regions.tracks_for("广东", 2020) == ("理科", "文科")


@pytest.mark.parametrize(
    ("label", "prov", "year", "expected"),
    [("首选物理", "江苏", 2024, "物理类"), ("理科", "江苏", 2024, "物理类"), ("文史", "河南", 2024, "文科"),
     ("物理", "山东", 2023, "综合"), ("历史类", "浙江", 2020, "综合")],
)
def test_track_for_year(label: str, prov: str, year: int, expected: str) -> None:
    assert regions.track_for_year(label, prov, year) == expected


def test_terms_have_codes_and_chinese_words() -> None:
    assert terms.Programme.ORDINARY == "ordinary"
    assert terms.Programme.SINO_FOREIGN.zh == "中外合作办学"
    assert all(p.zh for p in terms.Programme)
    assert len({p.zh for p in terms.Programme}) == len(terms.Programme)
    assert terms.Round("solicit").zh == "征集志愿"
    assert [t.zh for t in terms.Tier] == ["冲", "稳", "保"]
    assert terms.Track("物理类") is terms.Track.PHYSICS
    assert terms.batch_level("专科提前批") == "专科"
    assert terms.batch_level("本科一批") == "本科"
    assert terms.BATCH_LEVELS == ("本科", "专科")


def test_names_fold_and_clean() -> None:
    assert names.fold("北京大学（医学部） ") == "北京大学(医学部)"
    c = names.clean_school_name("山东大学（威海）")
    assert (c.base, c.campus) == ("山东大学", "威海")
    assert names.clean_school_name("宁波诺丁汉大学(中外合作办学)").campus is None
