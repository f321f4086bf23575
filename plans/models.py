"""Plans (the city's promotion plan and each council's community plan), their progress
entries period by period, the status vocabulary each city uses, and indicators.

One shape serves both kinds of plan: Plan → Policy (基本方針 / 推進方針) → PlanItem (事業 /
推進項目 / a council's project) with role allocation and a schedule per fiscal year.
A revision (見直し) is a new Plan row pointing at the version it replaces, so the old one
stays readable with the progress filed against it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.calendar import FIRST_HALF, HALF_LABELS, SECOND_HALF, Period, fiscal_year_label
from core.models import CityOwned, TransitionRecord, city_unique
from core.validators import MaxCountValidator

# Fiscal years a plan may name: 平成元年度 onwards, and not absurdly far ahead.
FIRST_PLAN_YEAR = 1989
LAST_PLAN_YEAR = 2100


def _year_range_error(field: str, value: int | None) -> dict:
    if value is None or FIRST_PLAN_YEAR <= value <= LAST_PLAN_YEAR:
        return {}
    return {
        field: ValidationError(
            "年度は%(first)s年から%(last)s年の範囲で入力してください。",
            code="year_out_of_range",
            params={"first": FIRST_PLAN_YEAR, "last": LAST_PLAN_YEAR},
        )
    }


class StatusVocabulary(CityOwned):
    """A city's set of progress statuses (達成状況 / 推進状況), kept as data."""

    name = models.CharField("名称", max_length=100)
    description = models.TextField("説明", blank=True)
    is_default = models.BooleanField(
        "地域づくり計画の既定",
        default=False,
        help_text="事務局が新しく作る地域づくり計画にはこの区分が使われます（1つだけ）。",
    )
    history = HistoricalRecords(verbose_name="達成状況の区分の変更履歴")

    class Meta:
        verbose_name = "達成状況の区分"
        verbose_name_plural = "達成状況の区分"
        ordering = ["name"]
        constraints = [
            city_unique(
                "name",
                name="statusvocabulary_name_unique_per_city",
                message="この名称の区分は既にあります。",
            ),
            models.UniqueConstraint(
                fields=["municipality", "is_default"],
                condition=Q(is_default=True),
                name="plans_one_default_vocabulary",
                violation_error_message="既定の区分は1つだけ設定できます。",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls) -> "StatusVocabulary | None":
        return cls.objects.filter(is_default=True).first()


class ProgressStatus(CityOwned):
    """One status of a vocabulary, e.g. 達成済, 継続推進, or 「-」 (not yet assessed)."""

    vocabulary = models.ForeignKey(
        StatusVocabulary,
        on_delete=models.CASCADE,
        related_name="statuses",
        verbose_name="区分",
    )
    code = models.SlugField("コード", max_length=30, help_text="半角英数字（例: achieved）")
    label = models.CharField("表示名", max_length=50)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    is_assessed = models.BooleanField(
        "評価済みを表す",
        default=True,
        help_text="「-」（年度途中で未評価）のように評価前を表す区分ではオフにします。",
    )

    class Meta:
        verbose_name = "達成状況"
        verbose_name_plural = "達成状況"
        ordering = ["vocabulary", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "vocabulary", "code"],
                name="plans_status_code_unique",
                violation_error_message="この区分に同じコードの達成状況があります。",
            ),
            models.UniqueConstraint(
                fields=["municipality", "vocabulary", "label"],
                name="plans_status_label_unique",
                violation_error_message="この区分に同じ表示名の達成状況があります。",
            ),
        ]

    def __str__(self):
        return self.label


class PlanKind(models.TextChoices):
    CITY = "city", "協働推進計画（市）"
    COMMUNITY = "community", "地域づくり計画（地域協働体）"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "提出済（市で確認中）"
    PUBLISHED = "published", "公開中"
    SUPERSEDED = "superseded", "改定済（旧版）"


# Versions the public may read: the one in force and the ones it replaced.
PUBLIC_PLAN_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED)
EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT,)


