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
    [(("护理学(国家专项)",), "国家专项"), (("计算机(中外合作办学)",), "中外合作办学"), (("少数民族预科班",), "预科"),
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
     ("北京大学医学部", "北京大学医学部", "北京大学", None),  # a faculty, not a campus
     ("华中科技大学(特殊类)", "华中科技大学", "华中科技大学", None),
     ("海南大学（其他单列）", "海南大学", "海南大学", None),
     ("河北工业大学(软件类)", "河北工业大学", "河北工业大学", None),
     ("东北大学秦皇岛分校", "东北大学秦皇岛分校", "东北大学", "秦皇岛分校"),
     ("哈尔滨工业大学（威海）", "哈尔滨工业大学(威海)", "哈尔滨工业大学", "威海"),
     ("中国石油大学(北京)克拉玛依校区", "中国石油大学(北京)克拉玛依校区", "中国石油大学(北京)", "克拉玛依校区"),
     ("北京大学第05组", "北京大学", "北京大学", None),
     ("  上海 商学院 ", "上海商学院", "上海商学院", None)],
)
def test_clean_school_name(raw: str, name: str, base: str, campus: str | None) -> None:
    c = nz.clean_school_name(raw)
    assert (c.name, c.base, c.campus) == (name, base, campus)


def test_shandong_rounds_are_not_batches() -> None:
    assert nz.batch_label("一批次", "山东") == "本科批"
    assert nz.batch_label("二批次", "山东") == "本科批"  # 山东大学 2020 in the 2nd round: still 本科
    assert nz.batch_label("二批次", "山东", "本科") == "本科批"
    assert nz.batch_label("二批次", "山东", "专科") == "专科批"
    assert nz.batch_label("一批次", "山东", "专科") == "专科批"
    assert nz.batch_label("本科二批次", "山东", "专科") == "本科批"  # the row's own level wins
    assert nz.batch_label("专科三批次", "山东") == "专科批"
    assert nz.batch_label("本科二批", "河南") == "本科二批"
    assert nz.round_of("一批次", "山东") == "first"
    assert nz.round_of("本科二批次", "山东") == "later"
    assert nz.round_of("专科三批次", "山东") == "later"
    assert nz.round_of("本科二批", "河南") == "first"  # a batch, not a round, elsewhere
    assert nz.round_of("本科一批次", "新疆") == "first"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("高职（专科）批第1次征集志愿", "solicit"), ("本科普通批征集志愿（第一轮）", "solicit"),
     ("普通类本科批次征求志愿", "solicit"), ("本科二批（第二次征集）", "solicit"), ("本科批(征集)", "solicit"),
     ("本科批补录", "supplement"), ("本科批第二次投档", "later"), ("高职（专科）批首轮投档", "first"),
     ("普通类本科批次平行志愿", "first"), ("本科一批", "first"), ("", "first")],
)
def test_round_of(raw: str, expected: str) -> None:
    assert nz.round_of(raw) == expected


# Real labels from the sources: (labels of one row: school remark, group, major, note, batch, track).
@pytest.mark.parametrize(
    ("texts", "programme", "label"),
    [(("普通类", None, "计算机科学与技术", None, "本科批", "物理类"), "ordinary", None),
     (("特殊类",), "special_type", "特殊类"),  # 华中科技大学（特殊类）, 河南 2024 本科一批
     (("其他单列",), "other_separate", "其他单列"),  # 海南大学（其他单列）
     ((None, None, "电子信息类(中外合作办学)(就读地点威海", None, "一批次"), "sino_foreign", "中外合作办学"),
     (("较高收费",), "high_fee", "较高收费"),
     (("软件类",), "high_fee", "软件类"),  # 河北工业大学(软件类)
     ((None, None, "会计(校企合作，华道数据处理(苏州)有限公司合作)"), "high_fee", "会计(校企合作,华道数据处理(苏州)有限公司合作)"),
     ((None, None, "法学(国家专项计划)", "国家专项 | 官网列招生数：2 | 国家专项计划理"), "national_special", "国家专项计划"),
     ((None, None, "法学(地方专项计划)"), "local_special", "地方专项计划"),
     ((None, None, None, None, "高校专项计划本科批"), "university_special", "高校专项计划本科批"),
     ((None, None, "数学类(强基计划)"), "special_type", "强基计划"),
     ((None, None, "按高考文化课成绩录取的艺术类专业"), "special_type", "按高考文化课成绩录取的艺术类专业"),
     (("乡村振兴专项预科",), "local_special", "乡村振兴专项预科"),
     (("预科班",), "preparatory", "预科班"),
     ((None, None, None, None, "一本预科"), "preparatory", "一本预科"),
     (("民族班",), "ethnic", "民族班"),
     ((None, None, "临床医学(农村订单定向)"), "directed", "农村订单定向"),
     ((None, None, None, None, "提前批公费师范生"), "directed", "提前批公费师范生"),
     (("非西藏生定藏就业",), "directed", "非西藏生定藏就业"),
     ((None, None, None, None, "单列类高职（专科）批"), "other_separate", "单列类高职(专科)批"),
     (("高本贯通",), "vocational_entry", "高本贯通"),
     ((None, None, None, None, "对口招生本科批"), "vocational_entry", "对口招生本科批"),
     ((None, None, None, None, "内地班"), "hmt", "内地班"),
     ((None, None, None, None, "本科一批次（内高班）"), "hmt", "内高班"),
     (("内地与港澳台地区合作办学",), "sino_foreign", "内地与港澳台地区合作办学"),
     (("闽台合作",), "other_separate", "闽台合作"),
     (("医护类",), "other_separate", "医护类"),
     ((None, None, None, None, "二本及预科"), "ordinary", None),  # a batch holding both
     ((None, None, "临床医学(非定向)"), "ordinary", None)],
)
def test_classify_programme(texts: tuple[str | None, ...], programme: str, label: str | None) -> None:
    assert nz.classify_programme(*texts) == (programme, label)


