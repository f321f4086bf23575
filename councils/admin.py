from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from core.admin_helpers import AdminPagesMixin, ReadOnlyAdmin, ReadOnlyInline
from core.calendar import wareki_date
from core.imports.admin_views import ImportExportAdminMixin
from core.security_log import log_security_event
from core.tenancy import current_municipality
from notifications.services import councils_send_dunning

from . import services
from .models import (
    CONTACT_FIELDS,
    CivicCentre,
    Council,
    CouncilSecretary,
    CouncilStageChange,
    District,
    MemberOrganisation,
    PopulationRecord,
)
from .resources import CivicCentreResource, CouncilResource, DistrictResource, PopulationResource
from .selectors import council_households_on, council_populations_on

# Issuing a secretary account makes a login, and a handover ends the predecessor's: that is
# user management, which only administrators hold (core.roles), not the add permission on
# secretaries that editors have too.
SECRETARY_ACCOUNT_PERMISSIONS = (
    "councils.add_councilsecretary",
    "core.add_user",
    "core.change_user",
)

admin.site.site_header = "地域協働ポータル 管理画面"
admin.site.site_title = "地域協働ポータル 管理画面"
admin.site.index_title = "業務メニュー"


class PopulationInline(admin.TabularInline):
    model = PopulationRecord
    extra = 1
    fields = ("as_of", "population", "households", "source")
    ordering = ("-as_of",)


@admin.register(District)
class DistrictAdmin(ImportExportAdminMixin, SimpleHistoryAdmin):
    resource_classes = [DistrictResource]
    import_help = "列: 地区コード（必須）、地区名（必須）、地区名（かな）、備考。地区コードが同じ行は上書き更新します。"
    list_display = ("code", "name", "kana", "latest_population", "latest_as_of")
    search_fields = ("code", "name", "kana")
    inlines = [PopulationInline]
    show_full_result_count = False

    def get_queryset(self, request):
        latest = PopulationRecord.objects.filter(district=OuterRef("pk")).order_by("-as_of", "-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                _latest_population=Subquery(latest.values("population")[:1]),
                _latest_as_of=Subquery(latest.values("as_of")[:1]),
            )
        )

    @admin.display(description="最新人口")
    def latest_population(self, obj):
        value = obj._latest_population
        return "—" if value is None else f"{value:,}人"

    @admin.display(description="基準日")
    def latest_as_of(self, obj):
        return obj._latest_as_of or "—"


@admin.register(PopulationRecord)
class PopulationRecordAdmin(ImportExportAdminMixin, SimpleHistoryAdmin):
    resource_classes = [PopulationResource]
    import_help = (
        "自治体標準オープンデータセット「地域・年齢別人口」の形式です。列: 調査年月日・地域コード・"
        "総数（総人口）が必須、年齢・男性・女性・世帯数・全国地方公共団体コード・出典は任意。"
        "年齢別の行は地域ごとに合計して、地区・調査年月日ごとに1件の人口として登録します。"
    )
    list_display = ("district", "as_of", "population", "households", "source")
    list_filter = ("as_of", "source")
    search_fields = ("district__name", "district__code")
    list_select_related = ("district",)
    autocomplete_fields = ("district",)
    date_hierarchy = "as_of"
    show_full_result_count = False


class MemberInline(admin.TabularInline):
    model = MemberOrganisation
    extra = 1
    fields = ("name", "kind", "representative_name")


class StageChangeInline(ReadOnlyInline):
    model = CouncilStageChange
    fields = ("stage", "changed_on", "note", "recorded_by", "recorded_at")
    verbose_name_plural = "段階の履歴（段階を変えると自動で記録されます）"


class SecretaryInline(ReadOnlyInline):
    model = CouncilSecretary
    fields = ("user", "started_on", "ended_on", "assigned_by", "ended_by")
    verbose_name_plural = (
        "事務局アカウント（発行・引継ぎは上の「事務局アカウントの発行・引継ぎ」から）"
    )