class Plan(CityOwned):
    """One version of a plan: the city's promotion plan or a council's community plan."""

    kind = models.CharField("種類", max_length=20, choices=PlanKind.choices)
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name="地域協働体",
        help_text="地域づくり計画のときだけ選びます。市の計画では空欄です。",
    )
    title = models.CharField("計画名", max_length=200)
    issued_by = models.CharField(
        "策定主体", max_length=100, blank=True, help_text="例: 一関市、山目地域協働体"
    )
    start_year = models.PositiveSmallIntegerField("計画期間（開始年度）")
    end_year = models.PositiveSmallIntegerField("計画期間（終了年度）")
    vision = models.TextField("将来像・目指す姿", blank=True)
    summary = models.TextField("計画の概要", blank=True)
    vocabulary = models.ForeignKey(
        StatusVocabulary,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name="達成状況の区分",
    )
    status = models.CharField(
        "状態", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name="見直し前の版",
    )
    version = models.PositiveSmallIntegerField("版", default=1)
    revision_note = models.TextField("見直しの内容", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    history = HistoricalRecords(verbose_name="計画の変更履歴")

    class Meta:
        verbose_name = "計画"
        verbose_name_plural = "計画"
        ordering = ["kind", "-start_year", "-version", "pk"]
        permissions = [("publish_plan", "計画・進捗を公開できる")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PlanKind.CITY) & Q(council__isnull=True))
                | (Q(kind=PlanKind.COMMUNITY) & Q(council__isnull=False)),
                name="plans_council_matches_kind",
                violation_error_message="地域づくり計画には地域協働体を、市の計画には空欄を指定してください。",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plans_period_not_reversed",
                violation_error_message="計画期間の終了年度が開始年度より前になっています。",
            ),
            models.UniqueConstraint(
                fields=["municipality", "council"],
                condition=Q(status="published", kind="community"),
                name="plans_one_published_community_plan",
                violation_error_message="この地域協働体には公開中の地域づくり計画が既にあります。",
            ),
            models.UniqueConstraint(
                fields=["municipality", "revision_of"],
                condition=Q(status__in=["draft", "submitted"]),
                name="plans_one_open_revision",
                violation_error_message="この版の見直し案は既に作成されています。",
            ),
        ]

    def __str__(self):
        version = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.title}{version}"

    def clean(self):
        errors = {}
        errors.update(_year_range_error("start_year", self.start_year))
        errors.update(_year_range_error("end_year", self.end_year))
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = ValidationError(
                "計画期間の終了年度が開始年度より前になっています。", code="period_reversed"
            )
        if self.kind == PlanKind.COMMUNITY and self.council_id is None:
            errors["council"] = ValidationError(
                "地域づくり計画には地域協働体を選んでください。", code="council_required"
            )
        if self.kind == PlanKind.CITY and self.council_id is not None:
            errors["council"] = ValidationError(
                "市の計画には地域協働体を指定できません。", code="council_not_allowed"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def period_label(self) -> str:
        return f"{fiscal_year_label(self.start_year)}〜{fiscal_year_label(self.end_year)}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def owner_name(self) -> str:
        if self.issued_by:
            return self.issued_by
        return str(self.council) if self.council_id else ""

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_PLAN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_PLAN_STATUSES

    def covers(self, period: Period) -> bool:
        return self.start_year <= period.fiscal_year <= self.end_year

    def periods(self) -> list[Period]:
        """Every period progress may be filed for: each year, then its two halves."""
        result = []
        for year in self.years:
            result += [Period(year), Period(year, FIRST_HALF), Period(year, SECOND_HALF)]
        return result


class Policy(CityOwned):
    """基本方針 / 推進方針: an ordered heading of a plan, numbered I–V or ⑴–⑸."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="policies", verbose_name="計画"
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    number = models.CharField("番号", max_length=10, blank=True, help_text="例: I、⑴、1")
    title = models.CharField("方針", max_length=200)
    description = models.TextField("説明", blank=True)

    class Meta:
        verbose_name = "基本方針"
        verbose_name_plural = "基本方針"
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class PlanItem(CityOwned):
    """事業 / 推進項目 / a council's project: what the plan will do, by whom and when."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="items", verbose_name="計画"
    )
    policy = models.ForeignKey(
        Policy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name="基本方針",
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    number = models.CharField(
        "番号",
        max_length=20,
        help_text="計画の中で重ならない番号（例: 事業1、I-3）。CSVの取込ではこの番号で事業を探します。",
    )
    title = models.CharField("事業名", max_length=200)
    content = models.TextField("内容", blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="見直し前の事業",
    )

    history = HistoricalRecords(verbose_name="事業・推進項目の変更履歴")

    class Meta:
        verbose_name = "事業・推進項目"
        verbose_name_plural = "事業・推進項目"
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "plan", "number"],
                name="plans_item_number_unique",
                violation_error_message="この計画に同じ番号の事業があります。",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        if self.policy_id and self.plan_id and self.policy.plan_id != self.plan_id:
            raise ValidationError(
                {
                    "policy": ValidationError(
                        "別の計画の基本方針は選べません。", code="policy_other_plan"
                    )
                }
            )


