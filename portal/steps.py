"""What the council does next with an application: the sentence, the button and its
deadline that the dashboard, the list and the detail page show."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from core.calendar import fiscal_year_end, wareki_date
from subsidies import services
from subsidies.models import Application, Status


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""
    label: str = ""
    deadline: date | None = None
    yours: bool = False  # the council has to act (not the city)


# What the portal says in each status, the button's label and the deadline shown. The
# button leads to the council's next move from the status in services.LIFECYCLE.
_STEPS = {
    Status.DRAFT: ("内容を確認して申請してください。", "編集・申請", "year_end"),
    Status.RETURNED: (
        "差戻しの理由を確認し、修正して再申請してください。",
        "修正して再申請",
        "year_end",
    ),
    Status.SUBMITTED: ("市の審査をお待ちください。", "", None),
    Status.DECIDED: (
        "事業を実施し、完了後に実績報告を提出してください。",
        "実績報告を提出",
        "report_due_on",
    ),
    Status.CHANGE_REQUESTED: ("変更承認申請の審査をお待ちください。", "", "report_due_on"),
    Status.REPORT_RETURNED: (
        "実績報告の差戻し理由を確認し、修正して再提出してください。",
        "実績報告を再提出",
        "report_due_on",
    ),
    Status.REPORT_SUBMITTED: ("市による額の確定をお待ちください。", "", None),
    Status.CONFIRMED: ("市の精算手続をお待ちください。", "", None),
    Status.REFUND_REQUESTED: ("", "", "refund_due_on"),
    Status.COMPLETED: ("手続はすべて完了しました。", "", None),
    Status.REFUSED: (
        "交付しないことに決定しました。理由は不交付決定通知書でご確認ください。",
        "",
        None,
    ),
    Status.WITHDRAWN: ("取り下げた申請です。", "", None),
}


def next_step(application: Application, today: date | None = None) -> NextStep:
    """What the council does next with this application, in Japanese, with its deadline."""
    today = today or timezone.localdate()
    status = application.status
    text, label, deadline_from = _STEPS[status]
    deadline = None
    if deadline_from == "year_end":
        deadline = fiscal_year_end(application.fiscal_year)
    elif deadline_from:
        deadline = getattr(application, deadline_from)
    if status == Status.DECIDED and application.is_report_overdue(today):
        due = wareki_date(application.report_due_on)
        text = f"実績報告の期限（{due}）を過ぎています。至急提出してください。"
    elif status == Status.CONFIRMED and (application.balance_due or 0) > 0:
        text = f"残額 {application.balance_due:,}円 の支払をお待ちください。"
    elif status == Status.REFUND_REQUESTED:
        # Paid outside the portal: the council acts, with no page to go to.
        text = f"返還金 {application.refund_amount:,}円 を納付してください。"
        return NextStep(text, deadline=deadline, yours=True)
    move = services.council_next_move(status)
    if move is None:
        return NextStep(text, deadline=deadline)
    url = reverse(f"subsidies_portal:{move.next_step_page}", args=[application.pk])
    return NextStep(text, url, label, deadline, True)
