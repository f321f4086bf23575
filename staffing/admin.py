from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core.admin_helpers import AdminPagesMixin, ReadOnlyAdmin, ReadOnlyInline
from core.calendar import fiscal_year, wareki_date
from core.forms import AdminWarekiDateInput, WarekiDateField
from core.imports.admin_views import ImportExportAdminMixin
from core.money import yen
from councils.models import Council

from . import services
from .models import (
    CouncilStaffing,
    LiaisonAssignment,
    LiaisonRole,
    SecretariatEmployee,
    StaffMember,
)
from .resources import (
    LiaisonAssignmentResource,
    SecretariatEmployeeResource,
    StaffMemberResource,
)
from .selectors import (
    councils_with_staffing,
    current_liaisons,
    employee_cost,
    secretariat_labour_costs,
    staff_current_assignments,
)

STAFFING_MEDIA = forms.Media(css={"all": ["staffing/admin.css"]})


class CurrentFilter(admin.SimpleListFilter):
    """担当中 / 終了 on today's date, for anything with started_on and ended_on."""

    title = "状態"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return (("yes", "現在"), ("no", "終了・開始前"))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = queryset.filter(started_on__lte=today).exclude(ended_on__lt=today)
        if self.value() == "yes":
            return current
        if self.value() == "no":
            return queryset.exclude(pk__in=current.values("pk"))
        return queryset


class AssignmentInline(ReadOnlyInline):
    """Each staff member's councils, past and present (read-only: changes go through 異動)."""

    model = LiaisonAssignment
    fk_name = "staff"
    fields = ("council", "role", "started_on", "ended_on", "note")
    ordering = ("-started_on",)
    verbose_name_plural = "担当した地域協働体（登録・異動は「地域担当職員の配置」から）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("council")


@admin.register(StaffMember)
class StaffMemberAdmin(ImportExportAdminMixin, SimpleHistoryAdmin):
    resource_classes = [StaffMemberResource]
    import_help = (
        "職員番号が同じ行は上書き更新します。在職中は「はい」「いいえ」（空欄は「はい」）。"
    )
    list_display = ("staff_number", "name", "department", "phone", "is_active", "current_councils")
    list_filter = ("is_active", "department")
    search_fields = ("staff_number", "name", "kana", "department")
    autocomplete_fields = ("user",)
    inlines = [AssignmentInline]
    show_full_result_count = False

    @property
    def media(self):
        return super().media + STAFFING_MEDIA

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(staff_current_assignments(timezone.localdate()))
        )

    @admin.display(description="現在の担当")
    def current_councils(self, obj):
        rows = getattr(obj, "current_assignments", None)
        if rows is None:
            return "—"
        return "、".join(f"{a.council}（{a.get_role_display()}）" for a in rows) or "—"


