"""Subsidy programmes as data: programmes, rule versions by fiscal year, budgets."""

import os
import uuid
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from core.calendar import fiscal_year_end, fiscal_year_label
from councils.models import Stage

from .engine import RuleTerms, rate_label


def validate_not_negative(value):
    if value is not None and value < 0:
        raise ValidationError(
            "金額は0円以上で入力してください。", code="negative_amount", params={"value": value}
        )


class YenField(models.IntegerField):
    """Whole yen, never negative.

    Unlike IntegerField, refuses 1.5 (or "1.5") instead of truncating it to 1.
    """

    default_validators = [validate_not_negative]
    default_error_messages = {"invalid": "金額は円単位の整数で入力してください。"}

    def to_python(self, value):
        if isinstance(value, float | Decimal | Fraction) and value != int(value):
            raise ValidationError(self.error_messages["invalid"], code="non_integer_amount")
        if isinstance(value, str):
            try:
                return int(value.strip().replace(",", ""))
            except ValueError:
                raise ValidationError(
                    self.error_messages["invalid"], code="non_integer_amount"
                ) from None
        return super().to_python(value)

    def formfield(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": self.error_messages["invalid"]})
        return super().formfield(**kwargs)


def _not_negative(field: str, name: str, label: str) -> models.CheckConstraint:
    """A nullable yen amount that, when set, is 0 or more."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0}) | models.Q(**{f"{field}__isnull": True}),
        name=name,
        violation_error_message=f"{label}は0円以上で入力してください。",
        violation_error_code="negative_amount",
    )


class RoundingUnit(models.IntegerChoices):
    YEN = 1, "1円未満切捨て"
    HUNDRED = 100, "100円未満切捨て"
    THOUSAND = 1000, "千円未満切捨て"


def _move_to_fields(error: ValidationError, fields_by_code: dict[str, str]) -> ValidationError:
    """Key constraint errors by the field they are about, so forms show them in place."""
    errors = error.update_error_dict({})
    remaining = []
    for item in errors.pop(NON_FIELD_ERRORS, []):
        field = fields_by_code.get(item.code)
        if field:
            errors.setdefault(field, []).append(item)
        else:
            remaining.append(item)
    if remaining:
        errors[NON_FIELD_ERRORS] = remaining
    return ValidationError(errors)


class ExpenseCategory(models.Model):
    """経費区分: a kind of cost a rule may make eligible (報償費, 需用費, 人件費 …)."""

    code = models.SlugField(
        "コード",
        max_length=30,
        unique=True,
        error_messages={"unique": "この経費区分コードは既に使われています。"},
    )
    name = models.CharField("名称", max_length=50, unique=True)
    examples = models.CharField("主な内容", max_length=200, blank=True)
    is_labour = models.BooleanField(
        "事務局人件費",
        default=False,
        help_text="給与・社会保険料等の事業主負担・健康診断料など。人件費を実費で補助する規則では、"
        "この区分の経費は補助率・限度額とは別に実費で計算します。",
    )
    sort_order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "経費区分"
        verbose_name_plural = "経費区分"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class SubsidyProgramme(models.Model):
    """補助制度: a subsidy the city runs; its terms live in versioned ProgrammeRule rows."""

    code = models.SlugField(
        "制度コード",
        max_length=30,
        unique=True,
        help_text="半角英数字（例: jigyo1）。",
        error_messages={"unique": "この制度コードは既に使われています。"},
    )
    name = models.CharField("制度名", max_length=100)
    plan_item = models.CharField(
        "計画上の位置付け", max_length=100, blank=True, help_text="例: 地域協働推進計画 事業7"
    )
    description = models.TextField(
        "制度の概要（地域協働体向け）",
        blank=True,
        help_text="対象となる活動や経費など、地域協働体に案内する内容。",
    )
    notes = models.TextField("市の内部メモ", blank=True)
    regulation_name = models.CharField(
        "根拠となる要綱",
        max_length=100,
        blank=True,
        help_text="通知書の本文に記載します（例: 一関市地域協働体活動費補助金交付要綱）。",
    )
    notice_prefix = models.CharField(
        "文書番号の記号",
        max_length=20,
        blank=True,
        help_text="通知書の文書番号の頭に付けます（例: 一関ま → 一関ま第123号）。",
    )
    notice_conditions = models.TextField(
        "交付の条件",
        blank=True,
        help_text="交付決定通知書に記載する条件。1行に1項目。",
    )
    contact_email = models.EmailField(
        "担当課のメールアドレス",
        blank=True,
        help_text="申請・報告があったときの通知先。空欄の場合は設定 MANAGERS の宛先に送ります。",
    )
    sort_order = models.PositiveSmallIntegerField("表示順", default=0)
    history = HistoricalRecords(verbose_name="補助制度の変更履歴")

    class Meta:
        verbose_name = "補助制度"
        verbose_name_plural = "補助制度"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:subsidies_subsidyprogramme_change", args=[self.pk])

    def rule_for(self, fiscal_year: int) -> "ProgrammeRule | None":
        """The rule version in force in ``fiscal_year``: the latest one starting on or before it."""
        return (
            self.rules.filter(valid_from_fiscal_year__lte=fiscal_year)
            .order_by("-valid_from_fiscal_year")
            .prefetch_related("eligible_categories")
            .first()
        )


class ProgrammeRule(models.Model):
    """One version of a programme's terms, in force from a fiscal year until a later version."""

    programme = models.ForeignKey(
        SubsidyProgramme, on_delete=models.CASCADE, related_name="rules", verbose_name="補助制度"
    )
    valid_from_fiscal_year = models.PositiveSmallIntegerField(
        "適用開始年度（西暦）",
        validators=[MinValueValidator(1989, "適用開始年度は1989年度以降にしてください。")],
        help_text="この年度から、より新しい版が適用されるまで使われます（例: 2026 = 令和8年度）。"
        "過去の年度は当時の版のまま計算されます。",
    )
    rate_numerator = models.IntegerField(
        "補助率（分子）", default=1, help_text="補助率 2/3 なら分子 2・分母 3。100% は 1/1。"
    )
    rate_denominator = models.IntegerField("補助率（分母）", default=1)
    rounding_unit = models.PositiveIntegerField(
        "端数処理",
        choices=RoundingUnit.choices,
        default=RoundingUnit.YEN,
        help_text="「対象経費 × 補助率」の結果だけを、この単位未満切り捨てにします。",
    )
    yearly_cap = YenField(
        "年度上限額（円）",
        null=True,
        blank=True,
        help_text="1地域協働体・1年度あたり。空欄は上限なし。",
    )
    lifetime_cap = YenField(
        "通算上限額（円）",
        null=True,
        blank=True,
        help_text="1地域協働体あたり、全年度の合計。空欄は上限なし。",
    )
    max_fiscal_years = models.PositiveSmallIntegerField(
        "交付年度数の上限",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "交付年度数の上限は1以上にしてください。")],
        help_text="例: 2 なら2箇年度まで。空欄は制限なし。",
    )
    flat_amount = YenField(
        "均等割（円）",
        null=True,
        blank=True,
        help_text="各地域協働体に一律の額。均等割・地域割の合計が事業費の限度額になります。",
    )
    per_capita_unit = YenField(
        "地域割の単価（円／人）", null=True, blank=True, help_text="地域割 = 単価 × 区域の人口。"
    )
    population_reference_date = models.DateField(
        "地域割の人口基準日",
        null=True,
        blank=True,
        help_text="空欄の場合は各年度の前年度末（3月31日）の人口を使います。",
    )
    labour_eligible = models.BooleanField(
        "事務局人件費を実費で補助",
        default=False,
        help_text="給与、保険料等の事業主負担額、健康診断料など。",
    )
    labour_cap = YenField(
        "事務局人件費の上限額（円）", null=True, blank=True, help_text="空欄は実費の全額。"
    )
    eligible_stages = models.JSONField(
        "対象とする段階",
        default=list,
        blank=True,  # clean() refuses an empty list with its own code
        help_text="例: 地域づくり計画を策定するまでの支援なら「設立準備・合意形成」と「設立」。",
    )
    eligible_categories = models.ManyToManyField(
        ExpenseCategory, related_name="rules", verbose_name="対象経費の区分", blank=True
    )
    advance_payment_allowed = models.BooleanField("前金払い可", default=False)
    report_due_days = models.PositiveSmallIntegerField(
        "実績報告の期限（事業完了日からの日数）",
        default=30,
        help_text="事業が完了した日から起算してこの日数を経過した日までに実績報告を求めます。",
    )
    report_days_after_year_end = models.PositiveSmallIntegerField(
        "実績報告の最終期限（年度末からの日数）",
        default=10,
        help_text="遅くとも年度末（3月31日）からこの日数を経過した日までに提出（例: 10 → 4月10日）。"
        "上の期限と早い方が期限になります。",
    )
    max_applications_per_theme = models.PositiveSmallIntegerField(
        "同一テーマの申請回数の上限",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "申請回数の上限は1以上にしてください。")],
        help_text="1地域協働体が同じテーマで申請できる回数。空欄は制限なし。",
    )
    amounts_are_examples = models.BooleanField(
        "金額は例示",
        default=False,
        help_text="計画に金額の定めがなく、仮の金額を入れている場合に付けます。画面に「例示」と表示します。",
    )
    example_note = models.CharField("例示についての注記", max_length=200, blank=True)
    notes = models.TextField("根拠・改正内容", blank=True, help_text="要綱名、改正の理由など。")
    history = HistoricalRecords(
        verbose_name="補助規則の変更履歴", m2m_fields=["eligible_categories"]
    )

    class Meta:
        verbose_name = "補助規則（年度版）"
        verbose_name_plural = "補助規則（年度版）"
        ordering = ["programme__sort_order", "programme__code", "-valid_from_fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "valid_from_fiscal_year"],
                name="rule_one_version_per_programme_year",
                violation_error_message="この補助制度には、同じ年度から適用される規則が既にあります。"
                "年度ごとの版は1つにしてください。",
                violation_error_code="overlapping_rule",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_denominator__gte=1),
                name="rule_rate_denominator_positive",
                violation_error_message="補助率の分母は1以上にしてください。",
                violation_error_code="rate_denominator_invalid",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_numerator__gte=0)
                & models.Q(rate_numerator__lte=models.F("rate_denominator")),
                name="rule_rate_between_0_and_1",
                violation_error_message="補助率は0以上1以下（分子は0以上、分母以下）にしてください。",
                violation_error_code="rate_out_of_range",
            ),
            _not_negative("yearly_cap", "rule_yearly_cap_not_negative", "年度上限額"),
            _not_negative("lifetime_cap", "rule_lifetime_cap_not_negative", "通算上限額"),
            _not_negative("flat_amount", "rule_flat_amount_not_negative", "均等割"),
            _not_negative("per_capita_unit", "rule_per_capita_unit_not_negative", "地域割の単価"),
            _not_negative("labour_cap", "rule_labour_cap_not_negative", "事務局人件費の上限額"),
        ]

    def __str__(self):
        return f"{self.programme} {fiscal_year_label(self.valid_from_fiscal_year)}から"

    def get_absolute_url(self):
        return reverse("admin:subsidies_programmerule_change", args=[self.pk])

    @property
    def rate(self) -> Fraction:
        return Fraction(self.rate_numerator, self.rate_denominator)

    @property
    def rate_display(self) -> str:
        return rate_label(self.rate)

    @property
    def has_formula(self) -> bool:
        return self.flat_amount is not None or self.per_capita_unit is not None

    def population_date(self, fiscal_year: int) -> date:
        """The day whose population the 地域割 uses for ``fiscal_year``."""
        return self.population_reference_date or date(fiscal_year, 3, 31)

    def report_due_on(self, fiscal_year: int, work_ends_on: date | None) -> date:
        """実績報告の期限: N days after the work ends, at the latest M days after the year."""
        latest = fiscal_year_end(fiscal_year) + timedelta(days=self.report_days_after_year_end)
        if work_ends_on is None:
            return latest
        return min(work_ends_on + timedelta(days=self.report_due_days), latest)

    def terms(self) -> RuleTerms:
        """The plain terms the engine calculates with (prefetch eligible_categories)."""
        categories = list(self.eligible_categories.all())
        return RuleTerms(
            rate=self.rate,
            eligible_stages=frozenset(self.eligible_stages),
            eligible_categories=frozenset(c.code for c in categories),
            labour_categories=frozenset(c.code for c in categories if c.is_labour),
            category_names={c.code: c.name for c in categories},
            rounding_unit=self.rounding_unit,
            yearly_cap=self.yearly_cap,
            lifetime_cap=self.lifetime_cap,
            max_fiscal_years=self.max_fiscal_years,
            flat_amount=self.flat_amount,
            per_capita_unit=self.per_capita_unit,
            labour_eligible=self.labour_eligible,
            labour_cap=self.labour_cap,
            label=str(self),
        )

    def clean(self):
        errors = {}
        stages = self.eligible_stages
        if not isinstance(stages, list) or not stages:
            errors["eligible_stages"] = ValidationError(
                "対象とする段階を1つ以上選んでください。", code="no_eligible_stage"
            )
        elif unknown := [s for s in stages if s not in Stage.values]:
            errors["eligible_stages"] = ValidationError(
                "段階「%(stage)s」はありません。",
                code="invalid_stage",
                params={"stage": unknown[0]},
            )
        if self.labour_cap is not None and not self.labour_eligible:
            errors["labour_cap"] = ValidationError(
                "事務局人件費を補助しない規則には上限額を入れないでください。",
                code="labour_cap_without_labour",
            )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise _move_to_fields(
                error,
                {
                    "overlapping_rule": "valid_from_fiscal_year",
                    "rate_out_of_range": "rate_numerator",
                    "rate_denominator_invalid": "rate_denominator",
                },
            ) from None


