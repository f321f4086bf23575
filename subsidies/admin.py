from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from core.admin_helpers import AdminPagesMixin, ReadOnlyInline, file_download
from core.calendar import fiscal_year, fiscal_year_label
from core.money import yen_amount, yen_digits
from councils.models import Stage

from . import exports, selectors
from .engine import stage_label
from .models import Budget, ExpenseCategory, ProgrammeRule, SubsidyProgramme
from .programme_templates import programme_from_template, shared_programmes


@admin.register(ExpenseCategory)
class ExpenseCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "examples", "is_labour", "sort_order")
    list_filter = ("is_labour",)
    search_fields = ("name", "code", "examples")


def rule_summary(rule: ProgrammeRule) -> str:
    """One line a clerk can read: 補助率 2/3・年度上限 100,000円 …"""
    example = "（例示）" if rule.amounts_are_examples else ""
    parts = [f"補助率 {rule.rate_display}"]
    if rule.has_formula:
        parts.append(
            f"均等割 {yen_amount(rule.flat_amount)}{example}＋地域割 1人"
            f"{yen_amount(rule.per_capita_unit)}{example}"
        )
    parts += _cap_parts(rule, yearly="年度上限", lifetime="通算上限")
    if rule.labour_eligible:
        parts.append(
            "人件費 実費"
            + (f"（上限 {yen_amount(rule.labour_cap)}）" if rule.labour_cap is not None else "")
        )
    return "・".join(parts)


def _cap_parts(rule: ProgrammeRule, *, yearly: str, lifetime: str) -> list[str]:
    """The yearly and lifetime caps and the number of fiscal years, each named as given."""
    parts = []
    if rule.yearly_cap is not None:
        parts.append(f"{yearly} {yen_amount(rule.yearly_cap)}")
    if rule.lifetime_cap is not None:
        parts.append(f"{lifetime} {yen_amount(rule.lifetime_cap)}")
    if rule.max_fiscal_years:
        parts.append(f"{rule.max_fiscal_years}箇年度まで")
    return parts


class BudgetInline(admin.TabularInline):
    model = Budget
    extra = 1
    fields = ("fiscal_year", "amount", "notes")
    ordering = ("-fiscal_year",)


class RuleVersionInline(ReadOnlyInline):
    model = ProgrammeRule
    show_change_link = True
    fields = ("valid_from", "summary", "stages", "advance_payment_allowed")
    verbose_name_plural = "補助規則の版（追加は上の「規則の新しい版を追加」から）"

    @admin.display(description="適用開始")
    def valid_from(self, obj):
        return f"{fiscal_year_label(obj.valid_from_fiscal_year)}から"

    @admin.display(description="内容")
    def summary(self, obj):
        return rule_summary(obj)

    @admin.display(description="対象とする段階")
    def stages(self, obj):
        return "、".join(stage_label(s) for s in obj.eligible_stages)


