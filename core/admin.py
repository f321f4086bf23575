from axes.models import AccessAttempt
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import certificates, terms, two_factor
from .admin_helpers import apply_city_rules, request_city
from .auth import is_platform_operator, lift_login_locks
from .calendar import wareki_date
from .models import ImportJob, Municipality, MunicipalityHost, User
from .security_log import log_security_event

# Every ModelAdmin registered on the site, before this module and after it, follows the
# city rules (core.admin_helpers.CityAdminMixin).
apply_city_rules(admin.site)


# ------------------------------------------------------------ permission widgets

# Registered in the admin, but not governed by their own permissions: the login locks follow
# core.change_user, the import jobs are each staff member's own.
UNGOVERNED_MODELS = (AccessAttempt, ImportJob)


def staff_permissions():
    """The permissions a city grants its staff: those of the models staff manage in the
    admin. Historical versions, task results, sessions, content types and the admin's log
    are not managed by hand, so their permissions are not offered."""
    models = [model for model in admin.site._registry if model not in UNGOVERNED_MODELS]
    content_types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    return Permission.objects.filter(content_type__in=content_types.values()).select_related(
        "content_type"
    )


class StaffPermissionsField(forms.ModelMultipleChoiceField):
    """A permission as 「補助金｜交付申請を追加できる」: its app and its Japanese name."""

    def label_from_instance(self, obj):
        return self.label_for(obj)

    @staticmethod
    def label_for(permission) -> str:
        app = apps.get_app_config(permission.content_type.app_label).verbose_name
        return terms.in_city_words(f"{app}｜{permission.name}")


class StaffPermissionsMixin:
    """The permissions widget of a user or a group offers ``staff_permissions`` only; the
    permissions it does not offer, held already, are kept when the form is saved."""

    permissions_field = "permissions"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == self.permissions_field:
            kwargs["queryset"] = staff_permissions()
            kwargs["form_class"] = StaffPermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        # Looked at only, the held permissions are listed by ``held_permissions``: the
        # read-only widget would list every one, in Django's English form.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "held_permissions" if field == self.permissions_field else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="権限")
    def held_permissions(self, obj):
        held = (
            getattr(obj, self.permissions_field)
            .filter(pk__in=staff_permissions().values("pk"))
            .select_related("content_type")
        )
        labels = sorted(StaffPermissionsField.label_for(permission) for permission in held)
        return format_html_join("", "<div>{}</div>", ((label,) for label in labels)) or "—"

    def save_related(self, request, form, formsets, change):
        held = getattr(form.instance, self.permissions_field)
        kept = list(held.exclude(pk__in=staff_permissions().values("pk"))) if change else []
        super().save_related(request, form, formsets, change)
        if kept and self.permissions_field in form.cleaned_data:
            held.add(*kept)


