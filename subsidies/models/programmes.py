"""Subsidy programmes as data: expense categories, programmes, rule versions by fiscal
year, budgets."""

from datetime import date, timedelta
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.calendar import fiscal_year_end, fiscal_year_label
from core.models import CityOwned, city_unique
from core.money import yen_amount
from councils.models import Stage

from ..engine import RuleTerms, rate_label
from .fields import YenField, move_to_fields, not_negative


class RoundingUnit(models.IntegerChoices):
    YEN = 1, "1円未満切捨て"
    HUNDRED = 100, "100円未満切捨て"
    THOUSAND = 1000, "千円未満切捨て"


class ExpenseCategory(CityOwned):
    """経費区分: a kind of cost a rule may make eligible (報償費, 需用費, 人件費 …)."""

    code = models.SlugField(
        "コード",
        max_length=30,
    )
    name = models.CharField("名称", max_length=50)
    examples = models.CharField("主な内容", max_length=200, blank=True)
    is_labour = models.BooleanField(
        "事務局人件費",
        default=False,
        help_text="給与・社会保険料等の事業主負担・健康診断料など。人件費を実費で補助する規則では、"
        "この区分の経費は補助率・限度額とは別に実費で計算します。",
    )
    sort_order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        constraints = [
            city_unique(
                "code",
                name="expensecategory_code_unique_per_city",
                message="この経費区分コードは既に使われています。",
            ),
            city_unique(
                "name",
                name="expensecategory_name_unique_per_city",
                message="この名称の経費区分は既にあります。",
            ),
        ]
        verbose_name = "経費区分"
        verbose_name_plural = "経費区分"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class SubsidyProgramme(CityOwned):
    """補助制度: a subsidy the city runs; its terms live in versioned ProgrammeRule rows."""

    code = models.SlugField(
        "制度コード",
        max_length=30,
        help_text="半角英数字（例: jigyo1）。",
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
    shared_as_template = models.BooleanField(
        "ひな形として他の自治体に公開する",
        default=True,
        help_text="他の自治体が、この制度の補助率・限度額・対象経費を写して新しい制度を作れます。"
        "制度の概要も写し、予算額・計画上の位置付け・要綱名・文書番号の記号・交付の条件・"
        "連絡先・内部メモは写しません。",
    )
    history = HistoricalRecords(verbose_name="補助制度の変更履歴")

    class Meta:
        constraints = [
            city_unique(
                "code",
                name="subsidyprogramme_code_unique_per_city",
                message="この制度コードは既に使われています。",
            ),
        ]
        verbose_name = "補助制度"
        verbose_name_plural = "補助制度"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:subsidies_subsidyprogramme_change", args=[self.pk])


class ProgrammeRule(CityOwned):
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
                fields=["municipality", "programme", "valid_from_fiscal_year"],
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
            not_negative("yearly_cap", "rule_yearly_cap_not_negative", "年度上限額"),
            not_negative("lifetime_cap", "rule_lifetime_cap_not_negative", "通算上限額"),
            not_negative("flat_amount", "rule_flat_amount_not_negative", "均等割"),
            not_negative("per_capita_unit", "rule_per_capita_unit_not_negative", "地域割の単価"),
            not_negative("labour_cap", "rule_labour_cap_not_negative", "事務局人件費の上限額"),
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
            raise move_to_fields(
                error,
                {
                    "overlapping_rule": "valid_from_fiscal_year",
                    "rate_out_of_range": "rate_numerator",
                    "rate_denominator_invalid": "rate_denominator",
                },
            ) from None


class Budget(CityOwned):
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
                fields=["municipality", "programme", "fiscal_year"],
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
        return f"{self.programme} {fiscal_year_label(self.fiscal_year)} {yen_amount(self.amount)}"

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise move_to_fields(error, {"duplicate_budget": "fiscal_year"}) from None
