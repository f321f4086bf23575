import pytest
from django.urls import reverse

from tests.factories import CouncilFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_secretary_sees_own_council_only(client):
    mine = SecretaryFactory(council=CouncilFactory(name="山目地域協働体"))
    CouncilFactory(name="藤沢地域協働体")
    client.force_login(mine.user)
    response = client.get(reverse("portal:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "山目地域協働体" in content
    assert "藤沢地域協働体" not in content


def test_user_without_tenure_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("portal:home")).status_code == 403


def test_login_sends_staff_to_admin_and_secretary_to_portal(client, admin_user):
    secretary = SecretaryFactory().user
    response = client.post(
        reverse("login"), {"username": secretary.username, "password": "test-password-123"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("portal:home")
    client.logout()
    client.force_login(admin_user)
    assert client.get(reverse("after_login"))["Location"] == reverse("admin:index")


def test_login_error_is_in_japanese(client):
    response = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワード" in response.content.decode()


def test_portal_home_query_count_does_not_grow(client, django_assert_max_num_queries):
    secretary = SecretaryFactory()
    client.force_login(secretary.user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("portal:home")).status_code == 200
