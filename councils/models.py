"""Councils (地域協働体) and what the city records about them: districts and their
population, the stage history and which stage may follow which, member organisations,
civic centres and secretary accounts.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from core.models import CityOwned, city_unique
from core.scoping import CityScopedManager, CityScopedQuerySet
from core.validators import MaxCountValidator


class District(CityOwned):
    """地区: the smallest area the city counts population for."""

    code = models.CharField(
        "地区コード",
        max_length=20,
    )
    name = models.CharField("地区名", max_length=100)
    kana = models.CharField("地区名（かな）", max_length=200, blank=True)
    notes = models.TextField("備考", blank=True)
    history = HistoricalRecords(verbose_name="地区の変更履歴")

    class Meta:
        constraints = [
            city_unique(
                "code",
                name="district_code_unique_per_city",
                message="この地区コードは既に使われています。",
            ),
        ]
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class PopulationRecord(CityOwned):
    """Population and households of one district as of a date, by source."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="populations", verbose_name="地区"
    )
    as_of = models.DateField("基準日")
    population = models.IntegerField(
        "人口",
        validators=[
            MinValueValidator(0, "人口は0以上で入力してください。"),
            MaxCountValidator("人口"),
        ],
    )
    households = models.IntegerField(
        "世帯数",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "世帯数は0以上で入力してください。"),
            MaxCountValidator("世帯数"),
        ],
    )
    source = models.CharField("出典", max_length=100, default="住民基本台帳")
    history = HistoricalRecords(verbose_name="人口の変更履歴")

    class Meta:
        verbose_name = "人口"
        verbose_name_plural = "人口"
        ordering = ["district__code", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "district", "as_of", "source"],
                name="population_unique_per_district_date_source",
                violation_error_message="この地区・基準日・出典の人口は既に登録されています。",
            ),
            models.CheckConstraint(
                condition=models.Q(population__gte=0),
                name="population_not_negative",
                violation_error_message="人口は0以上で入力してください。",
            ),
            models.CheckConstraint(
                condition=models.Q(households__gte=0) | models.Q(households__isnull=True),
                name="households_not_negative",
                violation_error_message="世帯数は0以上で入力してください。",
            ),
        ]

    def __str__(self):
        return f"{self.district.name} {self.as_of:%Y-%m-%d} {self.population:,}人"


class Stage(models.TextChoices):
    PREPARING = "preparing", "設立準備・合意形成"
    ESTABLISHED = "established", "設立"
    PLAN_ADOPTED = "plan_adopted", "地域づくり計画策定済"


ESTABLISHED_STAGES = (Stage.ESTABLISHED, Stage.PLAN_ADOPTED)

# Which stage may follow which: one step forward, or one step back (a lapsed plan, a
# founding undone). A council adopts a plan only once it is established.
STAGE_MOVES = {
    Stage.PREPARING: (Stage.ESTABLISHED,),
    Stage.ESTABLISHED: (Stage.PLAN_ADOPTED, Stage.PREPARING),
    Stage.PLAN_ADOPTED: (Stage.ESTABLISHED,),
}


class CouncilQuerySet(CityScopedQuerySet):
    def with_stage_on(self, day: date):
        """Annotate ``stage_then``: each council's stage on ``day``, in one query.

        From the stage history; a council with no history at all counts at its current
        stage, one whose history starts after ``day`` has no stage (None) that day.
        """
        changes = CouncilStageChange.objects.filter(council=OuterRef("pk"))
        on_day = (
            changes.filter(changed_on__lte=day).order_by("-changed_on", "-pk").values("stage")[:1]
        )
        return self.annotate(
            stage_then=Coalesce(
                Subquery(on_day),
                Case(When(~Exists(changes), then="stage"), default=None),
            )
        )


# The representative and office contact a council registers (admin form, council import).
CONTACT_FIELDS = (
    "representative_title",
    "representative_name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "contact_address",
)


