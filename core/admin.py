from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from .admin_helpers import apply_city_rules, request_city
from .auth import is_platform_operator
from .models import ImportJob, Municipality, MunicipalityHost, User

# Every ModelAdmin registered on the site, before this module and after it, follows the
# city rules (core.admin_helpers.CityAdminMixin).
apply_city_rules(admin.site)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """At a city's host: that city's users only, and a new user belongs to it. Only a
    platform operator at the platform host sees every user and sets a user's city."""

    list_display = ("username", "full_name", "email", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "groups", "must_change_password")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("ポータル", {"fields": ("full_name", "must_change_password")}),
    )
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        city = request_city(request)
        return queryset if city is None else queryset.filter(municipality=city)

    def _sets_city(self, request) -> bool:
        return request_city(request) is None and is_platform_operator(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._sets_city(request):
            return fieldsets
        return (*fieldsets, ("所属", {"fields": ("municipality",)}))

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not is_platform_operator(request.user):
            # A superuser passes every permission check: only operators make one.
            readonly += ("is_superuser",)
        return readonly

    def save_model(self, request, obj, form, change):
        city = request_city(request)
        if city is not None and not change:
            obj.municipality = city
        super().save_model(request, obj, form, change)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """The staff roles are shared by every city: city staff may look, operators change."""

    def has_add_permission(self, request):
        return is_platform_operator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_delete_permission(request, obj)


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = "__all__"

    def clean_local_government_code(self):
        code = self.cleaned_data["local_government_code"]
        other = Municipality.objects.exclude(pk=self.instance.pk).filter(local_government_code=code)
        if code and other.exists():
            raise ValidationError(
                "この全国地方公共団体コードは既に他の自治体（%(name)s）に登録されています。",
                code="code_taken",
                params={"name": other.first().name},
            )
        return code


class MunicipalityHostForm(forms.ModelForm):
    host = forms.CharField(
        label="ホスト名",
        max_length=253,
        help_text="例: ichinoseki.example.jp（英大文字は小文字にして登録します。ポート番号は不要）",
    )

    class Meta:
        model = MunicipalityHost
        fields = ("host",)

    def clean_host(self):
        host = self.cleaned_data["host"].strip().rstrip(".")
        if ":" in host or "/" in host:
            raise ValidationError(
                "ホスト名にはポート番号（「:8000」など）やスラッシュを入れないでください。"
                "例: ichinoseki.example.jp",
                code="host_port",
            )
        return host.lower()


class MunicipalityHostFormSet(BaseInlineFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            host = getattr(form, "cleaned_data", {}).get("host")
            if not host or self._should_delete_form(form):
                continue
            if host in seen:
                form.add_error(
                    "host",
                    ValidationError(
                        "同じホスト名がこのフォームに2回入力されています。",
                        code="host_twice",
                    ),
                )
            seen.add(host)
        super().clean()


class MunicipalityHostInline(admin.TabularInline):
    model = MunicipalityHost
    form = MunicipalityHostForm
    formset = MunicipalityHostFormSet
    extra = 1


IDENTITY_FIELDS = ("name", "name_kana", "prefecture", "local_government_code", "slug")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """Platform operators register cities and their hosts; a city's administrators keep
    their own city's words, department and mayor, and never see another city."""

    form = MunicipalityForm
    list_display = ("name", "prefecture", "local_government_code", "slug", "host_names")
    inlines = [MunicipalityHostInline]
    fieldsets = (
        ("自治体", {"fields": IDENTITY_FIELDS}),
        ("通知書の差出人", {"fields": ("department", "mayor_title", "mayor_name")}),
        ("呼び方と表示", {"fields": ("council_term", "centre_term", "era_display")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("hosts")
        city = request_city(request)
        return queryset if city is None else queryset.filter(pk=city.pk)

    @admin.display(description="ホスト名")
    def host_names(self, obj):
        return format_html_join("、", "{}", ((host.host,) for host in obj.hosts.all())) or "—"

    def _registers(self, request) -> bool:
        return is_platform_operator(request.user)

    def has_add_permission(self, request):
        return (
            self._registers(request)
            and request_city(request) is None
            and super().has_add_permission(request)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            self._registers(request)
            and request_city(request) is None
            and super().has_delete_permission(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        return () if self._registers(request) else IDENTITY_FIELDS

    def get_inlines(self, request, obj):
        return self.inlines if self._registers(request) else []


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Each staff member's imports (every import for a superuser): state, rows, result. Rows
    are made by the import pages only; each links to its own page with the progress."""

    list_display = ("created_at", "target", "file_name", "status", "rows", "user", "page_link")
    list_filter = ("status",)
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="取込先")
    def target(self, obj):
        try:
            return apps.get_model(obj.model_label)._meta.verbose_name_plural
        except LookupError:
            return obj.model_label

    @admin.display(description="行数")
    def rows(self, obj):
        return f"{obj.rows_done:,} / {obj.rows_total:,}"

    @admin.display(description="詳細")
    def page_link(self, obj):
        app_label, model_name = obj.model_label.split(".", 1)
        try:
            url = reverse(f"admin:{app_label}_{model_name}_import_job", args=[obj.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">進み具合・結果</a>', url)
