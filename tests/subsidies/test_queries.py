"""The review queue and the secretary dashboard run a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils.freshness import clear_council_rows
from subsidies.models import Application, Status

from .factories import make_councils
from .lifecycle import YEAR

pytestmark = pytest.mark.django_db

STATUSES = list(Status.values)


def bulk_applications(world, count, councils=None):
    councils = councils or [world.council]
    today = timezone.localdate()
    Application.objects.bulk_create(
        Application(
            council=councils[i % len(councils)],
            programme=world.programme,
            fiscal_year=YEAR,
            title=f"事業{i}",
            status=STATUSES[i % len(STATUSES)],
            requested_amount=10_000 + i,
            decided_amount=10_000 + i if i % 2 else None,
            report_due_on=today - timedelta(days=1 - i % 3),
            submitted_at=timezone.now(),
        )
        for i in range(count)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_review_queue_queries_do_not_grow(client, world):
    client.force_login(world.staff)
    url = reverse("admin:subsidies_application_changelist")
    councils = make_councils(20)
    bulk_applications(world, 5, councils)
    client.get(url)  # the staff user, cached from the first request on
    few = queries(client, url)
    bulk_applications(world, 45, councils)
    many = queries(client, url)
    assert many == few
    filtered = (
        url + f"?status=submitted&fiscal_year={YEAR}&programme__id__exact={world.programme.pk}"
    )
    assert queries(client, filtered) <= few + 1


def test_review_queue_with_many_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.staff)
    bulk_applications(world, 200, make_councils(30))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("admin:subsidies_application_changelist")).status_code == 200


def test_secretary_dashboard_queries_do_not_grow(client, world):
    client.force_login(world.secretary)
    bulk_applications(world, 3)
    client.get(reverse("subsidies_portal:list"))  # the secretary's access, cached
    clear_council_rows(council_id=world.council.pk)
    few = queries(client, reverse("portal:home"))  # the sections read afresh
    list_few = queries(client, reverse("subsidies_portal:list"))
    bulk_applications(world, 60)
    clear_council_rows(council_id=world.council.pk)  # bulk inserts send no signal
    assert queries(client, reverse("portal:home")) == few
    assert queries(client, reverse("subsidies_portal:list")) == list_few


def test_dashboard_shows_totals_for_this_year(client, world):
    from .lifecycle import application_in, step

    app = application_in(world, Status.DECIDED, amount=100_000)
    step(app, "pay_advance", world.staff, amount=40_000)
    client.force_login(world.secretary)
    html = client.get(reverse("portal:home")).content.decode()
    assert "¥100,000" in html and "¥40,000" in html
    assert "実績報告を提出" in html
