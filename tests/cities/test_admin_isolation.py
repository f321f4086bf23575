"""Staff of 一関市 at 一関市's host never reach 山口市's rows in the admin, whatever the page;
an operator at the platform host sees both cities, each row labelled with its city.

Pages are found from ``admin.site._registry`` and each ModelAdmin's URLs, so a new admin or
a new page taking an object id is covered without touching this file."""

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from core import tenancy
from core.admin_helpers import CityAdminMixin
from core.calendar import fiscal_year
from core.models import CityOwned, Municipality, User

B_MARK = "仁保"  # in the names of city B's rows (conftest.py)

pytestmark = pytest.mark.django_db

YEAR = fiscal_year(timezone.localdate())
A_HOST = "ichinoseki.test"
B_HOST = "yamaguchi.test"
SHARED = {Group}  # the staff roles, one set for every city
STANDARD_PAGES = ("change", "delete", "history")


def b_object(model, b):
    """A row of city B shown by ``model``'s admin."""
    if model is Municipality:
        return b.city
    if model is User:
        return b.staff
    if model is AccessAttempt:  # a failed login is city B's when its login is
        return AccessAttempt.objects.create(
            username=b.staff.username, ip_address="192.0.2.9", failures_since_start=1
        )
    with tenancy.all_cities():
        return model._default_manager.all_cities().filter(municipality=b.city).first()


def registered():
    for model, model_admin in admin.site._registry.items():
        if model not in SHARED:
            yield model, model_admin


@pytest.fixture
def a_client(client, city_a, city_b):
    client.force_login(city_a.staff)
    return client


def test_every_model_admin_follows_the_city_rules():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, CityAdminMixin), model
        if model in SHARED:
            assert not any(f.name == "municipality" for f in model._meta.fields), model


def test_change_delete_and_history_pages_of_the_other_citys_rows_answer_404(a_client, city_b):
    for model, _ in registered():
        obj = b_object(model, city_b)
        assert obj is not None, f"city B has no {model._meta.label} row"
        for page in STANDARD_PAGES:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=[obj.pk]
            )
            response = a_client.get(url, HTTP_HOST=A_HOST)
            assert response.status_code == 404, (url, response.status_code)


def _history_id(obj):
    history = getattr(type(obj), "history", None)
    if history is None:
        return None
    with tenancy.all_cities():
        return (
            history.model._default_manager.filter(id=obj.pk)
            .values_list("history_id", flat=True)
            .first()
        )


def object_urls(city_b):
    """Every other admin URL taking an object id, filled with city B's ids."""
    for model, model_admin in registered():
        info = f"{model._meta.app_label}_{model._meta.model_name}_"
        obj = b_object(model, city_b)
        for url in model_admin.get_urls():
            if not isinstance(url, URLPattern) or url.name is None:
                continue
            if url.name.removeprefix(info) in STANDARD_PAGES:
                continue
            if isinstance(url.pattern, RoutePattern):
                params = list(url.pattern.converters)
                if not params:
                    continue
                values = {
                    "pk": obj.pk,
                    "id": obj.pk,
                    "object_id": obj.pk,
                    "attachment_pk": city_b.attachment.pk,
                    "notice_pk": city_b.notice.pk,
                    "action": "decide",
                }
                unknown = set(params) - set(values)
                assert not unknown, f"{url.name}: fill {unknown} with city B's ids here"
                yield reverse(f"admin:{url.name}", kwargs={p: values[p] for p in params})
            else:
                assert url.name.endswith("_simple_history"), f"{url.name}: a new kind of URL"
                yield reverse(f"admin:{url.name}", args=[obj.pk, _history_id(obj)])


def test_every_admin_page_taking_an_object_id_answers_404_for_the_other_citys_ids(a_client, city_b):
    urls = list(object_urls(city_b))
    for expected in (
        f"/admin/councils/council/{city_b.council.pk}/secretary/",
        f"/admin/subsidies/application/{city_b.application.pk}/notices/{city_b.notice.pk}/",
        f"/admin/subsidies/subsidyprogramme/{city_b.programme.pk}/allocation/",
        f"/admin/core/user/{city_b.staff.pk}/password/",
    ):
        assert expected in urls
    for url in urls:
        for method in (a_client.get, a_client.post):
            response = method(url, HTTP_HOST=A_HOST)
            assert response.status_code == 404, (method.__name__, url, response.status_code)


