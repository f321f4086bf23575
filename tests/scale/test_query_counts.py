"""The admin's 試算 page and the secretary's dashboard run at most 12 queries, however many
councils, applications, population rows and progress entries the city has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo import councils as councils_demo
from demo import subsidies as subsidies_demo
from subsidies.models import Application, Budget, Status, SubsidyProgramme
from tests.cities.portal_world import build_city_portal
from tests.plans.factories import EntryFactory, PlanItemFactory
from tests.subsidies.factories import make_councils

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
MOST = 12


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def queries(client, url) -> int:
    client.get(url, HTTP_HOST=HOST)  # the host's city is cached after the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200, url
    return len(captured)


def test_allocation_page_runs_at_most_12_queries_with_ten_times_the_councils(
    admin_client_staff, django_assert_max_num_queries
):
    councils_demo.load()
    subsidies_demo.load()
    programme = SubsidyProgramme.objects.get(code="jigyo8")  # pays labour: the most queries
    url = reverse("admin:subsidies_subsidyprogramme_allocation", args=[programme.pk])
    url += "?fiscal_year=2026"
    few = queries(admin_client_staff, url)
    assert few <= MOST

    councils = make_councils(300, population=900, prefix="追加")
    Application.objects.bulk_create(
        Application(
            council=council,
            programme=programme,
            fiscal_year=2026 - i % 3,
            title=f"事業{i}",
            status=Status.DECIDED,
            requested_amount=100_000,
            decided_amount=100_000,
        )
        for i, council in enumerate(councils)
    )
    Budget.objects.filter(programme=programme, fiscal_year=2026).update(amount=900_000_000)
    assert queries(admin_client_staff, url) == few
    with django_assert_max_num_queries(MOST):
        response = admin_client_staff.get(url, HTTP_HOST=HOST)
    assert len(response.context["allocation"].rows) > 300
    # 100 decided 2026 grants of 100,000 yen each are counted against the budget.
    assert response.context["granted_total"] >= 100 * 100_000
    assert response.context["budget_left"] == 900_000_000 - response.context["granted_total"]


def test_secretary_dashboard_runs_at_most_12_queries_with_more_data(
    client, city, django_assert_max_num_queries
):
    portal = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    client.force_login(portal.world.secretary)
    url = reverse("portal:home")
    few = queries(client, url)
    assert few <= MOST

    council = portal.world.council
    for year in (2022, 2023, 2024):
        Application.objects.create(
            council=council,
            programme=portal.world.programme,
            fiscal_year=year,
            title=f"{year}年度の事業",
            status=Status.DECIDED,
            requested_amount=50_000,
            decided_amount=50_000,
        )
    for number in range(20):
        item = PlanItemFactory(plan=portal.plan, policy=None, number=f"追加{number}")
        EntryFactory(item=item, fiscal_year=2025)
    assert queries(client, url) == few
    with django_assert_max_num_queries(MOST):
        response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200
    # The page came from the cache (no template rendered): its 事務局 line names the secretary.
    assert f"<dt>事務局</dt><dd>{portal.world.secretary}</dd>" in response.content.decode()