class CouncilForm(forms.ModelForm):
    stage_note = forms.CharField(
        label="段階変更の摘要",
        required=False,
        max_length=200,
        help_text="段階を変えるときの根拠（例: 設立総会、計画議決）。",
    )

    class Meta:
        model = Council
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if "districts" in cleaned:
            try:
                Council.validate_districts(cleaned["districts"])
            except ValidationError as error:
                self.add_error(None, error)
        if self.instance.pk and {"stage", "stage_since"} & set(self.changed_data):
            if "stage" not in self.changed_data:
                self.add_error(
                    "stage_since",
                    "段階を変えずに日付だけを変更することはできません。",
                )
            elif cleaned.get("stage") and cleaned.get("stage_since"):
                try:
                    services.check_stage_change(
                        council=self.instance,
                        stage=cleaned["stage"],
                        changed_on=cleaned["stage_since"],
                    )
                except ValidationError as error:
                    self.add_error(None, error)
        return cleaned


@admin.register(Council)
class CouncilAdmin(AdminPagesMixin, ImportExportAdminMixin, SimpleHistoryAdmin):
    admin_pages = (("<int:pk>/secretary/", "secretary_view", "councils_council_secretary"),)
    form = CouncilForm
    resource_classes = [CouncilResource]
    import_help = (
        "名称が同じ地域協働体は上書き更新します。区域は地区コードを「、」で区切って入力します。"
        "段階を変えると段階の履歴に記録されます。"
    )
    list_display = (
        "name",
        "kana",
        "stage",
        "stage_since",
        "is_model_district",
        "population_today",
        "secretary_names",
    )
    list_filter = ("stage", "area", "is_model_district")
    search_fields = ("name", "kana", "representative_name")
    filter_horizontal = ("districts",)
    inlines = [MemberInline, StageChangeInline, SecretaryInline]
    readonly_fields = ("population_breakdown",)
    show_full_result_count = False
    actions = ["send_dunning"]
    fieldsets = (
        (None, {"fields": ("name", "kana", "area", "districts", "population_breakdown")}),
        ("段階", {"fields": ("stage", "stage_since", "stage_note")}),
        (
            "代表者・事務局",
            {"fields": CONTACT_FIELDS},
        ),
        ("その他", {"fields": ("is_model_district", "notes")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("secretaries__user")

    def get_changelist_instance(self, request):
        # Populations for the whole page in one query instead of one per row.
        changelist = super().get_changelist_instance(request)
        councils = list(changelist.result_list)
        totals = council_populations_on([c.pk for c in councils], timezone.localdate())
        for council in councils:
            council.population_today = totals.get(council.pk, 0)
        return changelist

    @admin.action(description="選択した地域協働体に督促を送る", permissions=["change"])
    def send_dunning(self, request, queryset):
        notices = councils_send_dunning(
            councils=queryset.order_by("pk"), actor=request.user, city=current_municipality()
        )
        emailed = sum(1 for n in notices if n.was_emailed)
        self.message_user(
            request,
            f"{len(notices)}件の地域協働体に督促を送りました（メール送信 {emailed}件、"
            f"メールアドレス未登録のため事務局トップへの表示のみ {len(notices) - emailed}件）。",
            messages.SUCCESS,
        )

    @admin.display(description="人口（本日時点）")
    def population_today(self, obj):
        return f"{getattr(obj, 'population_today', 0):,}人"

    @admin.display(description="事務局アカウント")
    def secretary_names(self, obj):
        names = [str(s.user) for s in obj.secretaries.all() if s.ended_on is None]
        return "、".join(names) or "—"

    @admin.display(description="人口（本日時点の地区別内訳）")
    def population_breakdown(self, obj):
        if not obj.pk:
            return "保存後に表示されます。"
        today = timezone.localdate()
        population = council_populations_on([obj.pk], today)[obj.pk]
        households = council_households_on([obj.pk], today)[obj.pk]
        lines = []
        for district in obj.districts.all():
            record = district.populations.filter(as_of__lte=today).order_by("-as_of").first()
            if record:
                lines.append(
                    f"{district.name}: {record.population:,}人（{wareki_date(record.as_of)} "
                    f"{record.source}）"
                )
            else:
                lines.append(f"{district.name}: 人口未登録")
        return format_html(
            "<strong>{}人・{}世帯</strong><br>{}",
            f"{population:,}",
            f"{households:,}",
            format_html("<br>".join(["{}"] * len(lines)), *lines),
        )

    def save_model(self, request, obj, form, change):
        if change and "stage" in form.changed_data:
            new_stage, new_since = obj.stage, obj.stage_since
            obj.stage, obj.stage_since = form.initial["stage"], form.initial["stage_since"]
            super().save_model(request, obj, form, change)
            services.council_change_stage(
                council=obj,
                stage=new_stage,
                changed_on=new_since,
                actor=request.user,
                note=form.cleaned_data.get("stage_note", ""),
            )
        else:
            super().save_model(request, obj, form, change)
            if not change:
                CouncilStageChange.objects.create(
                    council=obj,
                    stage=obj.stage,
                    changed_on=obj.stage_since,
                    note=form.cleaned_data.get("stage_note", ""),
                    recorded_by=request.user,
                )

    def secretary_view(self, request, pk):
        """Issue a secretary account with a first password, or hand the role to a user."""
        council = get_object_or_404(Council, pk=pk)
        if not request.user.has_perms(SECRETARY_ACCOUNT_PERMISSIONS):
            raise PermissionDenied("事務局アカウントの発行・引継ぎは管理者のみが行えます。")
        form = SecretaryIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user, password = services.secretary_issue_account(
                    council=council, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                log_security_event(
                    request,
                    "secretary_handover"
                    if form.cleaned_data["replace_current"]
                    else "secretary_account_issued",
                    council=council.name,
                    council_id=council.pk,
                    issued_username=user.username,
                )
                messages.success(request, f"{user} のアカウントを発行しました。")
                return TemplateResponse(
                    request,
                    "admin/councils/council/secretary_issued.html",
                    {
                        **self.admin_site.each_context(request),
                        "council": council,
                        "issued_user": user,
                        "password": password,
                        "title": "事務局アカウント通知書",
                        "opts": self.opts,
                    },
                )
        context = {
            **self.admin_site.each_context(request),
            "council": council,
            "form": form,
            "current": council.secretaries.filter(ended_on__isnull=True).select_related("user"),
            "title": f"{council} 事務局アカウントの発行・引継ぎ",
            "opts": self.opts,
            "original": council,
        }
        return TemplateResponse(request, "admin/councils/council/secretary.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perms(SECRETARY_ACCOUNT_PERMISSIONS):
            extra_context["secretary_url"] = reverse(
                "admin:councils_council_secretary", args=[object_id]
            )
        return super().change_view(request, object_id, form_url, extra_context)


class SecretaryIssueForm(forms.Form):
    full_name = forms.CharField(label="氏名", max_length=100)
    username = forms.RegexField(
        label="ログインID",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "ログインIDは半角英数字と @ . + - _ で入力してください。"},
    )
    email = forms.EmailField(label="メールアドレス（任意）", required=False)
    replace_current = forms.BooleanField(
        label="現在の事務局アカウントから引き継ぐ（前任者は直ちに利用できなくなります）",
        required=False,
        initial=True,
    )


@admin.register(CivicCentre)
class CivicCentreAdmin(ImportExportAdminMixin, SimpleHistoryAdmin):
    resource_classes = [CivicCentreResource]
    import_help = "名称が同じ市民センターは上書き更新します。地域協働体は名称で指定します。"
    list_display = ("name", "council", "management", "managed_since", "address", "phone")
    list_filter = ("management",)
    search_fields = ("name", "kana", "address", "council__name")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    show_full_result_count = False


@admin.register(CouncilSecretary)
class CouncilSecretaryAdmin(ReadOnlyAdmin):
    list_display = ("council", "user", "started_on", "ended_on", "assigned_by", "ended_by")
    list_filter = (("ended_on", admin.EmptyFieldListFilter),)
    search_fields = ("council__name", "user__username", "user__full_name")
    list_select_related = ("council", "user", "assigned_by", "ended_by")
    show_full_result_count = False
