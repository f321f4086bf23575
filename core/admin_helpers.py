"""Pieces every app's admin uses: read-only registrations, pages of an admin's own, the
年度 filter, file downloads."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header

from .calendar import fiscal_year_label


class ReadOnlyAdminMixin:
    """Rows written only by the services (audit trails, generated records): staff may look,
    never add, change or delete. Mix into a ModelAdmin or an inline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A read-only ModelAdmin."""


class AdminPagesMixin:
    """Pages of a ModelAdmin's own, put before its usual URLs and behind ``admin_view``
    (staff login, CSRF). ``admin_pages`` lists (route, view method name, URL name).
    Mix in before ModelAdmin (or before a mixin that adds URLs of its own)."""

    admin_pages: tuple[tuple[str, str, str], ...] = ()

    def get_urls(self):
        own = [
            path(route, self.admin_site.admin_view(getattr(self, view)), name=name)
            for route, view, name in self.admin_pages
        ]
        return own + super().get_urls()


class ReadOnlyInline(admin.TabularInline):
    """Rows listed under their parent but recorded elsewhere (a service, a page of their own):
    every field shown read-only, none added or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class FiscalYearFilter(admin.SimpleListFilter):
    """年度: the fiscal years (``fiscal_year`` field) that have rows, newest first."""

    title = "年度"
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.model._default_manager.order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
            .distinct()
        )
        return [(str(year), fiscal_year_label(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(fiscal_year=self.value())
        return queryset


def file_download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """``content`` as an attachment named ``filename`` (Japanese names allowed)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
