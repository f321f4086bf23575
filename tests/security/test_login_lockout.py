"""Login lockout over HTTP: five wrong passwords lock one login from one address at both
login pages, a city administrator lifts the lock for their own city only, and one address
is locked after LOGIN_IP_FAILURE_LIMIT failures whatever the logins, the address read from
X-Forwarded-For only behind a trusted proxy."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.test import Client

from core import roles, tenancy
from core.auth import belongs_here
from tests.cities import make_city
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
PASSWORD = "test-password-123"
LOCKED_TITLE = "ログインを一時的に停止しています"
CONTACT = "一関市 まちづくり推進部 いちのせき元気な地域づくり推進課にお問い合わせください。"
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


@pytest.fixture
def clerk(db):
    """A member of 一関市's staff whose password is PASSWORD."""
    return UserFactory(username="clerk", is_staff=True)


def post_login(client, url, username, password, **extra):
    extra.setdefault("HTTP_HOST", HOST)
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, url, username, times, **extra):
    return [post_login(client, url, username, "wrong-password", **extra) for _ in range(times)]


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_five_wrong_passwords_lock_the_login_and_the_right_one_is_refused(client, clerk, url):
    responses = fail(client, url, "clerk", 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    response = post_login(client, url, "clerk", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_TITLE in page
    assert "30分間停止しています" in page
    assert "を過ぎると、もう一度ログインできます。" in page
    assert CONTACT in page
    assert "_auth_user_id" not in client.session


def test_the_page_says_until_when_the_lock_lasts(client, clerk):
    fail(client, "/accounts/login/", "clerk", 5)
    attempt = AccessAttempt.objects.get(username="clerk")
    response = post_login(client, "/accounts/login/", "clerk", PASSWORD)
    from django.utils import timezone

    until = timezone.localtime(attempt.attempt_time) + timezone.timedelta(minutes=30)
    reiwa = until.year - 2018  # 令和元年 = 2019
    expected = f"令和{reiwa}年{until.month}月{until.day}日 {until:%H:%M}を過ぎると"
    assert expected in response.content.decode()


def test_refused_attempts_during_the_lock_do_not_move_its_end(client, clerk):
    fail(client, "/accounts/login/", "clerk", 5)
    first = AccessAttempt.objects.get(username="clerk")
    fail(client, "/accounts/login/", "clerk", 3)
    again = AccessAttempt.objects.get(username="clerk")
    assert (again.attempt_time, again.failures_since_start) == (first.attempt_time, 5)


def test_four_wrong_passwords_then_the_right_one_logs_in(client, clerk):
    fail(client, "/accounts/login/", "clerk", 4)
    response = post_login(client, "/accounts/login/", "clerk", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)


def test_the_lock_is_per_address_for_one_login(client, clerk):
    fail(client, "/accounts/login/", "clerk", 5, REMOTE_ADDR="192.0.2.1")
    other = Client()
    response = post_login(other, "/accounts/login/", "clerk", PASSWORD, REMOTE_ADDR="192.0.2.2")
    assert response.status_code == 302


def test_a_city_administrator_lifts_the_lock_and_the_user_logs_in(client, clerk, admin_user):
    fail(client, "/admin/login/", "clerk", 5)
    staff = Client()
    staff.force_login(admin_user)
    listing = staff.get("/admin/axes/accessattempt/", HTTP_HOST=HOST)
    assert listing.status_code == 200
    assert "clerk" in listing.content.decode()
    assert "ログインの失敗と停止" in listing.content.decode()
    assert "ログインの安全" in staff.get("/admin/", HTTP_HOST=HOST).content.decode()
    attempt = AccessAttempt.objects.get(username="clerk")
    response = staff.post(
        "/admin/axes/accessattempt/",
        {"action": "lift_locks", "_selected_action": [attempt.pk]},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    response = post_login(client, "/admin/login/?next=/admin/", "clerk", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clerk.pk)


def test_the_lock_is_lifted_from_the_users_list_too(client, clerk, admin_user):
    fail(client, "/accounts/login/", "clerk", 5)
    staff = Client()
    staff.force_login(admin_user)
    response = staff.post(
        "/admin/core/user/",
        {"action": "lift_login_lock", "_selected_action": [clerk.pk]},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert post_login(client, "/accounts/login/", "clerk", PASSWORD).status_code == 302


def test_another_citys_administrator_neither_sees_nor_lifts_the_lock(client, clerk):
    fail(client, "/accounts/login/", "clerk", 5)
    attempt = AccessAttempt.objects.get(username="clerk")
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        other_admin = UserFactory(username="yamaguchi-admin", is_staff=True)
        other_admin.groups.add(roles.ensure_staff_groups()[roles.ADMINISTRATOR])
    staff = Client()
    staff.force_login(other_admin)
    listing = staff.get("/admin/axes/accessattempt/", HTTP_HOST="yamaguchi.test")
    assert listing.status_code == 200
    assert "clerk" not in listing.content.decode()
    change = staff.get(
        f"/admin/axes/accessattempt/{attempt.pk}/change/", HTTP_HOST="yamaguchi.test"
    )
    assert change.status_code == 404
    for url, action, pk in (
        ("/admin/axes/accessattempt/", "lift_locks", attempt.pk),
        ("/admin/core/user/", "lift_login_lock", clerk.pk),
    ):
        staff.post(url, {"action": action, "_selected_action": [pk]}, HTTP_HOST="yamaguchi.test")
    assert AccessAttempt.objects.filter(pk=attempt.pk, failures_since_start=5).exists()
    assert post_login(client, "/accounts/login/", "clerk", PASSWORD).status_code == 429


def test_staff_who_do_not_manage_accounts_do_not_see_the_attempts(client, editor_user):
    client.force_login(editor_user)
    assert client.get("/admin/axes/accessattempt/", HTTP_HOST=HOST).status_code == 403
    assert not editor_user.has_perm("core.change_user")
    assert Permission.objects.filter(codename="change_user").exists()


# ----------------------------------------------------------------- one address, many logins


@pytest.fixture
def ip_limit(settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    return 6


def spray(client, count, **extra):
    """One wrong password for each of ``count`` logins (none of them existing)."""
    for n in range(count):
        post_login(client, "/accounts/login/", f"guess{n}", "wrong-password", **extra)


def test_behind_a_proxy_one_client_is_locked_after_the_address_limit(
    client, clerk, settings, ip_limit
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    spray(client, ip_limit - 1, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert (
        post_login(Client(), "/accounts/login/", "clerk", PASSWORD,
                   HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code
        == 302
    )  # fmt: skip
    spray(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5", **proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    locked = post_login(
        Client(), "/accounts/login/", "clerk", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy
    )
    assert locked.status_code == 429
    assert LOCKED_TITLE in locked.content.decode()
    # Another client behind the same proxy is not locked.
    other = post_login(
        Client(), "/accounts/login/", "clerk", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy
    )
    assert other.status_code == 302


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(client, clerk, settings, ip_limit):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(ip_limit):
        # A new forged address each time does not give a fresh count.
        post_login(
            client, "/accounts/login/", f"forged{n}", "wrong-password",
            REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )  # fmt: skip
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    locked = post_login(
        Client(), "/accounts/login/", "clerk", PASSWORD,
        REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.44",
    )  # fmt: skip
    assert locked.status_code == 429


def test_below_the_address_limit_other_logins_from_the_address_still_work(client, clerk, ip_limit):
    spray(client, ip_limit - 1)
    assert post_login(client, "/accounts/login/", "clerk", PASSWORD).status_code == 302


# ----------------------------------------------------------------- who belongs where


def test_a_user_with_no_city_who_is_not_a_superuser_logs_in_nowhere(client, settings):
    make_city("yamaguchi")  # two cities: testserver is the platform host
    UserFactory(username="stray", municipality=None, is_staff=True)
    for host in (HOST, "yamaguchi.test", "testserver"):
        response = post_login(Client(), "/accounts/login/", "stray", PASSWORD, HTTP_HOST=host)
        assert response.status_code == 200, host
        assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_belongs_here_table(city):
    stray = UserFactory.build(municipality=None, is_superuser=False)
    operator = UserFactory.build(municipality=None, is_superuser=True)
    staff = UserFactory.build(municipality=city)
    assert [belongs_here(stray, city), belongs_here(stray, None)] == [False, False]
    assert [belongs_here(operator, city), belongs_here(operator, None)] == [True, True]
    assert [belongs_here(staff, city), belongs_here(staff, None)] == [True, False]


def test_an_operator_at_the_platform_host_sees_every_citys_attempts(client, clerk):
    yamaguchi = make_city("yamaguchi")  # two cities: testserver is the platform host
    with tenancy.city_scope(yamaguchi):
        UserFactory(username="yamaguchi-clerk", is_staff=True)
    fail(client, "/accounts/login/", "clerk", 1)
    fail(client, "/accounts/login/", "yamaguchi-clerk", 1, HTTP_HOST="yamaguchi.test")
    fail(client, "/accounts/login/", "no-such-login", 1, HTTP_HOST="testserver")
    operator = UserFactory(username="op", is_superuser=True, is_staff=True)
    staff = Client()
    staff.force_login(operator)
    page = staff.get("/admin/axes/accessattempt/", HTTP_HOST="testserver").content.decode()
    assert all(name in page for name in ("clerk", "yamaguchi-clerk", "no-such-login"))
    at_city = staff.get("/admin/axes/accessattempt/", HTTP_HOST="yamaguchi.test").content.decode()
    assert "yamaguchi-clerk" in at_city
    assert ">clerk<" not in at_city and "no-such-login" not in at_city


def test_the_attempts_list_marks_a_lock_only_while_it_lasts(client, clerk, admin_user):
    from django.utils import timezone

    fail(client, "/accounts/login/", "clerk", 5)
    staff = Client()
    staff.force_login(admin_user)  # a login clears expired attempts: this one comes after
    UserFactory(username="old-lock", is_staff=True)
    AccessAttempt.objects.create(
        username="old-lock", ip_address="192.0.2.3", failures_since_start=5
    )
    AccessAttempt.objects.filter(username="old-lock").update(
        attempt_time=timezone.now() - timezone.timedelta(minutes=31)
    )
    locked = staff.get("/admin/axes/accessattempt/?locked=yes", HTTP_HOST=HOST)
    names = [attempt.username for attempt in locked.context["cl"].result_list]
    assert names == ["clerk"]
    over = staff.get("/admin/axes/accessattempt/?locked=no", HTTP_HOST=HOST)
    assert [attempt.username for attempt in over.context["cl"].result_list] == ["old-lock"]
