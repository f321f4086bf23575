from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from core.admin_helpers import AdminPagesMixin

from .models import ReportJob
from .tasks import request_city_report

# django-tasks-db registers its raw result table in English; staff follow the jobs they
# asked for on ReportJob instead, in Japanese.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


REQUEST_PERMISSION = "reports.add_reportjob"


@admin.register(ReportJob)
class ReportJobAdmin(AdminPagesMixin, admin.ModelAdmin):
    admin_pages = (("request/", "request_view", "reports_reportjob_request"),)
    list_display = (
        "title",
        "status",
        "progress",
        "requested_by",
        "requested_at",
        "finished_at",
        "download",
    )
    list_filter = ("status",)
    list_select_related = ("requested_by",)
    readonly_fields = (*list_display, "error")
    fields = readonly_fields
    show_full_result_count = False
    change_list_template = "admin/reports/reportjob/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="進捗")
    def progress(self, obj):
        return format_html(
            '<progress max="100" value="{}" aria-label="進捗">{}%</progress> {}%（{} / {}）',
            obj.percent,
            obj.percent,
            obj.percent,
            obj.progress_done,
            obj.progress_total,
        )

    @admin.display(description="ダウンロード")
    def download(self, obj):
        if obj.status == ReportJob.Status.DONE and obj.file:
            try:
                url = reverse("public:city_report", args=[obj.pk])
            except NoReverseMatch:  # the platform host: the file is served at the city's host
                return "自治体のホスト名で開いてください"
            return format_html('<a href="{}">PDF</a>', url)
        return "—"

    def request_view(self, request):
        if request.method != "POST":
            return redirect("admin:reports_reportjob_changelist")
        # Rendering every council's page takes a while: only staff who may add a job ask.
        if not request.user.has_perm(REQUEST_PERMISSION):
            raise PermissionDenied("一括PDFの作成を依頼する権限がありません。")
        job = request_city_report(actor=request.user)
        messages.info(
            request, f"「{job.title}」の作成を受け付けました（{job.get_status_display()}）。"
        )
        return redirect("admin:reports_reportjob_changelist")