@admin.register(SubsidyProgramme)
class SubsidyProgrammeAdmin(AdminPagesMixin, SimpleHistoryAdmin):
    admin_pages = (
        ("<int:pk>/allocation/", "allocation_view", "subsidies_subsidyprogramme_allocation"),
        ("templates/", "templates_view", "subsidies_subsidyprogramme_templates"),
    )
    list_display = ("name", "code", "plan_item", "current_rule", "current_budget", "allocation")
    search_fields = ("name", "code", "plan_item")
    inlines = [BudgetInline, RuleVersionInline]
    fields = (
        "code",
        "name",
        "plan_item",
        "description",
        "notes",
        "sort_order",
        "shared_as_template",
    )
    change_list_template = "admin/subsidies/subsidyprogramme/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rules", "budgets")

    @admin.display(description="現在の規則")
    def current_rule(self, obj):
        year = fiscal_year(timezone.localdate())
        rules = [r for r in obj.rules.all() if r.valid_from_fiscal_year <= year]
        if not rules:
            return "—"
        rule = max(rules, key=lambda r: r.valid_from_fiscal_year)
        return f"{fiscal_year_label(rule.valid_from_fiscal_year)}から: {rule_summary(rule)}"

    @admin.display(description="今年度の予算額")
    def current_budget(self, obj):
        year = fiscal_year(timezone.localdate())
        amounts = [b.amount for b in obj.budgets.all() if b.fiscal_year == year]
        return yen_amount(amounts[0] if amounts else None)

    @admin.display(description="配分試算")
    def allocation(self, obj):
        url = reverse("admin:subsidies_subsidyprogramme_allocation", args=[obj.pk])
        return format_html('<a href="{}">試算する</a>', url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["allocation_url"] = reverse(
            "admin:subsidies_subsidyprogramme_allocation", args=[object_id]
        )
        if request.user.has_perm("subsidies.add_programmerule"):
            extra_context["add_rule_url"] = (
                reverse("admin:subsidies_programmerule_add") + f"?programme={object_id}"
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def templates_view(self, request):
        """他の自治体の制度をひな形に: other cities' shared programmes, copied on request."""
        if not (
            self.has_add_permission(request)
            and request.user.has_perm("subsidies.add_programmerule")
        ):
            raise PermissionDenied
        errors, values = {}, {}
        if request.method == "POST":
            values = {key: request.POST.get(key, "") for key in ("source", "code", "name")}
            try:
                programme = programme_from_template(
                    values["source"], code=values["code"], name=values["name"], actor=request.user
                )
            except ValidationError as error:
                errors = {
                    key: [m for e in found for m in e.messages]
                    for key, found in error.update_error_dict({}).items()
                }
            else:
                messages.success(
                    request,
                    f"「{programme.name}」を作成しました。金額などを確認・修正してください。",
                )
                return redirect("admin:subsidies_subsidyprogramme_change", programme.pk)
        try:
            rows = shared_programmes()
        except ValidationError as error:
            rows, errors = [], {NON_FIELD_ERRORS: error.messages}
        context = {
            **self.admin_site.each_context(request),
            "title": "他の自治体の制度をひな形に作成",
            "opts": self.opts,
            "rows": rows,
            "values": values,
            "errors": errors,
            "source_errors": errors.get("source", []) + errors.get(NON_FIELD_ERRORS, []),
        }
        return TemplateResponse(request, "admin/subsidies/subsidyprogramme/templates.html", context)

    def allocation_view(self, request, pk):
        """試算 for one fiscal year, on screen or as CSV / Excel (?format=csv|xlsx)."""
        programme = get_object_or_404(selectors.programmes_with_years(), pk=pk)
        if not self.has_view_permission(request, programme):
            raise PermissionDenied
        years = selectors.programme_years(programme)
        form = AllocationYearForm(request.GET or None, years=years)
        year = form.cleaned_data["fiscal_year"] if form.is_valid() else None
        if year is None and not form.is_bound:
            current = fiscal_year(timezone.localdate())
            year = current if current in years else (years[0] if years else None)
            form = AllocationYearForm(initial={"fiscal_year": year}, years=years)
        allocation = table = error = None
        granted = budget_left = None
        if year is not None:
            grants, decided_labour = selectors.grants_and_labour_decided(programme, year)
            granted = selectors.granted_in(grants, year)
            try:
                allocation = selectors.allocation_for(
                    programme, year, previous_grants=grants, decided_labour=decided_labour
                )
            except ValidationError as exc:
                error = exc.messages[0]
                budget = selectors.budget_for(programme, year)
            else:
                budget = allocation.budget
            budget_left = None if budget is None else budget - granted
        if allocation is not None:
            export = request.GET.get("format")
            filename = f"配分試算_{programme.code}_{year}"
            if export == "csv":
                return file_download(
                    exports.allocation_csv(allocation),
                    "text/csv; charset=utf-8",
                    f"{filename}.csv",
                )
            if export == "xlsx":
                return file_download(
                    exports.allocation_xlsx(allocation),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"{filename}.xlsx",
                )
            table = exports.allocation_table(allocation)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{programme} 配分試算",
            "opts": self.opts,
            "original": programme,
            "programme": programme,
            "form": form,
            "allocation": allocation,
            "table": table,
            "display_rows": _display_rows(table) if table else [],
            "display_totals": _display_row(table, table.totals) if table else [],
            "notes": (
                exports.allocation_notes(allocation, include_example=False) if allocation else []
            ),
            "error": error,
            "granted_total": granted,
            "budget_left": budget_left,
            "fiscal_year": year,
            "years": years,
        }
        return TemplateResponse(
            request, "admin/subsidies/subsidyprogramme/allocation.html", context
        )


class AllocationYearForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, fiscal_year_label(y)) for y in years]


def _display_row(table, values):
    cells = []
    for column, value in zip(table.columns, values, strict=True):
        if value is None:
            text = "上限なし" if column.header.startswith("試算額") else ""
        elif column.kind == "yen" and isinstance(value, int):
            text = yen_digits(value)
        elif column.kind == "people" and isinstance(value, int):
            text = f"{value:,}"
        else:
            text = str(value)
        cells.append((text, column.kind != "text"))
    return cells


def _display_rows(table):
    return [_display_row(table, row) for row in table.rows]


