"""The user a session names is read through the shared cache (core.auth.session_user), and any
change to the user reaches the next request at once: a new password, deactivation, a first
password to change, staff rights taken away. The cache holds no password hash."""

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "kyodo-test-2026"


@pytest.fixture
def jimu(secretary):
    secretary.set_password(PASSWORD)
    secretary.save()
    client = Client()
    client.force_login(secretary)
    # The first request caches the user and the secretary's council, the second that council.
    assert client.get("/portal/").status_code == 200
    assert client.get("/portal/").status_code == 200
    return client


def test_a_known_session_asks_no_query_for_its_user(jimu, django_assert_num_queries):
    # What is left is the session itself (the tests keep sessions in the database).
    with django_assert_num_queries(1):
        assert jimu.get("/portal/").status_code == 200


def test_the_cached_user_has_no_password_hash(jimu, secretary):
    record = cache.get(f"session-user:{secretary.pk}")
    assert record["user"].pk == secretary.pk
    assert "password" not in record["user"].__dict__
    assert secretary.password not in repr(record)


def test_a_password_changed_elsewhere_logs_the_session_out(jimu, secretary):
    secretary.set_password("another-password-2026")
    secretary.save()
    response = jimu.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_deactivated_user_is_logged_out_at_once(jimu, secretary):
    secretary.is_active = False
    secretary.save()
    response = jimu.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_first_password_to_change_applies_at_once(jimu, secretary):
    secretary.must_change_password = True
    secretary.save()
    response = jimu.get("/portal/")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")


def test_staff_rights_taken_away_apply_at_once(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/").status_code == 200  # cached
    admin_user.is_staff = False
    admin_user.save()
    assert client.get("/admin/").status_code == 302


def test_a_session_with_another_hash_is_not_let_in(jimu, secretary):
    session = jimu.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()
    response = jimu.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_password_change_form_works_with_the_cached_user(jimu, secretary):
    response = jimu.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "atarashii-pass-2026",
            "new_password2": "atarashii-pass-2026",
        },
    )
    assert response.status_code == 302
    secretary.refresh_from_db()
    assert secretary.check_password("atarashii-pass-2026")
    assert jimu.get("/portal/").status_code == 200  # this session stays logged in


def test_two_users_never_get_each_others_record(jimu, secretary, council):
    other = UserFactory(username="other-user", is_staff=True)
    client = Client()
    client.force_login(other)
    client.get("/admin/")
    assert cache.get(f"session-user:{other.pk}")["user"].username == "other-user"
    page = jimu.get("/portal/").content.decode()
    assert f"{secretary} さん（事務局）" in page


def test_the_cached_user_knows_whether_its_password_is_usable_without_a_query(
    jimu, secretary, django_assert_num_queries
):
    # The admin asks on every page (パスワード変更 link): no query for the hash.
    with django_assert_num_queries(0):
        assert cache.get(f"session-user:{secretary.pk}")["user"].has_usable_password()
    secretary.set_unusable_password()
    secretary.save()
    client = Client()
    client.force_login(secretary)
    client.get("/portal/")
    with django_assert_num_queries(0):
        assert not cache.get(f"session-user:{secretary.pk}")["user"].has_usable_password()
