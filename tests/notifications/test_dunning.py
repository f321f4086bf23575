"""「選択した地域協働体に督促を送る」 on the councils list: now, once per click."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import ContactAddress, NoticeKind, NoticePreference, SentNotice
from tests.factories import CouncilFactory, SecretaryFactory
from tests.subsidies.factories import make_councils

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/councils/council/"


def _click(client, councils):
    return client.post(
        CHANGELIST,
        {"action": "send_dunning", "_selected_action": [c.pk for c in councils]},
        follow=True,
    )


def test_dunning_sent_with_one_audit_row_per_council(admin_client_staff, admin_user, secretary):
    council = secretary.secretary_tenures.get().council
    ContactAddress.objects.create(
        user=secretary, email="yamanome@example.jp", confirmed_at=timezone.now()
    )
    quiet = CouncilFactory(name="真滝地域協働体")

    response = _click(admin_client_staff, [council, quiet])

    assert (
        "2件の地域協働体に督促を送りました（メール送信 1件、"
        "メールアドレス未登録のため事務局トップへの表示のみ 1件）。"
    ) in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["yamanome@example.jp"]
    assert message.subject == "【一関市】督促: 提出物をご確認ください"
    assert message.body == (
        f"{council.name} 事務局 御中\n"
        "\n"
        "一関市から、提出物についての督促です。\n"
        "期限を過ぎた実績報告や、入力期間の締切が近い進捗がないか、ポータルでご確認のうえ、"
        "速やかにご提出ください。\n"
        "\n"
        "事務局トップ: http://ichinoseki.test/portal/\n"
        "\n"
        "――\n"
        "一関市 まちづくり推進部 いちのせき元気な地域づくり推進課\n"
        "（このメールは送信専用です。お問い合わせは担当課へ）"
    )
    rows = SentNotice.objects.order_by("council_id")
    assert [(n.council, n.actor, n.kind) for n in rows] == [
        (council, admin_user, NoticeKind.CITY_NOTICE),
        (quiet, admin_user, NoticeKind.CITY_NOTICE),
    ]


def test_each_click_sends_again(admin_client_staff, secretary):
    council = secretary.secretary_tenures.get().council
    ContactAddress.objects.create(
        user=secretary, email="yamanome@example.jp", confirmed_at=timezone.now()
    )
    _click(admin_client_staff, [council])
    _click(admin_client_staff, [council])
    assert len(mail.outbox) == 2
    assert SentNotice.objects.count() == 2


def test_preference_for_city_notices_respected(admin_client_staff, secretary):
    council = secretary.secretary_tenures.get().council
    ContactAddress.objects.create(
        user=secretary, email="yamanome@example.jp", confirmed_at=timezone.now()
    )
    NoticePreference.objects.create(user=secretary, city_notice=False)
    _click(admin_client_staff, [council])
    assert mail.outbox == []
    assert SentNotice.objects.get().council == council


def test_viewer_cannot_send(client, viewer_user):
    council = CouncilFactory()
    client.force_login(viewer_user)
    _click(client, [council])
    assert not SentNotice.objects.exists()


def _queries_for(client, count: int, prefix: str) -> int:
    councils = make_councils(count, prefix=prefix)
    for council in councils:
        user = SecretaryFactory(council=council).user
        ContactAddress.objects.create(
            user=user, email=f"{user.username}@example.jp", confirmed_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as queries:
        client.post(
            CHANGELIST,
            {"action": "send_dunning", "_selected_action": [c.pk for c in councils]},
        )
    assert SentNotice.objects.filter(council__in=councils).count() == count
    return len(queries)


def test_fixed_number_of_queries_at_3_and_30(admin_client_staff):
    admin_client_staff.get(CHANGELIST)  # the staff user, cached from the first request on
    three = _queries_for(admin_client_staff, 3, "三")
    thirty = _queries_for(admin_client_staff, 30, "三十")
    assert three == thirty
    assert len(mail.outbox) == 33
