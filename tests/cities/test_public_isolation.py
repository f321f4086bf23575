"""Two cities on one install, over HTTP: each city's host shows that city's public content
only, in that city's words, in every format (HTML, PDF, CSV, JSON, 360Giving)."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import tenancy
from reports.giving360 import validation_errors
from tests.cities import make_city

from .public_world import crawl, populate

pytestmark = pytest.mark.django_db

A_HOST = "ichinoseki.test"
B_HOST = "yamaguchi.test"

# Every kind of public page, each in each format: the crawl must reach all of them.
EXPECTED_ROUTES = (
    "public:home",
    "public:home_pdf",
    "public:home_csv",
    "public:home_json",
    "public:council_list",
    "public:council_list_pdf",
    "public:council_list_csv",
    "public:council_list_json",
    "public:council",
    "public:council_pdf",
    "public:council_csv",
    "public:council_json",
    "public:civic_centres",
    "public:civic_centres_pdf",
    "public:civic_centres_csv",
    "public:civic_centres_json",
    "public:plans",
    "public:plans_pdf",
    "public:plans_csv",
    "public:plans_json",
    "public:plan",
    "public:plan_pdf",
    "public:plan_csv",
    "public:plan_progress",
    "public:plan_progress_pdf",
    "public:plan_progress_csv",
    "public:plan_progress_period",
    "public:plan_rollup",
    "public:plan_rollup_csv",
    "public:plan_rollup_json",
    "public:plan_indicators",
    "public:plan_indicators_csv",
    "public:plan_indicators_json",
    "public:transparency",
    "public:transparency_pdf",
    "public:transparency_csv",
    "public:transparency_json",
    "public:giving360",
    "public:city_report_latest",
)


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    cache.clear()


@pytest.fixture
def two_cities(city):
    a = populate(city, "山目", address="岩手県一関市山目字中野1番地")
    b_city = make_city("yamaguchi")
    with tenancy.city_scope(b_city):
        b = populate(b_city, "仁保", address="山口県山口市仁保中郷1番地")
    return a, b, b_city


def route_names(urls):
    from django.urls import resolve

    names = set()
    for url in urls:
        match = resolve(url.split("?")[0])
        names.add(f"{match.namespace}:{match.url_name}")
    return names


def test_a_citys_host_shows_none_of_the_other_citys_content(client, two_cities):
    a, b, _ = two_cities
    pages = crawl(client, A_HOST, ["/"])
    assert not set(EXPECTED_ROUTES) - route_names(pages), "crawl missed pages"
    assert len(pages) > 50
    for url, (status, text) in pages.items():
        assert status == 200, url
        for name in b.names:
            assert name not in text, (url, name)
        for word in ("山口市", "地域づくり協議会", "地域交流センター", "352039"):
            assert word not in text, (url, word)
    # A's own content is there, so the crawl read real pages.
    every_text = "\n".join(text for _, text in pages.values())
    for name in a.names:
        assert name in every_text, name


def test_the_other_citys_content_is_shown_at_its_own_host(client, two_cities):
    a, b, _ = two_cities
    pages = crawl(client, B_HOST, ["/"])
    assert not set(EXPECTED_ROUTES) - route_names(pages)
    every_text = "\n".join(text for _, text in pages.values())
    for name in b.names:
        assert name in every_text, name
    for url, (status, text) in pages.items():
        assert status == 200, url
        for name in a.names:
            assert name not in text, (url, name)
        assert "一関市" not in text, url


def test_the_other_citys_ids_are_not_found(client, two_cities):
    _, b, _ = two_cities
    council, plan = b.council.pk, b.plan.pk
    urls = [
        reverse("public:council", args=[council]),
        reverse("public:council_pdf", args=[council]),
        reverse("public:council_csv", args=[council, "members"]),
        reverse("public:council_json", args=[council, "members"]),
    ]
    for name in ("plan", "plan_progress", "plan_rollup", "plan_indicators"):
        urls += [
            reverse(f"public:{name}", args=[plan]),
            reverse(f"public:{name}_pdf", args=[plan]),
        ]
    urls.append(reverse("public:plan_csv", args=[plan, "items"]))
    urls.append(reverse("public:plan_progress_period", args=[plan, "2020"]))
    with tenancy.city_scope(make_city("yamaguchi")):
        from reports.models import ReportJob

        b_report = ReportJob.objects.get().pk
    urls.append(reverse("public:city_report", args=[b_report]))
    for url in urls:
        response = client.get(url, HTTP_HOST=A_HOST)
        assert response.status_code == 404, url
        assert "ページが見つかりません" in response.content.decode(), url
    # …and the same ids answer at their own city's host.
    assert client.get(urls[0], HTTP_HOST=B_HOST).status_code == 200
    assert client.get(urls[4], HTTP_HOST=B_HOST).status_code == 200


def test_the_other_city_speaks_its_own_words_everywhere(client, two_cities):
    _, b, _ = two_cities
    pages = crawl(client, B_HOST, ["/"])
    every_text = "\n".join(text for _, text in pages.values())
    assert "地域づくり協議会" in every_text and "地域交流センター" in every_text
    for url, (_, text) in pages.items():
        assert "地域協働体" not in text, url
        assert "市民センター" not in text, url
    home = pages["/"][1]
    assert "<title>山口市の地域協働 | 山口市 地域協働ポータル</title>" in home
    assert '<a href="/councils/">地域づくり協議会</a>' in home
    assert '<a href="/civic-centres/">地域交流センター</a>' in home
    councils = client.get(reverse("public:council_list"), HTTP_HOST=B_HOST).content.decode()
    assert "<h1>地域づくり協議会の一覧</h1>" in councils
    centres_csv = pages["/civic-centres/centres.csv"][1].splitlines()
    assert centres_csv[0] == "名称,住所,電話番号,拠点とする地域づくり協議会,管理運営"
    assert centres_csv[1].endswith(",指定管理（地域づくり協議会）")
    facilities = json.loads(pages["/civic-centres/public-facilities.json"][1])
    assert facilities[0]["種類"] == "地域交流センター"
    assert facilities[0]["全国地方公共団体コード"] == "352039"
    grants_csv = pages["/subsidies/grants.csv"][1].splitlines()
    assert grants_csv[0].split(",")[:2] == ["年度", "地域づくり協議会"]
    items_csv = pages[reverse("public:plan_csv", args=[b.plan.pk, "items"])][1]
    assert "地域づくり協議会: 見守りの担い手を募る／地域交流センター: 会場を貸す" in items_csv


def test_each_citys_360giving_file_names_its_own_funder(client, two_cities):
    a_data = json.loads(client.get(reverse("public:giving360"), HTTP_HOST=A_HOST).content)
    b_data = json.loads(client.get(reverse("public:giving360"), HTTP_HOST=B_HOST).content)
    assert validation_errors(a_data) == []
    assert validation_errors(b_data) == []
    assert a_data["title"] == "一関市 地域協働の補助金交付状況"
    assert b_data["title"] == "山口市 地域協働の補助金交付状況"
    (a_grant,) = a_data["grants"]
    (b_grant,) = b_data["grants"]
    assert a_grant["fundingOrganization"] == [
        {
            "id": "JP-LG-032093",
            "name": "一関市",
            "department": "まちづくり推進部 いちのせき元気な地域づくり推進課",
        }
    ]
    assert b_grant["fundingOrganization"] == [
        {"id": "JP-LG-352039", "name": "山口市", "department": "地域生活部 協働推進課"}
    ]
    assert a_grant["id"].startswith("JP-LG-032093-")
    assert b_grant["id"].startswith("JP-LG-352039-")
    assert b_grant["recipientOrganization"][0]["id"].startswith("JP-LG-352039-council-")
    assert b_grant["recipientOrganization"][0]["name"] == "仁保地域づくり協議会"
    assert b_grant["grantProgramme"][0]["title"] == "仁保地域づくり交付金"