class Council(CityOwned):
    """地域協働体: the organisation representing one area."""

    name = models.CharField("名称", max_length=100)
    kana = models.CharField("名称（かな）", max_length=200, blank=True)
    area = models.CharField(
        "地域",
        max_length=50,
        blank=True,
        help_text="市内の地域区分（例: 一関地域、花泉地域）。公開ページの絞り込みに使います。",
    )
    districts = models.ManyToManyField(
        District, related_name="councils", verbose_name="区域（地区）"
    )
    stage = models.CharField("段階", max_length=20, choices=Stage.choices, default=Stage.PREPARING)
    stage_since = models.DateField("段階の開始日", default=date.today)
    representative_title = models.CharField("代表者の役職", max_length=50, default="会長")
    representative_name = models.CharField("代表者氏名", max_length=100, blank=True)
    contact_name = models.CharField("事務局 担当者", max_length=100, blank=True)
    contact_phone = models.CharField("事務局 電話番号", max_length=30, blank=True)
    contact_email = models.EmailField("事務局 メールアドレス", blank=True)
    contact_address = models.CharField("事務局 所在地", max_length=200, blank=True)
    is_model_district = models.BooleanField("モデル地区", default=False)
    notes = models.TextField("備考", blank=True)
    history = HistoricalRecords(verbose_name="地域協働体の変更履歴")

    objects = CityScopedManager.from_queryset(CouncilQuerySet)()

    class Meta:
        constraints = [
            city_unique(
                "name",
                name="council_name_unique_per_city",
                message="この名称は既に登録されています。",
            ),
        ]
        verbose_name = "地域協働体"
        verbose_name_plural = "地域協働体"
        ordering = ["kana", "name"]

    def __str__(self):
        return self.name

    @property
    def is_established(self) -> bool:
        return self.stage in ESTABLISHED_STAGES

    @staticmethod
    def validate_districts(districts) -> None:
        """A council covers at least one district. Raise ValidationError naming the field."""
        if not districts:
            raise ValidationError(
                {
                    "districts": ValidationError(
                        "区域となる地区を1つ以上選んでください。", code="no_district"
                    )
                }
            )


class CouncilStageChange(CityOwned):
    """One step of a council's stage history (設立準備 → 設立 → 計画策定済)."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="stage_changes", verbose_name="地域協働体"
    )
    stage = models.CharField("段階", max_length=20, choices=Stage.choices)
    changed_on = models.DateField("日付")
    note = models.CharField("摘要", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="記録者",
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "段階の履歴"
        verbose_name_plural = "段階の履歴"
        ordering = ["council", "changed_on", "pk"]
        # "A council's stage on a day" reads the latest step per council; with the city's
        # column also filtered, SQLite would otherwise walk the city's whole history per council.
        indexes = [models.Index(fields=["council", "changed_on"], name="stage_change_council_day")]

    def __str__(self):
        return f"{self.council} {self.get_stage_display()} {self.changed_on}"


class OrganisationKind(models.TextChoices):
    NEIGHBOURHOOD = "jichikai", "自治会・町内会"
    ASSOCIATION = "association", "各種団体"
    NPO = "npo", "NPO"
    COMPANY = "company", "企業"
    SCHOOL = "school", "学校"
    OTHER = "other", "その他"


class MemberOrganisation(CityOwned):
    """An organisation that belongs to a council (構成団体)."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="members", verbose_name="地域協働体"
    )
    name = models.CharField("団体名", max_length=100)
    kind = models.CharField("種別", max_length=20, choices=OrganisationKind.choices)
    representative_name = models.CharField("代表者", max_length=100, blank=True)
    history = HistoricalRecords(verbose_name="構成団体の変更履歴")

    class Meta:
        verbose_name = "構成団体"
        verbose_name_plural = "構成団体"
        ordering = ["council", "kind", "name"]

    def __str__(self):
        return self.name


class Management(models.TextChoices):
    DIRECT = "direct", "直営"
    DESIGNATED = "designated", "指定管理（地域協働体）"