class Actor(models.TextChoices):
    COUNCIL = "council", "地域協働体"
    NEIGHBOURHOOD = "jichikai", "自治会"
    CITY = "city", "市"
    NPO = "npo", "NPO"
    COMPANY = "company", "企業"
    CIVIC_CENTRE = "civic_centre", "市民センター"
    CITIZENS = "citizens", "市民"
    OTHER = "other", "その他"


class RoleAllocation(CityOwned):
    """役割分担: which actor does what for one item."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="roles", verbose_name="事業"
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    actor = models.CharField("担い手", max_length=20, choices=Actor.choices)
    actor_name = models.CharField(
        "担い手の名称", max_length=100, blank=True, help_text="例: 山目地区自治会連合会"
    )
    role = models.TextField("役割")

    class Meta:
        verbose_name = "役割分担"
        verbose_name_plural = "役割分担"
        ordering = ["item", "order", "pk"]

    def __str__(self):
        return f"{self.actor_label}: {self.role}"

    @property
    def actor_label(self) -> str:
        return self.actor_name or self.get_actor_display()


class ItemSchedule(CityOwned):
    """What an item plans for one fiscal year (実施 / 検討 / 方法の検討 …)."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="schedule", verbose_name="事業"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    text = models.CharField("予定", max_length=200)

    class Meta:
        verbose_name = "年度別計画"
        verbose_name_plural = "年度別計画"
        ordering = ["item", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "item", "fiscal_year"],
                name="plans_schedule_year_unique",
                violation_error_message="この事業のこの年度の予定は既に登録されています。",
            )
        ]

    def __str__(self):
        return f"{fiscal_year_label(self.fiscal_year)} {self.text}"

    def clean(self):
        if self.item_id and self.fiscal_year:
            plan = self.item.plan
            if not plan.start_year <= self.fiscal_year <= plan.end_year:
                raise ValidationError(
                    {
                        "fiscal_year": ValidationError(
                            "%(year)sは計画期間（%(period)s）の外です。",
                            code="schedule_outside_plan",
                            params={
                                "year": fiscal_year_label(self.fiscal_year),
                                "period": plan.period_label,
                            },
                        )
                    }
                )


