"""Provinces, tracks, batches, special plans and school-name cleaning."""

from __future__ import annotations

import pytest

from etl import normalize as nz


@pytest.mark.parametrize(
    ("text", "expected"),
    [("河南", "河南"), ("河南省", "河南"), ("内蒙", "内蒙古"), ("广西壮族自治区", "广西"), ("inner-mongolia", "内蒙古"),
     ("shaanxi", "陕西"), ("shanxi", "山西"), ("河南省教育考试院", "河南"), ("火星", None), ("", None), (None, None)],
)
def test_province(text: str | None, expected: str | None) -> None:
    assert nz.province(text) == expected


def test_tracks_follow_reform_years() -> None:
    assert nz.tracks_for("河南", 2024) == ("理科", "文科")
    assert nz.tracks_for("河南", 2025) == ("物理类", "历史类")
    assert nz.tracks_for("山东", 2020) == ("综合",)
    assert nz.tracks_for("新疆", 2026) == ("理科", "文科")
    assert nz.tracks_for("广东", 2021) == ("物理类", "历史类")


@pytest.mark.parametrize(
    ("label", "prov", "year", "expected"),
    [("理科", "河南", 2025, "物理类"), ("物理", "河南", 2024, "理科"), ("首选物理", "广东", 2024, "物理类"),
     ("文史", "四川", 2020, "文科"), ("历史类", "湖南", 2020, "文科"), ("理科", "山东", 2024, "综合"),
     ("综合", "河南", 2024, None), ("体育", "河南", 2024, None), ("护理专业", "河南", 2024, None),
     ("物理科目组合", "湖北", 2026, "物理类"), ("3+3综合", "北京", 2024, "综合")],
)
def test_track_for_year(label: str, prov: str, year: int, expected: str | None) -> None:
    assert nz.track_for_year(label, prov, year) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("本科一批", "本科一批"), ("一本", "本科一批"), ("本科二批", "本科二批"), ("本科批", "本科批"),
     ("本科普通批", "本科批"), ("专科批", "专科批"), ("高职高专批", "专科批"), ("本科提前批", "本科提前批"),
     ("专科提前批", "专科提前批"), ("平行录取一段", "本科批"), ("平行录取二段", "专科批"), ("", "本科批"),
     ("特殊类型招生录取控制线", "特殊类型招生线"), ("特控线(一本线、高优线)", "特殊类型招生线")],
)
def test_batch_label(raw: str, expected: str) -> None:
    assert nz.batch_label(raw) == expected
    assert nz.batch_level(expected) in ("本科", "专科")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [(("护理学(国家专项)",), "国家专项"), (("计算机(中外合作办学)",), "中外合作"), (("少数民族预科班",), "预科"),
     (("临床医学(农村订单定向)",), "定向"), (("地方专项计划",), "地方专项"), (("民族学",), None),
     (("计算机科学与技术", None, ""), None), ((), None), (("普通类/非定向",), None)],
)
def test_special_plan(texts: tuple[str | None, ...], expected: str | None) -> None:
    assert nz.special_plan(*texts) == expected


@pytest.mark.parametrize(
    ("raw", "name", "base", "campus"),
    [("河北科技学院[民办]", "河北科技学院", "河北科技学院", None),
     ("石家庄学院(石家庄市)", "石家庄学院", "石家庄学院", None),
     ("北京大学（地方专项）", "北京大学", "北京大学", None),
     ("浙江大学(一流大学建设高校)", "浙江大学", "浙江大学", None),
     ("华北电力大学(保定)", "华北电力大学(保定)", "华北电力大学", "保定"),
     ("山东大学威海分校", "山东大学威海分校", "山东大学", "威海分校"),
     ("北京大学医学部", "北京大学医学部", "北京大学", "医学部"),
     ("中国石油大学(北京)克拉玛依校区", "中国石油大学(北京)克拉玛依校区", "中国石油大学(北京)", "克拉玛依校区"),
     ("北京大学第05组", "北京大学", "北京大学", None),
     ("  上海 商学院 ", "上海商学院", "上海商学院", None)],
)
def test_clean_school_name(raw: str, name: str, base: str, campus: str | None) -> None:
    c = nz.clean_school_name(raw)
    assert (c.name, c.base, c.campus) == (name, base, campus)


def test_shandong_rounds_are_not_batches() -> None:
    assert nz.batch_label("一批次", "山东") == "本科批"
    assert nz.batch_label("二批次", "山东") == "专科批"
    assert nz.batch_label("本科二批次", "山东") == "本科批"
    assert nz.batch_label("专科三批次", "山东") == "专科批"
    assert nz.batch_label("本科二批", "河南") == "本科二批"