class CivicCentre(CityOwned):
    """市民センター: the council's base, run by the city or by the council (指定管理者)."""

    name = models.CharField("名称", max_length=100)
    kana = models.CharField("名称（カナ）", max_length=200, blank=True)
    address = models.CharField("住所", max_length=200)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True, blank=True)
    council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="civic_centres",
        verbose_name="拠点とする地域協働体",
    )
    management = models.CharField(
        "管理運営", max_length=20, choices=Management.choices, default=Management.DIRECT
    )
    managed_since = models.DateField("管理運営の開始日", null=True, blank=True)
    designation_ends_on = models.DateField("指定期間の終了日", null=True, blank=True)
    history = HistoricalRecords(verbose_name="市民センターの変更履歴")

    class Meta:
        constraints = [
            city_unique(
                "name",
                name="civiccentre_name_unique_per_city",
                message="この名称は既に登録されています。",
            ),
        ]
        verbose_name = "市民センター"
        verbose_name_plural = "市民センター"
        ordering = ["kana", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if (
            self.managed_since
            and self.designation_ends_on
            and self.designation_ends_on < self.managed_since
        ):
            errors["designation_ends_on"] = ValidationError(
                "指定期間の終了日が開始日より前になっています。", code="end_before_start"
            )
        if self.management == Management.DESIGNATED:
            if self.council_id is None:
                errors["council"] = ValidationError(
                    "指定管理の場合は、管理する地域協働体を選んでください。",
                    code="designated_without_council",
                )
            elif not self.managed_since:
                errors["managed_since"] = ValidationError(
                    "指定管理の開始日を入力してください。", code="designated_without_date"
                )
            else:
                stage = (
                    Council.objects.with_stage_on(self.managed_since)
                    .filter(pk=self.council_id)
                    .values_list("stage_then", flat=True)
                    .first()
                ) or self.council.stage
                if stage not in ESTABLISHED_STAGES:
                    errors["management"] = ValidationError(
                        "%(council)s は%(day)s時点で設立されていないため、指定管理者にできません。",
                        code="council_not_established",
                        params={"council": self.council, "day": self.managed_since},
                    )
        if errors:
            raise ValidationError(errors)


class CouncilSecretary(CityOwned):
    """A user's tenure as secretary (事務局) of one council: the link the portal checks."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="secretaries", verbose_name="地域協働体"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="secretary_tenures",
        verbose_name="利用者",
    )
    started_on = models.DateField("開始日")
    ended_on = models.DateField("終了日", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登録者",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="終了処理者",
    )

    class Meta:
        verbose_name = "事務局アカウント"
        verbose_name_plural = "事務局アカウント"
        ordering = ["council", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user"],
                condition=models.Q(ended_on__isnull=True),
                name="one_active_council_per_secretary",
                violation_error_message="この利用者は既に他の地域協働体の事務局です。",
            ),
        ]

    def __str__(self):
        return f"{self.council} / {self.user}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def clean(self):
        errors = {}
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = ValidationError(
                "終了日が開始日より前になっています。", code="end_before_start"
            )
        if self.user_id is not None and self.council_id is not None:
            try:
                validate_secretary_city(self.user, self.council)
            except ValidationError as error:
                errors["user"] = error
        if errors:
            raise ValidationError(errors)


def validate_secretary_city(user, council: Council) -> None:
    """A secretary account belongs to the council's city; raise ValidationError otherwise.

    The portal is served at the city's host and only that city's accounts log in there, so
    an account of another city (or a platform operator's, which has no city) could never use
    the council's portal.
    """
    if user.municipality_id == council.municipality_id:
        return
    if user.municipality_id is None:
        raise ValidationError(
            "プラットフォーム運営者のアカウントは地域協働体の事務局にできません。",
            code="secretary_without_city",
        )
    raise ValidationError(
        "この利用者は他の自治体（%(city)s）のアカウントです。"
        "事務局には%(council_city)sのアカウントを登録してください。",
        code="secretary_of_other_city",
        params={"city": user.municipality, "council_city": council.municipality},
    )
