"""Sessions end after the city's idle time (operators: SESSION_IDLE_MINUTES), with a
Japanese message on the login page; the admin, the portal and the login pages are never
stored by browsers or proxies, public pages keep their caching."""

import time

import pytest
from django.test import Client

from core.auth import LAST_ACTIVITY_SESSION_KEY
from core.models import Municipality
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
EXPIRED = (
    "操作がないまま{}分が過ぎたため、安全のためログアウトしました。もう一度ログインしてください。"
)


def idle_for(client, minutes):
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - int(minutes * 60)
    session.save()


def test_a_login_starts_the_clock_and_a_request_moves_it(client, admin_user):
    before = int(time.time())
    client.post(
        "/admin/login/",
        {"username": "staff-admin", "password": "test-password-123"},
        HTTP_HOST=HOST,
    )
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= before
    idle_for(client, 2)
    client.get("/admin/", HTTP_HOST=HOST)
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= before


def test_staff_idle_longer_than_the_citys_default_are_logged_out(admin_client_staff):
    client = admin_client_staff
    client.get("/admin/", HTTP_HOST=HOST)
    idle_for(client, 61)
    response = client.get("/admin/councils/council/?o=1", HTTP_HOST=HOST)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/councils/council/%3Fo%3D1"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"], HTTP_HOST=HOST).content.decode()
    assert EXPIRED.format(60) in page


def test_within_the_idle_time_the_session_goes_on(admin_client_staff):
    client = admin_client_staff
    client.get("/admin/", HTTP_HOST=HOST)
    idle_for(client, 59)
    assert client.get("/admin/", HTTP_HOST=HOST).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= int(time.time()) - 5


def test_the_city_sets_the_idle_time(admin_client_staff, city):
    Municipality.objects.filter(pk=city.pk).update(session_idle_minutes=15)
    client = admin_client_staff
    client.get("/admin/", HTTP_HOST=HOST)
    idle_for(client, 14)
    assert client.get("/admin/", HTTP_HOST=HOST).status_code == 200
    idle_for(client, 16)
    response = client.get("/admin/", HTTP_HOST=HOST)
    assert response.status_code == 302
    assert EXPIRED.format(15) in client.get(response["Location"], HTTP_HOST=HOST).content.decode()


def test_a_secretary_idle_too_long_is_sent_to_the_portal_login(secretary_client):
    client = secretary_client
    client.get("/portal/", HTTP_HOST=HOST)
    idle_for(client, 61)
    response = client.get("/portal/", HTTP_HOST=HOST)
    assert response["Location"] == "/accounts/login/?next=/portal/"
    page = client.get(response["Location"], HTTP_HOST=HOST).content.decode()
    assert EXPIRED.format(60) in page


def test_operators_follow_the_platform_setting(client, settings, city):
    settings.SESSION_IDLE_MINUTES = 20
    Municipality.objects.filter(pk=city.pk).update(session_idle_minutes=120)
    operator = UserFactory(username="op", is_superuser=True, is_staff=True)
    client.force_login(operator)
    client.get("/admin/", HTTP_HOST=HOST)
    idle_for(client, 21)
    assert client.get("/admin/", HTTP_HOST=HOST).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/admin/login/", "/accounts/password/", "/portal/", "/admin/"]
)
def test_private_pages_are_never_stored(secretary, admin_user, url):
    client = Client()
    client.force_login(admin_user if url.startswith("/admin/") else secretary)
    if "login" in url:
        client = Client()
    response = client.get(url, HTTP_HOST=HOST)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"], url


def test_public_pages_keep_their_caching(client):
    response = client.get("/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# ------------------------------------------------------- 「ログインしたままにする」


def log_in(client, user, **extra):
    data = {"username": user.username, "password": "test-password-123", **extra}
    return client.post("/accounts/login/", data, HTTP_HOST=HOST)


def test_the_login_page_offers_to_stay_logged_in_with_the_citys_idle_time(client, city):
    city.session_idle_minutes = 30
    city.save(update_fields=["session_idle_minutes"])
    content = client.get("/accounts/login/", HTTP_HOST=HOST).content.decode()
    assert '<input type="checkbox" name="remember"' in content
    assert "ログインしたままにする</label>" in content
    assert "どちらの場合も、操作がないまま30分が過ぎるとログアウトします。" in content
    assert "（最長14日）" in content


def test_without_remember_the_session_ends_with_the_browser(client, secretary, settings):
    response = log_in(client, secretary)
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")


def test_remember_keeps_the_session_for_at_most_the_cookie_age(client, secretary, settings):
    response = log_in(client, secretary, remember="on")
    assert response.status_code == 302
    assert not client.session.get_expire_at_browser_close()
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_AGE - 5 <= int(cookie["max-age"]) <= settings.SESSION_COOKIE_AGE
    ends = client.session.get_expiry_date()
    # Used again later, the session keeps its end: the age counts from the login.
    idle_for(client, 2)
    assert client.get("/portal/", HTTP_HOST=HOST).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= int(time.time()) - 5
    assert client.session.get_expiry_date() == ends


def test_a_remembered_session_still_ends_after_the_idle_time(client, secretary):
    log_in(client, secretary, remember="on")
    idle_for(client, 61)
    response = client.get("/portal/", HTTP_HOST=HOST)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/portal/"
    assert "_auth_user_id" not in client.session


def test_a_refused_login_with_remember_sets_no_session(client, secretary):
    response = log_in(client, secretary, remember="on", password="wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