@pytest.mark.parametrize(
    ("remark", "neutral"),
    [("公办", True), ("石家庄市", True), ("一流大学建设高校", True), ("原烟台大学文经学院", True), ("宣城校区", True),
     ("特殊类", False), ("其他单列", False), ("八协计划", False), ("软件类", False)],
)
def test_neutral_remark(remark: str, neutral: bool) -> None:
    assert nz.neutral_remark(remark) is neutral


def test_zhejiang_second_segment_follows_the_school_level() -> None:
    assert nz.batch_label("平行录取二段", "浙江", "本科") == "本科批"  # 中国药科大学 2017 in 二段 is a 本科 programme
    assert nz.batch_label("平行录取二段", "浙江", "专科") == "专科批"
    assert nz.batch_label("平行录取二段", "浙江") == "专科批"  # a line: no school to decide by
    assert nz.batch_label("普通类二段", "山东", "本科") == "专科批"  # Shandong's 二段 is its 专科 segment


def test_shandong_zhuanke_is_filled_in_the_second_round() -> None:
    assert nz.round_of("专科二批次", "山东", "专科") == "first"  # 专科's own first round
    assert nz.round_of("专科三批次", "山东", "专科") == "later"
    assert nz.round_of("本科二批次", "山东", "本科") == "later"
    assert nz.round_of("二批次", "河南", "专科") == "first"  # not a round outside Shandong


def test_a_faculty_is_a_group_not_a_campus() -> None:
    from gaokao.names import faculty

    assert faculty("北京大学医学部（医护类）") == "医学部"
    assert faculty("山东大学威海分校") is None and faculty("郑州大学") is None


@pytest.mark.parametrize(
    ("raw", "school", "expected"),
    [
        # codes in every spelling the sources use -> 第{code}组, leading zeros dropped
        ("202", None, "第202组"), ("01", None, "第1组"), ("（102）", None, "第102组"), ("(01)", None, "第1组"),
        ("001专业组（不限）", None, "第1组"), ("03专业组(化学)(中外合作办学)", None, "第3组"), ("101专业组", None, "第101组"),
        ("第301组", None, "第301组"), ("第 03组", None, "第3组"), ("专业组003", None, "第3组"), ("05组,普通类", None, "第5组"),
        ("007专业", None, "第7组"), ("02 物理＋化学", None, "第2组"), ("101不限", None, "第101组"), ("Q2", None, "第Q2组"),
        ("第C02组", None, "第C02组"), ("0A3专业组(选考科目不限)国家专项计划", None, "第0A3组"), ("院校专业组 088003", None, "第88003组"),
        ("第一次投档 101 第101组", None, "第101组"), ("304 第304组(国家专项)", None, "第304组"),
        ("选考物理+化学，005专业组。", None, "第5组"), ("206.物理组", None, "第206组"),
        # the school's name, province, year, batch and track around the code are noise
        ("北京大学第06组", "北京大学", "第6组"), ("阿坝师范学院(01)", "阿坝师范学院", "第1组"),
        ("北京大学历史类第005组(不限)", "北京大学", "第5组"), ("苏州城市学院01专业组(不限)", "苏州城市学院", "第1组"),
        # groups known by name (华中科技大学, 清华大学, 中国科学院大学 ...)
        ("华中科技大学2025福建普通批|理工组：物+化", "华中科技大学", "理工组"),
        ("华中科技大学2025福建普通批|医科组：物+化", "华中科技大学", "医科组"),
        ("华中科技大学2025福建普通批|分类投档 - 医科：物+化", "华中科技大学", "分类投档-医科"),
        ("华中科技大学2024北京普通批|030理工组：物+化", "华中科技大学", "第30组 理工组"),
        ("清华大学2024安徽本科一批/普通批|物化组", "清华大学", "物化组"),
        ("中南大学-天津-综合改革-不限组", "中南大学", "不限组"),
        ("中国科学院大学北京|统考|物理+化学/生物组", "中国科学院大学", "物理+化学/生物组"),
        ("专业组(物理+化学)(苏州医学院)", None, "物理+化学组(苏州医学院)"), ("（W不限）", None, "不限组"),
        # no group: batches, rounds, major codes, subject requirements, school/province/major paths
        ("本科批平行志愿", None, None), ("本科批第1次征集", None, None), ("本科批平行志愿-105", None, None),
        ("首轮｜一般统考生", None, None), ("院校专业组投档线", None, None), ("普通类专业组", None, None), ("普通类", None, None),
        ("专业代号01", None, None), ("专业编号41", None, None), ("第一次填报/专业00/普通类/非定向", None, None),
        ("物理+化学", None, None), ("\\", None, None), ("--", None, None), ("", None, None), (None, None, None),
        ("本科一批院校平行投档分数线 / 河南院校代码 0001", None, None), ("二本及预科原始志愿", None, None),
        ("中南大学-湖南-物理类-本科普通类-法学", "中南大学", None), ("专业组北京师范大学|普通类|物理", "北京师范大学", None),
        ("武汉理工大学安徽物理类|普通类|首选物理，再选化学", "武汉理工大学", None), ("苏州大学2023安徽文史", "苏州大学", None),
        ("南京邮电大学|安徽|2025|普通类|物理+化学|代码12", "南京邮电大学", None), ("非公安专业无科目组要求", None, None),
        ("S-福建-2024-普通类本科批-物理科目组-土木工程", None, None),
    ],
)
def test_group_label(raw: str | None, school: str | None, expected: str | None) -> None:
    assert nz.group_label(raw, school) == expected