def test_changelists_and_exports_show_only_the_citys_rows(a_client, city_b):
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = a_client.get(reverse(f"{info}_changelist"), HTTP_HOST=A_HOST)
        assert response.status_code == 200, model
        assert B_MARK not in response.content.decode(), model
        if hasattr(model_admin, "get_export_resource_classes"):
            data = {"format": "0", "resource": "0"}
            for resource in model_admin.get_export_resource_classes(response.wsgi_request):
                for name in resource().get_export_order():
                    data[f"{resource.__name__.lower()}_{name}"] = "on"
            export = a_client.post(reverse(f"{info}_export"), data, HTTP_HOST=A_HOST)
            assert export.status_code == 200, model
            assert export["Content-Disposition"].startswith("attachment"), model
            assert B_MARK not in export.content.decode("utf-8-sig"), model


def test_ledger_and_allocation_downloads_show_only_the_citys_rows(a_client, city_a):
    programme = city_a.programme.pk
    for url in (
        "/admin/subsidies/application/ledger/",
        "/admin/subsidies/application/ledger/?format=csv",
        f"/admin/subsidies/subsidyprogramme/{programme}/allocation/",
        f"/admin/subsidies/subsidyprogramme/{programme}/allocation/?fiscal_year={YEAR}&format=csv",
    ):
        response = a_client.get(url, HTTP_HOST=A_HOST)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        assert "山目地域協働体" in text, url
        assert B_MARK not in text, url


def test_staff_of_one_city_cannot_log_in_at_another_citys_host(client, city_a, city_b):
    client.force_login(city_a.staff)
    response = client.get("/admin/", HTTP_HOST=B_HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.logout()
    response = client.post(
        "/admin/login/",
        {"username": city_a.staff.username, "password": "test-password-123"},
        HTTP_HOST=B_HOST,
    )
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same password works at the user's own city.
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": city_a.staff.username, "password": "test-password-123"},
        HTTP_HOST=A_HOST,
    )
    assert response.status_code == 302


def test_operator_at_the_platform_host_sees_both_cities_with_a_city_column(
    client, operator, city_a, city_b
):
    client.force_login(operator)
    response = client.get("/admin/councils/council/", HTTP_HOST="testserver")
    page = response.content.decode()
    assert response.status_code == 200
    assert "自治体" in page
    assert "山目地域協働体" in page and "仁保地域協働体" in page
    assert "一関市" in page and "山口市" in page
    changelist = response.context["cl"]
    assert changelist.list_display[-1] == "city_name"
    labels = {str(council): council._city_name for council in changelist.result_list}
    assert labels == {"山目地域協働体": "一関市", "仁保地域協働体": "山口市"}


def test_operator_at_the_platform_host_only_looks_at_city_rows(client, operator, city_a, city_b):
    client.force_login(operator)
    for model, _ in admin.site._registry.items():
        if not issubclass(model, CityOwned):
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = client.get(reverse(f"{info}_changelist"), HTTP_HOST="testserver")
        assert response.status_code == 200, model
        assert "city_name" in response.context["cl"].list_display, model
        assert client.get(reverse(f"{info}_add"), HTTP_HOST="testserver").status_code == 403
    # Custom pages (a ledger of one city, a transition) open at the city's host only.
    response = client.get("/admin/subsidies/application/ledger/", HTTP_HOST="testserver")
    assert response.status_code == 404
    # At a city's host the operator sees that city only.
    response = client.get("/admin/councils/council/", HTTP_HOST=B_HOST)
    page = response.content.decode()
    assert "仁保地域協働体" in page and "山目地域協働体" not in page
    assert "city_name" not in response.context["cl"].list_display