@admin.register(User)
class UserAdmin(StaffPermissionsMixin, BaseUserAdmin):
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
    actions = ["lift_login_lock", "reset_second_factor"]
    permissions_field = "user_permissions"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        city = request_city(request)
        return queryset if city is None else queryset.filter(municipality=city)

    @admin.action(description="選択した利用者のログイン停止を解除する", permissions=["change"])
    def lift_login_lock(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        lift_login_locks(request, usernames)
        self.message_user(request, f"{len(usernames)}人のログイン停止を解除しました。")

    @admin.action(
        description="選択した利用者の二要素認証を設定し直させる（次のログインで再設定）",
        permissions=["change"],
    )
    def reset_second_factor(self, request, queryset):
        users = list(queryset)
        for user in users:
            two_factor.reset_two_factor(user)
        log_security_event(request, "two_factor_reset", usernames=[user.username for user in users])
        self.message_user(
            request,
            f"{len(users)}人の認証アプリと回復コードを削除しました。次のログインで設定し直します。",
        )

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
class GroupAdmin(StaffPermissionsMixin, BaseGroupAdmin):
    """The staff roles are shared by every city: city staff may look, operators change."""

    def has_add_permission(self, request):
        return is_platform_operator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_delete_permission(request, obj)


class HttpsURLField(forms.URLField):
    """A URL typed without a scheme is taken as https (Django 6's default)."""

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class MunicipalityForm(forms.ModelForm):
    certificate_file = forms.FileField(
        label="署名用証明書（PKCS#12）",
        required=False,
        help_text="通知書のPDFに電子署名を付ける証明書のファイル（.p12・.pfx）。"
        "パスワードは保存しません（鍵はこのシステムの鍵で暗号化し直して保管します）。",
    )
    certificate_password = forms.CharField(
        label="証明書のパスワード",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    certificate_remove = forms.BooleanField(
        label="署名用証明書を削除する（以後の通知書は電子署名なしで発行します）",
        required=False,
    )

    class Meta:
        model = Municipality
        fields = "__all__"
        field_classes = {"notice_tsa_url": HttpsURLField}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("certificate_file")
        self.opened_certificate = None
        if upload:
            try:
                self.opened_certificate = certificates.open_upload(
                    upload, cleaned.get("certificate_password", "")
                )
            except ValidationError as error:
                self.add_error("certificate_file", error)
        return cleaned

    def save(self, commit=True):
        city = super().save(commit=False)
        if self.opened_certificate is not None:
            certificates.attach(city, self.opened_certificate)
        elif self.cleaned_data.get("certificate_remove") and city.notice_certificate:
            certificates.detach(city)
        if commit:
            city.save()
            self.save_m2m()
        return city

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
        (
            "通知書の様式と公印",
            {
                "fields": (
                    "notice_form_decision",
                    "notice_form_refusal",
                    "notice_form_change",
                    "notice_form_confirmation",
                    "notice_seal_text",
                )
            },
        ),
        (
            "通知書の電子署名",
            {
                "description": "証明書を登録すると、以後に発行する通知書のPDFに電子署名"
                "（PAdES）を付けます。発行した通知書は、誰でも「通知書の確認」のページ"
                "（/notices/verify/）で、市が発行したそのままのファイルかを確かめられます。",
                "fields": (
                    "certificate_summary",
                    "certificate_file",
                    "certificate_password",
                    "certificate_remove",
                    "notice_tsa_url",
                ),
            },
        ),
        ("呼び方と表示", {"fields": ("council_term", "centre_term", "era_display")}),
        ("ログインの安全", {"fields": ("staff_two_factor_required", "session_idle_minutes")}),
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
        readonly = ("certificate_summary",)
        return readonly if self._registers(request) else (*readonly, *IDENTITY_FIELDS)

    @admin.display(description="登録中の証明書")
    def certificate_summary(self, obj):
        if obj is None or not obj.notice_certificate:
            return "なし（通知書は電子署名なしで発行します）"
        return format_html(
            "{}<br>有効期限: {}",
            obj.notice_certificate_subject,
            wareki_date(timezone.localtime(obj.notice_certificate_expires_at).date()),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.opened_certificate is not None or "certificate_remove" in form.changed_data:
            log_security_event(
                request,
                "notice_certificate_changed",
                city_id=obj.pk,
                subject=obj.notice_certificate_subject,
            )

    def get_inlines(self, request, obj):
        return self.inlines if self._registers(request) else []


# ------------------------------------------------------------------ login locks


class LockedOutFilter(admin.SimpleListFilter):
    title = "状態"
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return (("yes", "停止中"), ("no", "停止に至っていない"))

    def queryset(self, request, queryset):
        locked = Q(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        if self.value() == "yes":
            return queryset.filter(locked)
        if self.value() == "no":
            return queryset.exclude(locked)
        return queryset


@admin.register(AccessAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Failed logins and the locks they made (django-axes), for those who manage accounts.

    At a city's host, a city administrator sees the attempts on that city's logins only; a
    platform operator at the platform host sees every attempt, those on logins that exist
    nowhere included. Lifting a lock removes the login's attempts.
    """

    list_display = (
        "login",
        "address",
        "failures",
        "locked",
        "last_attempt",
        "page",
    )
    list_filter = (LockedOutFilter,)
    search_fields = ("username", "ip_address")
    readonly_fields = ("username", "ip_address", "user_agent", "path_info", "attempt_time")
    fields = readonly_fields + ("failures_since_start",)
    actions = ["lift_locks"]
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        city = request_city(request)
        if city is None and is_platform_operator(request.user):
            return queryset
        if city is None:
            return queryset.none()
        logins = User.objects.filter(municipality=city).values("username")
        return queryset.filter(username__in=logins)

    @admin.display(description="ログインID", ordering="username")
    def login(self, obj):
        return obj.username or "—"

    @admin.display(description="接続元アドレス", ordering="ip_address")
    def address(self, obj):
        return obj.ip_address or "—"

    @admin.display(description="失敗回数", ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description="最後の失敗", ordering="attempt_time")
    def last_attempt(self, obj):
        return obj.attempt_time

    @admin.display(description="ログイン画面")
    def page(self, obj):
        return obj.path_info

    @admin.display(description="停止中", boolean=True)
    def locked(self, obj):
        return (
            obj.failures_since_start >= settings.AXES_FAILURE_LIMIT
            and obj.attempt_time > timezone.now() - settings.AXES_COOLOFF_TIME
        )

    def _manages_accounts(self, request) -> bool:
        return request.user.is_active and request.user.has_perm("core.change_user")

    def has_module_permission(self, request):
        return self._manages_accounts(request)

    def has_view_permission(self, request, obj=None):
        return self._manages_accounts(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self._manages_accounts(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="選択したログインの停止を解除する", permissions=["delete"])
    def lift_locks(self, request, queryset):
        usernames = [name for name in queryset.values_list("username", flat=True) if name]
        addresses = list(queryset.filter(username__isnull=True).values_list("pk", flat=True))
        lift_login_locks(request, usernames)
        if addresses:
            AccessAttempt.objects.filter(pk__in=addresses).delete()
        self.message_user(request, f"{len(usernames) + len(addresses)}件の停止を解除しました。")

    def delete_model(self, request, obj):
        lift_login_locks(request, [obj.username] if obj.username else [])
        super().delete_model(request, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": f"{LOGIN_ATTEMPTS}（解除する行を選んでください）",
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"title": LOGIN_ATTEMPTS, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)


# axes' own names are English ("Axes", "access attempts") and its model's options are not
# ours to change (a migration in axes would follow): the menu says them in Japanese.
LOGIN_LOCKS_APP = "ログインの安全"
LOGIN_ATTEMPTS = "ログインの失敗と停止"
_get_app_list = admin.site.get_app_list


def _app_list_in_japanese(request, app_label=None):
    apps = _get_app_list(request, app_label)
    for app in apps:
        if app["app_label"] == "axes":
            app["name"] = LOGIN_LOCKS_APP
            for model in app["models"]:
                model["name"] = LOGIN_ATTEMPTS
    return apps


admin.site.get_app_list = _app_list_in_japanese


# Second-factor devices are managed through the users' action (reset_second_factor), for
# each city's own users; django-otp's device pages would list every city's.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


# The admin lets in a user who owes a second factor only once it is given (the middleware
# sends them to the code page first; this holds if a page is reached another way).
_site_has_permission = admin.site.has_permission


def _has_permission_with_second_factor(request):
    return _site_has_permission(request) and two_factor.two_factor_satisfied(request)


admin.site.has_permission = _has_permission_with_second_factor


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
