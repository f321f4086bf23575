"""The reminder jobs: reports due and overdue, progress periods closing (to councils), and
the staff's daily digest. Each notice goes out once (notifications.services.notice_send_once).

Both run daily from ``settings.PERIODIC_JOBS`` (core.periodic) for every city in turn.
"""

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import tenancy
from core.calendar import wareki_date
from core.cities import city_link
from core.models import Municipality, User
from notifications.models import NoticeKind
from notifications.services import notice_send_once, office_signature
from plans.models import PlanKind, PlanStatus, ProgressEntry, ReviewState
from subsidies.models import REPORT_OWED_STATUSES, Application, Status

from .models import ReminderEvent, ReminderTiming

# The applications that wait for the city's review.
REVIEW_STATUSES = (Status.SUBMITTED, Status.CHANGE_REQUESTED, Status.REPORT_SUBMITTED)


def _path(name: str, *args) -> str:
    return reverse(name, args=args, urlconf=settings.ROOT_URLCONF)


def _each_city():
    for city in Municipality.objects.order_by("pk"):
        with tenancy.city_scope(city):
            yield city


def _application_lines(application) -> list[str]:
    return [
        f"受付番号: {application.reference}",
        f"補助制度: {application.programme.name}（{application.fiscal_year_label}）",
        f"事業名: {application.title}",
    ]


def report_due_text(city, application, days: int, origin: str) -> tuple[str, str]:
    """Subject and body of the reminder ``days`` before a report is due."""
    due = wareki_date(application.report_due_on)
    if days:
        subject = f"【{city.name}】実績報告の期限まであと{days}日です（{due}）"
        first = f"次の交付申請の実績報告の期限は{due}です（あと{days}日）。"
    else:
        subject = f"【{city.name}】本日が実績報告の期限です（{due}）"
        first = f"次の交付申請の実績報告の期限は本日（{due}）です。"
    body = [
        f"{application.council.name} 事務局 御中",
        "",
        first,
        "期限までにポータルから実績報告を提出してください。",
        "",
        *_application_lines(application),
        "",
        f"実績報告: {origin}{_path('subsidies_portal:report', application.pk)}",
        *office_signature(city),
    ]
    return subject, "\n".join(body)


def report_overdue_text(city, application, days: int, origin: str) -> tuple[str, str]:
    """Subject and body of the reminder ``days`` after a report became overdue."""
    due = wareki_date(application.report_due_on)
    subject = f"【{city.name}】実績報告の期限（{due}）を過ぎています"
    body = [
        f"{application.council.name} 事務局 御中",
        "",
        f"次の交付申請の実績報告は、期限の{due}を過ぎていますが、まだ提出されていません。",
        "至急、ポータルから実績報告を提出してください。",
        "",
        *_application_lines(application),
        "",
        f"実績報告: {origin}{_path('subsidies_portal:report', application.pk)}",
        *office_signature(city),
    ]
    return subject, "\n".join(body)


def progress_close_text(city, plan, period, days: int, origin: str) -> tuple[str, str]:
    """Subject and body of the reminder ``days`` before a progress period ends."""
    end = wareki_date(period.end)
    if days:
        subject = f"【{city.name}】{period.label}の進捗入力期間の締切まであと{days}日です（{end}）"
        first = f"地域づくり計画「{plan}」の{period.label}の進捗の入力期間は{end}までです（あと{days}日）。"
    else:
        subject = f"【{city.name}】本日で{period.label}の進捗入力期間が終わります（{end}）"
        first = f"地域づくり計画「{plan}」の{period.label}の進捗の入力期間は本日（{end}）までです。"
    body = [
        f"{plan.council.name} 事務局 御中",
        "",
        first,
        "各事業の実施内容と達成状況を入力し、提出してください。",
        "",
        f"進捗の入力: {origin}{_path('plans_portal:progress', plan.pk, period.code)}",
        *office_signature(city),
    ]
    return subject, "\n".join(body)


def _owed_reports(timing, due_on: date):
    return Application.objects.filter(
        programme=timing.programme, status__in=REPORT_OWED_STATUSES, report_due_on=due_on
    ).select_related("council", "programme")


