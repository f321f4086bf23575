"""The database away: public pages already in the cache still answer from it, every other
page answers the Japanese 503 page with Retry-After, whichever layer found the database gone,
and the first request once it is back works."""

from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from core.cities import city_for_host
from tests.cities import make_city
from tests.factories import CouncilFactory, SecretaryFactory

pytestmark = pytest.mark.django_db

UNAVAILABLE = "ただいまシステムを利用できません。しばらくしてから再度お試しください。"
HOST = "ichinoseki.test"


@contextmanager
def database_away(error=OperationalError):
    """Every attempt to reach the database fails, as when the server is stopped."""

    def refuse(*args, **kwargs):
        raise error('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    original = connection.ensure_connection
    connection.ensure_connection = refuse
    try:
        yield
    finally:
        connection.ensure_connection = original


def browser() -> Client:
    return Client(raise_request_exception=False, HTTP_HOST=HOST)


def assert_unavailable(response, retry_after="30"):
    assert response.status_code == 503
    assert response["Retry-After"] == retry_after
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '<html lang="ja">' in body and UNAVAILABLE in body
    assert "一関市 地域協働ポータル" in body  # the site's look, with the city's name


@pytest.fixture
def people(staff_groups, admin_user):
    council = CouncilFactory(name="山目地域協働体")
    secretary = SecretaryFactory(council=council).user
    visitor, staff, portal_user = browser(), browser(), browser()
    staff.force_login(admin_user)
    portal_user.force_login(secretary)
    city_for_host(HOST)  # the host's city is in the cache, as after any earlier request
    return visitor, staff, portal_user


def test_cached_public_pages_answer_from_the_cache_while_the_database_is_away(people):
    visitor, _, _ = people
    before = visitor.get("/councils/")
    assert before.status_code == 200 and "山目地域協働体" in before.content.decode()
    csv_before = visitor.get("/councils/councils.csv")
    with database_away():
        during = visitor.get("/councils/")
        csv_during = visitor.get("/councils/councils.csv")
    assert during.status_code == 200
    assert during.content == before.content
    assert (csv_during.status_code, csv_during.content) == (200, csv_before.content)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_every_other_page_answers_503_in_japanese_with_retry_after(people, error):
    visitor, staff, portal_user = people
    with database_away(error):
        assert_unavailable(visitor.get("/plans/"))  # a public page not in the cache
        assert_unavailable(visitor.get("/accounts/login/"))
        assert_unavailable(visitor.post("/accounts/login/", {"username": "a", "password": "b"}))
        assert_unavailable(portal_user.get("/portal/"))  # the session cannot be read
        assert_unavailable(staff.get("/admin/"))
        assert_unavailable(staff.get("/admin/councils/council/"))


def test_a_host_not_yet_looked_up_answers_503_without_the_city(people):
    with database_away():
        response = browser().get("/", HTTP_HOST="yamaguchi.test")
    assert response.status_code == 503 and UNAVAILABLE in response.content.decode()
    assert "<footer" in response.content.decode()


def test_the_platform_host_answers_503_too(people):
    make_city("yamaguchi")  # two cities: localhost is the platform's host
    city_for_host("localhost")
    with database_away():
        response = browser().get("/", HTTP_HOST="localhost")
    assert response.status_code == 503 and UNAVAILABLE in response.content.decode()
    assert response["Retry-After"] == "30"


def test_retry_after_comes_from_the_setting(people, settings):
    settings.UNAVAILABLE_RETRY_AFTER_SECONDS = 120
    visitor, _, _ = people
    with database_away():
        assert_unavailable(visitor.get("/plans/"), retry_after="120")


def test_every_page_works_again_once_the_database_is_back(people):
    visitor, staff, portal_user = people
    with database_away():
        assert visitor.get("/plans/").status_code == 503
        assert staff.get("/admin/").status_code == 503
    assert visitor.get("/plans/").status_code == 200
    assert visitor.get("/accounts/login/").status_code == 200
    assert portal_user.get("/portal/").status_code == 200
    assert staff.get("/admin/").status_code == 200


def test_other_errors_still_give_the_500_page(people, monkeypatch):
    visitor, _, _ = people

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("reports.views.selectors.council_list", broken)
    response = visitor.get("/councils/")
    assert response.status_code == 500
    assert "エラーが発生しました" in response.content.decode()
    assert not response.has_header("Retry-After")


def test_a_cached_page_is_served_without_a_query(people, django_assert_num_queries):
    visitor, _, _ = people
    visitor.get("/councils/")
    with django_assert_num_queries(0):
        assert visitor.get("/councils/").status_code == 200
