"""E-mails between a council and its city name that city, its department and mayor, and link
to that city's host, with two cities on one install."""

import pytest
from django.core import mail

from core import tenancy
from subsidies import services
from subsidies.models import Status
from tests.cities import make_city
from tests.cities.portal_world import build_city_portal
from tests.subsidies.lifecycle import application_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cities(city):
    a = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    b_city = make_city("yamaguchi")
    with tenancy.city_scope(b_city):
        b = build_city_portal(b_city, slug="yamaguchi", council_name="大殿地域づくり協議会")
    return a, b


def test_mail_to_yamaguchis_secretary_names_yamaguchi_and_links_to_its_host(
    cities, django_capture_on_commit_callbacks
):
    _a, b = cities
    with tenancy.city_scope(b.city):
        app = application_in(b.world, Status.SUBMITTED, amount=50_000)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.application_transition(
                application=app,
                action="return",
                actor=b.world.staff,
                comment="明細を直してください",
            )
        (message,) = mail.outbox
        assert message.to == ["jimu@yamaguchi.example.jp"]
        assert message.subject == f"【山口市 交付申請 {app.reference}】差戻し（差戻し）"
        body = message.body
        assert body.startswith(
            "山口市の地域づくり協議会「大殿地域づくり協議会」の交付申請について、差戻しがありました。"
        )
        assert f"http://yamaguchi.test/portal/subsidies/{app.pk}/" in body
        assert "山口市 地域生活部 協働推進課" in body
        for other in ("一関", "ichinoseki", "まちづくり推進部", "地域協働体「"):
            assert other not in body, other

        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.application_transition(
                application=app, action="submit", actor=b.world.secretary
            )
            services.application_transition(application=app, action="decide", actor=b.world.staff)
        to_staff, decided = mail.outbox
        notice = app.notices.get()
    assert to_staff.to == ["hojokin@yamaguchi.example.jp"]
    assert f"http://yamaguchi.test/admin/subsidies/application/{app.pk}/change/" in to_staff.body
    assert "詳しくは管理画面でご確認ください" in to_staff.body
    assert "山口市 地域協働ポータル" in to_staff.body
    assert decided.to == ["jimu@yamaguchi.example.jp"]
    assert (
        f"山口市長 伊藤 和貴名の通知書（{notice.document_number}）をポータルからダウンロードできます。"
        in decided.body
    )
    assert "一関" not in decided.body and "佐藤 善仁" not in decided.body


def test_mail_to_ichinosekis_secretary_keeps_to_ichinoseki(
    cities, django_capture_on_commit_callbacks
):
    a, _b = cities
    app = application_in(a.world, Status.SUBMITTED, amount=50_000)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=app, action="decide", actor=a.world.staff)
    (message,) = mail.outbox
    assert message.to == ["jimu@ichinoseki.example.jp"]
    assert message.subject.startswith("【一関市 交付申請 ")
    assert f"http://ichinoseki.test/portal/subsidies/{app.pk}/" in message.body
    assert "一関市 まちづくり推進部 いちのせき元気な地域づくり推進課" in message.body
    assert "一関市長 佐藤 善仁名の通知書" in message.body
    assert "山口" not in message.body and "yamaguchi" not in message.body


def test_links_use_https_when_the_install_enforces_it(
    cities, settings, django_capture_on_commit_callbacks
):
    settings.SECURE_SSL_REDIRECT = True
    a, _b = cities
    app = application_in(a.world, Status.SUBMITTED, amount=50_000)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=app, action="return", actor=a.world.staff, comment="直してください"
        )
    assert f"https://ichinoseki.test/portal/subsidies/{app.pk}/" in mail.outbox[-1].body
