"""The admin's query counts do not grow with the number of cities on the install."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Municipality

pytestmark = pytest.mark.django_db

A_HOST = "ichinoseki.test"
# Measured on SQLite with two cities; 300 more cities must not add a query.
LIMITS = {"review queue": 10, "council": 22, "applications": 11, "municipality": 9}


def many_cities(count):
    Municipality.objects.bulk_create(
        Municipality(name=f"第{n}市", slug=f"city-{n}", local_government_code="")
        for n in range(count)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, HTTP_HOST=A_HOST).status_code == 200
    return len(captured)


def test_review_queue_and_council_page_keep_their_counts_with_300_cities(
    client, city_a, city_b, django_assert_max_num_queries
):
    client.force_login(city_a.staff)
    urls = {
        "review queue": "/admin/plans/submittedprogress/",
        "council": f"/admin/councils/council/{city_a.council.pk}/change/",
        "applications": "/admin/subsidies/application/",
        "municipality": f"/admin/core/municipality/{city_a.city.pk}/change/",
    }
    before = {name: queries(client, url) for name, url in urls.items()}
    assert all(before[name] <= LIMITS[name] for name in urls), before
    many_cities(300)
    assert Municipality.objects.count() == 302
    for name, url in urls.items():
        with django_assert_max_num_queries(min(before[name], LIMITS[name])):
            assert client.get(url, HTTP_HOST=A_HOST).status_code == 200, name