class Budget(models.Model):
    """予算額: what the city set aside for one programme in one fiscal year."""

    programme = models.ForeignKey(
        SubsidyProgramme, on_delete=models.CASCADE, related_name="budgets", verbose_name="補助制度"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "年度（西暦）",
        validators=[MinValueValidator(1989, "年度は1989年度以降にしてください。")],
    )
    amount = YenField("予算額（円）")
    notes = models.CharField("備考", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="予算額の変更履歴")

    class Meta:
        verbose_name = "予算額"
        verbose_name_plural = "予算額"
        ordering = ["programme__sort_order", "programme__code", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "fiscal_year"],
                name="budget_one_per_programme_year",
                violation_error_message="この補助制度のこの年度の予算額は既に登録されています。",
                violation_error_code="duplicate_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="budget_amount_not_negative",
                violation_error_message="予算額は0円以上で入力してください。",
                violation_error_code="negative_amount",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {fiscal_year_label(self.fiscal_year)} {self.amount:,}円"

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise _move_to_fields(error, {"duplicate_budget": "fiscal_year"}) from None


# The grant lifecycle ---------------------------------------------------------------


class Status(models.TextChoices):
    """Where an application stands; the moves between them are subsidies.services.TRANSITIONS."""

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


class Application(models.Model):
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
    def granted_amount(self) -> int:
        """What this application commits: the confirmed amount once known, else the decided."""
        if self.status not in GRANTED_STATUSES:
            return 0
        if self.confirmed_amount is not None:
            return self.confirmed_amount
        return self.decided_amount or 0

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


