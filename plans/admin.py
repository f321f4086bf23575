from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.tmp_storages import MediaStorage
from simple_history.admin import SimpleHistoryAdmin

from core.admin_helpers import AdminPagesMixin, FiscalYearFilter, ReadOnlyAdminMixin

from . import selectors, services
from .forms import plan_workflow_form, progress_workflow_form
from .models import (
    Indicator,
    IndicatorValue,
    ItemSchedule,
    LocalIssue,
    Plan,
    PlanAction,
    PlanItem,
    PlanKind,
    PlanTransition,
    Policy,
    ProgressAction,
    ProgressEntry,
    ProgressStatus,
    ProgressTransition,
    ReviewState,
    RoleAllocation,
    StatusVocabulary,
    SubmittedProgress,
)
from .resources import ProgressEntryResource


def _workflow_posted(request, form, step) -> bool:
    """Take the action a posted workflow form chose; False (errors on the form) if refused."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        step(
            action=form.cleaned_data["action"],
            actor=request.user,
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


# Vocabularies -------------------------------------------------------------------------


class ProgressStatusInline(admin.TabularInline):
    model = ProgressStatus
    extra = 1
    fields = ("order", "code", "label", "is_assessed")


@admin.register(StatusVocabulary)
class StatusVocabularyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_default", "status_labels")
    search_fields = ("name",)
    inlines = [ProgressStatusInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("statuses")

    @admin.display(description="達成状況")
    def status_labels(self, obj):
        return " / ".join(s.label for s in obj.statuses.all())


@admin.register(ProgressStatus)
class ProgressStatusAdmin(admin.ModelAdmin):
    list_display = ("label", "vocabulary", "code", "order", "is_assessed")
    list_filter = ("vocabulary",)
    list_select_related = ("vocabulary",)
    search_fields = ("label", "code")


# Plans --------------------------------------------------------------------------------


class PolicyInline(admin.TabularInline):
    model = Policy
    extra = 0
    fields = ("order", "number", "title", "description")
    formfield_overrides = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "description":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 50})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("order", "number", "title", "policy", "details_link")
    readonly_fields = ("details_link",)
    show_change_link = True
    verbose_name_plural = "事業・推進項目（内容・役割分担・年度別計画は各行の「変更」から）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("policy")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "policy":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Policy.objects.filter(plan_id=object_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="詳細")
    def details_link(self, obj):
        if not obj.pk:
            return "保存後に編集できます"
        url = reverse("admin:plans_planitem_change", args=[obj.pk])
        return format_html('<a href="{}">内容・役割分担・年度別計画</a>', url)


class LocalIssueInline(admin.TabularInline):
    model = LocalIssue
    extra = 0
    fields = ("order", "title", "description")


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "name", "unit", "baseline_year", "baseline_value", "decimal_places")
    show_change_link = True
    verbose_name_plural = "数値目標（目標値・実績値は各行の「変更」から）"


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The audit rows of one plan or entry, oldest first, as the workflows wrote them."""

    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class PlanTransitionInline(TransitionInline):
    model = PlanTransition
    fields = ("at", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields


class PlanAdminForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # A plan's items keep its vocabulary's statuses: switching would orphan them.
        if (
            self.instance.pk
            and "vocabulary" in self.changed_data
            and ProgressEntry.objects.filter(
                item__plan=self.instance, status__isnull=False
            ).exists()
        ):
            self.add_error(
                "vocabulary",
                ValidationError(
                    "進捗が記録された計画の達成状況の区分は変更できません。",
                    code="vocabulary_in_use",
                ),
            )
        return cleaned


@admin.register(Plan)
class PlanAdmin(AdminPagesMixin, SimpleHistoryAdmin):
    admin_pages = (("<int:pk>/workflow/", "workflow_view", "plans_plan_workflow"),)
    form = PlanAdminForm
    list_display = (
        "title",
        "version",
        "kind",
        "council",
        "period_label",
        "status",
        "published_at",
        "item_count",
    )
    list_filter = ("kind", "status")
    search_fields = ("title", "council__name", "issued_by")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    show_full_result_count = False
    inlines = [
        PolicyInline,
        PlanItemInline,
        LocalIssueInline,
        IndicatorInline,
        PlanTransitionInline,
    ]
    readonly_fields = ("status", "published_at", "revision_of", "version", "rollup_table")
    fieldsets = (
        (None, {"fields": ("kind", "council", "title", "issued_by", "vocabulary")}),
        ("計画期間・内容", {"fields": ("start_year", "end_year", "vision", "summary")}),
        (
            "版と公開",
            {"fields": ("status", "published_at", "version", "revision_of", "revision_note")},
        ),
        ("進捗の集計（承認済みの進捗、各事業の最新期間）", {"fields": ("rollup_table",)}),
    )
    actions = ["publish_selected", "revise_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_item_count=Count("items"))

    @admin.display(description="事業数", ordering="_item_count")
    def item_count(self, obj):
        return obj._item_count

    @admin.display(description="計画期間")
    def period_label(self, obj):
        return obj.period_label

    @admin.display(description="集計表")
    def rollup_table(self, obj):
        if not obj.pk:
            return "保存後に表示されます。"
        return render_to_string("plans/_rollup.html", {"table": selectors.rollup(obj)})

    @admin.action(description="選んだ計画を公開する", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda plan: services.plan_transition(
                plan=plan, action=PlanAction.PUBLISH, actor=request.user
            ),
            "公開しました",
        )

    @admin.action(description="選んだ計画の見直し版（新しい版）を作成する", permissions=["add"])
    def revise_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda plan: services.plan_revise(plan=plan, actor=request.user),
            "見直し版を作成しました",
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("plans.publish_plan")

    def _run(self, request, queryset, step, done):
        for plan in queryset:
            try:
                step(plan)
            except ValidationError as error:
                self.message_user(request, f"{plan}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{plan}: {done}。", messages.SUCCESS)

    def workflow_view(self, request, pk):
        """Publish a plan version, or return a submitted one with a reason."""
        plan = get_object_or_404(Plan.objects.select_related("council"), pk=pk)
        if not self.has_view_permission(request, plan):
            raise PermissionDenied
        actions = services.plan_allowed_actions(plan=plan, actor=request.user)
        form = plan_workflow_form(request.POST or None, actions=actions)
        if _workflow_posted(
            request, form, lambda **step: services.plan_transition(plan=plan, **step)
        ):
            messages.success(request, f"{plan} の状態を「{plan.get_status_display()}」にしました。")
            return redirect("admin:plans_plan_change", plan.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": plan,
            "title": f"{plan} の提出・公開",
            "form": form,
            "subject": plan,
            "history": plan.transitions.select_related("actor"),
            "facts": [
                ("状態", plan.get_status_display()),
                ("計画期間", plan.period_label),
                ("策定主体", plan.owner_name or "—"),
            ],
        }
        return TemplateResponse(request, "admin/plans/workflow.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["workflow_url"] = reverse("admin:plans_plan_workflow", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "plan", "order")
    list_filter = ("plan__kind",)
    list_select_related = ("plan",)
    search_fields = ("title", "plan__title")
    autocomplete_fields = ("plan",)


class RoleAllocationInline(admin.TabularInline):
    model = RoleAllocation
    extra = 1
    fields = ("order", "actor", "actor_name", "role")


class ItemScheduleInline(admin.TabularInline):
    model = ItemSchedule
    extra = 1
    fields = ("fiscal_year", "text")


@admin.register(PlanItem)
class PlanItemAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "plan", "policy")
    list_filter = ("plan__kind", "plan__status")
    list_select_related = ("plan", "policy")
    search_fields = ("number", "title", "content", "plan__title")
    autocomplete_fields = ("plan",)
    readonly_fields = ("carried_from",)
    inlines = [RoleAllocationInline, ItemScheduleInline]
    show_full_result_count = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "policy":
            object_id = request.resolver_match.kwargs.get("object_id")
            if object_id:
                plan_id = PlanItem.objects.filter(pk=object_id).values("plan_id")[:1]
                kwargs["queryset"] = Policy.objects.filter(plan_id__in=plan_id)
            else:
                kwargs["queryset"] = Policy.objects.select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RoleAllocation)
class RoleAllocationAdmin(admin.ModelAdmin):
    list_display = ("item", "actor", "actor_name", "role")
    list_filter = ("actor",)
    list_select_related = ("item",)
    search_fields = ("role", "actor_name", "item__title")
    autocomplete_fields = ("item",)


@admin.register(ItemSchedule)
class ItemScheduleAdmin(admin.ModelAdmin):
    list_display = ("item", "fiscal_year", "text")
    list_select_related = ("item",)
    search_fields = ("item__title", "text")
    autocomplete_fields = ("item",)


@admin.register(LocalIssue)
class LocalIssueAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "order")
    list_select_related = ("plan",)
    search_fields = ("title", "description", "plan__title")
    autocomplete_fields = ("plan",)


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 2
    fields = ("fiscal_year", "kind", "value")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "plan", "unit", "baseline_year", "baseline_value")
    list_select_related = ("plan",)
    search_fields = ("name", "plan__title")
    autocomplete_fields = ("plan",)
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "fiscal_year", "kind", "value")
    list_filter = ("kind",)
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)


