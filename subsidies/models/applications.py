"""The grant lifecycle's records: applications, their expense lines, attachments and
the audit trail of every move."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.calendar import fiscal_year_label
from core.models import CityOwned, TransitionRecord
from core.money import yen_amount
from core.storage import PrivateStorage, private_storage  # noqa: F401 (re-exported: migrations name subsidies.models.PrivateStorage)

from .fields import YenField
from .programmes import ExpenseCategory, SubsidyProgramme


class Status(models.TextChoices):
    """Where an application stands; the moves between them are subsidies.services.LIFECYCLE."""

    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "申請中"
    RETURNED = "returned", "差戻し"
    DECIDED = "decided", "交付決定"
    REFUSED = "refused", "不交付"
    WITHDRAWN = "withdrawn", "取下げ"
    CHANGE_REQUESTED = "change_requested", "変更申請中"
    REPORT_SUBMITTED = "report_submitted", "実績報告済"
    REPORT_RETURNED = "report_returned", "実績報告差戻し"
    CONFIRMED = "confirmed", "額の確定"
    REFUND_REQUESTED = "refund_requested", "返還請求中"
    COMPLETED = "completed", "完了"


class ApplicationAction(models.TextChoices):
    """What can happen to an application, as recorded in ApplicationEvent.action.

    Every member but CREATE and EDIT is a move of subsidies.services.LIFECYCLE.
    """

    CREATE = "create", "作成"
    EDIT = "edit", "下書きの修正"
    SUBMIT = "submit", "申請"
    PROXY_SUBMIT = "proxy_submit", "窓口代行入力による申請"
    WITHDRAW = "withdraw", "取下げ"
    RETURN = "return", "差戻し"
    DECIDE = "decide", "交付決定"
    REFUSE = "refuse", "不交付決定"
    PAY_ADVANCE = "pay_advance", "前金払い"
    REQUEST_CHANGE = "request_change", "変更承認申請"
    WITHDRAW_CHANGE = "withdraw_change", "変更承認申請の取下げ"
    APPROVE_CHANGE = "approve_change", "変更の承認（変更交付決定）"
    REFUSE_CHANGE = "refuse_change", "変更の不承認"
    SUBMIT_REPORT = "submit_report", "実績報告"
    PROXY_SUBMIT_REPORT = "proxy_submit_report", "窓口代行入力による実績報告"
    RETURN_REPORT = "return_report", "実績報告の差戻し"
    CONFIRM = "confirm", "額の確定"
    PAY = "pay", "精算払（残額の支払）"
    REQUEST_REFUND = "request_refund", "返還請求"
    RECEIVE_REFUND = "receive_refund", "返還金の受領"


# A decided amount (or, once confirmed, the confirmed one) is committed in these statuses:
# it counts against the budget and as a previous grant for the caps.
GRANTED_STATUSES = (
    Status.DECIDED,
    Status.CHANGE_REQUESTED,
    Status.REPORT_SUBMITTED,
    Status.REPORT_RETURNED,
    Status.CONFIRMED,
    Status.REFUND_REQUESTED,
    Status.COMPLETED,
)
# The performance report is still owed in these statuses (overdue after report_due_on).
REPORT_OWED_STATUSES = (Status.DECIDED, Status.CHANGE_REQUESTED, Status.REPORT_RETURNED)
# Not finished: shown on the secretary's dashboard as open.
OPEN_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.DECIDED,
    Status.CHANGE_REQUESTED,
    Status.REPORT_SUBMITTED,
    Status.REPORT_RETURNED,
    Status.CONFIRMED,
    Status.REFUND_REQUESTED,
)


# Amounts whose every change is recorded in ApplicationEvent.changes, with their labels.
AMOUNT_FIELDS = {
    "requested_amount": "申請額",
    "decided_amount": "交付決定額",
    "change_requested_amount": "変更後の申請額",
    "advance_amount": "前金払額",
    "paid_amount": "支払済額",
    "confirmed_amount": "確定額",
    "refund_amount": "返還請求額",
    "refunded_amount": "返還済額",
}


class Application(CityOwned):
    """交付申請: one council's claim under one programme for one fiscal year, to completion.

    Amounts and status change only through subsidies.services.application_transition,
    which writes an ApplicationEvent for each move.
    """

    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
        verbose_name="地域協働体",
    )
    programme = models.ForeignKey(
        SubsidyProgramme,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="補助制度",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "年度（西暦）",
        validators=[MinValueValidator(1989, "年度は1989年度以降にしてください。")],
    )
    title = models.CharField("事業名", max_length=100)
    purpose = models.TextField("事業の目的・内容", blank=True)
    theme = models.CharField(
        "テーマ",
        max_length=100,
        blank=True,
        help_text="同じテーマで申請できる回数に上限がある補助制度では必須です。",
    )
    work_starts_on = models.DateField("事業の開始日", null=True, blank=True)
    work_ends_on = models.DateField("事業の完了予定日", null=True, blank=True)
    status = models.CharField(
        "状況", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    requested_amount = YenField("申請額（円）", null=True, blank=True)
    decided_amount = YenField("交付決定額（円）", null=True, blank=True)
    decided_on = models.DateField("交付決定日", null=True, blank=True)
    report_due_on = models.DateField("実績報告の期限", null=True, blank=True)
    advance_amount = YenField("前金払額（円）", default=0)
    advance_paid_on = models.DateField("前金払日", null=True, blank=True)
    paid_amount = YenField("支払済額（円、前金を含む）", default=0)
    paid_on = models.DateField("最終支払日", null=True, blank=True)
    change_requested_amount = YenField("変更後の申請額（円）", null=True, blank=True)
    change_reason = models.TextField("変更の理由", blank=True)
    report_text = models.TextField("実施内容（実績報告）", blank=True)
    report_submitted_on = models.DateField("実績報告日", null=True, blank=True)
    work_completed_on = models.DateField("事業の完了日", null=True, blank=True)
    # 収支決算書 (income side): the actual expenditure is the ACTUAL lines.
    report_grant_amount = YenField("収入: 補助金（円）", null=True, blank=True)
    report_own_funds = YenField("収入: 自己資金（円）", default=0)
    report_other_income = YenField("収入: その他収入（円）", default=0)
    report_other_income_note = models.CharField("その他収入の内容", max_length=200, blank=True)
    report_proxy_entry = models.BooleanField(
        "実績報告の窓口代行入力",
        default=False,
        help_text="紙で提出された実績報告を市職員が代わりに入力したもの。",
    )
    confirmed_amount = YenField("確定額（円）", null=True, blank=True)
    confirmed_on = models.DateField("額の確定日", null=True, blank=True)
    refund_amount = YenField("返還請求額（円）", default=0)
    refund_due_on = models.DateField("返還の納期限", null=True, blank=True)
    refunded_amount = YenField("返還済額（円）", default=0)
    refund_received_on = models.DateField("返還金の受領日", null=True, blank=True)
    submitted_at = models.DateTimeField("申請日時", null=True, blank=True)
    proxy_entry = models.BooleanField(
        "窓口代行入力",
        default=False,
        help_text="紙で提出された申請を市職員が代わりに入力したもの。",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="入力者",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "交付申請"
        verbose_name_plural = "交付申請"
        ordering = ["-fiscal_year", "-pk"]
        indexes = [
            models.Index(
                fields=["programme", "fiscal_year", "status"], name="app_prog_year_status"
            ),
            models.Index(fields=["council", "status"], name="app_council_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid_amount__gte=0)
                & models.Q(advance_amount__gte=0)
                & models.Q(refund_amount__gte=0)
                & models.Q(refunded_amount__gte=0),
                name="application_amounts_not_negative",
                violation_error_message="金額は0円以上で入力してください。",
                violation_error_code="negative_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(work_starts_on__isnull=True)
                | models.Q(work_ends_on__isnull=True)
                | models.Q(work_starts_on__lte=models.F("work_ends_on")),
                name="application_work_period_ordered",
                violation_error_message="事業の完了予定日が開始日より前になっています。",
                violation_error_code="end_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("subsidies_portal:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """受付番号: the fiscal year and the row number, e.g. 2026-00012."""
        return f"{self.fiscal_year}-{self.pk or 0:05d}"

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def net_paid_amount(self) -> int:
        """Paid minus refunds received."""
        return self.paid_amount - self.refunded_amount

    @property
    def balance_due(self) -> int | None:
        """After confirmation: what the city still pays (> 0) or the council returns (< 0)."""
        if self.confirmed_amount is None:
            return None
        return self.confirmed_amount - self.net_paid_amount

    def is_report_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status in REPORT_OWED_STATUSES
            and self.report_due_on is not None
            and today > self.report_due_on
        )

    def clean(self):
        if self.work_starts_on and self.work_ends_on and self.work_ends_on < self.work_starts_on:
            raise ValidationError(
                {
                    "work_ends_on": ValidationError(
                        "事業の完了予定日が開始日より前になっています。", code="end_before_start"
                    )
                }
            )


class LineKind(models.TextChoices):
    PLAN = "plan", "計画（申請）"
    CHANGE = "change", "変更申請"
    ACTUAL = "actual", "実績"


class ApplicationLine(CityOwned):
    """経費の明細: one expense line of the plan, of a pending change, or of the actual costs."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="lines", verbose_name="交付申請"
    )
    kind = models.CharField("種別", max_length=10, choices=LineKind.choices, default=LineKind.PLAN)
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="+", verbose_name="経費区分"
    )
    description = models.CharField("内容", max_length=200, blank=True)
    amount = YenField("金額（円）")
    position = models.PositiveSmallIntegerField("順番", default=0)

    class Meta:
        verbose_name = "経費の明細"
        verbose_name_plural = "経費の明細"
        ordering = ["application", "kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="line_amount_not_negative",
                violation_error_message="金額は0円以上で入力してください。",
                violation_error_code="negative_amount",
            ),
        ]

    def __str__(self):
        return f"{self.category} {self.description} {yen_amount(self.amount)}"