class ApplicationLine(models.Model):
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
        return f"{self.category} {self.description} {self.amount:,}円"


class PrivateStorage(FileSystemStorage):
    """Uploaded documents: under MEDIA_ROOT/private/, never under the static root.

    They have no public URL: views that check who asks serve them. File names are random,
    so a web server misconfigured to serve all of MEDIA_ROOT still exposes no guessable path.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, os.path.join(settings.MEDIA_ROOT, "private"))


private_storage = PrivateStorage()


def attachment_path(instance, filename):
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"subsidies/{uuid.uuid4().hex}.{extension}"


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", "申請の添付書類"
    CHANGE = "change", "変更申請の添付書類"
    REPORT = "report", "実績報告・領収書"


class Attachment(models.Model):
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


class NoticeKind(models.TextChoices):
    DECISION = "decision", "交付決定通知書"
    CHANGE = "change", "変更交付決定通知書"
    REFUSAL = "refusal", "不交付決定通知書"
    CONFIRMATION = "confirmation", "補助金の額の確定通知書"


class Notice(models.Model):
    """An official notice (通知書) with its document number; the PDF is rendered from ``content``.

    ``content`` keeps the amounts and wording as issued, so the PDF stays the same even
    when the application changes later.
    """

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="notices", verbose_name="交付申請"
    )
    kind = models.CharField("種類", max_length=20, choices=NoticeKind.choices)
    fiscal_year = models.PositiveSmallIntegerField("文書番号の年度")
    number = models.PositiveIntegerField("番号")
    document_number = models.CharField("文書番号", max_length=40)
    issued_on = models.DateField("日付")
    content = models.JSONField("記載内容", default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="発行者",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        verbose_name = "通知書"
        verbose_name_plural = "通知書"
        ordering = ["application", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "number"],
                name="notice_number_unique_per_year",
                violation_error_message="この文書番号はこの年度で既に使われています。",
                violation_error_code="duplicate_document_number",
            ),
        ]

    def __str__(self):
        return f"{self.document_number} {self.get_kind_display()}"


class DocumentCounter(models.Model):
    """The last document number used in a fiscal year; locked while a number is taken."""

    fiscal_year = models.PositiveSmallIntegerField("年度（西暦）", unique=True)
    last_number = models.PositiveIntegerField("最後の番号", default=0)

    class Meta:
        verbose_name = "文書番号の採番"
        verbose_name_plural = "文書番号の採番"
        ordering = ["-fiscal_year"]

    def __str__(self):
        return f"{fiscal_year_label(self.fiscal_year)} 第{self.last_number}号まで"


class ActorRole(models.TextChoices):
    SECRETARY = "secretary", "地域協働体（事務局）"
    STAFF = "staff", "市職員"
    SYSTEM = "system", "システム"


class ApplicationEvent(models.Model):
    """An audit row: who moved the application from which status to which, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name="交付申請"
    )
    action = models.CharField("操作", max_length=30)
    from_status = models.CharField("変更前の状況", max_length=20, choices=Status.choices)
    to_status = models.CharField("変更後の状況", max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作した人",
    )
    actor_role = models.CharField("立場", max_length=20, choices=ActorRole.choices)
    at = models.DateTimeField("日時", default=timezone.now)
    comment = models.TextField("コメント", blank=True)
    changes = models.JSONField(
        "金額の変更", default=dict, blank=True, help_text="{項目: [変更前, 変更後]}"
    )
    notice = models.ForeignKey(
        Notice,
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
        from .services import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)

    @property
    def change_lines(self) -> list[str]:
        """The amount changes in Japanese: 交付決定額: — → 100,000円."""

        def text(value):
            return "—" if value is None else f"{value:,}円"

        return [
            f"{AMOUNT_FIELDS.get(name, name)}: {text(before)} → {text(after)}"
            for name, (before, after) in self.changes.items()
        ]
