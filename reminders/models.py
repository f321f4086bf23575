"""When the city reminds councils: days before a report is due, after it became overdue,
and before a progress period closes, set per programme and per plan."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import CityOwned, city_unique

MAX_DAYS = 365  # a reminder never reaches beyond a fiscal year


class ReminderEvent(models.TextChoices):
    REPORT_DUE = "report_due", "実績報告の期限の前（0は期限日当日）"
    REPORT_OVERDUE = "report_overdue", "実績報告の期限を過ぎてから（0は期限超過の当日）"
    PROGRESS_CLOSE = "progress_close", "進捗入力期間の終了の前（0は終了日当日）"


PROGRAMME_EVENTS = (ReminderEvent.REPORT_DUE, ReminderEvent.REPORT_OVERDUE)


class ReminderTiming(CityOwned):
    """One reminder: for a programme's reports or a plan's progress periods, how many days
    before (or, for overdue reports, after) the date."""

    event = models.CharField("いつ", max_length=20, choices=ReminderEvent.choices)
    programme = models.ForeignKey(
        "subsidies.SubsidyProgramme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_timings",
        verbose_name="補助制度",
        help_text="実績報告のリマインダーで選びます。",
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_timings",
        verbose_name="計画",
        help_text="進捗入力期間のリマインダーで選びます（地域づくり計画）。",
    )
    days = models.IntegerField(
        "日数",
        validators=[
            MinValueValidator(0, "日数は0以上の整数で入力してください（0は当日）。"),
            MaxValueValidator(
                MAX_DAYS, "日数は365日以内で入力してください（年度を越えて設定できません）。"
            ),
        ],
        help_text="0〜365の整数。例: 14と3（期限の14日前と3日前）。",
    )

    class Meta:
        verbose_name = "リマインダーの時期"
        verbose_name_plural = "リマインダーの時期"
        ordering = ["event", "programme", "plan", "-days"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=0, days__lte=MAX_DAYS),
                name="reminders_days_within_year",
                violation_error_message="日数は0〜365の整数で入力してください。",
            ),
            models.CheckConstraint(
                condition=(
                    Q(event__in=PROGRAMME_EVENTS, programme__isnull=False, plan__isnull=True)
                    | Q(
                        event=ReminderEvent.PROGRESS_CLOSE,
                        programme__isnull=True,
                        plan__isnull=False,
                    )
                ),
                name="reminders_target_matches_event",
                violation_error_message="実績報告には補助制度を、進捗には計画を選んでください。",
            ),
            city_unique(
                "event",
                "programme",
                "days",
                name="reminders_programme_timing_once",
                message="この補助制度には同じ日数のリマインダーが既にあります。",
                condition=Q(programme__isnull=False),
            ),
            city_unique(
                "event",
                "plan",
                "days",
                name="reminders_plan_timing_once",
                message="この計画には同じ日数のリマインダーが既にあります。",
                condition=Q(plan__isnull=False),
            ),
        ]

    def __str__(self):
        target = self.programme or self.plan
        if self.event == ReminderEvent.REPORT_OVERDUE:
            return f"{target} 期限超過から{self.days}日後"
        return f"{target} {self.days}日前"

    def clean(self):
        if self.event in PROGRAMME_EVENTS:
            if self.programme_id is None:
                raise ValidationError(
                    {
                        "programme": ValidationError(
                            "補助制度を選んでください。", code="programme_required"
                        )
                    }
                )
            if self.plan_id is not None:
                raise ValidationError(
                    {
                        "plan": ValidationError(
                            "実績報告のリマインダーでは計画を空欄にしてください。",
                            code="plan_not_allowed",
                        )
                    }
                )
        elif self.event == ReminderEvent.PROGRESS_CLOSE:
            if self.plan_id is None:
                raise ValidationError(
                    {"plan": ValidationError("計画を選んでください。", code="plan_required")}
                )
            if self.programme_id is not None:
                raise ValidationError(
                    {
                        "programme": ValidationError(
                            "進捗のリマインダーでは補助制度を空欄にしてください。",
                            code="programme_not_allowed",
                        )
                    }
                )
