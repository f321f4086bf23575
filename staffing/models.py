"""City staff assigned to councils (地域担当職員) and the councils' secretariat employees (事務局員)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.calendar import (
    fiscal_year,
    fiscal_year_end,
    fiscal_year_label,
    fiscal_year_start,
    wareki_date,
)
from core.models import CityOwned, city_unique
from core.validators import MaxYenValidator
from councils.models import Council
from councils.selectors import established_on


def _not_negative(label: str):
    return MinValueValidator(0, f"{label}は0以上で入力してください。")


class StaffMember(CityOwned):
    """A city employee who can be assigned to councils as their liaison."""

    staff_number = models.CharField(
        "職員番号",
        max_length=20,
    )
    name = models.CharField("氏名", max_length=100)
    kana = models.CharField("氏名（かな）", max_length=200, blank=True)
    department = models.CharField(
        "所属（部署・支所）",
        max_length=100,
        help_text="例: まちづくり推進課、花泉支所 地域振興課。公開ページにはこの所属だけが表示されます。",
    )
    phone = models.CharField("電話番号", max_length=30, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    is_active = models.BooleanField("在職中", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        verbose_name="ログインアカウント",
    )
    history = HistoricalRecords(verbose_name="市職員の変更履歴")

    class Meta:
        constraints = [
            city_unique(
                "staff_number",
                name="staffmember_staff_number_unique_per_city",
                message="この職員番号は既に登録されています。",
            ),
        ]
        verbose_name = "市職員"
        verbose_name_plural = "市職員"
        ordering = ["kana", "staff_number"]

    def __str__(self):
        return f"{self.name}（{self.department}）"


class LiaisonRole(models.TextChoices):
    MAIN = "main", "主担当"
    DEPUTY = "deputy", "副担当"


def _ends_after_start(name: str, message: str) -> models.CheckConstraint:
    """The database's guard that ``ended_on`` (when set) is not before ``started_on``."""
    return models.CheckConstraint(
        condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
        name=name,
        violation_error_message=message,
        violation_error_code="end_before_start",
    )


def check_period(started_on: date, ended_on: date | None, message: str) -> None:
    """Refuse a period that ends before it starts (ValidationError on ``ended_on``)."""
    if ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": ValidationError(message, code="end_before_start")})


def overlapping(queryset, started_on: date, ended_on: date | None):
    """Rows of ``queryset`` (with started_on/ended_on) whose period overlaps the given one."""
    queryset = queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
    if ended_on is not None:
        queryset = queryset.filter(started_on__lte=ended_on)
    return queryset


class LiaisonAssignment(CityOwned):
    """地域担当職員: a staff member assigned to a council for a period, as main or deputy."""

    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name="地域担当職員",
    )
    council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
        verbose_name="地域協働体",
    )
    role = models.CharField(
        "担当区分", max_length=10, choices=LiaisonRole.choices, default=LiaisonRole.MAIN
    )
    started_on = models.DateField("開始日")
    ended_on = models.DateField("終了日", null=True, blank=True, help_text="空欄は現在も担当中。")
    note = models.CharField("摘要", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="担当の変更履歴")

    class Meta:
        verbose_name = "地域担当職員の配置"
        verbose_name_plural = "地域担当職員の配置"
        ordering = ["council__kana", "role", "-started_on"]
        constraints = [
            _ends_after_start("liaison_ends_after_start", "終了日が開始日より前になっています。"),
            # The full overlap rule lives in clean(); this catches two open main
            # assignments written at the same moment.
            models.UniqueConstraint(
                fields=["municipality", "council"],
                condition=Q(role="main", ended_on__isnull=True),
                name="one_open_main_liaison_per_council",
                violation_error_message="この地域協働体には既に担当中の主担当がいます。",
                violation_error_code="main_liaison_overlap",
            ),
        ]

    def __str__(self):
        return f"{self.council} {self.get_role_display()} {self.staff.name}"

    def validate_constraints(self, exclude=None):
        # clean() reports overlapping main assignments with names and dates; the partial
        # unique constraint is the database's guard against races, not a second message.
        super().validate_constraints(exclude={*(exclude or ()), "council"})

    def clean(self):
        if not self.started_on:
            return
        check_period(self.started_on, self.ended_on, "終了日が開始日より前になっています。")
        if self.council_id is None:
            return
        others = LiaisonAssignment.objects.filter(council_id=self.council_id).exclude(pk=self.pk)
        if self.role == LiaisonRole.MAIN:
            clash = (
                overlapping(others.filter(role=LiaisonRole.MAIN), self.started_on, self.ended_on)
                .select_related("staff")
                .first()
            )
            if clash:
                raise ValidationError(
                    {
                        "started_on": ValidationError(
                            "この期間は既に%(staff)sさんが主担当です（%(start)s〜%(end)s）。"
                            "主担当は同じ日に1人だけです。交代は「異動（担当替え）」から行ってください。",
                            code="main_liaison_overlap",
                            params={
                                "staff": clash.staff.name,
                                "start": wareki_date(clash.started_on),
                                "end": wareki_date(clash.ended_on) if clash.ended_on else "",
                            },
                        )
                    }
                )
        if self.staff_id is not None:
            twice = overlapping(
                others.filter(staff_id=self.staff_id), self.started_on, self.ended_on
            )
            if twice.exists():
                raise ValidationError(
                    {
                        "staff": ValidationError(
                            "この職員は同じ期間に既にこの地域協働体の担当です。",
                            code="staff_assigned_twice",
                        )
                    }
                )


