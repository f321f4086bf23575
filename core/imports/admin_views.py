"""Admin import and export pages: ``ImportExportAdminMixin`` for a ModelAdmin (the formats of
``reading``, Japanese pages with a dry run and a confirm step) and ``ExportAdminMixin`` for
export-only models.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from core.models import ImportJob

from . import jobs
from .reading import EXPORT_FORMATS, IMPORT_FORMATS, ImportFileError

# --------------------------------------------------------------------------- admin


class ExportForm(SelectableFieldsExportForm):
    """The export form with the columns' Japanese names as checkbox labels."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class ConfirmImportForm(forms.Form):
    """The confirm step names the checked upload by its random key only (no path, no name
    to trust); the key is the uploader's own, checked again on confirm."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ImportExportAdminMixin(ImportExportMixin):
    """Import/export buttons for a ModelAdmin with the formats and pages above.

    Import is a dry run that lists every change or every error by row and column, then a
    confirm step; a file with any error imports nothing. Permissions follow
    IMPORT_EXPORT_IMPORT_PERMISSION_CODE ("add") and ..._EXPORT_PERMISSION_CODE ("view").
    """

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_template_name = "admin/imports/import.html"
    export_template_name = "admin/imports/export.html"
    export_form_class = ExportForm

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_help"] = getattr(self, "import_help", "")
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            message = str(e)
        else:
            message = (
                "ファイルを読み取れませんでした。形式（csv／xlsx）の選択とファイルの中身を"
                "確認してください。"
            )
        form.add_error("import_file", message)

    # ---- the upload: kept under a key, checked inline or as a job

    def import_action(self, request, **kwargs):
        """The upload step. The file is kept on the default storage under a random key bound
        to the user; a small file is checked (dry run) here, a large one in a job."""
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        if not self.has_import_permission(request):
            raise PermissionDenied
        import_form = self.create_import_form(request)
        if not import_form.is_valid():
            return super().import_action(request, **kwargs)
        format_class = self.get_import_formats()[int(import_form.cleaned_data["format"])]
        import_file = import_form.cleaned_data["import_file"]
        data = b"".join(import_file.chunks())
        resource_class = self.choose_import_resource_class(import_form, request)
        rows = jobs.count_rows(data, format_class)
        large = rows is None or rows > settings.IMPORT_INLINE_MAX_ROWS
        dataset = None
        if not large:
            try:
                dataset = format_class().create_dataset(data)
            except Exception as error:  # noqa: BLE001 - shown next to the file field
                self.add_data_read_fail_error_to_form(import_form, error)
                return self.render_import_page(request, import_form)
        job = jobs.store_upload(
            user=request.user,
            model=self.model,
            resource_class=resource_class,
            format_class=format_class,
            file_name=import_file.name,
            data=data,
        )
        if large:
            jobs.start_check(job)
            return redirect(self.import_job_url(job))
        resource = resource_class(**self.get_import_resource_kwargs(request, form=import_form))
        result = resource.import_data(
            dataset,
            dry_run=True,
            raise_errors=False,
            file_name=import_file.name,
            user=request.user,
            **self.get_import_data_kwargs(request=request, form=import_form),
        )
        jobs.record_check(job, result)
        confirm_form = None
        if job.status == ImportJob.Status.CHECKED:
            confirm_form = ConfirmImportForm(
                initial={"key": job.key, "original_file_name": import_file.name}
            )
        return self.render_import_page(
            request, import_form, result=result, confirm_form=confirm_form, resource=resource
        )

    def render_import_page(
        self, request, import_form, result=None, confirm_form=None, resource=None
    ):
        resources = [resource] if resource else []
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": "インポート",
            "form": import_form,
            "opts": self.model._meta,
            "media": self.media + import_form.media,
            "fields_list": [
                (r.get_display_name(), [f.column_name for f in r.get_user_visible_fields()])
                for r in resources
            ],
            "import_error_display": self.import_error_display,
        }
        if result is not None:
            context["result"] = result
        if confirm_form is not None:
            context["confirm_form"] = confirm_form
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    # ---- the confirm step: the key of the user's own checked upload, never a path

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = jobs.confirmable(key=request.POST.get("key", ""), user=request.user, model=self.model)
        if job is None:
            messages.error(
                request,
                "この取り込みは確定できません（確認した本人の、確定前の取り込みだけを確定できます）。"
                "もう一度ファイルを選んで確認してください。何も取り込んでいません。",
            )
            return redirect(self.import_url())
        jobs.start_import(job)
        job.refresh_from_db()
        if not job.is_finished:
            return redirect(self.import_job_url(job))
        # Run inline (the immediate backend): the finished job's page is the answer.
        if job.status == ImportJob.Status.DONE:
            self.add_success_message(job, request)
        return self.render_import_job(request, job)

    # ---- the job's page: progress, result, errors by row; refreshes itself until finished

    def import_job_view(self, request, pk):
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = ImportJob.objects.filter(pk=pk, model_label=self.model._meta.label_lower).first()
        if job is None or (job.user_id != request.user.pk and not request.user.is_superuser):
            raise Http404("この取り込みは見つかりません。")
        return self.render_import_job(request, job)

    def render_import_job(self, request, job):
        confirm_form = None
        if job.status == ImportJob.Status.CHECKED and job.user_id == request.user.pk:
            confirm_form = ConfirmImportForm(initial={"key": job.key})
        context = {
            **self.admin_site.each_context(request),
            "title": f"{self.model._meta.verbose_name}の取り込み",
            "opts": self.model._meta,
            "job": job,
            "rows_done": jobs.rows_done(job),
            "result": {"problems": job.problems},
            "confirm_form": confirm_form,
            "refresh_seconds": 0 if job.is_finished else 3,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, ["admin/imports/job.html"], context)

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/jobs/<int:pk>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_url(self):
        return reverse(
            "admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name
        )

    def import_job_url(self, job):
        return reverse(
            "admin:{}_{}_import_job".format(*self.get_model_info()),
            args=[job.pk],
            current_app=self.admin_site.name,
        )

    def add_success_message(self, job, request):
        summary = job.summary
        messages.success(
            request,
            f"{self.model._meta.verbose_name_plural}を取り込みました"
            f"（新規 {summary['new']}件、更新 {summary['update']}件、"
            f"変更なし {summary['unchanged']}件）。",
        )


class ExportAdminMixin(ExportMixin):
    """Export only (a ledger, a history): the safe formats and the Japanese export page."""

    export_formats = EXPORT_FORMATS
    export_template_name = "admin/imports/export.html"
    export_form_class = ExportForm
