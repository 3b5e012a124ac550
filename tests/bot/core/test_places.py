"""Place filters (江浙沪, 只看武汉, 离家近 …), 不要专科, and filter words the list cannot apply."""

from __future__ import annotations

import pytest

from bot.core import places as regions
from bot.core.answer import Engine
from bot.core.names import NameIndex
from bot.core.parse import parse
from bot.core.render.notes import texts
from tests.bot.core.test_names import build_index

CITIES = frozenset({"武汉市", "成都市", "郑州市", "杭州市", "吉林市"})


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return build_index()


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("浙江 位次10万 只看江浙沪", ("region:江浙沪",)),
        ("河南 物理 位次3万 只看武汉", ("place:武汉",)),
        ("河南 物理 位次3万 只看四川或重庆", ("place:四川", "place:重庆")),
        ("河南 物理 位次3万 四川或者重庆的学校", ("place:四川", "place:重庆")),
        ("河南 物理 位次3万 想去成都、杭州", ("place:成都", "place:杭州")),
        ("广东 物理 位次3万 珠三角的公办", ("public", "region:珠三角")),
        ("河南 物理 位次3万 离家近 不要专科", ("no_zk", "near")),
        ("河南 物理 位次3万 想出省", ("away",)),
        ("河南 物理 位次3万 不出省", ("home",)),
        ("河南 物理 位次3万 只看吉林", ("place:吉林",)),  # the province, not 吉林市
    ],
)
def test_place_filters_are_read(names: NameIndex, text: str, filters: tuple[str, ...]) -> None:
    q = parse(text, names, CITIES)
    assert (q.intent, q.province, q.filters) == ("rank", text[:2], filters)
    assert not any(n.startswith("other-province") for n in q.notes)  # 四川/重庆 are places, not the user's


def test_unsupported_filter_words_are_noted(names: NameIndex) -> None:
    q = parse("河南 物理 位次3万 学费低 就业好的 保研率高 不要中外合作", names)
    assert q.filters == ()
    assert [n for n in q.notes if n.startswith("filter-unsupported")] == [
        "filter-unsupported: 学费低", "filter-unsupported: 就业好", "filter-unsupported: 保研率",
        "filter-unsupported: 不要中外合作"]
    assert parse("河南 物理 位次3万 学费低 中外合作可以", names).filters == ("sino",)  # a list option now


def test_place_test_keeps_provinces_cities_and_neighbours() -> None:
    ok = regions.place_test(["region:江浙沪"], "浙江")
    assert ok is not None and ok("上海", "上海市") and not ok("安徽", "合肥市")
    city = regions.place_test(["place:武汉"], "河南")
    assert city is not None and city("湖北", "武汉市") and not city("湖北", "宜昌市")
    near = regions.place_test(["near"], "河南")
    assert near is not None and near("河南", "郑州") and near("湖北", "武汉") and not near("四川", "成都")
    away = regions.place_test(["away", "region:华中"], "河南")
    assert away is not None and away("湖北", "武汉") and not away("河南", "郑州")
    assert regions.place_test(["home", "985"], "河南") is None
    assert all(set(v) <= set(regions.neighbours()) for v in regions.neighbours().values())  # every name a province


def test_region_filter_keeps_the_list_to_those_places(engine: Engine) -> None:
    a = engine.answer("河南 理科 位次100 只看川渝")
    assert a.query["filters"] == ["region:川渝"] and "只列川渝院校。" in texts(a.notes)
    assert {r["school"] for r in a.results} == {"四川大学", "重庆大学"}
    b = engine.answer("河南 理科 位次100 只看成都")
    assert b.query["filters"] == ["place:成都"] and {r["school"] for r in b.results} == {"四川大学"}
    c = engine.answer("河南 理科 位次100 离家近")  # 河南 and its neighbours: not 四川, 重庆, 北京
    assert {r["school"] for r in c.results} <= {"郑州大学", "河南大学", "河南科技学院", "郑州铁路职业技术学院"}
    assert "只列河南及邻省院校。" in texts(c.notes)


def test_no_vocational_drops_zhuanke(engine: Engine) -> None:
    plain = engine.answer("河南 理科 位次900")
    assert any(r["batch_level"] == "专科" for r in plain.results)
    a = engine.answer("河南 理科 位次900 不要专科")
    assert a.query["filters"] == ["no_zk"] and a.results
    assert all(r["batch_level"] != "专科" for r in a.results)


def test_unapplied_filters_are_named_in_the_answer(engine: Engine) -> None:
    a = engine.answer("河南 理科 位次100 学费低 不要中外合作")
    assert a.query["filters"] == []
    assert "没有按“学费低”筛选，因为数据库里没有学费数据。" in texts(a.notes)
    assert any(n.startswith("没有按“不要中外合作”筛选，因为列表本来就只按普通类录取排") for n in texts(a.notes))
