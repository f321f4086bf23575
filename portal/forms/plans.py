"""The secretary's forms on the council's community plan and its progress."""

from django import forms
from django.forms import inlineformset_factory

from core.calendar import CalendarParseError, Period, fiscal_year, fiscal_year_label, parse_period
from core.models import Municipality
from plans.models import (
    Actor,
    ItemSchedule,
    LocalIssue,
    Plan,
    PlanItem,
    Policy,
    ProgressEntry,
    ProgressStatus,
    RoleAllocation,
)


def fiscal_year_choices(plan: Plan):
    return [(year, fiscal_year_label(year)) for year in plan.years]


class PeriodField(forms.TypedChoiceField):
    """A period of the plan (year, 上半期, 下半期) chosen by its code (2024, 2024H1)."""

    def __init__(self, *, plan: Plan, **kwargs):
        super().__init__(
            choices=[(p.code, p.label) for p in plan.periods()],
            coerce=self._parse,
            **kwargs,
        )

    @staticmethod
    def _parse(value) -> Period:
        try:
            return parse_period(value)
        except CalendarParseError as error:
            raise forms.ValidationError(str(error), code=error.code) from error


class PlanBasicsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "start_year", "end_year", "vision", "summary", "revision_note"]
        widgets = {
            "vision": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "revision_note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "start_year": "西暦で入力します（例: 2024 = 令和6年度）。",
            "end_year": "西暦で入力します（例: 2028 = 令和10年度）。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.revision_of_id is None:
            del self.fields["revision_note"]


def _rows_formset(parent, model, fields: list[str], text_field: str, form=forms.ModelForm):
    """The rows of ``model`` under ``parent``: two blank rows, each deletable, with
    ``text_field`` as a two-line text area."""
    return inlineformset_factory(
        parent,
        model,
        form=form,
        fields=fields,
        widgets={text_field: forms.Textarea(attrs={"rows": 2})},
        extra=2,
        can_delete=True,
    )


LocalIssueFormSet = _rows_formset(
    Plan, LocalIssue, ["order", "title", "description"], "description"
)
PolicyFormSet = _rows_formset(
    Plan, Policy, ["order", "number", "title", "description"], "description"
)


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["policy", "order", "number", "title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["policy"].queryset = Policy.objects.filter(plan=plan).order_by("order", "pk")

    def clean_number(self):
        # The (plan, number) constraint is not checked by the form: plan is not a field.
        number = self.cleaned_data["number"].strip()
        clash = PlanItem.objects.filter(plan=self.instance.plan, number=number)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                "この計画に同じ番号の事業があります。", code="duplicate_number"
            )
        return number


class RoleAllocationForm(forms.ModelForm):
    """A row of 役割分担 whose actors are named as the city names them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        city = Municipality.current()
        words = {Actor.COUNCIL: city.council_term, Actor.CIVIC_CENTRE: city.centre_term}
        field = self.fields["actor"]
        field.choices = [(value, words.get(value, label)) for value, label in field.choices]


RoleAllocationFormSet = _rows_formset(
    PlanItem,
    RoleAllocation,
    ["order", "actor", "actor_name", "role"],
    "role",
    form=RoleAllocationForm,
)


class ItemScheduleForm(forms.ModelForm):
    class Meta:
        model = ItemSchedule
        fields = ["fiscal_year", "text"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"] = forms.TypedChoiceField(
            label="年度", choices=[("", "---------")] + fiscal_year_choices(plan), coerce=int
        )


def schedule_formset(plan: Plan):
    return inlineformset_factory(
        PlanItem,
        ItemSchedule,
        form=ItemScheduleForm,
        extra=max(len(plan.years), 1),
        max_num=len(plan.years),
        can_delete=True,
    )


class ProgressEntryForm(forms.ModelForm):
    """What the secretary fills in for one item and period."""

    class Meta:
        model = ProgressEntry
        fields = ["done", "meetings", "participants", "status"]
        widgets = {"done": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "done": "取組の内容を具体的に書きます（例: 研修会を2回開催し、延べ45人が参加した）。",
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = ProgressStatus.objects.filter(
            vocabulary_id=plan.vocabulary_id
        ).order_by("order", "pk")
        self.fields["status"].empty_label = "（選択してください）"


class PeriodChoiceForm(forms.Form):
    def __init__(self, *args, plan: Plan, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = PeriodField(plan=plan, label="期間")
        if today is not None and "period" not in self.initial:
            # The fiscal year now, or the plan's nearest year when it is not running.
            year = min(max(fiscal_year(today), plan.start_year), plan.end_year)
            self.initial["period"] = Period(year).code
