"""The admin types and shows dates in 和暦: change lists, read-only fields, forms, the
date hierarchy and both kinds of history page, through HTTP."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from councils.models import CouncilSecretary
from staffing.models import LiaisonAssignment, LiaisonRole
from tests.factories import CouncilFactory, PopulationFactory, SecretaryFactory, UserFactory
from tests.staffing.factories import LiaisonAssignmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_change_list_columns_show_dates_in_wareki(admin_client_staff):
    LiaisonAssignmentFactory(started_on=date(2019, 4, 30), ended_on=date(2019, 5, 1))
    content = page(admin_client_staff.get("/admin/staffing/liaisonassignment/"))
    assert '<td class="field-started_on nowrap">平成31年4月30日</td>' in content
    assert '<td class="field-ended_on nowrap">令和元年5月1日</td>' in content
    assert "2019年4月30日" not in content


def test_an_empty_date_column_keeps_the_admins_dash(admin_client_staff):
    LiaisonAssignmentFactory(started_on=date(2026, 4, 1), ended_on=None)
    content = page(admin_client_staff.get("/admin/staffing/liaisonassignment/"))
    assert '<td class="field-ended_on nowrap">-</td>' in content


def test_date_hierarchy_names_years_and_months_in_wareki(admin_client_staff):
    PopulationFactory(as_of=date(2019, 4, 30))
    PopulationFactory(as_of=date(2026, 3, 31))
    years = page(admin_client_staff.get("/admin/councils/populationrecord/"))
    assert ">令和元年</a>" in years
    assert ">令和8年</a>" in years
    months = page(admin_client_staff.get("/admin/councils/populationrecord/?as_of__year=2019"))
    assert ">平成31年4月</a>" in months
    assert '<td class="field-as_of nowrap">平成31年4月30日</td>' in months


def test_change_form_shows_a_text_input_in_wareki(admin_client_staff):
    assignment = LiaisonAssignmentFactory(started_on=date(2026, 4, 1))
    content = page(
        admin_client_staff.get(f"/admin/staffing/liaisonassignment/{assignment.pk}/change/")
    )
    started = re.search(r'<input[^>]*name="started_on"[^>]*>', content)[0]
    assert 'value="令和8年4月1日"' in started
    assert 'type="text"' in started
    assert 'placeholder="例: 令和8年4月1日"' in started
    assert 'type="date"' not in content


def add_assignment(client, **dates):
    council = CouncilFactory()
    data = {
        "staff": StaffMemberFactory().pk,
        "council": council.pk,
        "role": LiaisonRole.MAIN,
        "started_on": "",
        "ended_on": "",
        "note": "",
        **dates,
    }
    return council, client.post("/admin/staffing/liaisonassignment/add/", data)


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("R8.4.1", date(2026, 4, 1)),
        ("令和８年４月１日", date(2026, 4, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("2026/4/1", date(2026, 4, 1)),
    ],
)
def test_admin_saves_a_date_typed_in_wareki(admin_client_staff, typed, saved):
    council, response = add_assignment(admin_client_staff, started_on=typed)
    assert response.status_code == 302
    assert LiaisonAssignment.objects.get(council=council).started_on == saved


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("令和元年4月30日", "令和元年4月30日はありません（令和は2019年5月1日から）。"),
        ("令和8年2月30日", "2月30日はありません。"),
        ("平成32年4月1日", "平成32年はありません（平成は2019年4月30日まで）。"),
    ],
)
def test_admin_refuses_a_day_that_does_not_exist_and_saves_nothing(
    admin_client_staff, typed, message
):
    council, response = add_assignment(admin_client_staff, started_on=typed)
    content = page(response)
    assert message in content
    assert f'value="{typed}"' in content  # what was typed stays to be corrected
    assert not LiaisonAssignment.objects.filter(council=council).exists()


def test_read_only_dates_and_times_are_in_wareki(admin_client_staff):
    tenure = SecretaryFactory(started_on=date(2019, 5, 1))
    content = page(admin_client_staff.get(f"/admin/councils/councilsecretary/{tenure.pk}/change/"))
    assert '<div class="readonly">令和元年5月1日</div>' in content


def test_simple_history_page_shows_times_and_changed_dates_in_wareki(admin_client_staff):
    assignment = LiaisonAssignmentFactory(started_on=date(2019, 4, 30))
    assignment.started_on = date(2019, 5, 1)
    assignment.save()
    assignment.history.update(history_date=datetime(2026, 4, 1, 0, 30, tzinfo=ZoneInfo("UTC")))
    content = page(
        admin_client_staff.get(f"/admin/staffing/liaisonassignment/{assignment.pk}/history/")
    )
    assert "<td>令和8年4月1日 09:30</td>" in content  # shown in Japan time
    assert "平成31年4月30日" in content
    assert "&rarr;&nbsp;&nbsp;令和元年5月1日" in content


def test_django_history_page_shows_times_in_wareki(admin_client_staff, admin_user):
    tenure = SecretaryFactory(started_on=date(2026, 4, 1))
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(CouncilSecretary),
        object_id=str(tenure.pk),
        object_repr=str(tenure),
        action_flag=CHANGE,
        change_message="確認",
        action_time=datetime(2019, 4, 30, 23, 59, tzinfo=TOKYO),
    )
    content = page(admin_client_staff.get(f"/admin/councils/councilsecretary/{tenure.pk}/history/"))
    assert '<th scope="row">平成31年4月30日 23:59</th>' in content


def test_a_date_and_time_is_typed_and_shown_in_wareki(admin_client_staff, admin_user):
    user = UserFactory(last_login=datetime(2019, 4, 30, 0, 15, tzinfo=ZoneInfo("UTC")))
    url = f"/admin/core/user/{user.pk}/change/"
    content = page(admin_client_staff.get(url))
    assert 'name="last_login_0" value="平成31年4月30日"' in content
    assert 'name="last_login_1" value="09:15"' in content  # in Japan time
    form = admin_client_staff.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.pop("last_login", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data |= {"last_login_0": "R8.4.1", "last_login_1": "13:05", "date_joined_0": "2026/4/1"}
    data |= {"date_joined_1": "08:00"}
    response = admin_client_staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.last_login == datetime(2026, 4, 1, 13, 5, tzinfo=TOKYO)


def test_both_history_pages_link_their_further_pages(admin_client_staff, admin_user):
    tenure = SecretaryFactory(started_on=date(2026, 4, 1))
    LogEntry.objects.bulk_create(
        LogEntry(
            user=admin_user,
            content_type=ContentType.objects.get_for_model(CouncilSecretary),
            object_id=str(tenure.pk),
            object_repr=str(tenure),
            action_flag=CHANGE,
            change_message=f"確認{n}",
        )
        for n in range(101)
    )
    django_page = page(
        admin_client_staff.get(f"/admin/councils/councilsecretary/{tenure.pk}/history/")
    )
    assert '<span class="this-page">1</span>' in django_page
    assert '<a href="?p=2"  class="end" >2</a>' in django_page
    assert "101" in django_page.split('class="paginator"')[1]

    assignment = LiaisonAssignmentFactory()
    for day in range(1, 101):  # 101 history rows with the first
        assignment.started_on = date(2026, 4, 1 + day % 28)
        assignment.save()
    simple_page = page(
        admin_client_staff.get(f"/admin/staffing/liaisonassignment/{assignment.pk}/history/")
    )
    assert '<span class="this-page">1</span>' in simple_page
    assert "101" in simple_page.split('class="paginator"')[1]
