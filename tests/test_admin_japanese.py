"""Every label city staff see in the admin is Japanese: page titles, permission names,
filters and the edit history."""

import contextlib
import html
import io
import re

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from core import roles
from core.admin import staff_permissions
from core.admin_helpers import JapaneseTitlesMixin
from core.permissions import name_permissions_in_japanese
from subsidies.models import Application, ApplicationAction, ApplicationEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CITY_HOST = "ichinoseki.test"
PLATFORM_HOST = "testserver"

# English the admin would show if a title, a label or a permission name were left to
# Django or to a library: none of them is a data value of the demo.
FORBIDDEN_WORDS = [
    "Select",
    "Change",
    "Add",
    "Delete",
    "View",
    "History",
    "Historical",
    "history_",
    "Can ",
    "Task Result",
    "Created",
    "Changed",
    "Deleted",
    "Choose",
    "Object",
    "Comment",
    "Revert",
    "None",
    "Import",
    "Export",
    "Content type",
    "Session",
    "log entry",
]
# Django's own Japanese titles, word for word from English: 「変更する 交付申請 を選択」.
AWKWARD_TITLE = re.compile(r"変更する|表示する| を(?:選択|追加|変更|表示)")
# The actions recorded on an application, as codes (confirm, pay_advance …).
RAW_ACTION_CODES = [code for code in ApplicationAction.values if code not in ("create", "edit")]


def visible_text(page: str) -> str:
    """The words a person reads on ``page``: text, button labels, tooltips; not the values
    of options, inputs or URLs."""
    page = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    shown = re.findall(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"', page)
    shown += re.findall(r'\s(?:title|placeholder|aria-label|alt)="([^"]*)"', page)
    text = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *shown]))


def english_in(text: str) -> list[str]:
    found = [word for word in FORBIDDEN_WORDS if re.search(rf"\b{re.escape(word)}", text)]
    found += [
        code for code in RAW_ACTION_CODES if re.search(rf"(?<![\w/.-]){code}(?![\w/.-])", text)
    ]
    return found


def page_title(page: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip())


def admin_urls(client, host):
    """Each registered model's changelist, add, change, history, delete, import and export
    page that ``client`` may open at ``host``."""
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{prefix}_changelist")
        response = client.get(changelist, HTTP_HOST=host)
        if response.status_code != 200:
            continue
        yield changelist, response
        request = response.wsgi_request
        pages = []
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{prefix}_add"))
        obj = model_admin.get_queryset(request).first()
        if obj is not None:
            pages += [reverse(f"{prefix}_{page}", args=[obj.pk]) for page in ("change", "history")]
            if model_admin.has_delete_permission(request, obj):
                pages.append(reverse(f"{prefix}_delete", args=[obj.pk]))
        for page in ("import", "export"):
            with contextlib.suppress(NoReverseMatch):
                pages.append(reverse(f"{prefix}_{page}"))
        for url in pages:
            response = client.get(url, HTTP_HOST=host, follow=True)
            if response.status_code == 200:
                yield url, response


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


def test_every_registered_admin_titles_its_pages_in_japanese():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, JapaneseTitlesMixin), model


def test_no_english_on_any_admin_page_of_an_administrator_or_the_operator(
    demo, client, admin_user, operator
):
    english = {}
    crawled = 0
    for user, host in ((admin_user, CITY_HOST), (operator, CITY_HOST), (operator, PLATFORM_HOST)):
        client.force_login(user)
        index = client.get(reverse("admin:index"), HTTP_HOST=host)
        for url, response in [("index", index), *admin_urls(client, host)]:
            crawled += 1
            page = response.content.decode()
            found = english_in(visible_text(page)) + english_in(page_title(page))
            found += AWKWARD_TITLE.findall(page_title(page))
            if found:
                english[f"{user.username}@{host} {url}"] = found
    assert not english, "\n".join(f"{page}: {words}" for page, words in sorted(english.items()))
    assert crawled > 150


EXPECTED_TITLES = {
    "/admin/subsidies/application/": "交付申請の一覧",
    "/admin/councils/council/add/": "地域協働体の追加",
    "/admin/subsidies/application/{pk}/change/": "交付申請の変更",
    "/admin/subsidies/application/{pk}/history/": "交付申請の変更履歴",
    "/admin/auth/group/": "グループの一覧",
    "/admin/core/user/add/": "利用者の追加",
    "/admin/councils/council/import/": "地域協働体のインポート",
    "/admin/councils/council/export/": "地域協働体のエクスポート",
}


def test_admin_page_titles_read_naturally(demo, client, admin_user):
    client.force_login(admin_user)
    application = Application.objects.order_by("pk").first()
    titles = {}
    for url in EXPECTED_TITLES:
        response = client.get(url.format(pk=application.pk), HTTP_HOST=CITY_HOST, follow=True)
        assert response.status_code == 200, url
        assert f"{response.context['title']} | " in page_title(response.content.decode())
        titles[url] = response.context["title"]
    assert titles == EXPECTED_TITLES


def test_the_delete_page_and_the_bulk_delete_page_are_titled_by_the_model(
    client, admin_user, council
):
    client.force_login(admin_user)
    district = council.districts.first()
    response = client.get(f"/admin/councils/district/{district.pk}/delete/")
    assert response.context["title"] in ("地区の削除", "地区は削除できません")
    response = client.post(
        "/admin/councils/district/",
        {"action": "delete_selected", "_selected_action": [district.pk]},
    )
    assert response.context["title"] in ("地区の削除", "地区は削除できません")


