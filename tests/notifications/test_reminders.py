"""The daily reminder job: reports due and overdue, progress periods closing; once each."""

from datetime import date

import pytest
from django.core import mail
from django.utils import timezone

from core import tenancy
from notifications.models import NoticeKind, NoticePreference, SentNotice
from plans.models import PlanStatus
from reminders.models import ReminderEvent, ReminderTiming
from reminders.services import send_due_reminders
from subsidies.models import Application, Status
from tests.cities import make_city
from tests.factories import CouncilFactory, SecretaryFactory
from tests.plans.factories import PlanFactory
from tests.subsidies.factories import ProgrammeFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db

SIGNATURE = (
    "\n\n――\n一関市 まちづくり推進部 いちのせき元気な地域づくり推進課\n"
    "（このメールは送信専用です。お問い合わせは担当課へ）"
)


def _timing(programme, days, event=ReminderEvent.REPORT_DUE):
    return ReminderTiming.objects.create(event=event, programme=programme, days=days)


def test_report_due_reminder_in_japanese_with_wareki_dates(application, address):
    _timing(application.programme, 14)
    _timing(application.programme, 3)

    assert send_due_reminders(TODAY) == "1 reminders sent"

    [message] = mail.outbox
    assert message.to == ["yamanome@example.jp"]
    assert message.subject == "【一関市】実績報告の期限まであと14日です（令和9年3月15日）"
    assert message.body == (
        "山目地域協働体 事務局 御中\n"
        "\n"
        "次の交付申請の実績報告の期限は令和9年3月15日です（あと14日）。\n"
        "期限までにポータルから実績報告を提出してください。\n"
        "\n"
        f"受付番号: 2026-{application.pk:05d}\n"
        "補助制度: 地域協働体活動費補助金（令和8年度）\n"
        "事業名: 山目夏まつり\n"
        "\n"
        f"実績報告: http://ichinoseki.test/portal/subsidies/{application.pk}/report/" + SIGNATURE
    )
    notice = SentNotice.objects.get()
    assert (notice.kind, notice.subject_key, notice.offset_days, notice.council) == (
        NoticeKind.REPORT_DUE,
        f"application:{application.pk}",
        14,
        application.council,
    )
    assert notice.emailed_to == "yamanome@example.jp"


def test_due_day_and_overdue_day(application, address):
    _timing(application.programme, 0)
    _timing(application.programme, 0, ReminderEvent.REPORT_OVERDUE)

    send_due_reminders(date(2027, 3, 15))
    send_due_reminders(date(2027, 3, 16))

    assert [m.subject for m in mail.outbox] == [
        "【一関市】本日が実績報告の期限です（令和9年3月15日）",
        "【一関市】実績報告の期限（令和9年3月15日）を過ぎています",
    ]
    assert mail.outbox[1].body.startswith(
        "山目地域協働体 事務局 御中\n\n"
        "次の交付申請の実績報告は、期限の令和9年3月15日を過ぎていますが、まだ提出されていません。\n"
        "至急、ポータルから実績報告を提出してください。\n"
    )


def test_no_reminder_on_other_days_or_once_the_report_is_in(application, address):
    _timing(application.programme, 14)
    assert send_due_reminders(date(2027, 3, 2)) == "0 reminders sent"
    Application.objects.filter(pk=application.pk).update(status=Status.REPORT_SUBMITTED)
    assert send_due_reminders(TODAY) == "0 reminders sent"
    assert mail.outbox == []
    assert not SentNotice.objects.exists()


def test_running_the_job_twice_sends_once(application, address):
    _timing(application.programme, 14)

    send_due_reminders(TODAY)
    assert send_due_reminders(TODAY) == "0 reminders sent"

    assert len(mail.outbox) == 1
    assert SentNotice.objects.count() == 1


def test_preferences_respected(application, address, secretary):
    _timing(application.programme, 14)
    NoticePreference.objects.create(user=secretary, report_due=False)

    send_due_reminders(TODAY)

    assert mail.outbox == []
    assert SentNotice.objects.get().emailed_to == ""  # on the dashboard all the same


def test_without_an_address_the_dashboard_only(application, secretary, client):
    _timing(application.programme, 14)

    send_due_reminders(TODAY)

    assert mail.outbox == []
    client.force_login(secretary)
    page = client.get("/portal/").content.decode()
    assert "市からのお知らせ・リマインダー" in page
    assert "【一関市】実績報告の期限まであと14日です（令和9年3月15日）" in page


def test_each_secretary_gets_their_own_message(application, address, council):
    from notifications.models import ContactAddress

    other = SecretaryFactory(council=council).user
    ContactAddress.objects.create(
        user=other, email="second@example.jp", confirmed_at=timezone.now()
    )
    ContactAddress.objects.create(user=other, email="third@example.jp", confirmed_at=timezone.now())
    _timing(application.programme, 14)

    send_due_reminders(TODAY)

    assert sorted(m.to for m in mail.outbox) == [
        ["second@example.jp", "third@example.jp"],
        ["yamanome@example.jp"],
    ]


def test_never_to_another_citys_councils(application, address):
    _timing(application.programme, 14)
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        from notifications.models import ContactAddress

        council = CouncilFactory(name="大殿地域づくり協議会")
        user = SecretaryFactory(council=council).user
        ContactAddress.objects.create(
            user=user, email="ohdono@example.jp", confirmed_at=timezone.now()
        )
        # 山口市's programme has no timing: its report gets no reminder.
        Application.objects.create(
            council=council,
            programme=ProgrammeFactory(),
            fiscal_year=2026,
            title="大殿の事業",
            status=Status.DECIDED,
            report_due_on=date(2027, 3, 15),
        )

    send_due_reminders(TODAY)

    assert [m.to for m in mail.outbox] == [["yamanome@example.jp"]]
    with tenancy.city_scope(yamaguchi):
        assert not SentNotice.objects.exists()


def test_progress_period_closing(council, address):
    plan = PlanFactory(
        community=True,
        council=council,
        title="山目地域づくり計画",
        start_year=2026,
        end_year=2030,
        status=PlanStatus.PUBLISHED,
    )
    ReminderTiming.objects.create(event=ReminderEvent.PROGRESS_CLOSE, plan=plan, days=7)
    ReminderTiming.objects.create(event=ReminderEvent.PROGRESS_CLOSE, plan=plan, days=0)

    send_due_reminders(date(2026, 9, 23))
    send_due_reminders(date(2026, 9, 30))
    send_due_reminders(date(2026, 9, 30))

    assert [m.subject for m in mail.outbox] == [
        "【一関市】令和8年度上半期の進捗入力期間の締切まであと7日です（令和8年9月30日）",
        "【一関市】本日で令和8年度上半期の進捗入力期間が終わります（令和8年9月30日）",
    ]
    assert mail.outbox[0].body == (
        "山目地域協働体 事務局 御中\n"
        "\n"
        "地域づくり計画「山目地域づくり計画」の令和8年度上半期の進捗の入力期間は"
        "令和8年9月30日までです（あと7日）。\n"
        "各事業の実施内容と達成状況を入力し、提出してください。\n"
        "\n"
        f"進捗の入力: http://ichinoseki.test/portal/plans/{plan.pk}/progress/2026H1/" + SIGNATURE
    )


def test_the_job_is_scheduled(settings):
    jobs = {name: path for name, _cron, path in settings.PERIODIC_JOBS}
    assert jobs["send_reminders"] == "reminders.services.send_due_reminders"
    assert jobs["staff_digest"] == "reminders.services.send_staff_digests"
