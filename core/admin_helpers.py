"""Pieces every app's admin uses: the city rules every ModelAdmin follows, read-only
registrations, pages of an admin's own, the 年度 filter, file downloads."""

from datetime import date
from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers as admin_form_helpers
from django.contrib.admin import utils as admin_utils
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import F
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from simple_history.template_utils import HistoricalRecordContextHelper

from . import tenancy, terms
from .calendar import fiscal_year_label
from .forms import (
    AdminWarekiDateInput,
    AdminWarekiSplitDateTime,
    WarekiDateField,
    WarekiSplitDateTimeField,
)
from .models import CityOwned
from .templatetags.wareki import wareki_datetime

# ------------------------------------------------------------------ page titles


def _retitled(response, titles: dict[str, str], subtitle=None):
    """``response`` with its page title, when it is one of the admin's own (a key of
    ``titles``), replaced by the Japanese one; a title an admin set itself is kept."""
    if not isinstance(response, TemplateResponse) or response.is_rendered:
        return response
    context = response.context_data
    title = titles.get(str(context.get("title")))
    if title is not None:
        context["title"] = title
        if subtitle is not None and not context.get("subtitle"):
            context["subtitle"] = subtitle
    return response


class _JapaneseHistoryHelper(HistoricalRecordContextHelper):
    """A version's changes as staff read them: a choice by its label (設立, not
    established), an empty value as 「—」, not None."""

    def prepare_delta_change_value(self, change, value):
        if value is None:
            return "—"
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.many_to_many:
            return terms.in_city_words(str(dict(field.flatchoices).get(value, value)))
        return super().prepare_delta_change_value(change, value)


class JapaneseTitlesMixin:
    """The admin's pages titled in natural Japanese from the model's name: 交付申請の一覧,
    交付申請の追加, 交付申請の変更, 交付申請の削除, 交付申請の変更履歴, 交付申請のインポート,
    where Django, django-simple-history and django-import-export say 「変更する 交付申請 を
    選択」 or 「インポート」; and the few labels they leave in English (an empty value in the
    edit history, a form-only field on a page only looked at). ``CityAdminMixin`` mixes it
    into every ModelAdmin of the site."""

    def _title_name(self) -> str:
        return terms.in_city_words(str(self.opts.verbose_name))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        name, verbose_name = self._title_name(), self.opts.verbose_name
        context = getattr(response, "context_data", None) or {}
        titles = {
            gettext("Select %s to change") % verbose_name: f"{name}の一覧",
            gettext("Select %s to view") % verbose_name: f"{name}の一覧",
            gettext("Select %s") % verbose_name: f"{name}を選択",
            # The confirmation of the 「選択された…の削除」 action.
            gettext("Delete multiple objects"): f"{name}の削除",
        }
        if "objects_name" in context:
            cannot = gettext("Cannot delete %(name)s") % {"name": context["objects_name"]}
            titles[cannot] = f"{name}は削除できません"
        return _retitled(response, titles)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        name, verbose_name = self._title_name(), self.opts.verbose_name
        titles = {
            gettext("Add %s") % verbose_name: f"{name}の追加",
            gettext("Change %s") % verbose_name: f"{name}の変更",
            gettext("View %s") % verbose_name: f"{name}の詳細",
        }
        return _retitled(response, titles)

    def render_delete_form(self, request, context):
        response = super().render_delete_form(request, context)
        name = self._title_name()
        cannot = gettext("Cannot delete %(name)s") % {"name": self.opts.verbose_name}
        titles = {gettext("Delete"): f"{name}の削除", cannot: f"{name}は削除できません"}
        return _retitled(response, titles, subtitle=str(context.get("object", "")))

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history's page comes back rendered: render_history_view titles it.
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None) or {}
        obj = context.get("object")
        titles = {gettext("Change history: %s") % obj: f"{self._title_name()}の変更履歴"}
        return _retitled(response, titles, subtitle=str(obj))

    def render_history_view(self, request, template, context, **kwargs):
        """django-simple-history's list of versions and its page of one version."""
        name = self._title_name()
        listed, version = context.get("object"), context.get("original")
        titles = {
            gettext("Change history: %s") % listed: f"{name}の変更履歴",
            gettext("View history: %s") % listed: f"{name}の変更履歴",
            gettext("View %s") % version: f"{name}の過去の版",
            gettext("Revert %s") % version: f"{name}を過去の版に戻す",
        }
        title = titles.get(str(context.get("title")))
        if title is not None:
            shown = listed if "original" not in context else version
            context = {**context, "title": title, "subtitle": str(shown)}
        return super().render_history_view(request, template, context, **kwargs)

    def get_historical_record_context_helper(self, request, historical_record):
        return WarekiHistoryContext(self.model, historical_record)

    def get_fieldsets(self, request, obj=None):
        # A page only looked at shows every field read-only; a field of the form alone (a
        # note that goes with a change) has nothing to show there but its English name.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if self._shows(f)]})
            for name, options in fieldsets
        ]

    def _shows(self, field) -> bool:
        if not isinstance(field, str) or hasattr(self, field) or hasattr(self.model, field):
            return True
        try:
            self.opts.get_field(field)
        except FieldDoesNotExist:
            return False
        return True

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        return _retitled(response, {gettext("Import"): f"{self._title_name()}のインポート"})

    def export_action(self, request):
        response = super().export_action(request)
        return _retitled(response, {gettext("Export"): f"{self._title_name()}のエクスポート"})


