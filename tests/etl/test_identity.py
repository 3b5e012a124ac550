"""School identity: merging catalogues, aliases, and resolving noisy spellings."""

from __future__ import annotations

from pathlib import Path

from etl.identity import SchoolResolver, build_catalogue
from etl.rows import Alias, SchoolInfo

MOE = "liuxusummer__gaokao-advisor/public/data/common/colleges.json"
RK = "HenryTJS__ruanke_crawler/derived_institution_univList.json"
GK = "tiankongzhise__gaokao_school/985-1.json"


def catalogue(tmp_path: Path) -> SchoolResolver:
    infos = [
        SchoolInfo(MOE, "北京大学", moe_code="4111010001", province="北京", city="北京", level="本科", nature="公办"),
        SchoolInfo(MOE, "华北电力大学", moe_code="4111010054", province="北京", level="本科"),
        SchoolInfo(MOE, "上海商学院", moe_code="4131012050", province="上海", level="本科"),
        SchoolInfo(MOE, "上海商业职业技术学院", moe_code="4131010000", province="上海", level="专科"),
        SchoolInfo(MOE, "深圳职业技术大学", moe_code="4144011113", province="广东", level="职业本科"),
        SchoolInfo(MOE, "中国石油大学(北京)", moe_code="4111011414", province="北京", level="本科"),
        SchoolInfo(RK, "北京大学", category="综合", is985=True, is211=True, ranking=2, ranking_name="软科2025"),
        SchoolInfo(GK, "北京大学", category="综合类", tags=("C9",), gaokao_id="31"),
        SchoolInfo(RK, "国防科技大学", category="理工", is985=True, is211=True),
    ]
    aliases = [Alias("x", "深圳职业技术学院", "深圳职业技术大学", "former", moe_code="4144011113")]
    short = tmp_path / "short.tsv"
    short.write_text("# short\tofficial\tnote\n北大\t北京大学\n", encoding="utf-8")
    return SchoolResolver(build_catalogue(infos, aliases, short))


def test_catalogue_merges_by_code_and_name(tmp_path: Path) -> None:
    cat = build_catalogue(
        [SchoolInfo(MOE, "北京大学", moe_code="1", level="本科"),
         SchoolInfo(RK, "北京大学", category="综合", is985=True, ranking=2, ranking_name="软科2025"),
         SchoolInfo(GK, "北京大学", category="综合类", tags=("C9",))],
        [], None)
    assert len(cat.schools) == 1
    s = next(iter(cat.schools.values()))
    assert (s.name, s.level, s.category, s.is985, s.is211, s.ranking) == ("北京大学", "本科", "综合", True, True, 2)
    assert s.tags == ("C9",)


def test_non_founding_catalogue_does_not_create_schools(tmp_path: Path) -> None:
    cat = build_catalogue([SchoolInfo(GK, "某某大学")], [], None)
    assert cat.schools == {}


def test_resolver_paths(tmp_path: Path) -> None:
    r = catalogue(tmp_path)
    pku = r.resolve("北京大学").school_id
    assert pku is not None
    assert r.resolve("北京大学").how == "exact"
    assert r.resolve("北大").school_id == pku
    assert r.resolve("北京大学(地方专项)").school_id == pku
    med = r.resolve("北京大学医学部")
    assert (med.school_id, med.campus, med.how) == (pku, None, "campus")  # a faculty of 北京大学, not a campus (a place)
    bd = r.resolve("华北电力大学(保定)")
    assert bd.campus == "保定" and bd.school_id == r.resolve("华北电力大学").school_id
    assert r.resolve("深圳职业技术学院").school_id == r.resolve("深圳职业技术大学").school_id
    assert r.resolve("中国石油大学（北京）").school_id == r.resolve("中国石油大学(北京)").school_id
    abbrev = r.resolve("上海商院")
    assert abbrev.how == "abbreviation" and abbrev.school_id == r.resolve("上海商学院").school_id
    assert r.resolve("国防科技大学").school_id is not None  # 软科 founds schools missing from the MOE list
    assert r.resolve("完全不存在的学校").school_id is None
    assert r.resolve("北京大学") is r.resolve("北京大学")  # cached


def test_renames_newer_than_the_catalogue(tmp_path: Path) -> None:
    renames = tmp_path / "renames.tsv"
    renames.write_text("# old\tnew\tyear\tnote\n闽江学院\t闽江大学\t2025\t\n旧名学院\t北京大学\t\t\n"
                       "北大医\t北京大学医学部\t\tspelling\n", encoding="utf-8")
    cat = build_catalogue([SchoolInfo(MOE, "闽江学院", moe_code="1"), SchoolInfo(MOE, "北京大学", moe_code="2")],
                          [], None, renames)
    r = SchoolResolver(cat)
    sid = r.resolve("闽江大学").school_id
    assert sid is not None and cat.schools[sid].name == "闽江大学"  # the school takes its new name
    assert r.resolve("闽江学院").school_id == sid  # and keeps the old one as an alias
    assert r.resolve("旧名学院").school_id == r.resolve("北京大学").school_id
    med = r.resolve("北大医")
    assert (med.school_id, med.campus) == (r.resolve("北京大学").school_id, None)