def test_a_title_an_admin_sets_itself_is_kept(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/axes/accessattempt/")
    assert response.context["title"] == "ログインの失敗と停止（解除する行を選んでください）"


# ------------------------------------------------------------------ permissions


def test_permissions_are_named_in_japanese_with_their_codenames_unchanged():
    add = Permission.objects.get(codename="add_application")
    assert add.name == "交付申請を追加できる"
    assert Permission.objects.get(codename="change_application").name == "交付申請を変更できる"
    assert Permission.objects.get(codename="delete_group").name == "グループを削除できる"
    assert Permission.objects.get(codename="view_user").name == "利用者を閲覧できる"
    assert Permission.objects.get(codename="publish_plan").name == "計画・進捗を公開できる"


def test_every_permission_offered_to_staff_is_japanese():
    offered = list(staff_permissions())
    assert len(offered) > 100
    assert [p.name for p in offered if re.search(r"[A-Za-z]", p.name)] == []


def test_a_migrate_names_an_english_permission_again(django_assert_max_num_queries):
    Permission.objects.filter(codename="add_application").update(name="Can add application")
    with django_assert_max_num_queries(3):
        name_permissions_in_japanese(apps.get_app_config("subsidies"))
    assert Permission.objects.get(codename="add_application").name == "交付申請を追加できる"


def test_the_group_widget_offers_only_the_models_staff_manage(client, operator, staff_groups):
    client.force_login(operator)
    group = staff_groups[roles.ADMINISTRATOR]
    response = client.get(f"/admin/auth/group/{group.pk}/change/", HTTP_HOST=PLATFORM_HOST)
    field = response.context["adminform"].form.fields["permissions"]
    codenames = set(field.queryset.values_list("codename", flat=True))
    assert {"add_application", "view_council", "change_user", "publish_plan"} <= codenames
    hidden = {
        "add_historicalcouncil",
        "view_dbtaskresult",
        "view_session",
        "view_contenttype",
        "view_logentry",
        "view_accessattempt",
        "view_permission",
    }
    assert codenames & hidden == set()
    add = Permission.objects.get(codename="add_application")
    assert field.label_from_instance(add) == "補助金｜交付申請を追加できる"
    page = response.content.decode()
    assert "Can " not in page and "Historical" not in page and "Task Result" not in page


def test_saving_a_group_keeps_the_permissions_it_does_not_offer(client, operator, staff_groups):
    client.force_login(operator)
    group = staff_groups[roles.ADMINISTRATOR]
    history = Permission.objects.get(codename="view_historicalcouncil")
    assert group.permissions.filter(pk=history.pk).exists()
    view = Permission.objects.get(codename="view_application")

    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": [view.pk]},
        HTTP_HOST=PLATFORM_HOST,
    )

    assert response.status_code == 302
    held = set(Group.objects.get(pk=group.pk).permissions.values_list("codename", flat=True))
    assert "view_application" in held and "view_historicalcouncil" in held
    assert "add_application" not in held


def test_the_user_widget_offers_only_the_models_staff_manage(client, admin_user):
    client.force_login(admin_user)
    response = client.get(f"/admin/core/user/{admin_user.pk}/change/")
    field = response.context["adminform"].form.fields["user_permissions"]
    codenames = set(field.queryset.values_list("codename", flat=True))
    assert "add_application" in codenames and "add_historicalcouncil" not in codenames


# ------------------------------------------------------------------ filters and history


def test_the_action_filter_of_application_events_names_each_action(demo, client, admin_user):
    client.force_login(admin_user)
    assert ApplicationEvent.objects.filter(action="confirm").exists()
    response = client.get("/admin/subsidies/applicationevent/", HTTP_HOST=CITY_HOST)
    action_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "操作"
    )
    shown = [choice["display"] for choice in action_filter.choices(response.context["cl"])]
    assert "額の確定" in shown and "交付決定" in shown
    assert "confirm" not in shown and "decide" not in shown


def test_the_edit_history_says_what_happened_in_japanese(client, admin_user, council):
    council.stage = "established"
    council.save()
    client.force_login(admin_user)
    response = client.get(f"/admin/councils/council/{council.pk}/history/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "地域協働体の変更履歴" in page
    for word in ("日時", "種別", "変更した人", "変更の理由", "作成", "変更"):
        assert word in page
    assert "地域づくり計画策定済" in page and "&rarr;&nbsp;&nbsp;設立" in page
    assert "plan_adopted" not in page and "established" not in page
    assert "Created" not in page and "Change reason" not in page and "None" not in page


def test_a_login_lock_and_its_removal_in_recent_actions_are_japanese(client, admin_user):
    client.force_login(admin_user)
    attempt = AccessAttempt.objects.create(
        username=admin_user.username,
        ip_address="192.0.2.1",
        user_agent="test-browser",
        path_info="/admin/login/",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="text/html",
    )

    page = client.get(f"/admin/axes/accessattempt/{attempt.pk}/change/").content.decode()
    assert english_in(visible_text(page)) == []
    for label in ("ログインID", "接続元アドレス", "ブラウザー", "失敗回数"):
        assert label in page
    assert "IP Address" not in page and "User Agent" not in page

    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    index = client.get(reverse("admin:index")).content.decode()
    recent = index[index.index('id="recent-actions-module"') :]
    assert "ログインの失敗と停止" in recent
    assert english_in(visible_text(recent)) == []
    assert "access attempt" not in recent


def test_a_group_only_looked_at_lists_its_permissions_in_japanese(client, admin_user, staff_groups):
    client.force_login(admin_user)
    group = staff_groups[roles.ADMINISTRATOR]
    page = client.get(f"/admin/auth/group/{group.pk}/change/").content.decode()
    assert "<div>補助金｜交付申請を追加できる</div>" in page
    assert "補助規則の変更履歴を閲覧できる" not in page  # a historical model's, held but not shown
    assert english_in(visible_text(page)) == []
