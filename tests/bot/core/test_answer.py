"""The answer engine end to end on the tiny database: structure first, then text."""

from __future__ import annotations

import gc
import json
import re
import shutil
import weakref
from pathlib import Path

from bot.core.answer import Engine
from bot.core.render import LIMIT, render
from bot.core.render.notes import maybe_text, texts


def test_rank_answer_tiers_and_history(engine: Engine) -> None:
    a = engine.answer("河南 理科 250")  # ≤ 750 without rank words: a score
    assert a.intent == "score"
    a = engine.answer("河南 理科 位次 250")
    assert a.intent == "rank"
    assert a.query["province"] == "河南" and a.query["track"] == "理科" and a.query["track_used"] == "物理类"
    assert a.query["rank"] == 250
    tiers = {r["school"]: r["tier"] for r in a.results}
    assert tiers["河南大学"] == "保"
    assert "北京大学" not in tiers  # far out of reach
    assert any("按物理类处理" in n for n in texts(a.notes))
    for r in a.results:
        assert r["cutoff_rank"] is not None and r["year"] in (2023, 2024, 2025)
        assert r["history"][0]["year"] == r["year"]
    safe = [r for r in a.results if r["tier"] == "保"]
    assert all(r["cutoff_rank"] >= 250 for r in safe)


def test_score_is_converted_through_the_latest_table(engine: Engine) -> None:
    a = engine.answer("河南 物理类 600分")
    assert a.intent == "score" and a.query["score"] == 600
    assert a.query["table_year"] == 2025
    assert a.query["rank"] == engine.store.table("河南", "物理类").rank_of(600)
    assert any("一分一段" in n for n in texts(a.notes))
    assert texts(a.placement) and "本科批线" in texts(a.placement)[1]


def test_missing_data_is_said(engine: Engine) -> None:
    a = engine.answer("河南 物理类 位次 900")
    text = "\n".join(render(a))
    assert "郑州铁路职业技术学院" in text
    b = engine.answer("西藏 理科 5000")
    assert b.problem and "西藏" in maybe_text(b.problem)
    c = engine.answer("理科 447200")
    assert c.problem and "省份" in maybe_text(c.problem)


def test_compare_school_and_major(engine: Engine) -> None:
    a = engine.answer("郑州大学和河南大学哪个好")
    assert a.intent == "compare"
    assert [s["school"] for s in a.schools] == ["郑州大学", "河南大学"]
    assert a.schools[0]["tags"] == ["211", "双一流"]
    assert a.schools[0]["cutoffs"][0]["year"] == 2025
    s = engine.answer("郑大怎么样")
    assert s.intent == "school" and s.school and s.school["school"] == "郑州大学"
    m = engine.answer("郑州大学的土木工程专业排名怎么样 附历年录取分数线")
    assert m.intent == "major" and m.major is not None
    assert m.major["cutoffs"][0]["cutoff_rank"] == 170
    assert m.major["standing"][0]["grade"] == "A"
    n = engine.answer("郑州大学的考古学专业怎么样")
    assert n.major is not None and not n.major["cutoffs"]
    assert any("暂无" in x for x in texts(n.notes))


def test_help_and_garbage_never_raise(engine: Engine) -> None:
    for text in ("", "你好", "/start", "部门月度工作总结范文", "x" * 10_000, "\x00\x01", "🙂" * 500):
        a = engine.answer(text)
        parts = render(a)
        assert parts and all(0 < len(p) <= LIMIT for p in parts)
    assert engine.answer("你好").intent == "help" and engine.answer("你好").problem is None


def test_a_province_without_a_usable_number_is_told_what_is_missing(engine: Engine) -> None:
    a = engine.answer("河南 理科 99999999")
    assert a.intent == "help" and a.problem is not None and "河南 理科" in maybe_text(a.problem)
    text = render(a)[0]
    assert text.startswith("看到了“河南 理科”，但没有看出您的位次或分数")
    assert "数字“99999999”不像位次或分数" in text and "试试这样问" in text
    assert "没有看出您的位次或分数" in render(engine.answer("广东 物理"))[0]


