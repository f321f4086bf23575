"""The secretary's dashboard caches its council's sections, and every change to what they
show reaches the dashboard at once: applications and their moves, progress reviewed by the
city, plan items, liaisons, the council's own rows, the date."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone

from core import generations, tenancy
from councils.freshness import council_key
from plans import services as plan_services
from plans.models import PlanStatus, ReviewState
from portal.panels import dashboard_key
from staffing.models import LiaisonAssignment
from subsidies.models import Application, Status
from tests.factories import CouncilFactory, SecretaryFactory, UserFactory
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory
from tests.staffing.factories import LiaisonAssignmentFactory, StaffMemberFactory
from tests.subsidies.lifecycle import application_in, draft, step

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/10"


@pytest.fixture
def jimu(client, world):
    """The secretary of 山目地域協働体, logged in."""
    client.force_login(world.secretary)
    return client


def dashboard(client) -> str:
    response = client.get("/portal/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_sections_come_from_the_cache_until_something_changes(jimu, world):
    application = draft(world, title="防災マップの作成")
    assert "防災マップの作成" in dashboard(jimu)
    # A write that sends no signal is not seen: the sections are cached.
    Application.objects.filter(pk=application.pk).update(title="花壇の整備")
    assert "防災マップの作成" in dashboard(jimu)
    application.refresh_from_db()
    application.save()  # any saved row of the council clears its sections
    page = dashboard(jimu)
    assert "花壇の整備" in page and "防災マップの作成" not in page


def test_a_new_application_shows_at_once(jimu, world):
    assert "手続中の申請はありません。" in dashboard(jimu)
    draft(world, title="花壇の整備", amount=50_000)
    page = dashboard(jimu)
    assert "花壇の整備" in page
    assert "内容を確認して申請してください。" in page
    assert "手続中の申請はありません。" not in page


def test_a_status_move_by_the_city_shows_at_once(jimu, world):
    application = application_in(world, Status.SUBMITTED)
    assert "市の審査をお待ちください。" in dashboard(jimu)
    step(application, "decide", world.staff)
    page = dashboard(jimu)
    assert "事業を実施し、完了後に実績報告を提出してください。" in page
    assert "市の審査をお待ちください。" not in page
    assert "の交付決定額</dt><dd>¥120,000</dd>" in page


def test_progress_edited_accepted_and_published_by_the_city_shows_at_once(
    jimu, world, editor_user, admin_user
):
    plan = PlanFactory(community=True, council=world.council, status=PlanStatus.PUBLISHED)
    entry = EntryFactory(item=PlanItemFactory(policy__plan=plan), state=ReviewState.SUBMITTED)
    assert "下書き 0件 ・ 審査待ち 1件 ・ 差戻し 0件 ・ 承認済 0件" in dashboard(jimu)
    plan_services.progress_transition(entry=entry, action="accept", actor=editor_user)
    assert "下書き 0件 ・ 審査待ち 0件 ・ 差戻し 0件 ・ 承認済 1件" in dashboard(jimu)
    plan_services.progress_transition(
        entry=entry, action="reopen", actor=editor_user, comment="参加人数を確認してください。"
    )
    page = dashboard(jimu)
    assert "差戻しされた進捗が1件あります。" in page
    assert "下書き 0件 ・ 審査待ち 0件 ・ 差戻し 1件 ・ 承認済 0件" in page


def test_a_plan_item_added_shows_at_once(jimu, world):
    plan = PlanFactory(community=True, council=world.council, status=PlanStatus.DRAFT)
    assert "下書き 0件" in dashboard(jimu)
    EntryFactory(item=PlanItemFactory(policy__plan=plan))
    assert "下書き 1件 ・ 審査待ち 0件" in dashboard(jimu)


def test_a_plan_published_shows_at_once(jimu, world):
    plan = PlanFactory(
        community=True, council=world.council, status=PlanStatus.DRAFT, title="山目地区計画"
    )
    assert "「<a" in dashboard(jimu) and "山目地区計画" in dashboard(jimu)
    plan.status = PlanStatus.PUBLISHED
    plan.save()
    assert "公開中の計画: <a" in dashboard(jimu)


def test_a_staffing_change_shows_at_once(jimu, world):
    today = timezone.localdate()
    assert "現在、地域担当職員は配置されていません。" in dashboard(jimu)
    assignment = LiaisonAssignmentFactory(
        council=world.council,
        started_on=today - timedelta(days=10),
        staff=StaffMemberFactory(name="佐藤 健太", department="花泉支所 地域振興課"),
    )
    assert "佐藤 健太（花泉支所 地域振興課）" in dashboard(jimu)
    staff = assignment.staff
    staff.department = "まちづくり推進課"
    staff.save()  # the staff row names no council: the whole city's dashboards clear
    assert "佐藤 健太（まちづくり推進課）" in dashboard(jimu)
    LiaisonAssignment.objects.get(pk=assignment.pk).delete()
    assert "現在、地域担当職員は配置されていません。" in dashboard(jimu)


def test_the_councils_own_rows_show_at_once(jimu, world):
    assert "構成団体は登録されていません。" in dashboard(jimu)
    world.council.members.create(name="山目町内会", kind="neighbourhood")
    page = dashboard(jimu)
    assert '<th scope="row">山目町内会</th>' in page


def test_an_import_clears_the_citys_dashboards(jimu, world, city):
    from import_export.signals import post_import

    application = draft(world, title="防災マップの作成")
    dashboard(jimu)
    Application.objects.filter(pk=application.pk).update(title="花壇の整備")  # as a bulk write
    post_import.send(sender=None, model=Application)
    assert "花壇の整備" in dashboard(jimu)


def test_two_councils_never_see_each_others_sections(client, world):
    draft(world, title="山目の防災マップ")
    draft(world, council=world.other, secretary=world.other_secretary, title="藤沢の花壇")
    client.force_login(world.secretary)
    yamanome = dashboard(client)
    other = Client()
    other.force_login(world.other_secretary)
    fujisawa = dashboard(other)
    assert "山目の防災マップ" in yamanome and "藤沢の花壇" not in yamanome
    assert "藤沢の花壇" in fujisawa and "山目の防災マップ" not in fujisawa
    # A change to one council clears its sections only.
    before = cache.get(council_key(world.other.pk))
    draft(world, title="山目の見守り活動")
    assert cache.get(council_key(world.other.pk)) == before
    assert "山目の見守り活動" in dashboard(client)
    assert "山目の見守り活動" not in dashboard(other)


def test_the_key_names_the_city_and_the_council(world, city):
    from tests.cities import make_city

    today = date(2026, 12, 1)
    other_city = make_city("morioka")
    key = dashboard_key(city.pk, world.council.pk, today)
    assert f":city-{city.pk}:" in key and f":council-{world.council.pk}:" in key
    assert key.endswith(":2026-12-01")
    assert dashboard_key(other_city.pk, world.council.pk, today) != key
    assert dashboard_key(city.pk, world.council.pk, date(2026, 12, 2)) != key


def test_the_user_and_the_csrf_token_are_never_cached(client, world):
    second = UserFactory(username="yamanome2", first_name="", last_name="")
    SecretaryFactory(council=world.council, user=second)
    client.force_login(world.secretary)
    first_page = dashboard(client)
    other = Client()
    other.force_login(second)
    second_page = dashboard(other)
    assert f"{world.secretary} さん（事務局）" in first_page
    assert f"{second} さん（事務局）" in second_page
    assert f"{world.secretary} さん（事務局）" not in second_page
    token = 'name="csrfmiddlewaretoken" value="'
    first_token = first_page.split(token)[1].split('"')[0]
    assert first_token not in second_page


def test_overdue_text_follows_the_date(jimu, world, monkeypatch):
    application = application_in(world, Status.DECIDED)
    Application.objects.filter(pk=application.pk).update(report_due_on=date(2026, 12, 10))
    application.refresh_from_db()
    application.save()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 10))
    page = dashboard(jimu)
    assert "期限超過" not in page
    assert "実績報告の期限を過ぎている申請" not in page
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 11))
    page = dashboard(jimu)
    assert "実績報告の期限（令和8年12月10日）を過ぎています。至急提出してください。" in page
    assert "実績報告の期限を過ぎている申請が1件あります。" in page


def test_the_dashboard_runs_few_queries_once_cached(jimu, world, django_assert_max_num_queries):
    draft(world, title="防災マップの作成")
    with django_assert_max_num_queries(12):
        assert "防災マップの作成" in dashboard(jimu)
    dashboard(jimu)  # the secretary's council, cached at its second request
    # Only the session (in the database in the tests; Redis in production): the user, the
    # secretary's tenure and the page come from the cache, and no transaction is opened.
    with django_assert_max_num_queries(1):
        assert "防災マップの作成" in dashboard(jimu)


def _redis_up() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def two_web_servers(settings):
    """Two cache connections to one Redis, as two web servers have."""
    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"  # this test's keys only
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
    }
    settings.CACHES = {"default": shared, "second": {**shared}}
    yield caches["default"], caches["second"]
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


def test_the_generation_lives_in_the_shared_cache(two_web_servers, jimu, world):
    first, second = two_web_servers
    assert first is not second
    application = draft(world, title="防災マップの作成")
    assert "防災マップの作成" in dashboard(jimu)
    key = council_key(world.council.pk)
    before = second.get(key)
    assert before is not None  # the other server reads the generation the first one started
    Application.objects.filter(pk=application.pk).update(title="花壇の整備")
    with tenancy.city_scope(application.municipality):
        generations.bump(key)
    assert second.get(key) == before + 1
    assert "花壇の整備" in dashboard(jimu)


def test_another_council_in_the_same_city_keeps_its_sections(world):
    council = CouncilFactory(name="舞川地域協働体")
    before = cache.get(council_key(council.pk))
    draft(world, title="山目の防災マップ")
    assert cache.get(council_key(council.pk)) == before