# ------------------------------------------------------------------------- cities


def request_city(request):
    """The city whose admin this request is (None: the platform host, every city)."""
    if hasattr(request, "municipality"):
        return request.municipality
    return tenancy.current_municipality()


def is_city_owned(model) -> bool:
    return issubclass(model, CityOwned)


def _has_city_column(model) -> bool:
    return any(field.name == "municipality" for field in model._meta.concrete_fields)


# Pages of a city-owned model that only read, so they also open at the platform host.
_PLATFORM_PAGES = ("changelist", "change", "history", "delete", "add", "simple_history", "export")


class CityAdminMixin(JapaneseTitlesMixin):
    """The city rules of every ModelAdmin on the site (``apply_city_rules`` mixes it in).

    At a city's host the default managers already show only that city's rows; this adds what
    they cannot know: staff users offered in pickers are that city's, and the edit history of
    another city's object is not found. At the platform host (an operator, every city in
    force) each list names every row's city in a 自治体 column, and a city-owned row is only
    looked at: adding, changing, deleting, actions, imports and the custom pages belong to
    the city's own host, where the operator acts for that city.
    """

    # The edit history (django-simple-history) with its times in 和暦.
    object_history_list_template = "admin/simple_history/object_history_list.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type_dates_in_wareki(self)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            type_dates_in_wareki(inline)
        return inlines

    def _at_platform(self, request) -> bool:
        return request_city(request) is None

    def _platform_reads_only(self, request) -> bool:
        return is_city_owned(self.model) and self._at_platform(request)

    # --- the 自治体 column at the platform host

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._at_platform(request) and _has_city_column(self.model):
            queryset = queryset.annotate(_city_name=F("municipality__name"))
        return queryset

    def get_list_display(self, request):
        columns = tuple(super().get_list_display(request))
        if self._at_platform(request) and _has_city_column(self.model):
            columns = (*columns, "city_name")
        return columns

    @admin.display(description="自治体", ordering="municipality__local_government_code")
    def city_name(self, obj):
        return getattr(obj, "_city_name", None) or "—（プラットフォーム運営者）"

    # --- a city-owned row is only looked at from the platform host

    def has_add_permission(self, request, *args):
        if self._platform_reads_only(request):
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        if self._platform_reads_only(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._platform_reads_only(request):
            return False
        return super().has_delete_permission(request, obj)

    def has_import_permission(self, request):
        if self._platform_reads_only(request):
            return False
        return super().has_import_permission(request)

    def get_actions(self, request):
        if self._platform_reads_only(request):
            return {}
        return super().get_actions(request)

    def get_urls(self):
        urls = super().get_urls()
        if not is_city_owned(self.model):
            return urls
        info = f"{self.model._meta.app_label}_{self.model._meta.model_name}_"
        readable = {f"{info}{page}" for page in _PLATFORM_PAGES}
        return [
            url
            if not isinstance(url, URLPattern) or url.name is None or url.name in readable
            else URLPattern(url.pattern, _city_host_only(url.callback), url.default_args, url.name)
            for url in urls
        ]

    def delete_view(self, request, object_id, extra_context=None):
        # Not found before forbidden: another city's row is not there at all.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(f"{self.model._meta.verbose_name}（ID {object_id}）は見つかりません。")
        return super().delete_view(request, object_id, extra_context)

    # --- pickers and history stay in the city

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        city = request_city(request)
        if city is not None and db_field.related_model is get_user_model():
            kwargs["queryset"] = get_user_model().objects.filter(municipality=city)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        city = request_city(request)
        if city is not None and _has_city_column(history_manager.model):
            queryset = queryset.filter(municipality=city)
        return queryset

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A POST here reverts the row to that version: a change, whatever the page shows.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        city = request_city(request)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        if city is not None and _has_city_column(history):
            found = history._default_manager.filter(
                **{self.model._meta.pk.attname: object_id, "history_id": version_id},
                municipality=city,
            )
            if not found.exists():
                raise Http404(f"{self.model._meta.verbose_name}の変更履歴は見つかりません。")
        return super().history_form_view(request, object_id, version_id, extra_context)


# ------------------------------------------------------------------------- dates in 和暦

DJANGO_DATETIME_FORMFIELD = {
    "form_class": forms.SplitDateTimeField,
    "widget": admin_widgets.AdminSplitDateTime,
}
WAREKI_DATE_FORMFIELD = {"form_class": WarekiDateField, "widget": AdminWarekiDateInput}
WAREKI_DATETIME_FORMFIELD = {
    "form_class": WarekiSplitDateTimeField,
    "widget": AdminWarekiSplitDateTime,
}


def type_dates_in_wareki(model_admin) -> None:
    """Date and date-time fields of ``model_admin`` (a ModelAdmin or an inline, after its
    ``__init__``) are typed in 和暦 or Western form and shown in 和暦, unless the admin chose
    its own widget."""
    overrides = model_admin.formfield_overrides
    if overrides.get(models.DateField) == {"widget": admin_widgets.AdminDateWidget}:
        overrides[models.DateField] = WAREKI_DATE_FORMFIELD
    if overrides.get(models.DateTimeField) == DJANGO_DATETIME_FORMFIELD:
        overrides[models.DateTimeField] = WAREKI_DATETIME_FORMFIELD


def _in_wareki(value):
    return wareki_datetime(value) if value is not None else None


def _wareki_display_for_field(value, field, empty_value_display, *args, **kwargs):
    if (
        value is not None
        and isinstance(field, models.DateField)
        and not getattr(field, "flatchoices", None)
    ):
        return _in_wareki(value)
    return _django_display_for_field(value, field, empty_value_display, *args, **kwargs)


def _wareki_display_for_value(value, empty_value_display, *args, **kwargs):
    if isinstance(value, date):
        return _in_wareki(value)
    return _django_display_for_value(value, empty_value_display, *args, **kwargs)


_django_display_for_field = admin_utils.display_for_field
_django_display_for_value = admin_utils.display_for_value


class WarekiHistoryContext(_JapaneseHistoryHelper):
    """A history entry's old and new values, with dates in 和暦 (and choices by their label,
    nothing as 「—」)."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, date):
            return wareki_datetime(value)
        return super().prepare_delta_change_value(change, value)


def show_dates_in_wareki() -> None:
    """The admin's change lists and read-only fields show dates and times in 和暦.

    Django's admin has no setting or hook for how it shows a date: it formats every value
    with ``django.contrib.admin.utils.display_for_field`` / ``display_for_value``, imported
    by name into the change list tags and the form helpers, and the date formats of a
    locale cannot write an era. So those two functions are replaced, here only, by ones
    that write dates (and timestamps, in local time) in 和暦 and hand everything else back
    to Django's. Called once from ``apply_city_rules``.
    """
    for module in (admin_utils, admin_form_helpers, admin_list):
        if hasattr(module, "display_for_field"):
            module.display_for_field = _wareki_display_for_field
        if hasattr(module, "display_for_value"):
            module.display_for_value = _wareki_display_for_value


def _city_host_only(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request_city(request) is None:
            raise Http404(
                "この画面は自治体のホスト名（例: ichinoseki.example.jp）で開いてください。"
            )
        return view(request, *args, **kwargs)

    return guarded


def with_city_rules(admin_class):
    """``admin_class`` with ``CityAdminMixin`` in front (itself when it already has it)."""
    if issubclass(admin_class, CityAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (CityAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )


def apply_city_rules(site) -> None:
    """Every ModelAdmin of ``site``, registered already or later, follows the city rules."""
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, CityAdminMixin):
            site._registry[model] = with_city_rules(type(model_admin))(model, site)
    if getattr(site.register, "city_rules", False):
        return
    register = site.register

    def register_with_city_rules(model_or_iterable, admin_class=None, **options):
        admin_class = with_city_rules(admin_class or admin.ModelAdmin)
        return register(model_or_iterable, admin_class, **options)

    register_with_city_rules.city_rules = True
    site.register = register_with_city_rules
    _speak_the_citys_words(site)
    show_dates_in_wareki()


def _speak_the_citys_words(site) -> None:
    """The header names the city, and the menu says its words (地域づくり協議会 for 地域協働体)."""
    each_context, get_app_list = site.each_context, site.get_app_list

    def city_context(request):
        context = each_context(request)
        city = request_city(request)
        if city is not None:
            context["site_header"] = f"{city.name} {context['site_header']}"
            context["site_title"] = f"{city.name} {context['site_title']}"
        return context

    def city_app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        for app in apps:
            app["name"] = terms.in_city_words(str(app["name"]))
            for model in app["models"]:
                model["name"] = terms.in_city_words(str(model["name"]))
        return apps

    site.each_context, site.get_app_list = city_context, city_app_list


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


def labelled_values_filter(labels):
    """A list filter of a field stored without choices (an audit row's action: confirm,
    pay_advance …) naming each value present by its label in ``labels`` (a TextChoices or
    a dict), 確認 rather than confirm; a value with no label is shown as stored."""
    names = dict(labels.choices) if hasattr(labels, "choices") else dict(labels)

    class LabelledValuesFilter(admin.AllValuesFieldListFilter):
        def choices(self, changelist):
            for choice in super().choices(changelist):
                display = names.get(choice["display"])
                yield choice if display is None else {**choice, "display": display}

    return LabelledValuesFilter


def file_download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """``content`` as an attachment named ``filename`` (Japanese names allowed)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
