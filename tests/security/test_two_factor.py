"""Two-factor login for staff over HTTP: where the city requires it (and for platform
operators always) the admin is refused until a code is given; the first login sets up an
authenticator app and shows ten recovery codes once; a recovery code works once."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from core.models import Municipality
from tests.cities import make_city
from tests.factories import SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
PASSWORD = "test-password-123"
SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/"
CODES = "/accounts/two-factor/recovery-codes/"


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


@pytest.fixture
def requiring_city(city):
    Municipality.objects.filter(pk=city.pk).update(staff_two_factor_required=True)
    city.refresh_from_db()
    return city


@pytest.fixture
def clerk(admin_user):
    return admin_user


def code_now(device, *, ahead=0):
    """The app's six digits now (``ahead`` steps later: a code not yet used)."""
    return f"{totp(device.bin_key, t0=-30 * ahead):06d}"


def password_login(client, user, host=HOST):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": PASSWORD},
        HTTP_HOST=host,
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def set_up(client, user, host=HOST):
    """Go through the setup page; returns the recovery codes shown."""
    client.get(SETUP, HTTP_HOST=host)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": code_now(device), "next": "/admin/"}, HTTP_HOST=host)
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_HOST=host).content.decode()
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)


def test_staff_of_a_city_that_does_not_require_it_go_straight_in(client, clerk):
    password_login(client, clerk)
    assert client.get("/admin/", HTTP_HOST=HOST).status_code == 200


def test_where_required_the_admin_sends_staff_to_set_up_an_app_first(client, clerk, requiring_city):
    password_login(client, clerk)
    response = client.get("/admin/", HTTP_HOST=HOST)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    for url in ("/admin/councils/council/", "/admin/core/user/", "/accounts/after-login/"):
        assert client.get(url, HTTP_HOST=HOST)["Location"].startswith(SETUP), url


def test_the_setup_page_shows_a_qr_code_as_svg_and_the_secret(client, clerk, requiring_city):
    password_login(client, clerk)
    response = client.get(f"{SETUP}?next=/admin/", HTTP_HOST=HOST)
    page = response.content.decode()
    assert response.status_code == 200
    assert "二要素認証の設定" in page
    assert '<svg width="' in page and 'class="qr-code"' in page
    assert "<script" not in page and "style=" not in page
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    secret = two_factor.setup_sheet(device).secret
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", secret)
    assert secret in page
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_setup_code_is_refused_and_nothing_is_confirmed(client, clerk, requiring_city):
    password_login(client, clerk)
    client.get(SETUP, HTTP_HOST=HOST)
    response = client.post(SETUP, {"code": "000000"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert "確認コードが違います。" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clerk, confirmed=True).exists()
    assert client.get("/admin/", HTTP_HOST=HOST).status_code == 302


def test_setup_shows_ten_recovery_codes_once_then_the_admin_opens(client, clerk, requiring_city):
    password_login(client, clerk)
    codes = set_up(client, clerk)
    assert len(codes) == 10 == len(set(codes))
    assert sorted(c.replace("-", "") for c in codes) == sorted(
        StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True)
    )
    again = client.get(CODES, HTTP_HOST=HOST).content.decode()
    assert "作った直後に一度だけ表示します" in again
    assert codes[0] not in again
    assert client.get("/admin/", HTTP_HOST=HOST).status_code == 200


def test_at_the_next_login_a_code_is_asked_after_the_password(client, clerk, requiring_city):
    password_login(client, clerk)
    set_up(client, clerk)
    device = TOTPDevice.objects.get(user=clerk, confirmed=True)
    second = Client()
    password_login(second, clerk)
    response = second.get("/admin/", HTTP_HOST=HOST)
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    wrong = second.post(VERIFY, {"code": "123456", "next": "/admin/"}, HTTP_HOST=HOST)
    assert wrong.status_code == 200
    assert "確認コードが違うか" in wrong.content.decode()
    assert "1秒たつまで確認コードを受け付けません" in wrong.content.decode()
    assert second.get("/admin/", HTTP_HOST=HOST).status_code == 302
    device.throttling_failure_count = 0  # the wrong code made the device wait a second
    device.throttling_failure_timestamp = None
    device.save()
    right = second.post(
        VERIFY, {"code": code_now(device, ahead=1), "next": "/admin/"}, HTTP_HOST=HOST
    )
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert second.get("/admin/", HTTP_HOST=HOST).status_code == 200