def attachment_path(instance, filename):
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"subsidies/{uuid.uuid4().hex}.{extension}"


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", "申請の添付書類"
    CHANGE = "change", "変更申請の添付書類"
    REPORT = "report", "実績報告・領収書"


class Attachment(CityOwned):
    """添付書類: a PDF, JPEG or PNG (checked by content) a council or staff uploaded."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name="交付申請"
    )
    kind = models.CharField(
        "種別", max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.APPLICATION
    )
    file = models.FileField("ファイル", storage=private_storage, upload_to=attachment_path)
    original_name = models.CharField("元のファイル名", max_length=200)
    content_type = models.CharField("形式", max_length=50)
    size = models.PositiveIntegerField("サイズ（バイト）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登録者",
    )
    uploaded_at = models.DateTimeField("登録日時", default=timezone.now)

    class Meta:
        verbose_name = "添付書類"
        verbose_name_plural = "添付書類"
        ordering = ["application", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ActorRole(models.TextChoices):
    SECRETARY = "secretary", "地域協働体（事務局）"
    STAFF = "staff", "市職員"
    SYSTEM = "system", "システム"


class ApplicationEvent(TransitionRecord):
    """An audit row: who moved the application from which status to which, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name="交付申請"
    )
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("変更前の状況", max_length=20, choices=Status.choices)
    to_status = models.CharField("変更後の状況", max_length=20, choices=Status.choices)
    actor_role = models.CharField("立場", max_length=20, choices=ActorRole.choices)
    changes = models.JSONField(
        "金額の変更", default=dict, blank=True, help_text="{項目: [変更前, 変更後]}"
    )
    notice = models.ForeignKey(
        "Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="発行した通知書",
    )

    class Meta:
        verbose_name = "交付申請の履歴"
        verbose_name_plural = "交付申請の履歴"
        ordering = ["application", "at", "pk"]

    def __str__(self):
        return f"{self.application.reference} {self.action_label}"

    @property
    def action_label(self) -> str:
        try:
            return ApplicationAction(self.action).label
        except ValueError:
            return self.action

    @property
    def change_lines(self) -> list[str]:
        """The amount changes in Japanese: 交付決定額: — → 100,000円."""
        return [
            f"{AMOUNT_FIELDS.get(name, name)}: {yen_amount(before)} → {yen_amount(after)}"
            for name, (before, after) in self.changes.items()
        ]