class ProgrammeRuleForm(forms.ModelForm):
    eligible_stages = forms.MultipleChoiceField(
        label="対象とする段階",
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="例: 地域づくり計画を策定するまでの支援なら「設立準備・合意形成」と「設立」。",
    )

    class Meta:
        model = ProgrammeRule
        fields = "__all__"
        widgets = {"eligible_categories": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        categories = cleaned.get("eligible_categories")
        if (
            cleaned.get("labour_eligible")
            and categories is not None
            and not any(c.is_labour for c in categories)
        ):
            self.add_error(
                "eligible_categories",
                ValidationError(
                    "事務局人件費を補助する場合は、人件費の経費区分を1つ以上選んでください。",
                    code="labour_category_missing",
                ),
            )
        return cleaned


@admin.register(ProgrammeRule)
class ProgrammeRuleAdmin(SimpleHistoryAdmin):
    form = ProgrammeRuleForm
    save_as = True
    list_display = (
        "programme",
        "period",
        "rate_display",
        "formula",
        "caps",
        "stages",
    )
    list_filter = ("programme",)
    list_select_related = ("programme",)
    search_fields = ("programme__name", "programme__code", "notes")
    fieldsets = (
        (
            None,
            {
                "fields": ("programme", "valid_from_fiscal_year", "notes"),
                "description": "規則を改めるときは、この版を書き換えずに「新規保存」で新しい年度の版を"
                "作成してください。過去の年度は当時の版で計算されます。",
            },
        ),
        (
            "補助率・上限",
            {
                "fields": (
                    ("rate_numerator", "rate_denominator"),
                    "rounding_unit",
                    "yearly_cap",
                    "lifetime_cap",
                    "max_fiscal_years",
                )
            },
        ),
        (
            "均等割＋地域割（事業費の限度額）",
            {
                "fields": (
                    "flat_amount",
                    "per_capita_unit",
                    "population_reference_date",
                    "amounts_are_examples",
                    "example_note",
                )
            },
        ),
        ("事務局人件費", {"fields": ("labour_eligible", "labour_cap")}),
        (
            "対象・手続",
            {
                "fields": (
                    "eligible_stages",
                    "eligible_categories",
                    "advance_payment_allowed",
                    "max_applications_per_theme",
                )
            },
        ),
    )

    def get_queryset(self, request):
        later = ProgrammeRule.objects.filter(
            programme=OuterRef("programme"),
            valid_from_fiscal_year__gt=OuterRef("valid_from_fiscal_year"),
        ).order_by("valid_from_fiscal_year")
        return (
            super()
            .get_queryset(request)
            .annotate(_next_from=Subquery(later.values("valid_from_fiscal_year")[:1]))
        )

    @admin.display(description="適用期間", ordering="valid_from_fiscal_year")
    def period(self, obj):
        start = fiscal_year_label(obj.valid_from_fiscal_year)
        next_from = getattr(obj, "_next_from", None)
        end = fiscal_year_label(next_from - 1) if next_from else "現在"
        return f"{start}〜{end}"

    @admin.display(description="補助率")
    def rate_display(self, obj):
        return obj.rate_display

    @admin.display(description="均等割＋地域割")
    def formula(self, obj):
        if not obj.has_formula:
            return "—"
        example = "（例示）" if obj.amounts_are_examples else ""
        return f"{yen_amount(obj.flat_amount)}＋1人{yen_amount(obj.per_capita_unit)}{example}"

    @admin.display(description="上限")
    def caps(self, obj):
        parts = _cap_parts(obj, yearly="年度", lifetime="通算")
        if obj.labour_eligible:
            parts.append(
                "人件費 "
                + ("実費" if obj.labour_cap is None else f"{yen_amount(obj.labour_cap)}まで")
            )
        return "・".join(parts) or "—"

    @admin.display(description="対象とする段階")
    def stages(self, obj):
        return "、".join(stage_label(s) for s in obj.eligible_stages)


class BudgetUseFilter(admin.SimpleListFilter):
    """執行状況: this year's (and later) budgets of which 9/10 or more is decided."""

    title = "執行状況"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("high", "今年度以降で9割以上を交付決定済み")]

    def queryset(self, request, queryset):
        if self.value() == "high":
            return selectors.budgets_nearly_used(queryset)
        return queryset


@admin.register(Budget)
class BudgetAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "year_label", "amount_display", "notes")
    list_filter = (BudgetUseFilter, "programme", "fiscal_year")
    list_select_related = ("programme",)
    search_fields = ("programme__name", "notes")

    @admin.display(description="年度", ordering="fiscal_year")
    def year_label(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    @admin.display(description="予算額", ordering="amount")
    def amount_display(self, obj):
        return yen_amount(obj.amount)


# The grant lifecycle's admin (review queue, transitions, ledger) registers itself there.
from . import admin_lifecycle  # noqa: E402, F401
