"""The secretary's e-mail settings page, /portal/notifications/."""

import pytest

from notifications.models import ContactAddress, NoticePreference

pytestmark = pytest.mark.django_db

URL = "/portal/notifications/"
ALL_ON = {"report_due": "on", "report_overdue": "on", "progress_close": "on", "city_notice": "on"}


def test_page_is_in_the_portal_navigation(secretary_client):
    page = secretary_client.get("/portal/").content.decode()
    assert f'<a href="{URL}">メールの受信設定</a>' in page


def test_register_two_addresses_and_choose(secretary_client, secretary):
    response = secretary_client.post(
        URL,
        {
            "addresses": " yamanome@example.jp\n\njimukyoku@example.jp\nYAMANOME@example.jp",
            "report_due": "on",
            "progress_close": "on",
        },
    )

    assert response.status_code == 302
    assert list(
        ContactAddress.objects.filter(user=secretary).order_by("pk").values_list("email", flat=True)
    ) == ["yamanome@example.jp", "jimukyoku@example.jp"]
    preference = NoticePreference.objects.get(user=secretary)
    assert (
        preference.report_due,
        preference.report_overdue,
        preference.progress_close,
        preference.city_notice,
    ) == (True, False, True, False)
    page = secretary_client.get(URL).content.decode()
    assert "yamanome@example.jp\njimukyoku@example.jp</textarea>" in page


def test_bad_address_refused_and_nothing_saved(secretary_client, secretary):
    ContactAddress.objects.create(user=secretary, email="old@example.jp")

    response = secretary_client.post(
        URL, {"addresses": "new@example.jp\nyamanome@example", **ALL_ON}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "2行目「yamanome@example」はメールアドレスとして正しくありません"
        "（例: jimukyoku@example.jp）。"
    ) in page
    assert "保存していません" in page
    assert list(ContactAddress.objects.values_list("email", flat=True)) == ["old@example.jp"]
    assert not NoticePreference.objects.exists()


def test_more_than_five_refused(secretary_client):
    addresses = "\n".join(f"a{i}@example.jp" for i in range(6))
    response = secretary_client.post(URL, {"addresses": addresses})
    assert "メールアドレスは5件まで登録できます。" in response.content.decode()
    assert not ContactAddress.objects.exists()


def test_empty_removes_every_address(secretary_client, secretary):
    ContactAddress.objects.create(user=secretary, email="old@example.jp")
    secretary_client.post(URL, {"addresses": "", **ALL_ON})
    assert not ContactAddress.objects.exists()


def test_staff_cannot_open_it(admin_client_staff):
    assert admin_client_staff.get(URL).status_code in (302, 403, 404)


def test_page_queries_fixed(secretary_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert secretary_client.get(URL).status_code == 200
