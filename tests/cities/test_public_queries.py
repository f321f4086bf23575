"""Public pages run the same number of queries however many cities share the database."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Municipality, MunicipalityHost

from .public_world import populate

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    cache.clear()


def test_public_pages_keep_their_query_counts_with_300_cities(
    client, city, django_assert_max_num_queries
):
    content = populate(city, "山目", address="岩手県一関市山目字中野1番地")
    urls = [
        reverse("public:home"),
        reverse("public:council_list"),
        reverse("public:council", args=[content.council.pk]),
        reverse("public:plan", args=[content.plan.pk]),
        reverse("public:transparency"),
    ]
    counts = {}
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, HTTP_HOST=HOST).status_code == 200
        counts[url] = len(captured)
    others = Municipality.objects.bulk_create(
        Municipality(name=f"試験{n}市", slug=f"city{n}", council_term=f"試験{n}協議会")
        for n in range(299)
    )
    MunicipalityHost.objects.bulk_create(
        MunicipalityHost(municipality=m, host=f"{m.slug}.test") for m in others
    )
    assert Municipality.objects.count() == 300
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(counts[url]):
            response = client.get(url, HTTP_HOST=HOST)
        assert response.status_code == 200, url
        assert "一関市" in response.content.decode(), url
        assert "試験" not in response.content.decode(), url
