"""Secretary accounts: issue with a printable first password, hand over at the AGM."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import CouncilSecretary
from councils.services import secretary_hand_over, secretary_issue_account
from tests.factories import CouncilFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_issued_account_must_change_its_first_password(client, council, admin_user):
    user, password = secretary_issue_account(
        council=council, username="new-sec", full_name="千葉 花子", actor=admin_user
    )
    assert len(password) == 12
    assert user.must_change_password
    assert user.municipality == council.municipality
    # Logged in through the city's login page (the account logs in at its city's host).
    response = client.post(reverse("login"), {"username": "new-sec", "password": password})
    assert response.status_code == 302

    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")

    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Ichinoseki-2026-kyodo",
            "new_password2": "Ichinoseki-2026-kyodo",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("portal:home")).status_code == 200


def test_hand_over_ends_old_tenure_and_old_account_loses_access_at_once(client, admin_user):
    council = CouncilFactory()
    old = SecretaryFactory(council=council).user
    client.force_login(old)
    assert client.get(reverse("portal:home")).status_code == 200

    new = UserFactory()
    tenure = secretary_hand_over(
        council=council, new_user=new, actor=admin_user, on=date(2026, 5, 20)
    )

    assert client.get(reverse("portal:home")).status_code in (302, 403)
    old.refresh_from_db()
    assert not old.is_active
    ended = CouncilSecretary.objects.get(user=old)
    assert (ended.ended_on, ended.ended_by) == (date(2026, 5, 20), admin_user)
    # The old tenure, and so what the old account did, stays on record.
    assert tenure.user == new and tenure.assigned_by == admin_user
    assert council.secretaries.count() == 2


def test_user_cannot_be_secretary_of_two_councils(admin_user):
    first = SecretaryFactory()
    other = CouncilFactory()
    with pytest.raises(ValidationError) as error:
        secretary_hand_over(council=other, new_user=first.user, actor=admin_user)
    assert error.value.code == "secretary_of_other_council"
    assert other.secretaries.count() == 0


def test_issuing_taken_username_changes_nothing(council, admin_user):
    SecretaryFactory(council=council, user=UserFactory(username="taken"))
    with pytest.raises(ValidationError) as error:
        secretary_issue_account(council=council, username="taken", full_name="x", actor=admin_user)
    assert [e.code for e in error.value.error_dict["username"]] == ["username_taken"]
    assert council.secretaries.filter(ended_on__isnull=True).count() == 1


def test_admin_issues_account_and_prints_handover_sheet(client, admin_user):
    council = CouncilFactory()
    old = SecretaryFactory(council=council).user
    client.force_login(admin_user)
    url = reverse("admin:councils_council_secretary", args=[council.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"full_name": "菅原 次郎", "username": "sugawara", "replace_current": "on"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "事務局アカウント通知書" in content and "sugawara" in content
    old.refresh_from_db()
    assert not old.is_active


def test_admin_issue_form_keeps_input_and_says_what_is_wrong(client, admin_user):
    council = CouncilFactory()
    client.force_login(admin_user)
    url = reverse("admin:councils_council_secretary", args=[council.pk])
    response = client.post(url, {"full_name": "菅原 次郎", "username": "空白 あり"})
    content = response.content.decode()
    assert "半角英数字" in content
    assert 'value="菅原 次郎"' in content
    assert council.secretaries.count() == 0


def test_viewer_cannot_issue_accounts(client, viewer_user):
    council = CouncilFactory()
    client.force_login(viewer_user)
    url = reverse("admin:councils_council_secretary", args=[council.pk])
    assert client.get(url).status_code == 403