class ReassignForm(forms.Form):
    council = forms.ModelChoiceField(label="地域協働体", queryset=Council.objects.all())
    new_staff = forms.ModelChoiceField(
        label="新しい主担当",
        queryset=StaffMember.objects.filter(is_active=True),
        help_text="副担当の職員を選ぶと、副担当は異動日の前日で終わります。",
    )
    on = WarekiDateField(
        label="異動日",
        widget=AdminWarekiDateInput,
        help_text="新しい主担当の開始日。今の主担当はこの前日で終了します。例: 令和9年4月1日",
    )
    note = forms.CharField(label="摘要", max_length=200, required=False)


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the matching form fields (or the form)."""
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, error)


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(AdminPagesMixin, ImportExportAdminMixin, SimpleHistoryAdmin):
    admin_pages = (("reassign/", "reassign_view", "staffing_liaisonassignment_reassign"),)
    resource_classes = [LiaisonAssignmentResource]
    import_help = (
        "地域協働体は名称、職員は職員番号で指定します。担当区分は「主担当」か「副担当」。"
        "主担当を交代する行は、前任の終了日を入れた行を先に書いてください。"
    )
    change_list_template = "admin/staffing/liaisonassignment/change_list.html"
    list_display = (
        "council",
        "role",
        "staff_name",
        "staff_department",
        "started_on",
        "ended_on",
    )
    list_filter = (CurrentFilter, "role")
    search_fields = ("council__name", "staff__name", "staff__staff_number")
    list_select_related = ("council", "staff")
    autocomplete_fields = ("council", "staff")
    show_full_result_count = False

    @property
    def media(self):
        return super().media + STAFFING_MEDIA

    @admin.display(description="地域担当職員", ordering="staff__kana")
    def staff_name(self, obj):
        return obj.staff.name

    @admin.display(description="所属")
    def staff_department(self, obj):
        return obj.staff.department

    def reassign_view(self, request):
        """異動: hand a council's main liaison role to another staff member in one step."""
        if not (
            request.user.has_perm("staffing.add_liaisonassignment")
            and request.user.has_perm("staffing.change_liaisonassignment")
        ):
            raise PermissionDenied
        initial = {"on": timezone.localdate()}
        if request.GET.get("council", "").isdigit():
            initial["council"] = int(request.GET["council"])
        form = ReassignForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                assignment = services.liaison_reassign(
                    council=data["council"],
                    new_staff=data["new_staff"],
                    on=data["on"],
                    actor=request.user,
                    note=data["note"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{assignment.council}の主担当を{assignment.staff.name}さんに"
                    f"{wareki_date(assignment.started_on)}付けで交代しました。",
                )
                return redirect("admin:staffing_councilstaffing_changelist")
        council = form["council"].value()
        council = Council.objects.filter(pk=council).first() if str(council).isdigit() else None
        context = {
            **self.admin_site.each_context(request),
            "title": "地域担当職員の異動（主担当の交代）",
            "form": form,
            "opts": self.opts,
            "council": council,
            "current": current_liaisons(council) if council else [],
        }
        return TemplateResponse(request, "admin/staffing/liaisonassignment/reassign.html", context)


@admin.register(SecretariatEmployee)
class SecretariatEmployeeAdmin(ImportExportAdminMixin, SimpleHistoryAdmin):
    resource_classes = [SecretariatEmployeeResource]
    import_help = (
        "地域協働体・氏名・雇用開始日が同じ行は上書き更新します。雇用主は「市」か「地域協働体」。"
        "設立初年度は市の雇用です。"
    )
    list_display = (
        "council",
        "name",
        "employer",
        "started_on",
        "ended_on",
        "salary",
        "cost_this_year",
    )
    list_filter = (CurrentFilter, "employer")
    search_fields = ("council__name", "name")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    show_full_result_count = False

    @property
    def media(self):
        return super().media + STAFFING_MEDIA

    @admin.display(description="給与（月額）", ordering="monthly_salary")
    def salary(self, obj):
        return yen(obj.monthly_salary)

    @admin.display(description="今年度の人件費")
    def cost_this_year(self, obj):
        year = fiscal_year(timezone.localdate())
        cost = employee_cost(obj, year)
        if not cost.months:
            return "—"
        return f"{yen(cost.total)}（{cost.months}か月）"


class MainLiaisonFilter(admin.SimpleListFilter):
    title = "主担当"
    parameter_name = "main"

    def lookups(self, request, model_admin):
        return (("missing", "未配置"), ("assigned", "配置済み"))

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(has_main_liaison=False)
        if self.value() == "assigned":
            return queryset.filter(has_main_liaison=True)
        return queryset


@admin.register(CouncilStaffing)
class CouncilStaffingAdmin(ReadOnlyAdmin):
    """Overview for staff: each council's liaisons and secretariat today, gaps first."""

    list_display = (
        "council_name",
        "stage",
        "main_liaison",
        "deputy_liaisons",
        "secretariat",
        "labour_cost",
    )
    list_display_links = None
    list_filter = (MainLiaisonFilter, "stage")
    search_fields = ("name", "kana")
    list_per_page = 100
    show_full_result_count = False

    @property
    def media(self):
        return super().media + STAFFING_MEDIA

    def get_queryset(self, request):
        # Not super(): it orders by get_ordering() before the annotation exists.
        queryset = self.model._default_manager.get_queryset()
        return councils_with_staffing(queryset, timezone.localdate())

    def get_ordering(self, request):
        return ("has_main_liaison", "kana", "name")

    def get_changelist_instance(self, request):
        # One query for the labour cost of the whole page.
        changelist = super().get_changelist_instance(request)
        year = fiscal_year(timezone.localdate())
        councils = list(changelist.result_list)
        costs = secretariat_labour_costs([c.pk for c in councils], year)
        for council in councils:
            council.labour_cost_this_year = costs.get(council.pk, 0)
        return changelist

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        today = timezone.localdate()
        extra_context["title"] = f"配置状況（地域協働体別、{wareki_date(today)}現在）"
        extra_context["reassign_url"] = reverse("admin:staffing_liaisonassignment_reassign")
        return super().changelist_view(request, extra_context)

    @admin.display(description="地域協働体", ordering="kana")
    def council_name(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:councils_council_change", args=[obj.pk]), obj
        )

    def _liaisons(self, obj, role):
        return [a for a in obj.current_liaisons if a.role == role]

    @staticmethod
    def _people(assignments):
        return format_html_join(
            "",
            '<span class="staffing-person">{}<br><span class="staffing-dept">{}</span></span>',
            ((a.staff.name, a.staff.department) for a in assignments),
        )

    @admin.display(description="主担当")
    def main_liaison(self, obj):
        reassign = reverse("admin:staffing_liaisonassignment_reassign") + f"?council={obj.pk}"
        mains = self._liaisons(obj, LiaisonRole.MAIN)
        if not mains:
            return format_html(
                '<strong class="staffing-missing">未配置</strong><br>'
                '<a href="{}" class="staffing-action">配置する</a>',
                reassign,
            )
        return format_html(
            '{}<a href="{}" class="staffing-action">異動</a>', self._people(mains), reassign
        )

    @admin.display(description="副担当")
    def deputy_liaisons(self, obj):
        return self._people(self._liaisons(obj, LiaisonRole.DEPUTY)) or "—"

    @admin.display(description="事務局員（雇用主）")
    def secretariat(self, obj):
        return (
            format_html_join(
                "",
                '<span class="staffing-person">{}<br><span class="staffing-dept">{}雇用</span></span>',
                ((e.name, e.get_employer_display()) for e in obj.current_employees),
            )
            or "—"
        )

    @admin.display(description="事務局人件費（今年度）")
    def labour_cost(self, obj):
        value = getattr(obj, "labour_cost_this_year", 0)
        return yen(value) if value else "—"