def test_a_recovery_code_works_once(client, clerk, requiring_city):
    password_login(client, clerk)
    codes = set_up(client, clerk)
    first = Client()
    password_login(first, clerk)
    response = first.post(VERIFY, {"code": codes[3].upper(), "next": "/admin/"}, HTTP_HOST=HOST)
    assert response.status_code == 302
    assert first.get("/admin/", HTTP_HOST=HOST).status_code == 200
    assert StaticToken.objects.filter(device__user=clerk).count() == 9
    second = Client()
    password_login(second, clerk)
    again = second.post(VERIFY, {"code": codes[3], "next": "/admin/"}, HTTP_HOST=HOST)
    assert again.status_code == 200
    assert "確認コードが違うか" in again.content.decode()
    assert second.get("/admin/", HTTP_HOST=HOST).status_code == 302


def test_an_unverified_session_cannot_replace_the_app(client, clerk, requiring_city):
    password_login(client, clerk)
    set_up(client, clerk)
    second = Client()
    password_login(second, clerk)
    response = second.get(SETUP, HTTP_HOST=HOST)
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=clerk).count() == 1


def test_the_admin_itself_refuses_an_unverified_user(rf, clerk, requiring_city):
    from django.contrib import admin

    request = rf.get("/admin/", HTTP_HOST=HOST)
    request.user = clerk
    request.municipality = requiring_city
    clerk.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    clerk.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


def test_a_platform_operator_always_needs_a_second_factor(client):
    operator = UserFactory(username="op", is_superuser=True, is_staff=True)
    password_login(client, operator)
    assert client.get("/admin/", HTTP_HOST=HOST)["Location"].startswith(SETUP)
    make_city("yamaguchi")  # two cities: testserver is the platform host
    platform = Client()
    password_login(platform, operator, host="testserver")
    response = platform.get("/admin/", HTTP_HOST="testserver")
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    set_up(platform, operator, host="testserver")
    assert platform.get("/admin/", HTTP_HOST="testserver").status_code == 200


def test_secretaries_are_not_asked(client, requiring_city):
    secretary = SecretaryFactory().user
    response = client.post(
        "/accounts/login/", {"username": secretary.username, "password": PASSWORD}, HTTP_HOST=HOST
    )
    assert response.status_code == 302
    assert client.get("/portal/", HTTP_HOST=HOST).status_code == 200


def test_an_administrator_makes_a_colleague_set_up_again(
    client, clerk, editor_user, requiring_city
):
    password_login(client, clerk)
    set_up(client, clerk)
    two_factor.issue_recovery_codes(editor_user)
    TOTPDevice.objects.create(user=editor_user, name="app", confirmed=True)
    response = client.post(
        "/admin/core/user/",
        {"action": "reset_second_factor", "_selected_action": [editor_user.pk]},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor_user).exists()
    assert not StaticToken.objects.filter(device__user=editor_user).exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" 123 456 ", "123456"), ("１２３４５６", "123456"), ("ABCD-EFGH", "abcdefgh")],
)
def test_codes_are_read_as_typed(typed, stored):
    assert two_factor.normalise_code(typed) == stored


def test_not_enforced_means_no_one_is_asked(settings, city):
    settings.TWO_FACTOR_ENFORCED = False
    operator = UserFactory.build(is_superuser=True, municipality=None)
    assert two_factor.two_factor_required(operator, city) is False


def test_a_first_password_is_changed_before_the_app_is_set_up(client, clerk, requiring_city):
    clerk.must_change_password = True
    clerk.save(update_fields=["must_change_password"])
    password_login(client, clerk)
    assert client.get("/admin/", HTTP_HOST=HOST)["Location"] == "/accounts/password/"
    assert client.get("/accounts/password/", HTTP_HOST=HOST).status_code == 200
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-7",
            "new_password2": "a-new-long-passphrase-7",
        },
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert client.get("/admin/", HTTP_HOST=HOST)["Location"].startswith(SETUP)


def test_without_the_second_factor_the_password_cannot_be_changed(client, clerk, requiring_city):
    password_login(client, clerk)
    set_up(client, clerk)
    second = Client()
    password_login(second, clerk)
    response = second.get("/accounts/password/", HTTP_HOST=HOST)
    assert response["Location"].startswith(VERIFY)