def test_json_shape(engine: Engine) -> None:
    d = engine.answer("河南 理科 位次 300").to_dict()
    for key in ("intent", "query", "results", "schools", "school", "major", "notes"):
        assert key in d
    for key in ("province", "track", "track_used", "rank", "score", "year"):
        assert key in d["query"]
    for key in ("school", "school_id", "tier", "year", "cutoff_rank", "cutoff_score", "batch", "rank_source"):
        assert key in d["results"][0]


def test_engine_reloads_a_replaced_file(tiny_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "db.duckdb"
    shutil.copy(tiny_db, path)
    e = Engine.open(path)
    assert e.reloaded() is e
    fresh = tmp_path / "new.duckdb"
    shutil.copy(tiny_db, fresh)
    fresh.replace(path)
    e2 = e.reloaded()
    assert e2 is not e
    assert e2.answer("郑大怎么样").intent == "school"


def test_reload_serves_the_new_data(tiny_db: Path, tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "db.duckdb"
    shutil.copy(tiny_db, path)
    e = Engine.open(path)
    assert e.store.build_info["built_at"].startswith("2026-01-01")
    fresh = tmp_path / "new.duckdb"
    shutil.copy(tiny_db, fresh)
    con = duckdb.connect(str(fresh))
    con.execute("UPDATE build_info SET value = '2026-11-25T00:00:00+00:00' WHERE key = 'built_at'")
    con.close()
    fresh.replace(path)
    assert e.reloaded().store.build_info["built_at"].startswith("2026-11-25")


def test_a_rank_no_school_ever_reached_gets_the_closest_school_flagged(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次 1000")  # below every cutoff of the fixture (the lowest is 940)
    safe = [r for r in a.results if r["tier"] == "保"]
    assert len(safe) == 1 and safe[0]["cutoff_rank"] < 1000
    assert a.query["weak_safe"] == "unreached"
    assert any("往年没有哪所学校的最低录取位次低到您的位次" in n for n in texts(a.notes))
    assert "往年没有学校录取到您的位次，这是最接近的一所，并不稳妥" in render(a)[0]


def test_a_school_asked_with_a_rank_is_placed_for_it(engine: Engine) -> None:
    a = engine.answer("河南 理科 位次250 能上河南大学吗")
    assert a.intent == "school" and a.query["rank"] == 250 and a.query["track_used"] == "物理类"
    assert [(r["school"], r["tier"]) for r in a.results] == [("河南大学", "保")]
    text = render(a)[0]
    assert text.startswith("按您的位次250（河南物理类），河南大学：\n• 本科批：保（稳妥）")
    assert texts(a.notes).count("理科按物理类处理（河南自2025年起实行新高考）。") == 1
    far = engine.answer("河南 理科 位次250 北京大学")
    assert [r["tier"] for r in far.results] == [""] and "够不上" in render(far)[0]
    # no number: the profile alone; no data for the province: said, not guessed
    assert engine.answer("郑州大学 河南 理科").results == []
    gd = engine.answer("广东 物理 位次250 郑州大学")
    assert gd.results == [] and any("暂无广东的一分一段表" in n for n in texts(gd.notes))


def test_batch_lines_of_a_province(engine: Engine) -> None:
    a = engine.answer("河南 2024 理科 一本线")
    assert a.intent == "lines" and a.query["year"] == 2024
    assert [(r["track"], r["batch"], r["score"]) for r in a.results] == [
        ("理科", "本科一批", 511), ("理科", "本科二批", 396), ("理科", "专科批", 185)]
    assert render(a)[0].startswith("河南2024年批次线：\n• 理科：本科一批线 511分；本科二批线 396分；专科批线 185分")
    latest = engine.answer("河南 批次线")  # no year: the latest, every track that year
    assert latest.query["year"] == 2025 and {r["track"] for r in latest.results} == {"物理类"}
    assert any("本科最低控制线" in n for n in texts(latest.notes))
    old = engine.answer("河南 2019 批次线")
    assert old.query["year"] == 2025 and any("没有河南2019年的批次线" in n for n in texts(old.notes))
    assert maybe_text(engine.answer("广东 本科线").problem) == "暂无广东的批次线数据。"


def test_list_filters_keep_to_the_schools_asked_for(engine: Engine) -> None:
    plain = {r["school"] for r in engine.answer("河南 理科 位次100").results}
    assert {"四川大学", "重庆大学", "郑州大学", "河南大学"} <= plain
    home = engine.answer("河南 理科 位次100 只看省内")
    assert home.query["filters"] == ["home"] and "只列省内院校。" in texts(home.notes)
    assert {r["school"] for r in home.results} == {"郑州大学", "河南大学"}
    top = engine.answer("河南 理科 位次100 985")
    assert {r["school"] for r in top.results} == {"四川大学", "重庆大学"}
    # no safe 985 by the bands: the best one is named, and the note blames the filter, not the rank
    assert top.query["weak_safe"] == "unsafe"
    assert any(n.startswith("在985院校中，") and "去掉筛选条件" in n for n in texts(top.notes))


def test_the_list_places_each_group_of_a_school_with_its_majors_and_range(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次145")
    zz = [r for r in a.results if r["school"] == "郑州大学"]
    assert zz, a.results
    # at 145, 郑州大学's 101 group (cutoff 120) is a reach and its 102 group (185) is a match: one line per tier
    assert {(r["tier"], r["group"]["code"]) for r in zz} == {("冲", "101"), ("稳", "102")}
    r = next(r for r in zz if r["tier"] == "冲")
    assert r["majors"] == ["口腔医学", "生物科学"] and r["unit_rank"] == 120 and r["unit_year"] == 2025
    assert r["range"] == {"kind": "group", "year": 2025, "count": 2, "highest": 120, "lowest": 185}
    assert r["programme"] == {"code": "ordinary", "name": "普通"} and r["round"]["code"] == "first"
    assert r["expected_rank"] < next(x for x in zz if x["tier"] == "稳")["expected_rank"]
    short = "\n".join(render(a))
    assert re.search(r"^• 郑州大学（[^）]*）101组（口腔医学、生物科学） 2025 位次120 · 2组 120–185$", short, re.M)
    text = "\n".join(render(a, detail=True))  # the long form: the group, then the school's easiest entry by year
    assert "• 郑州大学 · 101组（口腔医学、生物科学） 2025 位次120 · 2组 120–185" in text
    # 北京大学 has no group rows: its easiest entry, said once
    assert sum("所列位次是该校最容易进的专业组" in n for n in texts(a.notes)) == 1


def test_a_major_interest_keeps_the_groups_that_teach_it(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次145 想学计算机")
    assert a.query["filters"] == ["major:计算机"] and "计算机类" in a.query["major_words"]
    assert a.results and all(any("计算机" in m or "软件" in m for m in r["majors"]) for r in a.results)
    assert {(r["school"], r["group"]["code"]) for r in a.results} == {("河南大学", "201")}  # 郑州大学 teaches none
    assert next(r for r in a.results if r["school"] == "河南大学")["majors"] == ["软件工程"]
    assert not any("专业筛选" in n for n in texts(a.notes))
    assert "只列有“计算机”相关专业（计算机科学与技术、计算机类、软件工程等）的专业组或学校。" in texts(a.notes)
    teach = engine.answer("河南 物理 位次190 师范")
    assert {r["school"] for r in teach.results} == {"郑州大学", "河南大学"}
    assert all(all("师范" in m for m in r["majors"]) for r in teach.results)
    assert "汉语言文学(师范)" in "\n".join(render(teach))


def test_a_major_interest_without_matching_data_says_so_and_lists_schools(engine: Engine) -> None:
    a = engine.answer("河南 物理 位次150 想学考古")
    assert a.query["filters"] == [] and a.results
    assert any("没有与“考古”相关的专业" in n and "不分专业的学校列表" in n for n in texts(a.notes))
    # an old 文理 year: the school was the 志愿, but a field needs its major's cutoff, so the major is placed
    # (at 位次250 nothing is listed: the major's own cutoff, 170, is too far above it even for a flagged 保底)
    old = engine.answer("河南 理科 2024 位次200 想学土木工程")
    assert old.results and all(r["unit_kind"] == "major" for r in old.results)
    assert {r["school"] for r in old.results} == {"郑州大学"} and old.results[0]["majors"] == ["土木工程"]
    assert old.results[0]["unit_rank"] == 170 and old.results[0]["range"] is None


def test_hong_kong_macao_taiwan_are_told_apart(engine: Engine) -> None:
    a = engine.answer("台湾 理科 500分")
    assert a.problem is not None and maybe_text(a.problem).startswith("港澳台考生一般参加港澳台联招")
    assert maybe_text(engine.answer("理科 500分").problem) == "没有看出您是哪个省份的考生，请带上省份，例如“河南 理科 447200”。"


def test_a_stated_rank_wins_over_a_stated_score(engine: Engine) -> None:
    table = engine.store.table("河南", "物理类")
    assert table is not None
    near = table.rank_of(600)
    a = engine.answer(f"河南 物理类 600分 位次{near}")  # they agree: no note
    assert a.query["rank"] == near and not any("相差较大" in n for n in texts(a.notes))
    far = near * 3
    a = engine.answer(f"河南 物理类 600分 位次{far}")
    assert a.intent == "rank" and a.query["rank"] == far and a.query["score"] == 600
    assert texts(a.placement)[0].startswith(f"河南物理类 位次{far:,}，约合")  # the header is the stated rank's
    assert any(f"约合位次{near:,}，与您写的位次{far:,}相差较大" in n for n in texts(a.notes))


def test_to_dict_has_every_key_of_the_contract_and_is_a_copy(engine: Engine) -> None:

    keys = {"intent", "query", "results", "schools", "school", "major", "notes", "brief", "placement", "candidates",
            "problem", "note_codes"}
    for text in ("河南 理科 位次 250", "郑州大学怎么样", "郑大和河大哪个好", "你好", "河南 物理 位次200 想学计算机"):
        a = engine.answer(text)
        d = a.to_dict()
        assert set(d) == keys, text  # every intent's JSON has the same keys
        assert d["notes"] == texts(a.notes), text  # notes as text; codes under note_codes
        assert len(d["note_codes"]["notes"]) == len(texts(a.notes))
        json.dumps(d, ensure_ascii=False)
        if d["results"]:
            d["results"][0]["school"] = "changed"
            assert a.results[0]["school"] != "changed"  # a copy


def test_every_note_code_has_a_text() -> None:
    from bot.core.render.notes import TEXT

    assert all(callable(f) for f in TEXT.values())
    assert all(code.split(".")[0] in {"parse", "reach", "school", "major", "compare", "lines", "help"} for code in TEXT)


WARM_CASES = ["河南 物理 位次145", "河南 物理 位次5000", "河南 物理 位次145 想学计算机", "河南 物理 位次150 想学考古",
              "河南 理科 2024 位次250 想学土木工程", "河南 物理 500分", "郑州大学和河南大学哪个好", "河南 物理 位次190 郑州大学",
              "郑州大学的口腔医学专业怎么样"]


def test_an_engine_warmed_at_start_answers_as_one_building_on_first_use(tiny_db: Path) -> None:
    # group ladders are built a batch level at a time on first use; warm() builds them all at once
    lazy, warmed = Engine.open(tiny_db), Engine.open(tiny_db)
    assert warmed.warm() > 0
    for text in WARM_CASES:
        assert lazy.answer(text).to_dict() == warmed.answer(text).to_dict(), text


def test_a_dropped_engine_is_freed_without_the_cyclic_gc(tiny_db: Path, tmp_path: Path) -> None:
    # the served bot freezes a warmed engine out of the cyclic GC; a replaced one must then go by refcount alone
    path = tmp_path / "db.duckdb"
    shutil.copy(tiny_db, path)
    e = Engine.open(path)
    e.warm()
    for text in WARM_CASES:
        e.answer(text)
    gc.freeze()
    try:
        engine_ref, store_ref = weakref.ref(e), weakref.ref(e.store)
        e.store.close()
        del e
        assert engine_ref() is None and store_ref() is None
    finally:
        gc.unfreeze()
