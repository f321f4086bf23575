"""The public page cache and the PDF cache are each city's own."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import pdf as pdf_module
from core import tenancy
from councils.models import Council
from reports.cache import clear_public_cache
from tests.cities import make_city
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

A_HOST = "ichinoseki.test"
B_HOST = "yamaguchi.test"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    cache.clear()


@pytest.fixture
def b():
    return make_city("yamaguchi")


def test_a_cached_page_of_one_city_is_never_served_at_another(client, b):
    CouncilFactory(name="山目地域協働体")
    with tenancy.city_scope(b):
        CouncilFactory(name="仁保地域づくり協議会")
    pages = [
        ("/", "一関市", "山口市"),
        ("/councils/", "山目地域協働体", "仁保地域づくり協議会"),
        ("/councils/councils.csv", "山目地域協働体", "仁保地域づくり協議会"),
        ("/subsidies/360giving.json", "一関市", "山口市"),
    ]
    for path, a_word, b_word in pages:
        a_body = client.get(path, HTTP_HOST=A_HOST).content.decode("utf-8-sig")
        b_body = client.get(path, HTTP_HOST=B_HOST).content.decode("utf-8-sig")
        assert a_word in a_body and b_word not in a_body, path
        assert b_word in b_body and a_word not in b_body, path
    a_home = client.get("/", HTTP_HOST=A_HOST).content.decode()
    b_home = client.get("/", HTTP_HOST=B_HOST).content.decode()
    assert "<h1>一関市の地域協働</h1>" in a_home
    assert "<h1>山口市の地域協働</h1>" in b_home
    councils = client.get("/councils/", HTTP_HOST=B_HOST).content.decode()
    assert "仁保地域づくり協議会" in councils and "山目地域協働体" not in councils


def test_publishing_in_one_city_clears_that_citys_pages_only(client, b):
    a_council = CouncilFactory(name="山目地域協働体")
    with tenancy.city_scope(b):
        b_council = CouncilFactory(name="仁保地域づくり協議会")
    url = reverse("public:council_list")
    assert "山目地域協働体" in client.get(url, HTTP_HOST=A_HOST).content.decode()
    assert "仁保地域づくり協議会" in client.get(url, HTTP_HOST=B_HOST).content.decode()
    # Bulk updates send no signal: both pages stay cached until someone clears them.
    Council.objects.filter(pk=a_council.pk).update(name="新山目地域協働体")
    with tenancy.city_scope(b):
        Council.objects.filter(pk=b_council.pk).update(name="新仁保地域づくり協議会")
        clear_public_cache()  # published in 山口市
    assert "新仁保地域づくり協議会" in client.get(url, HTTP_HOST=B_HOST).content.decode()
    a_body = client.get(url, HTTP_HOST=A_HOST).content.decode()
    assert "山目地域協働体" in a_body and "新山目地域協働体" not in a_body
    clear_public_cache()  # published in 一関市 (the city in force)
    assert "新山目地域協働体" in client.get(url, HTTP_HOST=A_HOST).content.decode()


def test_saving_a_row_clears_the_pages_of_the_rows_city(
    client, b, django_capture_on_commit_callbacks
):
    CouncilFactory(name="山目地域協働体")
    with tenancy.city_scope(b):
        b_council = CouncilFactory(name="仁保地域づくり協議会")
    url = reverse("public:council_list")
    client.get(url, HTTP_HOST=A_HOST)
    client.get(url, HTTP_HOST=B_HOST)
    with tenancy.all_cities():  # a platform operator's edit: the row says which city it is
        Council.objects.filter(pk=b_council.pk).update(name="旧仁保協議会")  # no signal
    with tenancy.city_scope(b), django_capture_on_commit_callbacks(execute=True):
        b_council.name = "新仁保地域づくり協議会"
        b_council.save()
    assert "新仁保地域づくり協議会" in client.get(url, HTTP_HOST=B_HOST).content.decode()
    with mock.patch("reports.views.selectors.council_list") as council_list:
        assert client.get(url, HTTP_HOST=A_HOST).status_code == 200
        council_list.assert_not_called()  # 一関市's page still came from the cache


def test_a_change_with_no_city_in_force_clears_every_city(client, b):
    url = reverse("public:home")
    CouncilFactory(name="山目地域協働体")
    client.get(url, HTTP_HOST=A_HOST)
    client.get(url, HTTP_HOST=B_HOST)
    with tenancy.all_cities():
        clear_public_cache()
    with mock.patch("reports.views.selectors.council_list", return_value=[]) as council_list:
        client.get(url, HTTP_HOST=A_HOST)
        client.get(url, HTTP_HOST=B_HOST)
        assert council_list.call_count == 2


def test_the_pdf_cache_is_kept_per_city(settings):
    html = "<html><body><p>同じ内容</p></body></html>"
    with mock.patch.object(pdf_module, "_render", return_value=b"%PDF-a\n%%EOF\n") as render:
        first = pdf_module.pdf_from_html(html)
        assert pdf_module.pdf_from_html(html) == first
        assert render.call_count == 1
        render.return_value = b"%PDF-b\n%%EOF\n"
        with tenancy.city_scope(make_city("yamaguchi")) as b:
            assert pdf_module.pdf_from_html(html) == b"%PDF-b\n%%EOF\n"
        assert render.call_count == 2
        assert pdf_module.pdf_from_html(html) == b"%PDF-a\n%%EOF\n"  # 一関市's file, still its own
    folders = sorted(p.name for p in (settings.MEDIA_ROOT / settings.PDF_CACHE_LOCATION).iterdir())
    assert folders == sorted([f"city-{tenancy.current_municipality_id()}", f"city-{b.pk}"])
