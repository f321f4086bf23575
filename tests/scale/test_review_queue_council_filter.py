"""The review queue's 地域協働体 filter lists councils only while there are few of them; the
parameter filters whatever their number."""

import pytest
from django.urls import reverse

from subsidies.admin_lifecycle import CouncilFilter
from subsidies.models import Application, Status, SubsidyProgramme
from tests.subsidies.factories import RuleFactory, make_councils

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"


@pytest.fixture
def queue(monkeypatch):
    monkeypatch.setattr(CouncilFilter, "MAX_CHOICES", 3)
    programme = RuleFactory().programme
    assert isinstance(programme, SubsidyProgramme)

    def applications(councils):
        Application.objects.bulk_create(
            Application(
                council=council,
                programme=programme,
                fiscal_year=2026,
                title=f"{council.name}の事業",
                status=Status.SUBMITTED,
                requested_amount=100_000,
            )
            for council in councils
        )

    return applications


def council_links(response) -> int:
    return response.content.decode().count("council__id__exact=")


def test_few_councils_are_listed(admin_client_staff, queue):
    councils = make_councils(3, population=100, prefix="少数")
    queue(councils)
    response = admin_client_staff.get(
        reverse("admin:subsidies_application_changelist"), HTTP_HOST=HOST
    )
    assert response.status_code == 200
    assert council_links(response) == 3
    for council in councils:
        assert council.name in response.content.decode()


def test_many_councils_are_not_listed_but_still_filter(admin_client_staff, queue):
    councils = make_councils(4, population=100, prefix="多数")
    queue(councils)
    url = reverse("admin:subsidies_application_changelist")
    response = admin_client_staff.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert council_links(response) == 0
    assert "多数" in response.content.decode()  # the rows are there

    response = admin_client_staff.get(url, {"council__id__exact": councils[1].pk}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(
        Application.objects.filter(council=councils[1])
    )
    page = response.content.decode()
    assert f"{councils[1].name}" in page  # its row, and the filter's one link, chosen
    for other in (councils[0], councils[2], councils[3]):
        assert other.name not in page
