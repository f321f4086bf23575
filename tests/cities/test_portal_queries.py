"""The portal's pages run a fixed number of queries however many cities the install serves."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import generations
from core.models import Municipality, MunicipalityHost
from councils.freshness import council_key
from tests.cities.portal_world import build_city_portal
from tests.plans.factories import EntryFactory, PlanItemFactory
from tests.subsidies.lifecycle import draft

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
# The most queries each page may run, with one city or with 300 more.
# The list reads the programmes open to the council (its stage and the rules): two more.
LIMITS = {"home": 12, "list": 8, "detail": 10, "plan": 14}
# The dashboard with its sections in the cache: the session, the user, the tenure.
HOME_CACHED = 3


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    settings.MEDIA_ROOT = tmp_path / "media"


def add_cities(count):
    cities = Municipality.objects.bulk_create(
        Municipality(name=f"市{i}", slug=f"city{i:03d}", local_government_code="")
        for i in range(count)
    )
    MunicipalityHost.objects.bulk_create(
        MunicipalityHost(municipality=city, host=f"{city.slug}.test") for city in cities
    )
    cache.clear()  # bulk inserts send no signal; forget the cached host look-ups


def count_queries(client, url):
    client.get(url, HTTP_HOST=HOST)  # the host's city is cached after the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200, url
    return len(captured)


def test_portal_pages_run_the_same_queries_with_300_cities(
    client, city, django_assert_max_num_queries
):
    a = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    client.force_login(a.world.secretary)
    urls = {
        "home": reverse("portal:home"),
        "list": reverse("subsidies_portal:list"),
        "detail": reverse("subsidies_portal:detail", args=[a.application.pk]),
        "plan": reverse("plans_portal:plan", args=[a.plan.pk]),
    }
    one_city = {page: count_queries(client, url) for page, url in urls.items()}
    add_cities(300)
    assert Municipality.objects.count() == 301
    many_cities = {page: count_queries(client, url) for page, url in urls.items()}
    assert many_cities == one_city
    for page, url in urls.items():
        with django_assert_max_num_queries(LIMITS[page]):
            assert client.get(url, HTTP_HOST=HOST).status_code == 200


def test_the_dashboard_runs_the_same_queries_with_more_rows_and_fewer_once_cached(
    client, city, django_assert_max_num_queries
):
    a = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    client.force_login(a.world.secretary)
    url = reverse("portal:home")
    client.get(url, HTTP_HOST=HOST)  # the host's city is cached after the first request
    counts = []
    for more in (0, 20):
        for i in range(more):
            draft(a.world, title=f"事業{i}", amount=10_000)
            EntryFactory(item=PlanItemFactory(policy__plan=a.plan))
        generations.bump(council_key(a.world.council.pk))  # the sections afresh
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, HTTP_HOST=HOST).status_code == 200
        counts.append(len(captured))
        assert len(captured) <= LIMITS["home"]
        with django_assert_max_num_queries(HOME_CACHED):
            page = client.get(url, HTTP_HOST=HOST).content.decode()
        assert f"事業{more - 1}" in page if more else "事業0" not in page
    assert counts[0] == counts[1]
