"""The secretary's dashboard shows their own council's liaison, never another council's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from staffing.models import LiaisonRole
from tests.factories import CouncilFactory
from tests.staffing.factories import LiaisonAssignmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def test_dashboard_shows_the_liaisons_name_and_department(secretary_client, council):
    today = timezone.localdate()
    LiaisonAssignmentFactory(
        council=council,
        started_on=today - timedelta(days=30),
        staff=StaffMemberFactory(name="佐藤 健太", department="花泉支所 地域振興課"),
    )
    LiaisonAssignmentFactory(
        council=council,
        role=LiaisonRole.DEPUTY,
        started_on=today - timedelta(days=30),
        staff=StaffMemberFactory(name="熊谷 恵", department="まちづくり推進課"),
    )
    other = CouncilFactory()
    LiaisonAssignmentFactory(
        council=other,
        started_on=today - timedelta(days=30),
        staff=StaffMemberFactory(name="他地域 担当", department="大東支所 地域振興課"),
    )
    page = secretary_client.get("/portal/").content.decode()
    assert "地域担当職員" in page
    assert "佐藤 健太（花泉支所 地域振興課）" in page
    assert "熊谷 恵（まちづくり推進課）" in page
    assert page.index("主担当") < page.index("副担当")
    assert "他地域 担当" not in page and "大東支所" not in page


def test_dashboard_says_so_when_no_liaison_is_assigned(secretary_client, council):
    LiaisonAssignmentFactory(
        council=council,
        started_on=timezone.localdate() - timedelta(days=400),
        ended_on=timezone.localdate() - timedelta(days=1),
    )
    page = secretary_client.get("/portal/").content.decode()
    assert "現在、地域担当職員は配置されていません" in page


def test_anonymous_is_redirected_to_login(client):
    response = client.get("/portal/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
