"""The city sets when to remind, in the admin: whole days from 0 to 365."""

import pytest

from reminders.models import ReminderTiming

pytestmark = pytest.mark.django_db

ADD = "/admin/reminders/remindertiming/add/"


def _post(client, **data):
    return client.post(ADD, {"event": "report_due", "programme": "", "plan": "", **data})


@pytest.mark.parametrize("days", [0, 14, 365])
def test_days_within_the_year_saved(admin_client_staff, programme, days):
    response = _post(admin_client_staff, programme=programme.pk, days=days)
    assert response.status_code == 302
    assert ReminderTiming.objects.get().days == days


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("-1", "日数は0以上の整数で入力してください（0は当日）。"),
        ("366", "日数は365日以内で入力してください（年度を越えて設定できません）。"),
        ("1.5", "整数を入力してください。"),
    ],
)
def test_days_outside_refused_and_nothing_saved(admin_client_staff, programme, days, message):
    response = _post(admin_client_staff, programme=programme.pk, days=days)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReminderTiming.objects.exists()


def test_report_reminder_needs_a_programme(admin_client_staff):
    response = _post(admin_client_staff, days=3)
    assert "補助制度を選んでください。" in response.content.decode()
    assert not ReminderTiming.objects.exists()


def test_same_days_twice_refused(admin_client_staff, programme):
    _post(admin_client_staff, programme=programme.pk, days=3)
    response = _post(admin_client_staff, programme=programme.pk, days=3)
    assert "この補助制度には同じ日数のリマインダーが既にあります。" in response.content.decode()
    assert ReminderTiming.objects.count() == 1