# Progress -----------------------------------------------------------------------------


class PublishedFilter(admin.SimpleListFilter):
    title = "公開"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", "公開中"), ("no", "非公開")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(published_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(published_at__isnull=True)
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    """審査の作業: the entries waiting for 所見, 承認 or 公開 (the admin home counts these)."""

    title = "審査の作業"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return list(selectors.WAITING_LABELS.items())

    def queryset(self, request, queryset):
        condition = selectors.WAITING_FOR.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


class ProgressTransitionInline(TransitionInline):
    model = ProgressTransition
    fields = ("at", "action", "from_state", "to_state", "actor", "comment")
    readonly_fields = fields


class ProgressEntryAdminForm(forms.ModelForm):
    actor = None  # set per request by ProgressEntryAdmin.get_form

    class Meta:
        model = ProgressEntry
        fields = "__all__"

    def _post_clean(self):
        # After the instance has the submitted values: the same editability rule as the
        # portal and the import (locked when accepted, owner only).
        super()._post_clean()
        has_item = self.instance.item_id is not None
        if self.actor is not None and has_item and (self.instance.pk is None or self.has_changed()):
            try:
                services.check_entry_editable(entry=self.instance, actor=self.actor)
            except ValidationError as error:
                self.add_error(None, error)


def _run_progress_action(modeladmin, request, queryset, action, done):
    ok = 0
    for entry in queryset.select_related("item__plan"):
        try:
            services.progress_transition(entry=entry, action=action, actor=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, f"{entry}: {' '.join(error.messages)}", messages.ERROR)
        else:
            ok += 1
    if ok:
        modeladmin.message_user(request, f"{ok}件を{done}。", messages.SUCCESS)


