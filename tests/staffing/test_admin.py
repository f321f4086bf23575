"""Staffing in the admin: every page answers, the overview is fixed-cost, 異動 works by HTTP."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffing.models import LiaisonAssignment, LiaisonRole
from tests.factories import CouncilFactory

from .factories import LiaisonAssignmentFactory, SecretariatEmployeeFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_APRIL = date(TODAY.year if TODAY.month >= 4 else TODAY.year - 1, 4, 1)


def staffed_council(**kwargs):
    council = CouncilFactory(**kwargs)
    LiaisonAssignmentFactory(council=council, started_on=THIS_APRIL)
    LiaisonAssignmentFactory(council=council, role=LiaisonRole.DEPUTY, started_on=THIS_APRIL)
    SecretariatEmployeeFactory(council=council, started_on=THIS_APRIL)
    return council


@pytest.fixture
def objects():
    council = staffed_council()
    assignment = council.liaison_assignments.first()
    return {
        "staffmember": assignment.staff,
        "liaisonassignment": assignment,
        "secretariatemployee": council.secretariat_employees.first(),
    }


@pytest.mark.parametrize("model", ["staffmember", "liaisonassignment", "secretariatemployee"])
def test_every_page_answers_for_the_administrator_group(admin_client_staff, objects, model):
    base = f"/admin/staffing/{model}/"
    pk = objects[model].pk
    for url in [
        base,
        f"{base}add/",
        f"{base}{pk}/change/",
        f"{base}{pk}/history/",
        f"{base}import/",
        f"{base}export/",
    ]:
        assert admin_client_staff.get(url).status_code == 200, url


def test_overview_and_reassign_pages_answer(admin_client_staff, objects):
    assert admin_client_staff.get("/admin/staffing/").status_code == 200
    assert admin_client_staff.get("/admin/staffing/councilstaffing/").status_code == 200
    assert admin_client_staff.get("/admin/staffing/liaisonassignment/reassign/").status_code == 200
    home = admin_client_staff.get("/admin/").content.decode()
    assert "配置状況（地域協働体別）" in home


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/staffing/councilstaffing/",
        "/admin/staffing/staffmember/",
        "/admin/staffing/liaisonassignment/",
        "/admin/staffing/secretariatemployee/",
    ],
)
def test_changelists_run_a_fixed_number_of_queries(
    admin_client_staff, django_assert_max_num_queries, url
):
    for _ in range(3):
        staffed_council()
    few = count(admin_client_staff, url)
    for _ in range(30):
        staffed_council()
    with django_assert_max_num_queries(few):
        admin_client_staff.get(url)


def test_overview_highlights_councils_without_a_main_liaison(admin_client_staff):
    staffed = staffed_council(name="本町地域協働体")
    lonely = CouncilFactory(name="舞川地域協働体")
    LiaisonAssignmentFactory(
        council=lonely,
        started_on=THIS_APRIL - timedelta(days=730),
        ended_on=THIS_APRIL - timedelta(days=1),
    )
    response = admin_client_staff.get("/admin/staffing/councilstaffing/")
    rows = response.context["cl"].result_list
    assert [c.name for c in rows] == ["舞川地域協働体", "本町地域協働体"]  # gaps first
    page = response.content.decode()
    assert page.count('<strong class="staffing-missing">未配置</strong><br>') == 1
    main = staffed.liaison_assignments.get(role=LiaisonRole.MAIN).staff
    assert main.name in page and main.department in page
    assert "¥2,078,800" in page  # 12 × (150,000 + 22,500) + 8,800
    missing = admin_client_staff.get("/admin/staffing/councilstaffing/?main=missing")
    assert [c.name for c in missing.context["cl"].result_list] == ["舞川地域協働体"]


def test_staff_page_lists_each_members_councils(admin_client_staff):
    council = staffed_council(name="本町地域協働体")
    staff = council.liaison_assignments.get(role=LiaisonRole.MAIN).staff
    listing = admin_client_staff.get("/admin/staffing/staffmember/").content.decode()
    assert "本町地域協働体（主担当）" in listing
    change = admin_client_staff.get(f"/admin/staffing/staffmember/{staff.pk}/change/")
    assert "本町地域協働体" in change.content.decode()


def test_reassign_by_http_ends_the_old_and_starts_the_new(admin_client_staff):
    council = staffed_council()
    old = council.liaison_assignments.get(role=LiaisonRole.MAIN)
    newcomer = StaffMemberFactory(name="阿部 翔")
    on = THIS_APRIL + timedelta(days=200)
    response = admin_client_staff.post(
        "/admin/staffing/liaisonassignment/reassign/",
        {"council": council.pk, "new_staff": newcomer.pk, "on": on.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.ended_on == on - timedelta(days=1)
    assert council.liaison_assignments.get(role=LiaisonRole.MAIN, ended_on=None).staff == newcomer


def test_refused_reassign_shows_the_reason_and_changes_nothing(admin_client_staff):
    council = staffed_council()
    old = council.liaison_assignments.get(role=LiaisonRole.MAIN)
    response = admin_client_staff.post(
        "/admin/staffing/liaisonassignment/reassign/",
        {"council": council.pk, "new_staff": old.staff.pk, "on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "既にこの地域協働体の主担当です" in response.content.decode()
    old.refresh_from_db()
    assert old.ended_on is None
    assert LiaisonAssignment.objects.filter(council=council).count() == 2


def test_overlapping_main_assignment_is_refused_in_the_admin_form(admin_client_staff):
    council = staffed_council()
    response = admin_client_staff.post(
        "/admin/staffing/liaisonassignment/add/",
        {
            "staff": StaffMemberFactory().pk,
            "council": council.pk,
            "role": "main",
            "started_on": TODAY.isoformat(),
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "主担当は同じ日に1人だけです" in response.content.decode()
    assert council.liaison_assignments.count() == 2


def test_viewer_sees_the_overview_but_cannot_reassign(client, viewer_user):
    staffed_council()
    client.force_login(viewer_user)
    assert client.get("/admin/staffing/councilstaffing/").status_code == 200
    assert client.get("/admin/staffing/liaisonassignment/reassign/").status_code == 403
    assert client.get("/admin/staffing/staffmember/import/").status_code == 403


def test_editor_can_reassign(client, editor_user):
    council = staffed_council()
    client.force_login(editor_user)
    response = client.post(
        "/admin/staffing/liaisonassignment/reassign/",
        {
            "council": council.pk,
            "new_staff": StaffMemberFactory().pk,
            "on": (THIS_APRIL + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get("/admin/staffing/councilstaffing/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