def city_send_due_reminders(city, today: date) -> int:
    """Every reminder of the city in force falling on ``today``, sent once; how many went."""
    origin = city_link(city, "")
    sent = 0
    timings = ReminderTiming.objects.select_related("programme", "plan__council").order_by("pk")
    for timing in timings:
        if timing.event == ReminderEvent.REPORT_DUE:
            kind, found = (
                NoticeKind.REPORT_DUE,
                _owed_reports(timing, today + timedelta(timing.days)),
            )
            texts = ((a, report_due_text(city, a, timing.days, origin)) for a in found)
        elif timing.event == ReminderEvent.REPORT_OVERDUE:
            # Overdue from the day after the due date (Application.is_report_overdue).
            due_on = today - timedelta(days=timing.days + 1)
            kind, found = NoticeKind.REPORT_OVERDUE, _owed_reports(timing, due_on)
            texts = ((a, report_overdue_text(city, a, timing.days, origin)) for a in found)
        else:
            sent += _send_progress_reminders(city, timing, today, origin)
            continue
        for application, (subject, body) in texts:
            sent += bool(
                notice_send_once(
                    kind=kind,
                    subject_key=f"application:{application.pk}",
                    offset_days=timing.days,
                    council=application.council,
                    subject=subject,
                    body=body,
                )
            )
    return sent


def _send_progress_reminders(city, timing, today: date, origin: str) -> int:
    plan = timing.plan
    if plan.kind != PlanKind.COMMUNITY or plan.status != PlanStatus.PUBLISHED:
        return 0
    sent = 0
    for period in plan.periods():
        if period.end != today + timedelta(days=timing.days):
            continue
        subject, body = progress_close_text(city, plan, period, timing.days, origin)
        sent += bool(
            notice_send_once(
                kind=NoticeKind.PROGRESS_CLOSE,
                subject_key=f"plan:{plan.pk}:{period.code}",
                offset_days=timing.days,
                council=plan.council,
                subject=subject,
                body=body,
            )
        )
    return sent


def send_due_reminders(today: date | None = None) -> str:
    """The periodic job: every city's reminders falling today, each sent once."""
    today = today or timezone.localdate()
    sent = sum(city_send_due_reminders(city, today) for city in _each_city())
    return f"{sent} reminders sent"


def staff_waiting_counts(today: date) -> dict[str, int]:
    """What waits for the staff of the city in force: three counts, three queries."""
    return {
        "review": Application.objects.filter(status__in=REVIEW_STATUSES).count(),
        "overdue": Application.objects.filter(
            status__in=REPORT_OWED_STATUSES, report_due_on__lt=today
        ).count(),
        "progress": ProgressEntry.objects.filter(state=ReviewState.SUBMITTED).count(),
    }


def staff_digest_text(city, counts: dict[str, int], today: date, origin: str) -> tuple[str, str]:
    """Subject and body of the staff's daily digest."""
    subject = f"【{city.name}】{wareki_date(today)}の確認待ち"
    body = [
        f"{city.name} 地域協働ポータルで、次の案件が職員の確認を待っています（{wareki_date(today)}時点）。",
        "",
        f"審査待ちの交付申請・変更申請・実績報告: {counts['review']}件",
        f"  {origin}{_path('admin:subsidies_application_changelist')}",
        f"期限を過ぎた実績報告: {counts['overdue']}件",
        f"  {origin}{_path('admin:subsidies_application_changelist')}",
        f"承認待ちの進捗: {counts['progress']}件",
        f"  {origin}{_path('admin:plans_progressentry_changelist')}",
        "",
        "――",
        f"{city.name} 地域協働ポータル（このメールは毎日1回、確認待ちがある日に送ります）",
    ]
    return subject, "\n".join(body)


def city_send_staff_digest(city, today: date) -> int:
    """Today's digest to each active staff user of the city in force with an address, once;
    nothing when nothing waits. How many went."""
    counts = staff_waiting_counts(today)
    if not any(counts.values()):
        return 0
    subject, body = staff_digest_text(city, counts, today, city_link(city, ""))
    staff = User.objects.filter(municipality=city, is_staff=True, is_active=True).exclude(email="")
    sent = 0
    for user in staff.order_by("pk"):
        sent += bool(
            notice_send_once(
                kind=NoticeKind.STAFF_DIGEST,
                subject_key=f"digest:{today.isoformat()}",
                user=user,
                subject=subject,
                body=body,
            )
        )
    return sent


def send_staff_digests(today: date | None = None) -> str:
    """The periodic job: each city's staff digest of the day, once per user."""
    today = today or timezone.localdate()
    sent = sum(city_send_staff_digest(city, today) for city in _each_city())
    return f"{sent} staff digests sent"
