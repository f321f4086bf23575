"""What a citizen reads on the public pages: kana search, links to progress, the city's
所見, status headings in words, one way of writing numbers, 和暦 chart axes, printing."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import tenancy
from core.templatetags.numbers import count, status_heading, yen_amount
from councils.models import PopulationRecord
from councils.reading import reading_forms
from plans.models import Indicator, IndicatorValue, ReviewState
from plans.public import public_comment
from reports.charts import era_short
from subsidies.models import Status
from tests.cities import make_city
from tests.factories import CouncilFactory
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory
from tests.subsidies.conftest import world  # noqa: F401 (the subsidies fixture, used below)
from tests.subsidies.lifecycle import application_in

pytestmark = pytest.mark.django_db

PRINT_LINK = '<link rel="stylesheet" href="/static/css/print.css" media="print">'


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()


# 1. Kana search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "forms"),
    [
        ("ヤマノメ", ["ヤマノメ", "やまのめ"]),
        ("ﾔﾏﾉﾒ", ["ヤマノメ", "やまのめ"]),
        ("やまのめ", ["やまのめ", "ヤマノメ"]),
        ("山目", ["山目"]),
        ("　ｙａｍａ ", ["yama"]),
        ("   ", []),
    ],
)
def test_reading_forms_of_a_query(typed, forms):
    assert reading_forms(typed) == forms


@pytest.fixture
def two_councils():
    CouncilFactory(name="山目地域協働体", kana="やまのめちいききょうどうたい")
    # A reading typed in katakana in the import sheet is found by hiragana too.
    CouncilFactory(name="藤沢地域協働体", kana="フジサワチイキキョウドウタイ")


@pytest.mark.parametrize("typed", ["ヤマノメ", "ﾔﾏﾉﾒ", "やまのめ", "山目", "ﾔﾏﾉﾒﾁｲｷ"])
def test_council_search_finds_yamanome_in_every_form(client, two_councils, typed):
    body = client.get(reverse("public:council_list"), {"q": typed}).content.decode()
    assert f"「{typed}」 の検索結果: 1団体" in body
    assert ">山目地域協働体</a>" in body
    assert ">藤沢地域協働体</a>" not in body


@pytest.mark.parametrize("typed", ["ふじさわ", "フジサワ", "ﾌｼﾞｻﾜ"])
def test_a_katakana_reading_is_found_in_hiragana_and_half_width(client, two_councils, typed):
    body = client.get(reverse("public:council_list"), {"q": typed}).content.decode()
    assert ">藤沢地域協働体</a>" in body and ">山目地域協働体</a>" not in body


def test_kana_search_runs_a_fixed_number_of_queries(client, two_councils):
    url = reverse("public:council_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "ﾔﾏﾉﾒ"})
    for n in range(20):
        CouncilFactory(name=f"山目第{n}地域協働体", kana=f"やまのめだい{n}")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        body = client.get(url, {"q": "ﾔﾏﾉﾒ"}).content.decode()
    assert "の検索結果: 21団体" in body
    assert len(many) == len(few)


# 2 and 3. The home page links each new progress entry; the city's 所見 is shown ------------


@pytest.fixture
def progress(council):
    plan = PlanFactory(community=True, council=council, title="山目の地域づくり計画")
    item = PlanItemFactory(policy=PolicyFactory(plan=plan), title="見守り活動")
    published = EntryFactory(
        item=item,
        fiscal_year=2024,
        done="見守りを続けた。",
        participants=1230,
        meetings=12,
        state=ReviewState.ACCEPTED,
        published_at=timezone.now(),
        staff_comment="地域ぐるみの見守りが定着しています。",
    )
    EntryFactory(
        item=item,
        fiscal_year=2025,
        done="承認済みでまだ公開していない。",
        state=ReviewState.ACCEPTED,
        staff_comment="公開前の所見です。",
    )
    return plan, published


def test_home_links_each_new_entry_to_its_row_on_the_progress_page(client, progress):
    plan, entry = progress
    home = client.get(reverse("public:home")).content.decode()
    link = f'<a href="/plans/{plan.pk}/progress/#entry-{entry.pk}">山目の地域づくり計画「見守り活動」令和6年度</a>'
    assert link in home
    page = client.get(reverse("public:plan_progress", args=[plan.pk])).content.decode()
    assert f'<tr id="entry-{entry.pk}">' in page


def test_the_citys_comment_is_shown_on_published_progress_only(client, progress, council):
    plan, _entry = progress
    page = client.get(reverse("public:plan_progress", args=[plan.pk])).content.decode()
    assert "<strong>市の所見</strong>：地域ぐるみの見守りが定着しています。" in page
    council_page = client.get(reverse("public:council", args=[council.pk])).content.decode()
    assert "地域ぐるみの見守りが定着しています。" in council_page
    rows = json.loads(
        client.get(reverse("public:plan_progress_json", args=[plan.pk, "progress"])).content
    )
    assert [(r["period"], r["city_comment"]) for r in rows] == [
        ("令和6年度", "地域ぐるみの見守りが定着しています。")
    ]
    for text in (page, council_page):
        assert "公開前の所見です。" not in text


def test_the_comment_is_public_once_the_entry_is_published(progress):
    plan, published = progress
    unpublished = plan.items.get().entries.get(fiscal_year=2025)
    assert public_comment(published) == "地域ぐるみの見守りが定着しています。"
    assert public_comment(unpublished) == ""


def test_another_citys_comment_never_shows(client, progress):
    plan, _entry = progress
    other = make_city("yamaguchi")
    with tenancy.city_scope(other):
        theirs = PlanFactory(community=True, council=CouncilFactory(name="仁保地域づくり協議会"))
        EntryFactory(
            item=PlanItemFactory(policy=PolicyFactory(plan=theirs)),
            state=ReviewState.ACCEPTED,
            published_at=timezone.now(),
            staff_comment="山口市の所見です。",
        )
    for url in (reverse("public:home"), reverse("public:plan_progress", args=[plan.pk])):
        assert "山口市の所見です。" not in client.get(url).content.decode()
    assert client.get(reverse("public:plan_progress", args=[theirs.pk])).status_code == 404


# 4. Roll-up headings in words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "heading"),
    [("-", "未評価（-）"), ("－", "未評価（－）"), ("達成済", "達成済"), ("A", "A")],
)
def test_status_heading(label, heading):
    assert status_heading(label) == heading


def test_rollup_headings_name_every_status_in_words(client, progress):
    plan, _entry = progress
    page = client.get(reverse("public:plan_rollup", args=[plan.pk])).content.decode()
    headings = [
        "達成済",
        "実施進行中・調査検討中",
        "未達成",
        "未評価（-）",
    ]
    row = "".join(f'<th scope="col" class="num">{h}</th>' for h in headings)
    assert row in page
    assert '<th scope="col" class="num">-</th>' not in page
    response = client.get(reverse("public:plan_rollup_csv", args=[plan.pk, "rollup"]))
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.endswith("未達成,未達成（%）,未評価（-）,未評価（-）（%）")


# 5. One way of writing numbers -------------------------------------------------------------


def test_number_filters():
    assert count(1230, "人") == "1,230人"
    assert count(0, "件") == "0件"
    assert count(None, "人") == "—"
    assert yen_amount(123456) == "123,456円"
    assert yen_amount(None, "未確定") == "未確定"


def test_counts_carry_separators_and_units_on_every_page(client, progress, council):
    plan, _entry = progress
    # The council covers one district of 1,000 people (CouncilFactory); now 1,230.
    PopulationRecord.objects.filter(district__councils=council).update(population=1230)
    progress_page = client.get(reverse("public:plan_progress", args=[plan.pk])).content.decode()
    assert (
        '<span class="nowrap">開催回数 12回</span>、<span class="nowrap">延べ参加人数 1,230人</span>'
        in progress_page
    )
    listing = client.get(reverse("public:council_list")).content.decode()
    assert '<td class="num" data-label="人口">1,230人</td>' in listing
    profile = client.get(reverse("public:council", args=[council.pk])).content.decode()
    assert "<dd>1,230人（住民基本台帳による地区別人口の合計）</dd>" in profile
    home = client.get(reverse("public:home")).content.decode()
    assert "1団体（区域の人口 合計 1,230人）" in home


def test_an_unconfirmed_amount_reads_the_same_in_both_tables(client, world):  # noqa: F811
    application_in(world, Status.DECIDED, amount=50_000)
    body = client.get(reverse("public:transparency")).content.decode()
    # 補助制度別: 件数, 交付決定額, 支払額, 確定額; 団体別: 交付決定額, 支払額, 確定額.
    assert (
        '<td data-label="件数" class="num">1</td>'
        '<td data-label="交付決定額（円）" class="num">50,000</td>'
        '<td data-label="支払額（円・返還後）" class="num">0</td>'
        '<td data-label="確定額（円）">未確定</td>' in body
    )  # 補助制度別
    assert (
        '<td data-label="交付決定額（円）" class="num">50,000</td>'
        '<td data-label="支払額（円・返還後）" class="num">0</td>'
        '<td data-label="確定額（円）">未確定</td><td data-label="交付決定日">' in body
    )  # 団体別
    assert 'data-label="確定額（円）" class="num">0<' not in body
    for slug in ("programmes", "grants"):
        rows = json.loads(client.get(reverse("public:transparency_json", args=[slug])).content)
        assert [r["confirmed_amount"] for r in rows] == [None], slug  # open data: null
    council_page = client.get(reverse("public:council", args=[world.council.pk]))
    assert '<td data-label="確定額（円）">未確定</td>' in council_page.content.decode()


def test_a_programme_sums_the_amounts_confirmed_so_far(client, world):  # noqa: F811
    application_in(world, Status.COMPLETED, refund=True, amount=100_000)  # confirmed 70,000
    application_in(world, Status.DECIDED, amount=50_000)
    programmes = json.loads(
        client.get(reverse("public:transparency_json", args=["programmes"])).content
    )
    assert [r["confirmed_amount"] for r in programmes] == [70_000]
    grants = json.loads(client.get(reverse("public:transparency_json", args=["grants"])).content)
    assert sorted((g["decided_amount"], g["confirmed_amount"]) for g in grants) == [
        (50_000, None),
        (100_000, 70_000),
    ]


# 6. Chart axes in 和暦 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "short"), [(2024, "R6"), (2019, "R1"), (2018, "H30"), (1989, "H1"), (1988, "S63")]
)
def test_era_short(year, short):
    assert era_short(year) == short


def test_indicator_chart_axis_is_labelled_in_wareki(client, progress):
    plan, _entry = progress
    indicator = Indicator.objects.create(
        plan=plan, name="見守り協力員", unit="人", baseline_year=2019, baseline_value="40"
    )
    IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=2022, kind="actual", value=Decimal("45")
    )
    IndicatorValue.objects.create(
        indicator=indicator, fiscal_year=2024, kind="target", value=Decimal("60")
    )
    page = client.get(reverse("public:plan_indicators", args=[plan.pk])).content.decode()
    for tick in ("R1", "R4", "R6"):
        assert f'fill="#333">{tick}</text>' in page
    assert 'fill="#333">2019</text>' not in page
    assert "（横軸は年度。R1＝令和元年度）" in page
    assert "西暦" not in page
    description = "基準値 令和元年度 40.0人、令和4年度 実績 45.0人、令和6年度 目標 60.0人"
    assert f'<desc id="chart-1-desc">{description}</desc>' in page


# 7. Printing ---------------------------------------------------------------------------------


def test_every_page_links_the_print_stylesheet(client, progress, secretary_client):
    plan, _entry = progress
    for url in (reverse("public:home"), reverse("public:plan_progress", args=[plan.pk])):
        assert PRINT_LINK in client.get(url).content.decode(), url
    assert PRINT_LINK in secretary_client.get(reverse("portal:home")).content.decode()


def test_the_print_stylesheet_sets_a4_and_hides_the_menu():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/print.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "size: A4;" in css
    assert ".site-header nav" in css and "break-inside: avoid;" in css
