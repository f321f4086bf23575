import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import pdf as pdf_module
from councils.models import Council, Stage
from reports.cache import clear_public_cache
from tests.factories import CivicCentreFactory, CouncilFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    cache.clear()


def public_urls(council):
    return [
        reverse("public:home"),
        reverse("public:council_list"),
        reverse("public:council", args=[council.pk]),
        reverse("public:civic_centres"),
    ]


def test_public_pages_answer_without_login(client):
    council = CouncilFactory(name="山目地域協働体")
    CivicCentreFactory(council=council)
    for url in public_urls(council):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="ja"' in response.content.decode()


def test_council_search_by_name_kana_and_area(client):
    CouncilFactory(name="山目地域協働体", kana="やまのめ", area="一関地域")
    CouncilFactory(name="藤沢地域協働体", kana="ふじさわ", area="藤沢地域")
    url = reverse("public:council_list")
    assert "藤沢地域協働体" not in client.get(url, {"q": "やまの"}).content.decode()
    assert "山目" in client.get(url, {"q": "山目"}).content.decode()
    body = client.get(url, {"area": "藤沢地域"}).content.decode()
    assert "藤沢地域協働体" in body and "山目地域協働体" not in body


@pytest.mark.parametrize(
    "params", [{"area": "存在しない地域"}, {"q": "x" * 500}, {"page": "abc"}, {"q": "'; DROP"}]
)
def test_unexpected_query_parameters_never_fail(client, params):
    CouncilFactory()
    assert client.get(reverse("public:council_list"), params).status_code == 200


@pytest.mark.parametrize(
    "url", ["/councils/999999/", "/councils/1/nothing.csv", "/councils/abc/", "/councils/1/x.xml"]
)
def test_unknown_council_table_or_format_is_a_japanese_404(client, url):
    CouncilFactory()
    response = client.get(url)
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_csv_has_bom_and_neutralises_formulas(client):
    council = CouncilFactory()
    MemberFactory(council=council, name='=HYPERLINK("http://evil")')
    MemberFactory(council=council, name="+81 団体")
    response = client.get(reverse("public:council_csv", args=[council.pk, "members"]))
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+81 団体" in text
    assert text.splitlines()[0] == "団体名,種別"


def test_json_and_csv_give_the_same_rows(client):
    yamanome = CouncilFactory(name="山目地域協働体", kana="やまのめ", area="一関地域")
    CivicCentreFactory(council=yamanome, name="山目市民センター")
    CivicCentreFactory(council=yamanome, name="山目分館")
    CouncilFactory(
        name="藤沢地域協働体",
        kana="ふじさわ",
        area="藤沢地域",
        stage=Stage.PREPARING,
        districts=[],
    )
    response = client.get(reverse("public:council_list_json", args=["councils"]))
    assert json.loads(response.content) == [
        {
            "name": "藤沢地域協働体",
            "kana": "ふじさわ",
            "area": "藤沢地域",
            "stage": "設立準備・合意形成",
            "civic_centres": "",
            "population": 0,
        },
        {
            "name": "山目地域協働体",
            "kana": "やまのめ",
            "area": "一関地域",
            "stage": "地域づくり計画策定済",
            "civic_centres": "山目分館、山目市民センター",
            "population": 1000,
        },
    ]
    response = client.get(reverse("public:council_list_csv", args=["councils"]))
    assert response.content.decode("utf-8-sig").splitlines() == [
        "名称,名称（かな）,地域,段階,拠点施設,人口",
        "藤沢地域協働体,ふじさわ,藤沢地域,設立準備・合意形成,,0",
        "山目地域協働体,やまのめ,一関地域,地域づくり計画策定済,山目分館、山目市民センター,1000",
    ]


def test_civic_centres_in_national_public_facility_columns(client):
    CivicCentreFactory(name="藤沢市民センター", kana="フジサワシミンセンター")
    response = client.get(reverse("public:civic_centres_csv", args=["public-facilities"]))
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ"]
    assert {"住所", "緯度", "経度", "電話番号"} <= set(header)


def test_secretary_typed_text_is_escaped(client):
    council = CouncilFactory(name="<script>alert(1)</script>協働体")
    body = client.get(reverse("public:council", args=[council.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_anonymous_pages_are_cached_until_cleared(client):
    council = CouncilFactory(name="旧名称協働体")
    url = reverse("public:council_list")
    assert "旧名称協働体" in client.get(url).content.decode()
    # A bulk update sends no signal: the page still comes from the cache.
    Council.objects.filter(pk=council.pk).update(name="新名称協働体")
    assert "旧名称協働体" in client.get(url).content.decode()
    clear_public_cache()
    assert "新名称協働体" in client.get(url).content.decode()


def test_admin_edit_of_a_council_clears_its_public_page(client, django_capture_on_commit_callbacks):
    council = CouncilFactory(name="旧名称協働体")
    url = reverse("public:council", args=[council.pk])
    assert "旧名称協働体" in client.get(url).content.decode()
    council.name = "新名称協働体"
    with django_capture_on_commit_callbacks(execute=True):
        council.save()
    assert "新名称協働体" in client.get(url).content.decode()
    assert "旧名称協働体" not in client.get(url).content.decode()


def test_member_and_centre_edits_clear_the_council_page(client, django_capture_on_commit_callbacks):
    council = CouncilFactory()
    member = MemberFactory(council=council, name="旧町内会")
    centre = CivicCentreFactory(council=council, name="旧市民センター")
    url = reverse("public:council", args=[council.pk])
    body = client.get(url).content.decode()
    assert "旧町内会" in body and "旧市民センター" in body
    member.name, centre.name = "新町内会", "新市民センター"
    with django_capture_on_commit_callbacks(execute=True):
        member.save()
        centre.save()
    body = client.get(url).content.decode()
    assert "新町内会" in body and "新市民センター" in body
    with django_capture_on_commit_callbacks(execute=True):
        member.delete()
    assert "新町内会" not in client.get(url).content.decode()


def test_logged_in_users_are_not_served_the_cache(client, admin_user):
    council = CouncilFactory(name="旧名称協働体")
    url = reverse("public:council_list")
    client.get(url)
    council.name = "新名称協働体"
    council.save()
    client.force_login(admin_user)
    assert "新名称協働体" in client.get(url).content.decode()


def test_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    first = CouncilFactory()
    CivicCentreFactory(council=first)
    counts = {}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in public_urls(first):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts[url] = len(captured)
    for _ in range(25):
        council = CouncilFactory()
        CivicCentreFactory(council=council)
        MemberFactory(council=first)
    for url in public_urls(first):
        cache.clear()
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_pdf_is_rendered_once_per_content(client):
    council = CouncilFactory()
    url = reverse("public:council_pdf", args=[council.pk])
    with mock.patch.object(pdf_module, "_render", wraps=pdf_module._render) as render:
        first = client.get(url)
        cache.clear()  # also past the page cache: the PDF cache alone must answer
        second = client.get(url)
        assert render.call_count == 1
        council.representative_name = "千葉 和夫"
        council.save()
        cache.clear()
        third = client.get(url)
        assert render.call_count == 2
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF-")
    assert second.content == first.content
    assert third.content != first.content