class Employer(models.TextChoices):
    CITY = "city", "市"
    COUNCIL = "council", "地域協働体"


class SecretariatEmployee(CityOwned):
    """事務局員: the person running a council's office, employed by the city (year 1) or the council."""

    council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        related_name="secretariat_employees",
        verbose_name="地域協働体",
    )
    name = models.CharField("氏名", max_length=100)
    employer = models.CharField("雇用主", max_length=10, choices=Employer.choices)
    started_on = models.DateField("雇用開始日")
    ended_on = models.DateField("雇用終了日", null=True, blank=True, help_text="空欄は雇用中。")
    monthly_salary = models.BigIntegerField(
        "給与（月額・円）", validators=[_not_negative("給与"), MaxYenValidator()]
    )
    monthly_insurance = models.BigIntegerField(
        "社会保険料の事業主負担（月額・円）",
        default=0,
        validators=[_not_negative("社会保険料"), MaxYenValidator()],
    )
    yearly_health_check = models.BigIntegerField(
        "健康診断料（年額・円）",
        default=0,
        validators=[_not_negative("健康診断料"), MaxYenValidator()],
    )
    note = models.CharField("摘要", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="事務局員の変更履歴")

    class Meta:
        verbose_name = "事務局員"
        verbose_name_plural = "事務局員"
        ordering = ["council__kana", "-started_on"]
        constraints = [
            _ends_after_start(
                "secretariat_employee_ends_after_start",
                "雇用終了日が雇用開始日より前になっています。",
            ),
            models.CheckConstraint(
                condition=Q(monthly_salary__gte=0)
                & Q(monthly_insurance__gte=0)
                & Q(yearly_health_check__gte=0),
                name="secretariat_costs_not_negative",
                violation_error_message="金額は0以上で入力してください。",
                violation_error_code="negative_amount",
            ),
        ]

    def __str__(self):
        return f"{self.council} {self.name}（{self.get_employer_display()}雇用）"

    def clean(self):
        if not self.started_on:
            return
        check_period(self.started_on, self.ended_on, "雇用終了日が雇用開始日より前になっています。")
        if self.council_id is None:
            return
        established = established_on(self.council)
        if self.employer == Employer.COUNCIL:
            if established is None:
                raise ValidationError(
                    {
                        "employer": ValidationError(
                            "%(council)sはまだ設立されていないため、事務局員を雇用できません。"
                            "市の雇用として登録してください。",
                            code="council_not_established",
                            params={"council": self.council},
                        )
                    }
                )
            first_year = fiscal_year(established)
            if self.started_on <= fiscal_year_end(first_year):
                raise ValidationError(
                    {
                        "employer": ValidationError(
                            "設立初年度（%(year)s）は市が雇用します。地域協働体の雇用は"
                            "%(next)s以降の期間で登録してください。",
                            code="council_employer_in_first_year",
                            params={
                                "year": fiscal_year_label(first_year),
                                "next": wareki_date(fiscal_year_start(first_year + 1)),
                            },
                        )
                    }
                )
        else:
            # The city places one employee per council (第2次地域協働推進計画 事業9).
            others = SecretariatEmployee.objects.filter(
                council_id=self.council_id, employer=Employer.CITY
            ).exclude(pk=self.pk)
            if overlapping(others, self.started_on, self.ended_on).exists():
                raise ValidationError(
                    {
                        "started_on": ValidationError(
                            "市が雇用する事務局員は、1つの地域協働体につき同じ期間に1人までです。",
                            code="city_employee_limit",
                        )
                    }
                )


class CouncilStaffing(Council):
    """The staff overview in the admin: every council with its liaisons and secretariat."""

    class Meta:
        proxy = True
        verbose_name = "配置状況（地域協働体別）"
        verbose_name_plural = "配置状況（地域協働体別）"
