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


def test_new_address_confirmed_by_the_link_before_any_notice(secretary_client, secretary):
    from django.core import mail

    from notifications.services import councils_send_dunning

    secretary_client.post(URL, {"addresses": "yamanome@example.jp", **ALL_ON})

    [message] = mail.outbox
    address = ContactAddress.objects.get()
    assert message.to == ["yamanome@example.jp"]
    assert message.subject == "【一関市】メールアドレスの確認のお願い"
    link = (
        f"http://ichinoseki.test/portal/notifications/confirm/?token={address.confirmation_token}"
    )
    assert message.body == (
        f"{secretary} 様\n"
        "\n"
        "一関市 地域協働ポータルで、このメールアドレスが通知先として登録されました。\n"
        "次のリンクを開き、ログインしたまま「確認する」を押すと、お知らせがこのアドレスにも届きます。\n"
        "\n"
        f"{link}\n"
        "\n"
        "お心当たりがない場合は、このメールを破棄してください（何も届きません）。\n"
        "\n"
        "――\n"
        "一関市 まちづくり推進部 いちのせき元気な地域づくり推進課\n"
        "（このメールは送信専用です。お問い合わせは担当課へ）"
    )
    council = secretary.secretary_tenures.get().council
    city = council.municipality

    councils_send_dunning(councils=[council], actor=None, city=city)
    assert len(mail.outbox) == 1  # not confirmed yet: the dashboard only

    confirm = link.removeprefix("http://ichinoseki.test")
    assert "確認する" in secretary_client.get(confirm).content.decode()
    address.refresh_from_db()
    assert address.confirmed_at is None  # opening the link alone confirms nothing
    secretary_client.post("/portal/notifications/confirm/", {"token": address.confirmation_token})
    address.refresh_from_db()
    assert address.confirmed_at is not None
    # Saving the settings again keeps the confirmation and sends no new request.
    secretary_client.post(URL, {"addresses": "yamanome@example.jp", **ALL_ON})
    assert ContactAddress.objects.get().confirmed_at == address.confirmed_at
    assert len(mail.outbox) == 1

    councils_send_dunning(councils=[council], actor=None, city=city)
    assert mail.outbox[-1].to == ["yamanome@example.jp"]


def test_wrong_token_confirms_nothing(secretary_client, secretary):
    address = ContactAddress.objects.create(
        user=secretary, email="yamanome@example.jp", confirmation_token="right"
    )
    response = secretary_client.post("/portal/notifications/confirm/", {"token": "wrong"})
    assert "このリンクは正しくないか、期限が切れています。" in response.content.decode()
    address.refresh_from_db()
    assert address.confirmed_at is None


def test_another_users_token_confirms_nothing(secretary_client, council):
    from tests.factories import SecretaryFactory

    other = SecretaryFactory(council=council).user
    address = ContactAddress.objects.create(
        user=other, email="other@example.jp", confirmation_token="theirs"
    )
    secretary_client.post("/portal/notifications/confirm/", {"token": "theirs"})
    address.refresh_from_db()
    assert address.confirmed_at is None
