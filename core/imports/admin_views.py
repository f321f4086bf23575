"""Admin import and export pages: ``ImportExportAdminMixin`` for a ModelAdmin (the formats of
``reading``, Japanese pages with a dry run and a confirm step) and ``ExportAdminMixin`` for
export-only models.
"""

from django.contrib import messages
from django.template.response import TemplateResponse
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from .reading import EXPORT_FORMATS, IMPORT_FORMATS, ImportFileError
from .resources import JapaneseModelResource

# --------------------------------------------------------------------------- admin


class ExportForm(SelectableFieldsExportForm):
    """The export form with the columns' Japanese names as checkbox labels."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


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

    def process_result(self, result, request):
        """After the confirm step; if the data changed since the dry run and the file no
        longer imports, show the problems instead of a success message (nothing was saved)."""
        if result.has_errors() or result.has_validation_errors():
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            )
            context = {
                **self.get_import_context_data(),
                **self.admin_site.each_context(request),
                "title": "インポート",
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "result": result,
                "fields_list": [],
                "import_error_display": self.import_error_display,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        summary = getattr(result, "summary", None) or JapaneseModelResource.summarise(result)
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
