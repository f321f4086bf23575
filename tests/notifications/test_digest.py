"""The staff's daily digest: one e-mail per staff user with an address, per city, per day."""

from datetime import date

import pytest
from django.core import mail

from core import tenancy
from notifications.models import NoticeKind, SentNotice
from reminders.services import send_staff_digests
from subsidies.models import Application, Status
from tests.cities import make_city
from tests.factories import CouncilFactory, UserFactory
from tests.subsidies.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 16)


def _application(council, programme, status, due=None):
    return Application.objects.create(
        council=council,
        programme=programme,
        fiscal_year=2026,
        title="事業",
        status=status,
        report_due_on=due,
    )


@pytest.fixture
def waiting(council, programme):
    _application(council, programme, Status.SUBMITTED)
    _application(council, programme, Status.REPORT_SUBMITTED)
    _application(council, programme, Status.DECIDED, due=date(2027, 3, 15))
    _application(council, programme, Status.DECIDED, due=date(2027, 3, 16))  # due today


def test_digest_once_a_day_to_staff_with_an_address(waiting):
    staff = UserFactory(username="kakari", is_staff=True, email="kakari@city.example.jp")
    UserFactory(username="no-mail", is_staff=True, email="")
    UserFactory(username="gone", is_staff=True, email="gone@city.example.jp", is_active=False)
    UserFactory(username="secretary-like", is_staff=False, email="s@example.jp")

    assert send_staff_digests(TODAY) == "1 staff digests sent"
    assert send_staff_digests(TODAY) == "0 staff digests sent"

    [message] = mail.outbox
    assert message.to == ["kakari@city.example.jp"]
    assert message.subject == "【一関市】令和9年3月16日の確認待ち"
    assert message.body == (
        "一関市 地域協働ポータルで、次の案件が職員の確認を待っています（令和9年3月16日時点）。\n"
        "\n"
        "審査待ちの交付申請・変更申請・実績報告: 2件\n"
        "  http://ichinoseki.test/admin/subsidies/application/\n"
        "期限を過ぎた実績報告: 1件\n"
        "  http://ichinoseki.test/admin/subsidies/application/\n"
        "承認待ちの進捗: 0件\n"
        "  http://ichinoseki.test/admin/plans/progressentry/\n"
        "\n"
        "――\n"
        "一関市 地域協働ポータル（このメールは毎日1回、確認待ちがある日に送ります）"
    )
    notice = SentNotice.objects.get()
    assert (notice.kind, notice.user, notice.council) == (NoticeKind.STAFF_DIGEST, staff, None)

    send_staff_digests(date(2027, 3, 17))
    assert len(mail.outbox) == 2


def test_nothing_waiting_no_digest():
    UserFactory(username="kakari", is_staff=True, email="kakari@city.example.jp")
    assert send_staff_digests(TODAY) == "0 staff digests sent"
    assert mail.outbox == []


def test_each_city_its_own_staff_and_counts(waiting):
    UserFactory(username="kakari", is_staff=True, email="kakari@city.example.jp")
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        UserFactory(username="yamaguchi-kakari", is_staff=True, email="y@city.example.jp")
        _application(CouncilFactory(), ProgrammeFactory(), Status.SUBMITTED)

    send_staff_digests(TODAY)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["kakari@city.example.jp", "y@city.example.jp"]
    assert by_address["y@city.example.jp"].subject == "【山口市】令和9年3月16日の確認待ち"
    assert "審査待ちの交付申請・変更申請・実績報告: 1件" in by_address["y@city.example.jp"].body
    assert "期限を過ぎた実績報告: 0件" in by_address["y@city.example.jp"].body