def _run_progress_batch(modeladmin, request, queryset, action, done):
    """One batch step on the selection: a message per refused entry, one for those done."""
    outcome = services.progress_transition_many(entries=queryset, action=action, actor=request.user)
    for entry, error in outcome.refused:
        modeladmin.message_user(
            request,
            f"{entry}: {' '.join(error.messages)}（変更していません）",
            messages.ERROR,
        )
    if outcome.done:
        modeladmin.message_user(request, f"{len(outcome.done)}件を{done}。", messages.SUCCESS)


def _next_waiting_entry(entry):
    """The entry waiting for review after ``entry`` (oldest submitted first), or None."""
    return (
        SubmittedProgress.objects.filter(state=ReviewState.SUBMITTED)
        .exclude(pk=entry.pk)
        .order_by("submitted_at", "pk")
        .only("pk")
        .first()
    )


WORKFLOW_FIELDS = (
    "state",
    "staff_comment",
    "return_reason",
    "submitted_at",
    "reviewed_at",
    "reviewed_by",
    "published_at",
    "created_by",
)
CONTENT_FIELDS = ("done", "meetings", "participants", "status")


class _ProgressColumns:
    """What the progress list and the review queue share: the period column, bulk review."""

    @admin.display(description="期間", ordering="fiscal_year")
    def period_label(self, obj):
        return obj.period.label

    @admin.action(description="選んだ進捗を承認する（所見なし）", permissions=["change"])
    def accept_selected(self, request, queryset):
        _run_progress_action(self, request, queryset, ProgressAction.ACCEPT, "承認しました")

    @admin.action(
        description="選んだ進捗を承認して公開する（所見なし）", permissions=["change", "publish"]
    )
    def accept_publish_selected(self, request, queryset):
        _run_progress_batch(
            self, request, queryset, ProgressAction.ACCEPT_PUBLISH, "承認して公開しました"
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("plans.publish_plan")


# The stored uploads this session's user checked and may confirm (django-import-export names
# the upload in the confirm form; a name not issued here is refused, never read or deleted).
PROGRESS_UPLOADS_SESSION_KEY = "plans_progress_import_uploads"
PROGRESS_UPLOADS_KEPT = 10


@admin.register(ProgressEntry)
class ProgressEntryAdmin(
    _ProgressColumns, AdminPagesMixin, ImportMixin, ExportActionMixin, SimpleHistoryAdmin
):
    admin_pages = (("<int:pk>/review/", "review_view", "plans_progressentry_review"),)
    form = ProgressEntryAdminForm
    resource_classes = [ProgressEntryResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    # UTF-8 with a byte-order mark, so Excel opens the CSV in Japanese; BOM optional on import.
    from_encoding = "utf-8-sig"
    to_encoding = "utf-8-sig"
    export_form_class = ExportForm  # every column, always: the export is the import template
    tmp_storage_class = MediaStorage  # shared by every web server, unlike temp files
    # The export of a selection is the list's action; the change page keeps its own form.
    change_form_template = None
    show_change_form_export = False
    # Both buttons above the list, as with ImportExportMixin (the whole list as the template).
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    list_display = ("item_label", "plan", "period_label", "status", "state", "is_published")
    list_filter = (
        WaitingFilter,
        "state",
        PublishedFilter,
        "item__plan__kind",
        FiscalYearFilter,
        "item__plan",
    )
    list_select_related = ("item__plan__council", "status")
    search_fields = ("item__number", "item__title", "done", "item__plan__title")
    autocomplete_fields = ("item",)
    show_full_result_count = False
    inlines = [ProgressTransitionInline]
    actions = [
        "accept_selected",
        "accept_publish_selected",
        "publish_selected",
        "unpublish_selected",
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "export_admin_action" in actions:
            func, name, _description = actions["export_admin_action"]
            actions[name] = (func, name, "選んだ進捗を書き出す（CSV・Excel）")
        return actions

    def get_valid_export_item_pks(self, request):
        # The selection to export is checked against the entries this list shows.
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        readonly = list(WORKFLOW_FIELDS)
        if obj is not None:
            readonly += ["item", "fiscal_year", "half", "review_link"]
            if not obj.is_editable or not services.actor_has_role(
                plan=obj.item.plan, role=services.OWNER, actor=request.user
            ):
                readonly += list(CONTENT_FIELDS)
        return readonly

    def get_fields(self, request, obj=None):
        fields = ["item", "fiscal_year", "half", *CONTENT_FIELDS]
        if obj is not None:
            fields += ["review_link", *WORKFLOW_FIELDS]
        return fields

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # Also roll back on validation errors at the confirm step: any error, nothing saved.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_confirm_form_initial(self, request, import_form):
        # Called once a dry run passed: the upload it names is this session's to confirm.
        initial = super().get_confirm_form_initial(request, import_form)
        name = initial.get("import_file_name")
        if name:
            issued = request.session.get(PROGRESS_UPLOADS_SESSION_KEY, [])
            issued = [*issued, name][-PROGRESS_UPLOADS_KEPT:]
            request.session[PROGRESS_UPLOADS_SESSION_KEY] = issued
        return initial

    def process_import(self, request, **kwargs):
        if request.method != "POST" or not self.has_import_permission(request):
            return super().process_import(request, **kwargs)  # 405 / 403
        name = request.POST.get("import_file_name", "")
        issued = request.session.get(PROGRESS_UPLOADS_SESSION_KEY, [])
        if name not in issued:
            messages.error(
                request,
                "この取り込みは確定できません（この画面で確認した本人の、確定前のファイルだけを"
                "確定できます）。もう一度ファイルを選んで確認してください。何も取り込んでいません。",
            )
            return redirect("admin:plans_progressentry_import")
        # One confirmation per checked upload (the stored file is removed by the import).
        request.session[PROGRESS_UPLOADS_SESSION_KEY] = [n for n in issued if n != name]
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "取込中にエラーが見つかったため、何も取り込みませんでした。もう一度ファイルを選んで確認してください。",
            )
            return redirect("admin:plans_progressentry_import")
        return super().process_result(result, request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="事業", ordering="item__order")
    def item_label(self, obj):
        return f"{obj.item.number} {obj.item.title}"

    @admin.display(description="計画")
    def plan(self, obj):
        plan = obj.item.plan
        version = f"第{plan.version}版" if plan.version > 1 else ""
        return f"{plan.owner_name or plan.title} {version}".strip()

    @admin.display(description="公開", boolean=True)
    def is_published(self, obj):
        return obj.is_published

    @admin.display(description="審査")
    def review_link(self, obj):
        url = reverse("admin:plans_progressentry_review", args=[obj.pk])
        return format_html('<a class="button" href="{}">所見・承認・差戻し・公開</a>', url)

    @admin.action(description="選んだ進捗を公開する", permissions=["publish"])
    def publish_selected(self, request, queryset):
        _run_progress_action(self, request, queryset, ProgressAction.PUBLISH, "公開しました")

    @admin.action(description="選んだ進捗の公開を取りやめる", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        _run_progress_action(self, request, queryset, ProgressAction.UNPUBLISH, "非公開にしました")

    def review_view(self, request, pk):
        """Comment on, accept, return, reopen, publish one entry (a form with a reason)."""
        entry = get_object_or_404(
            ProgressEntry.objects.select_related("item__plan__council", "item__policy", "status"),
            pk=pk,
        )
        if not self.has_view_permission(request, entry):
            raise PermissionDenied
        actions = services.progress_allowed_actions(entry=entry, actor=request.user)
        form = progress_workflow_form(request.POST or None, actions=actions)
        if _workflow_posted(
            request, form, lambda **step: services.progress_transition(entry=entry, **step)
        ):
            label = ProgressAction(form.cleaned_data["action"]).label
            messages.success(
                request, f"{entry.item.title}（{entry.period.label}）: {label}を記録しました。"
            )
            if entry.state == ReviewState.SUBMITTED:
                return redirect("admin:plans_progressentry_review", entry.pk)
            # Reviewed: on to the next entry waiting, not to a queue it has left.
            following = _next_waiting_entry(entry)
            if following is None:
                messages.info(request, "審査待ちの進捗はこれで全部です。")
                return redirect("admin:plans_progressentry_review", entry.pk)
            messages.info(request, "次の審査待ちの進捗を表示しています。")
            return redirect("admin:plans_progressentry_review", following.pk)
        plan = entry.item.plan
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": entry,
            "title": f"進捗の審査: {entry.item.number} {entry.item.title}（{entry.period.label}）",
            "form": form,
            "subject": entry,
            "entry": entry,
            "history": selectors.entry_history(entry),
            "facts": [
                ("計画", str(plan)),
                (
                    "地域協働体",
                    str(plan.council) if plan.kind == PlanKind.COMMUNITY else "—（市の計画）",
                ),
                ("基本方針", str(entry.item.policy) if entry.item.policy_id else "—"),
                ("事業", f"{entry.item.number} {entry.item.title}"),
                ("期間", entry.period.label),
                ("審査状況", entry.get_state_display()),
                ("公開", "公開中" if entry.is_published else "非公開"),
                ("達成状況", entry.status.label if entry.status_id else "未選択"),
                ("開催回数", "—" if entry.meetings is None else f"{entry.meetings:,}回"),
                (
                    "延べ参加人数",
                    "—" if entry.participants is None else f"{entry.participants:,}人",
                ),
                ("所見（市）", entry.staff_comment or "—"),
                ("差戻し・再開の理由", entry.return_reason or "—"),
            ],
        }
        return TemplateResponse(request, "admin/plans/workflow.html", context)


@admin.register(SubmittedProgress)
class SubmittedProgressAdmin(_ProgressColumns, admin.ModelAdmin):
    """The review queue: what councils (and staff) have submitted, oldest first."""

    list_display = ("item_label", "council", "period_label", "status", "submitted_at", "review")
    list_filter = ("item__plan__kind", FiscalYearFilter)
    list_select_related = ("item__plan__council", "status")
    search_fields = ("item__title", "done", "item__plan__council__name")
    search_help_text = "事業名・実施内容・地域協働体名で検索できます。"
    ordering = ("submitted_at", "pk")
    actions = ["accept_selected", "accept_publish_selected"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=ReviewState.SUBMITTED)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("plans.change_progressentry")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("plans.view_progressentry")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = get_object_or_404(self.get_queryset(request), pk=object_id)
        return redirect("admin:plans_progressentry_review", entry.pk)

    @admin.display(description="事業")
    def item_label(self, obj):
        return f"{obj.item.number} {obj.item.title}"

    @admin.display(description="地域協働体・計画")
    def council(self, obj):
        return obj.item.plan.council or obj.item.plan

    @admin.display(description="審査")
    def review(self, obj):
        url = reverse("admin:plans_progressentry_review", args=[obj.pk])
        return format_html('<a href="{}">所見・承認・差戻し</a>', url)


@admin.register(ProgressTransition)
class ProgressTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "entry", "action", "from_state", "to_state", "actor", "comment")
    list_filter = ("action",)
    list_select_related = ("entry__item", "actor")
    search_fields = ("comment", "entry__item__title")
    show_full_result_count = False


@admin.register(PlanTransition)
class PlanTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "plan", "action", "from_status", "to_status", "actor", "comment")
    list_filter = ("action",)
    list_select_related = ("plan", "actor")
    search_fields = ("comment", "plan__title")
    show_full_result_count = False