class LocalIssue(CityOwned):
    """地域課題: a problem a community plan sets out to address."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="issues", verbose_name="計画"
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    title = models.CharField("課題", max_length=200)
    description = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "地域課題"
        verbose_name_plural = "地域課題"
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.title


class Indicator(CityOwned):
    """数値目標: a measured figure with its baseline, targets and actuals by year."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name="計画"
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)
    name = models.CharField("指標名", max_length=200)
    unit = models.CharField("単位", max_length=20, help_text="例: %、人、件")
    baseline_year = models.PositiveSmallIntegerField("基準年度")
    baseline_value = models.DecimalField("基準値", max_digits=12, decimal_places=2)
    decimal_places = models.PositiveSmallIntegerField(
        "表示する小数の桁数", default=1, help_text="37.5% なら 1、人数なら 0"
    )
    source = models.CharField(
        "把握方法", max_length=200, blank=True, help_text="例: 市民アンケート"
    )
    history = HistoricalRecords(verbose_name="指標の変更履歴")

    class Meta:
        verbose_name = "数値目標"
        verbose_name_plural = "数値目標"
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = _year_range_error("baseline_year", self.baseline_year)
        if errors:
            raise ValidationError(errors)

    def format_value(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        step = Decimal(1).scaleb(-self.decimal_places)
        return f"{value.quantize(step):,}"


class ValueKind(models.TextChoices):
    TARGET = "target", "目標値"
    ACTUAL = "actual", "実績値"


class IndicatorValue(CityOwned):
    """A target or an actual value of an indicator for one fiscal year."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="指標"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("種別", max_length=10, choices=ValueKind.choices)
    value = models.DecimalField("値", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "目標値・実績値"
        verbose_name_plural = "目標値・実績値"
        ordering = ["indicator", "fiscal_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "indicator", "fiscal_year", "kind"],
                name="plans_indicator_value_unique",
                violation_error_message="この年度の同じ種別の値は既に登録されています。",
            )
        ]

    def __str__(self):
        return f"{fiscal_year_label(self.fiscal_year)} {self.get_kind_display()} {self.value}"

    def clean(self):
        errors = _year_range_error("fiscal_year", self.fiscal_year)
        if errors:
            raise ValidationError(errors)
        if (
            self.kind == ValueKind.TARGET
            and self.indicator_id is not None
            and self.fiscal_year
            and self.indicator.baseline_year
            and self.fiscal_year < self.indicator.baseline_year
        ):
            raise ValidationError(
                {
                    "fiscal_year": ValidationError(
                        "目標年度（%(year)s）が基準年度（%(baseline)s）より前になっています。",
                        code="target_before_baseline",
                        params={
                            "year": fiscal_year_label(self.fiscal_year),
                            "baseline": fiscal_year_label(self.indicator.baseline_year),
                        },
                    )
                }
            )


class ReviewState(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "提出済（審査待ち）"
    RETURNED = "returned", "差戻し"
    ACCEPTED = "accepted", "承認済"


EDITABLE_STATES = (ReviewState.DRAFT, ReviewState.RETURNED)


class ProgressEntry(CityOwned):
    """進捗: what was done for one item in one period (a fiscal year or a half)."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="entries", verbose_name="事業"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField(
        "半期",
        null=True,
        blank=True,
        choices=[(FIRST_HALF, HALF_LABELS[FIRST_HALF]), (SECOND_HALF, HALF_LABELS[SECOND_HALF])],
        help_text="年度全体の進捗なら空欄。",
    )
    done = models.TextField("実施内容", blank=True)
    meetings = models.PositiveIntegerField(
        "開催回数", null=True, blank=True, validators=[MaxCountValidator("開催回数")]
    )
    participants = models.PositiveIntegerField(
        "延べ参加人数", null=True, blank=True, validators=[MaxCountValidator("延べ参加人数")]
    )
    status = models.ForeignKey(
        ProgressStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name="達成状況",
    )
    state = models.CharField(
        "審査状況", max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    staff_comment = models.TextField("所見（市）", blank=True)
    return_reason = models.TextField("差戻し・再開の理由", blank=True)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    reviewed_at = models.DateTimeField("承認・差戻し日時", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="審査者",
    )
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成者",
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    history = HistoricalRecords(verbose_name="進捗の変更履歴")

    class Meta:
        verbose_name = "進捗"
        verbose_name_plural = "進捗"
        ordering = ["item__plan_id", "item__order", "item_id", "fiscal_year", "half"]
        constraints = [
            # A year-long entry and the two half-year entries are distinct rows; NULL
            # halves would never clash in one unique index, hence two partial ones.
            models.UniqueConstraint(
                fields=["municipality", "item", "fiscal_year"],
                condition=Q(half__isnull=True),
                name="plans_entry_unique_year",
                violation_error_message="この事業のこの期間の進捗は既に登録されています。",
            ),
            models.UniqueConstraint(
                fields=["municipality", "item", "fiscal_year", "half"],
                condition=Q(half__isnull=False),
                name="plans_entry_unique_half",
                violation_error_message="この事業のこの期間の進捗は既に登録されています。",
            ),
            models.CheckConstraint(
                condition=Q(half__isnull=True) | Q(half__in=[FIRST_HALF, SECOND_HALF]),
                name="plans_entry_half_valid",
                violation_error_message="半期は上半期か下半期を選んでください。",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(state="accepted"),
                name="plans_entry_published_only_when_accepted",
                violation_error_message="承認済みの進捗だけを公開できます。",
            ),
        ]

    def __str__(self):
        return f"{self.item.number} {self.period.label}"

    def clean(self):
        errors = _year_range_error("fiscal_year", self.fiscal_year)
        if errors:
            raise ValidationError(errors)
        if self.item_id is None:
            return
        plan = self.item.plan
        if self.fiscal_year and not plan.covers(self.period):
            errors["fiscal_year"] = ValidationError(
                "%(period)sは計画期間（%(plan_period)s）の外です。",
                code="period_outside_plan",
                params={"period": self.period.label, "plan_period": plan.period_label},
            )
        if self.status_id is not None and self.status.vocabulary_id != plan.vocabulary_id:
            errors["status"] = ValidationError(
                "「%(status)s」はこの計画の達成状況の区分（%(vocabulary)s）にありません。",
                code="status_not_in_vocabulary",
                params={"status": self.status.label, "vocabulary": plan.vocabulary.name},
            )
        if errors:
            raise ValidationError(errors)

    @property
    def period(self) -> Period:
        return Period(self.fiscal_year, self.half)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_locked(self) -> bool:
        """Accepted periods are locked: changes need staff to reopen them."""
        return self.state == ReviewState.ACCEPTED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ProgressAction(models.TextChoices):
    SUBMIT = "submit", "提出"
    COMMENT = "comment", "所見の記入"
    ACCEPT = "accept", "承認"
    ACCEPT_PUBLISH = "accept_publish", "承認して公開"
    RETURN = "return", "差戻し"
    REOPEN = "reopen", "承認の取消（再開）"
    PUBLISH = "publish", "公開"
    UNPUBLISH = "unpublish", "公開の取りやめ"


class ProgressTransition(TransitionRecord):
    """Audit row for every review step of a progress entry: who, when, from, to, why."""

    entry = models.ForeignKey(
        ProgressEntry, on_delete=models.CASCADE, related_name="transitions", verbose_name="進捗"
    )
    action = models.CharField("操作", max_length=20, choices=ProgressAction.choices)
    from_state = models.CharField("変更前", max_length=20, choices=ReviewState.choices)
    to_state = models.CharField("変更後", max_length=20, choices=ReviewState.choices)
    comment = models.TextField("所見・理由", blank=True)

    class Meta:
        verbose_name = "進捗の審査履歴"
        verbose_name_plural = "進捗の審査履歴"
        ordering = ["entry", "at", "pk"]

    def __str__(self):
        return f"{self.entry} {self.get_action_display()}"


class PlanAction(models.TextChoices):
    SUBMIT = "submit", "提出"
    RETURN = "return", "差戻し"
    PUBLISH = "publish", "公開"
    SUPERSEDE = "supersede", "改定により旧版化"


class PlanTransition(TransitionRecord):
    """Audit row for every status change of a plan version."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="transitions", verbose_name="計画"
    )
    action = models.CharField("操作", max_length=20, choices=PlanAction.choices)
    from_status = models.CharField("変更前", max_length=20, choices=PlanStatus.choices)
    to_status = models.CharField("変更後", max_length=20, choices=PlanStatus.choices)

    class Meta:
        verbose_name = "計画の状態履歴"
        verbose_name_plural = "計画の状態履歴"
        ordering = ["plan", "at", "pk"]

    def __str__(self):
        return f"{self.plan} {self.get_action_display()}"


class SubmittedProgress(ProgressEntry):
    """The review queue in the admin: entries waiting for staff (提出済み)."""

    class Meta:
        proxy = True
        verbose_name = "進捗の審査待ち"
        verbose_name_plural = "進捗の審査待ち"
