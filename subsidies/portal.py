"""The subsidies section of the secretary's dashboard (/portal/), and what to do next."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from core import calendar
from core.calendar import fiscal_year_end, wareki_date

from . import selectors
from .models import GRANTED_STATUSES, OPEN_STATUSES, Application, Status


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""
    label: str = ""
    deadline: date | None = None
    yours: bool = False  # the council has to act (not the city)


def next_step(application: Application, today: date | None = None) -> NextStep:
    """What the council does next with this application, in Japanese, with its deadline."""
    today = today or timezone.localdate()
    pk = application.pk
    status = application.status

    def url(name):
        return reverse(f"subsidies_portal:{name}", args=[pk])

    if status == Status.DRAFT:
        return NextStep(
            "内容を確認して申請してください。",
            url("edit"),
            "編集・申請",
            fiscal_year_end(application.fiscal_year),
            True,
        )
    if status == Status.RETURNED:
        return NextStep(
            "差戻しの理由を確認し、修正して再申請してください。",
            url("edit"),
            "修正して再申請",
            fiscal_year_end(application.fiscal_year),
            True,
        )
    if status == Status.SUBMITTED:
        return NextStep("市の審査をお待ちください。")
    if status == Status.DECIDED:
        due = application.report_due_on
        if application.is_report_overdue(today):
            text = f"実績報告の期限（{wareki_date(due)}）を過ぎています。至急提出してください。"
        else:
            text = "事業を実施し、完了後に実績報告を提出してください。"
        return NextStep(text, url("report"), "実績報告を提出", due, True)
    if status == Status.CHANGE_REQUESTED:
        return NextStep("変更承認申請の審査をお待ちください。", deadline=application.report_due_on)
    if status == Status.REPORT_RETURNED:
        return NextStep(
            "実績報告の差戻し理由を確認し、修正して再提出してください。",
            url("report"),
            "実績報告を再提出",
            application.report_due_on,
            True,
        )
    if status == Status.REPORT_SUBMITTED:
        return NextStep("市による額の確定をお待ちください。")
    if status == Status.CONFIRMED:
        balance = application.balance_due or 0
        if balance > 0:
            return NextStep(f"残額 {balance:,}円 の支払をお待ちください。")
        return NextStep("市の精算手続をお待ちください。")
    if status == Status.REFUND_REQUESTED:
        due = application.refund_due_on
        return NextStep(
            f"返還金 {application.refund_amount:,}円 を納付してください。",
            deadline=due,
            yours=True,
        )
    if status == Status.COMPLETED:
        return NextStep("手続はすべて完了しました。")
    if status == Status.REFUSED:
        return NextStep("交付しないことに決定しました。理由は不交付決定通知書でご確認ください。")
    return NextStep("取り下げた申請です。")


def dashboard_panel(request) -> dict | None:
    """Open applications with their next step, deadlines, this year's decided and paid
    amounts, and overdue flags. One query whatever the number of applications."""
    council = getattr(request, "council", None)
    if council is None:
        return None
    today = timezone.localdate()
    year = calendar.fiscal_year(today)
    applications = list(selectors.council_applications(council.pk))
    rows = []
    for application in applications:
        if application.status in OPEN_STATUSES:
            rows.append(
                {
                    "application": application,
                    "step": next_step(application, today),
                    "overdue": application.is_report_overdue(today),
                }
            )
    this_year = [a for a in applications if a.fiscal_year == year]
    return {
        "template": "subsidies/portal/_panel.html",
        "rows": rows,
        "fiscal_year": year,
        "decided_total": sum(
            a.decided_amount or 0 for a in this_year if a.status in GRANTED_STATUSES
        ),
        "paid_total": sum(a.net_paid_amount for a in this_year),
        "overdue_count": sum(1 for row in rows if row["overdue"]),
        "list_url": reverse("subsidies_portal:list"),
        "new_url": reverse("subsidies_portal:new"),
    }
