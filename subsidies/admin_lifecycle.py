"""Admin for the grant lifecycle: the review queue, the application page with a button per
staff transition, 窓口代行入力, the ledger (補助金交付台帳) and read-only audit models.

Nothing here saves an application directly: every change goes through
subsidies.services (create_application, update_draft, application_transition).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core import calendar
from core.admin_helpers import (
    AdminPagesMixin,
    FiscalYearFilter,
    ReadOnlyAdmin,
    ReadOnlyAdminMixin,
    file_download,
    labelled_values_filter,
)
from core.calendar import fiscal_year_label
from core.money import yen_amount, yen_digits
from councils.models import Council

from . import exports, selectors, services
from .downloads import attachment_response, notice_response, settlement_response
from .forms import (
    STAFF_FORMS,
    ApplicationForm,
    AttachmentsForm,
    ReportForm,
    StartForm,
    add_errors,
    line_formset,
    report_initial,
    report_lines,
    report_settlement,
    take_lines_action,
)
from .models import (
    AMOUNT_FIELDS,
    REPORT_OWED_STATUSES,
    Application,
    ApplicationAction,
    ApplicationEvent,
    ApplicationLine,
    Attachment,
    AttachmentKind,
    DocumentCounter,
    LineKind,
    Notice,
)

STAFF_PERMISSION = "subsidies.change_application"


class OverdueFilter(admin.SimpleListFilter):
    title = "実績報告の期限"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "期限超過"), ("soon", f"{selectors.REPORT_DUE_SOON_DAYS}日以内に期限")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(selectors.report_overdue(today))
        if self.value() == "soon":
            return queryset.filter(selectors.report_due_soon(today))
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    """審査待ち: what waits for staff, by status (never a draft); the admin home counts these."""

    title = "審査待ち"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return list(selectors.WAITING_LABELS.items())

    def queryset(self, request, queryset):
        status = selectors.WAITING_STATUSES.get(self.value())
        return queryset if status is None else queryset.filter(status=status)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class LineInline(ReadOnlyInline):
    model = ApplicationLine
    fields = ("kind", "category", "description", "amount_display")
    readonly_fields = fields
    verbose_name_plural = "経費の明細（計画・変更申請・実績）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    @admin.display(description="金額")
    def amount_display(self, obj):
        return yen_amount(obj.amount)


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("download", "kind", "content_type", "size_display", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="ファイル")
    def download(self, obj):
        url = reverse("admin:subsidies_application_attachment", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    @admin.display(description="サイズ")
    def size_display(self, obj):
        return f"{obj.size / 1024:,.0f}KB"


class NoticeInline(ReadOnlyInline):
    model = Notice
    fields = ("document_number", "kind", "issued_on", "pdf", "issued_by")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issued_by")

    @admin.display(description="PDF")
    def pdf(self, obj):
        url = reverse("admin:subsidies_application_notice", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">ダウンロード</a>', url)


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ("at", "action_label", "statuses", "actor", "actor_role", "amounts", "comment")
    readonly_fields = fields
    verbose_name_plural = "履歴（すべての状況と金額の変更）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="操作")
    def action_label(self, obj):
        return obj.action_label

    @admin.display(description="状況")
    def statuses(self, obj):
        if obj.from_status == obj.to_status:
            return obj.get_to_status_display()
        return f"{obj.get_from_status_display()} → {obj.get_to_status_display()}"

    @admin.display(description="金額の変更")
    def amounts(self, obj):
        return format_html_join("", "{}<br>", ((line,) for line in obj.change_lines)) or "—"


class CouncilFilter(admin.RelatedOnlyFieldListFilter):
    """地域協働体: a link per council with applications, up to ``MAX_CHOICES`` councils.

    A city with more finds a council with the search box (it searches council names):
    2,000 links took nine tenths of the review queue's time. ``?council__id__exact=``
    still filters either way, and the chosen council is then the one link shown.
    """

    MAX_CHOICES = 100

    def field_choices(self, field, request, model_admin):
        # One query reads at most MAX_CHOICES + 1 councils with applications, to know
        # whether to list them; only a city with more pays a second for the chosen one.
        ordering = self.field_admin_ordering(field, request, model_admin)
        councils = field.related_model._default_manager.filter(
            pk__in=model_admin.get_queryset(request).values(f"{self.field_path}_id")
        )
        if ordering:
            councils = councils.order_by(*ordering)
        listed = list(councils[: self.MAX_CHOICES + 1])
        if len(listed) > self.MAX_CHOICES:
            ids = [int(value) for value in self.lookup_val or () if str(value).isdigit()]
            if not ids:
                return []
            listed = list(councils.filter(pk__in=ids))
        return [(council.pk, str(council)) for council in listed]

    def has_output(self):
        # The admin applies only the filters it shows: keep a chosen council applied.
        return super().has_output() or bool(self.lookup_val)


@admin.register(Application)
class ApplicationAdmin(AdminPagesMixin, admin.ModelAdmin):
    """The review queue (changelist) and the application page."""

    admin_pages = (
        ("proxy/", "proxy_view", "subsidies_application_proxy"),
        ("<int:pk>/proxy/", "proxy_view", "subsidies_application_proxy_edit"),
        ("ledger/", "ledger_view", "subsidies_application_ledger"),
        ("<int:pk>/proxy-report/", "proxy_report_view", "subsidies_application_proxy_report"),
        ("<int:pk>/settlement.pdf", "settlement_view", "subsidies_application_settlement"),
        (
            "<int:pk>/transition/<str:action>/",
            "transition_view",
            "subsidies_application_transition",
        ),
        (
            "<int:pk>/attachments/<int:attachment_pk>/",
            "attachment_view",
            "subsidies_application_attachment",
        ),
        ("<int:pk>/notices/<int:notice_pk>/", "notice_view", "subsidies_application_notice"),
    )

    list_display = (
        "reference_display",
        "title",
        "council",
        "programme",
        "year_label",
        "status_display",
        "requested",
        "decided",
        "paid",
        "report_due",
    )
    list_display_links = ("reference_display", "title")
    list_filter = (
        WaitingFilter,
        "status",
        "programme",
        FiscalYearFilter,
        OverdueFilter,
        ("council", CouncilFilter),
        "proxy_entry",
    )
    list_select_related = ("council", "programme")
    search_fields = ("title", "council__name", "council__kana", "purpose")
    ordering = ("-submitted_at", "-pk")
    show_full_result_count = False
    list_per_page = 50
    inlines = [LineInline, AttachmentInline, NoticeInline, EventInline]
    fieldsets = (
        (
            "申請",
            {
                "fields": (
                    "council",
                    "programme",
                    "fiscal_year",
                    "title",
                    "purpose",
                    ("work_starts_on", "work_ends_on"),
                    "submitted_at",
                    ("proxy_entry", "entered_by"),
                )
            },
        ),
        (
            "金額と日付",
            {
                "fields": (
                    "status",
                    "requested_yen",
                    ("decided_yen", "decided_on"),
                    "report_due_on",
                    ("advance_yen", "advance_paid_on"),
                    ("change_requested_yen", "change_reason"),
                    ("confirmed_yen", "confirmed_on"),
                    ("paid_yen", "paid_on"),
                    ("refund_yen", "refund_due_on"),
                    ("refunded_yen", "refund_received_on"),
                )
            },
        ),
        ("実績報告", {"fields": ("report_text", "report_submitted_on")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Changes go through the transition buttons, which audit each one.
        return [f.name for f in Application._meta.fields] + [
            f"{name.removesuffix('_amount')}_yen" for name in AMOUNT_FIELDS
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="申請額")
    def requested_yen(self, obj):
        return yen_amount(obj.requested_amount)

    @admin.display(description="交付決定額")
    def decided_yen(self, obj):
        return yen_amount(obj.decided_amount)

    @admin.display(description="前金払額")
    def advance_yen(self, obj):
        return yen_amount(obj.advance_amount)

    @admin.display(description="変更後の申請額")
    def change_requested_yen(self, obj):
        return yen_amount(obj.change_requested_amount)

    @admin.display(description="確定額")
    def confirmed_yen(self, obj):
        return yen_amount(obj.confirmed_amount)

    @admin.display(description="支払済額（前金を含む）")
    def paid_yen(self, obj):
        return yen_amount(obj.paid_amount)

    @admin.display(description="返還請求額")
    def refund_yen(self, obj):
        return yen_amount(obj.refund_amount)

    @admin.display(description="返還済額")
    def refunded_yen(self, obj):
        return yen_amount(obj.refunded_amount)

    @admin.display(description="受付番号", ordering="pk")
    def reference_display(self, obj):
        if obj.proxy_entry:
            return format_html("{}<br><small>窓口代行入力</small>", obj.reference)
        return obj.reference

    @admin.display(description="年度", ordering="fiscal_year")
    def year_label(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    @admin.display(description="状況", ordering="status")
    def status_display(self, obj):
        return obj.get_status_display()

    @admin.display(description="申請額", ordering="requested_amount")
    def requested(self, obj):
        return yen_amount(obj.requested_amount)

    @admin.display(description="交付決定額", ordering="decided_amount")
    def decided(self, obj):
        return yen_amount(obj.decided_amount)

    @admin.display(description="支払済額")
    def paid(self, obj):
        return yen_amount(obj.net_paid_amount)

    @admin.display(description="実績報告の期限", ordering="report_due_on")
    def report_due(self, obj):
        if obj.report_due_on is None or obj.status not in REPORT_OWED_STATUSES:
            return "—"
        text = calendar.wareki_date(obj.report_due_on)
        if obj.is_report_overdue():
            return format_html('<strong style="color:#b00020">{}（期限超過）</strong>', text)
        return text

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["can_act"] = request.user.has_perm(STAFF_PERMISSION)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if application is not None:
            extra_context.update(self._summary(request, application))
        extra_context.update(
            show_save=False,
            show_save_and_continue=False,
            show_save_and_add_another=False,
            show_delete=False,
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def _summary(self, request, application) -> dict:
        """Engine breakdowns, a button for each transition staff can make now and, for
        the others this status allows, why not (services.available_actions)."""
        lines = {kind: services.stored_lines(application, kind) for kind in LineKind.values}
        breakdowns = []
        for kind, title in (
            (LineKind.PLAN, "申請内容（計画）による計算"),
            (LineKind.CHANGE, "変更申請の内容による計算"),
            (LineKind.ACTUAL, "実績による計算（額の確定）"),
        ):
            if not lines[kind]:
                continue
            try:
                grant = services.engine_grant(
                    council=application.council,
                    programme=application.programme,
                    fiscal_year=application.fiscal_year,
                    lines=lines[kind],
                    exclude=application.pk,
                )
                breakdowns.append({"title": title, "lines": grant.lines, "amount": grant.amount})
            except ValidationError as error:
                breakdowns.append({"title": title, "error": " ".join(error.messages)})
        can_act = request.user.has_perm(STAFF_PERMISSION)
        actions, unavailable = [], []
        if can_act:
            for action, reason in services.available_actions(application, timezone.localdate()):
                label = services.transition(action).label
                if reason is not None:
                    unavailable.append({"action": action, "label": label, "reason": reason})
                    continue
                actions.append(
                    {
                        "action": action,
                        "label": label,
                        "url": reverse(
                            "admin:subsidies_application_transition",
                            args=[application.pk, action],
                        ),
                    }
                )
        left = selectors.budget_left(application.programme, application.fiscal_year)
        return {
            "breakdowns": breakdowns,
            # The plan's labour lines against the cost registered in staffing.
            "labour": selectors.labour_check(
                application.council,
                application.programme,
                application.fiscal_year,
                lines[LineKind.PLAN],
                exclude=application.pk,
            ),
            "transition_actions": actions,
            "unavailable_actions": unavailable,
            "budget_left": left,
            "overdue": application.is_report_overdue(),
            "proxy_edit_url": (
                reverse("admin:subsidies_application_proxy_edit", args=[application.pk])
                if can_act
                and application.proxy_entry
                and services.action_open(application, ApplicationAction.PROXY_SUBMIT)
                else ""
            ),
        }

    def transition_view(self, request, pk, action):
        """One staff transition: its small form, then services.application_transition."""
        if not request.user.has_perm(STAFF_PERMISSION):
            raise PermissionDenied
        application = get_object_or_404(
            Application.objects.select_related("council", "programme"), pk=pk
        )
        staff_form = STAFF_FORMS.get(action)
        if staff_form is None:
            raise PermissionDenied
        if staff_form.page:
            return redirect(staff_form.page, pk)
        label = services.transition(action).label
        offered = dict(services.available_actions(application, timezone.localdate()))
        reason = offered.get(
            action, f"状況が「{application.get_status_display()}」の申請にはできません。"
        )
        if reason is not None:
            # Not offered on the page (or the application moved on since): say why.
            self.message_user(request, f"{label}：{reason}", messages.ERROR)
            return redirect("admin:subsidies_application_change", pk)
        if request.method == "POST":
            form = staff_form.form_class(request.POST)
            if form.is_valid():
                data = dict(form.cleaned_data)
                comment = data.pop("comment", "") or ""
                try:
                    services.application_transition(
                        application=application,
                        action=action,
                        actor=request.user,
                        comment=comment,
                        **data,
                    )
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    self.message_user(
                        request,
                        f"{application.reference}: {label}を行いました。",
                        messages.SUCCESS,
                    )
                    return redirect("admin:subsidies_application_change", pk)
        else:
            form = staff_form.form_class(
                initial=staff_form.initial(application, timezone.localdate())
            )
        preview = _transition_preview(application, action)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}（{application.reference} {application.title}）",
            "opts": self.opts,
            "original": application,
            "application": application,
            "form": form,
            "action": action,
            "action_label": label,
            "preview": preview,
        }
        return TemplateResponse(request, "admin/subsidies/application/transition.html", context)

    def proxy_view(self, request, pk=None):
        """窓口代行入力: staff enter a paper application for a council, save or submit it."""
        if not request.user.has_perm(STAFF_PERMISSION):
            raise PermissionDenied
        application = None
        if pk is not None:
            application = get_object_or_404(
                Application,
                pk=pk,
                proxy_entry=True,
                status__in=services.transition(ApplicationAction.PROXY_SUBMIT).sources,
            )
        lines = services.stored_lines(application, LineKind.PLAN) if application else []
        opening_labour = None
        if request.method == "POST":
            council_form = ProxyCouncilForm(request.POST, instance_council=application)
            form = ApplicationForm(request.POST, instance=application)
            formset = line_formset(request.POST, lines=lines)
            uploads = AttachmentsForm(request.POST, request.FILES)
            valid = (
                council_form.is_valid() & form.is_valid() & formset.is_valid() & uploads.is_valid()
            )
            if valid:
                submit = "submit" in request.POST
                try:
                    with transaction.atomic():
                        application = self._save_proxy(
                            request, application, council_form, form, formset, uploads, submit
                        )
                except ValidationError as error:
                    add_errors(form, error, formset)
                else:
                    self.message_user(
                        request,
                        f"{application.reference}: 窓口代行入力で"
                        f"{'申請を受け付けました' if submit else '下書きを保存しました'}。",
                        messages.SUCCESS,
                    )
                    return redirect("admin:subsidies_application_change", application.pk)
        else:
            start = None
            if application is None:
                # Council, programme and year first, so the registered secretariat
                # labour cost can be the first line (the clerk does not type it twice).
                start = ProxyStartForm(request.GET or None)
                if not start.is_valid():
                    context = {
                        **self.admin_site.each_context(request),
                        "title": "窓口代行入力（紙の申請書の入力）",
                        "opts": self.opts,
                        "start": start,
                    }
                    return TemplateResponse(
                        request, "admin/subsidies/application/proxy.html", context
                    )
                lines = services.opening_lines(**start.cleaned_data)
            chosen = start.cleaned_data if start else {}
            council_form = ProxyCouncilForm(
                instance_council=application,
                initial={"council": chosen["council"]} if chosen else None,
            )
            form = ApplicationForm(
                instance=application,
                initial={k: v for k, v in chosen.items() if k != "council"} or None,
            )
            formset = line_formset(lines=lines, extra=(3 if not lines else 2) if start else 1)
            uploads = AttachmentsForm()
            opening_labour = lines[0].amount if start and lines else None
        context = {
            **self.admin_site.each_context(request),
            "title": "窓口代行入力（紙の申請書の入力）",
            "opts": self.opts,
            "application": application,
            "council_form": council_form,
            "form": form,
            "formset": formset,
            "uploads": uploads,
            "opening_labour": opening_labour,
        }
        return TemplateResponse(request, "admin/subsidies/application/proxy.html", context)

    def _save_proxy(self, request, application, council_form, form, formset, uploads, submit):
        council = council_form.cleaned_data["council"]
        rule = selectors.rule_for(form.cleaned_data["programme"], form.cleaned_data["fiscal_year"])
        if not formset.check_categories(rule.terms().eligible_categories):
            raise ValidationError("対象外の経費区分があります。", code="category_not_allowed")
        application = services.application_save_draft(
            application=application,
            council=council,
            programme=form.cleaned_data["programme"],
            fiscal_year=form.cleaned_data["fiscal_year"],
            actor=request.user,
            lines=formset.lines(),
            uploads=uploads.cleaned_data["files"],
            proxy=True,
            **form.field_values(),
        )
        if submit:
            services.application_transition(
                application=application,
                action=ApplicationAction.PROXY_SUBMIT,
                actor=request.user,
                comment="窓口で受け付けた紙の申請書を入力",
            )
        return application

    def proxy_report_view(self, request, pk):
        """窓口代行入力 of a 実績報告: staff enter a council's paper report and its 収支決算書
        with the secretary's form; the audit row names staff as the one who entered it."""
        if not request.user.has_perm(STAFF_PERMISSION):
            raise PermissionDenied
        application = get_object_or_404(
            Application.objects.select_related("council", "programme"), pk=pk
        )
        action = ApplicationAction.PROXY_SUBMIT_REPORT
        if not services.action_open(application, action):
            self.message_user(
                request, "実績報告は交付決定後（または差戻し後）に入力できます。", messages.ERROR
            )
            return redirect("admin:subsidies_application_change", pk)
        uploads_options = {"kind": AttachmentKind.REPORT, "label": "領収書など"}
        if request.method == "POST":
            form = ReportForm(request.POST)
            formset = line_formset(request.POST, lines=report_lines(application))
            uploads = AttachmentsForm(request.POST, request.FILES, **uploads_options)
            if take_lines_action(
                application=application,
                action=action,
                actor=request.user,
                form=form,
                formset=formset,
                uploads=uploads,
            ):
                self.message_user(
                    request,
                    f"{application.reference}: 窓口代行入力で実績報告を受け付けました。",
                    messages.SUCCESS,
                )
                return redirect("admin:subsidies_application_change", pk)
        else:
            form = ReportForm(initial=report_initial(application))
            formset = line_formset(lines=report_lines(application), extra=1)
            uploads = AttachmentsForm(**uploads_options)
        context = {
            **self.admin_site.each_context(request),
            "title": f"窓口代行入力（紙の実績報告書）{application.reference} {application.title}",
            "opts": self.opts,
            "original": application,
            "application": application,
            "form": form,
            "formset": formset,
            "uploads": uploads,
            "plan_lines": services.stored_lines(application, LineKind.PLAN),
            "settlement": report_settlement(application, form, formset),
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/subsidies/application/proxy_report.html", context)

    def settlement_view(self, request, pk):
        """The filed report's 収支決算書 as a PDF."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = get_object_or_404(
            Application.objects.select_related("council", "programme"),
            pk=pk,
            report_submitted_on__isnull=False,
        )
        return settlement_response(application)

    def ledger_view(self, request):
        """補助金交付台帳 for a fiscal year: on screen, as CSV (?format=csv) or Excel."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        years = selectors.ledger_years()
        current = calendar.fiscal_year(timezone.localdate())
        try:
            year = int(request.GET.get("fiscal_year") or (years[0] if years else current))
        except ValueError:
            year = current
        ledger = exports.ledger_table(year, selectors.ledger_applications(year))
        export = request.GET.get("format")
        filename = f"補助金交付台帳_{year}"
        if export == "csv":
            return file_download(
                exports.ledger_csv(ledger), "text/csv; charset=utf-8", f"{filename}.csv"
            )
        if export == "xlsx":
            return file_download(
                exports.ledger_xlsx(ledger),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{filename}.xlsx",
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"補助金交付台帳（{fiscal_year_label(year)}）",
            "opts": self.opts,
            "ledger": ledger,
            "display_rows": [_ledger_cells(ledger, row) for row in ledger.rows],
            "display_totals": _ledger_cells(ledger, ledger.totals),
            "year": year,
            "years": [(y, fiscal_year_label(y)) for y in sorted({*years, current}, reverse=True)],
        }
        return TemplateResponse(request, "admin/subsidies/application/ledger.html", context)

    def attachment_view(self, request, pk, attachment_pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=attachment_pk, application_id=pk)
        return attachment_response(attachment)

    def notice_view(self, request, pk, notice_pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        notice = get_object_or_404(
            Notice.objects.select_related("application"), pk=notice_pk, application_id=pk
        )
        return notice_response(notice)


class ProxyCouncilForm(forms.Form):
    council = forms.ModelChoiceField(
        label="地域協働体",
        queryset=Council.objects.order_by("kana", "name"),
        empty_label="選んでください",
    )

    def __init__(self, *args, instance_council=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance_council is not None:
            self.initial.setdefault("council", instance_council.council_id)


class ProxyStartForm(StartForm):
    council = forms.ModelChoiceField(
        label="地域協働体",
        queryset=Council.objects.order_by("kana", "name"),
        empty_label="選んでください",
    )
    field_order = ["council", "programme", "fiscal_year"]


def _transition_preview(application, action) -> dict | None:
    """What the action's form shows before it is sent: the room for a decision, the
    confirmed amount, or what the settlement pays or asks back, in exact yen."""
    try:
        if action in (ApplicationAction.DECIDE, ApplicationAction.APPROVE_CHANGE):
            kind = LineKind.PLAN if action == ApplicationAction.DECIDE else LineKind.CHANGE
            return {"room": services.decision_room(application, kind)}
        if action == ApplicationAction.CONFIRM:
            amount, grant = services.confirmation_amount(application)
            return {"amount": amount, "grant": grant}
    except ValidationError as error:
        return {"error": " ".join(error.messages)}
    if action in (ApplicationAction.PAY, ApplicationAction.REQUEST_REFUND):
        return {
            "settlement": {
                "confirmed": application.confirmed_amount,
                "paid": application.net_paid_amount,
                "balance": application.balance_due,
                "refund": -application.balance_due,
            }
        }
    return None


def _ledger_cells(ledger, row) -> list[tuple[str, bool]]:
    cells = []
    for column, value in zip(ledger.columns, row, strict=True):
        if column.kind == "yen" and isinstance(value, int):
            cells.append((yen_digits(value), True))
        else:
            cells.append(("—" if value is None else str(value), column.kind == "yen"))
    return cells


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "application",
        "action_text",
        "from_status",
        "to_status",
        "actor",
        "actor_role",
    )
    list_filter = (
        ("action", labelled_values_filter(ApplicationAction)),
        "to_status",
        "actor_role",
    )
    list_select_related = ("application", "actor")
    search_fields = ("application__title", "comment")
    show_full_result_count = False

    @admin.display(description="操作")
    def action_text(self, obj):
        return obj.action_label


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("document_number", "kind", "issued_on", "application", "signed", "pdf")
    list_filter = ("kind", "fiscal_year", "signed")
    list_select_related = ("application",)
    search_fields = ("document_number", "application__title")
    exclude = ("content",)
    # Kept when the PDF is issued; the public verification page compares files with the hash.
    readonly_fields = ("signed", "pdf_sha256")

    @admin.display(description="PDF")
    def pdf(self, obj):
        url = reverse("admin:subsidies_application_notice", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">ダウンロード</a>', url)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "application", "kind", "content_type", "size", "uploaded_at")
    list_filter = ("kind", "content_type")
    list_select_related = ("application",)
    exclude = ("file",)


@admin.register(ApplicationLine)
class ApplicationLineAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "category", "description", "amount")
    list_filter = ("kind", "category")
    list_select_related = ("application", "category")


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdmin):
    list_display = ("year_label", "last_number")

    @admin.display(description="年度", ordering="fiscal_year")
    def year_label(self, obj):
        return fiscal_year_label(obj.fiscal_year)
