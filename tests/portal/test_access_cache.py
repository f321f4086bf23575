"""The secretary's access and the whole dashboard page are cached, and every change behind them
reaches the next request at once: a tenure ended or handed over, a colleague added or renamed,
the council renamed, the user renamed or deactivated. The cache holds no password hash, and
each answer carries the request's own CSRF token."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from councils import services
from councils.models import CouncilSecretary
from tests.factories import SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jimu(client, world):
    client.force_login(world.secretary)
    assert client.get("/portal/").status_code == 200  # the access and the page, cached
    assert client.get("/portal/").status_code == 200
    return client


def page(client) -> str:
    response = client.get("/portal/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_ended_tenure_refuses_the_next_request(jimu, world):
    tenure = CouncilSecretary.objects.get(user=world.secretary, ended_on__isnull=True)
    tenure.ended_on = date(2026, 11, 30)
    tenure.save()
    assert jimu.get("/portal/").status_code == 403
    assert jimu.get("/portal/subsidies/").status_code == 403


def test_a_hand_over_locks_the_old_secretary_out_and_lets_the_new_one_in(jimu, world):
    newcomer = UserFactory(
        username="yamanome-new", full_name="新井 花子", municipality=world.council.municipality
    )
    services.secretary_hand_over(council=world.council, new_user=newcomer, actor=world.staff)
    response = jimu.get("/portal/")
    assert response.status_code == 302  # deactivated: logged out
    assert response["Location"].startswith("/accounts/login/")
    other = Client()
    other.force_login(newcomer)
    assert "新井 花子 さん（事務局）" in page(other)


def test_a_colleague_added_or_renamed_shows_at_once(jimu, world):
    colleague = SecretaryFactory(
        council=world.council, user__full_name="佐々木 恵", user__username="sasaki"
    ).user
    assert "佐々木 恵" in page(jimu)
    colleague.full_name = "佐々木 恵美"
    colleague.save()
    assert "佐々木 恵美" in page(jimu)


def test_the_council_renamed_shows_at_once(jimu, world):
    world.council.name = "新山目地域協働体"
    world.council.save()
    assert "<h1>新山目地域協働体</h1>" in page(jimu)


def test_the_user_renamed_shows_at_once(jimu, world):
    world.secretary.full_name = "山目 太郎"
    world.secretary.save()
    assert "山目 太郎 さん（事務局）" in page(jimu)


def test_a_tenure_moved_to_another_council_shows_that_council(jimu, world):
    tenure = CouncilSecretary.objects.get(user=world.secretary, ended_on__isnull=True)
    tenure.ended_on = date(2026, 11, 30)
    tenure.save()
    CouncilSecretary.objects.create(
        council=world.other, user=world.secretary, started_on=date(2026, 12, 1)
    )
    assert f"<h1>{world.other.name}</h1>" in page(jimu)


def test_another_secretary_never_gets_the_cached_page(jimu, world):
    other = Client()
    other.force_login(world.other_secretary)
    body = page(other)
    assert f"<h1>{world.other.name}</h1>" in body
    assert f"<h1>{world.council.name}</h1>" not in body


def test_no_password_hash_is_cached(jimu, world):
    assert cache.get(f"secretary-access:{world.secretary.pk}")["council_id"] == world.council.pk
    record = cache.get(f"secretary-council:{world.council.pk}")
    assert [t.user_id for t in record["tenures"]] == [world.secretary.pk]
    for tenure in record["tenures"]:
        assert "password" not in tenure.user.__dict__


def test_each_answer_carries_the_requests_own_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.secretary)
    first = page(client)
    second = page(client)  # from the cached page
    marker = 'name="csrfmiddlewaretoken" value="'
    token = second.split(marker)[1].split('"')[0]
    assert first.count(marker) == second.count(marker) == 1
    # The token the cached page carries is good for this session: logging out works.
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 302


def test_a_waiting_message_shows_on_a_cached_page(jimu, world):
    # Saved on the settings page, then straight to the dashboard: the message shows there.
    response = jimu.post("/portal/notifications/", {"addresses": ""})
    assert response.status_code == 302
    assert "メールの受信設定を保存しました。" in page(jimu)
    assert "メールの受信設定を保存しました。" not in page(jimu)  # shown once


def test_a_warm_dashboard_asks_the_database_for_the_session_and_user_only(
    jimu, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        page(jimu)
