"""The second wall: PostgreSQL row-level security keeps each city's rows to itself.

The tests run inside the test transaction as the superuser ``postgres``, who bypasses every
policy, so each one switches to the application's role (``SET ROLE``) the way
``core.tenancy.city_scope`` does, and switches back at the end.
"""

from contextlib import contextmanager

import pytest
from django.contrib import admin
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connection, connections, transaction
from django.test import override_settings

from core import rls, roles, tenancy
from councils.models import Council
from staffing.models import StaffMember
from tests.cities import make_city
from tests.factories import CouncilFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row-level security is PostgreSQL's; on SQLite the scoped managers are the wall",
    ),
    pytest.mark.django_db,
    pytest.mark.usefixtures("city_hosts"),
]

ROLE = "kyodo_app"


@pytest.fixture
def city_hosts(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]


@pytest.fixture(autouse=True)
def owner_again():
    """Whatever a test did, the connection is the owner with no city when it ends."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute("SELECT set_config('app.municipality', '', false)")


@contextmanager
def as_app(setting: str):
    """Raw SQL as the application role, working for ``setting`` (a city id, 'all' or '')."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('role', %s, false), set_config('app.municipality', %s, false)",
            [ROLE, setting],
        )
        try:
            yield cursor
        finally:
            cursor.execute("RESET ROLE")
            cursor.execute("SELECT set_config('app.municipality', '', false)")


def column(cursor, sql, params=()):
    cursor.execute(sql, params)
    return sorted(row[0] for row in cursor.fetchall())


@pytest.fixture
def two_cities(city):
    """一関市 (the city in force) and 盛岡市, each with one council and one staff member."""
    CouncilFactory(name="真滝地域協働体")
    StaffMember.objects.create(staff_number="A-1", name="佐藤 花子", department="まちづくり推進課")
    morioka = make_city("morioka")
    with tenancy.city_scope(morioka):
        CouncilFactory(name="盛岡中央地域づくり組織")
        StaffMember.objects.create(
            staff_number="B-1", name="内舘 太郎", department="市民協働推進課"
        )
    return city, morioka


def test_the_role_is_not_a_superuser_and_cannot_log_in():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = %s", [ROLE]
        )
        assert cursor.fetchall() == [(False, False, False)]


def test_every_city_owned_table_has_row_level_security_and_the_policy():
    expected = sorted(model._meta.db_table for model in rls.city_owned_models())
    for table in (
        "councils_council",
        "councils_historicalcouncil",
        "councils_district",
        "plans_plan",
        "plans_plantransition",
        "staffing_historicalstaffmember",
        "subsidies_application",
        "reports_reportjob",
    ):
        assert table in expected
    with connection.cursor() as cursor:
        walled = column(
            cursor,
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r' "
            "AND relnamespace = current_schema()::regnamespace",
        )
        policies = column(
            cursor,
            "SELECT tablename FROM pg_policies WHERE policyname = 'city_wall' "
            "AND schemaname = current_schema()",
        )
    assert walled == expected
    assert policies == expected
    assert rls.city_owned_tables() == expected


def test_installing_again_changes_nothing():
    first = rls.install()
    assert rls.install() == first
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT tablename) FROM pg_policies "
            "WHERE schemaname = current_schema()"
        )
        assert cursor.fetchone() == (len(first), len(first))
    CouncilFactory(name="真滝地域協働体")
    with as_app(str(tenancy.current_municipality_id())) as cursor:
        assert column(cursor, "SELECT name FROM councils_council") == ["真滝地域協働体"]


def test_the_role_reads_only_the_city_of_the_setting(two_cities):
    ichinoseki, morioka = two_cities
    with as_app(str(ichinoseki.pk)) as cursor:
        assert column(cursor, "SELECT name FROM councils_council") == ["真滝地域協働体"]
        assert column(cursor, "SELECT name FROM councils_historicalcouncil") == ["真滝地域協働体"]
        assert column(cursor, "SELECT name FROM staffing_staffmember") == ["佐藤 花子"]
        assert column(cursor, "SELECT DISTINCT municipality_id FROM councils_district") == [
            ichinoseki.pk
        ]
        assert column(
            cursor, "SELECT DISTINCT municipality_id FROM councils_councilstagechange"
        ) == [ichinoseki.pk]
    with as_app(str(morioka.pk)) as cursor:
        assert column(cursor, "SELECT name FROM councils_council") == ["盛岡中央地域づくり組織"]
        assert column(cursor, "SELECT name FROM staffing_historicalstaffmember") == ["内舘 太郎"]


def test_all_is_every_city_and_empty_or_nonsense_is_none(two_cities):
    with as_app("all") as cursor:
        assert column(cursor, "SELECT name FROM councils_council") == [
            "盛岡中央地域づくり組織",
            "真滝地域協働体",
        ]
    for setting in ("", "abc", "1 OR 1=1"):
        with as_app(setting) as cursor:
            assert column(cursor, "SELECT name FROM councils_council") == []
            assert column(cursor, "SELECT name FROM councils_historicalcouncil") == []


def test_the_role_cannot_write_into_another_city(two_cities):
    ichinoseki, morioka = two_cities
    theirs = Council.objects.all_cities().get(name="盛岡中央地域づくり組織").pk
    ours = Council.objects.get(name="真滝地域協働体").pk
    with as_app(str(ichinoseki.pk)) as cursor:
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "INSERT INTO staffing_staffmember (municipality_id, staff_number, name, kana, "
                "department, phone, email, is_active) "
                "VALUES (%s, 'B-2', '盛岡 次郎', '', '市民協働推進課', '', '', true)",
                [morioka.pk],
            )
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "UPDATE councils_council SET municipality_id = %s WHERE id = %s", [morioka.pk, ours]
            )
        cursor.execute("UPDATE councils_council SET name = '乗っ取り' WHERE id = %s", [theirs])
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM staffing_staffmember WHERE municipality_id = %s", [morioka.pk])
        assert cursor.rowcount == 0
    assert Council.objects.all_cities().get(pk=theirs).name == "盛岡中央地域づくり組織"
    assert StaffMember.objects.all_cities().filter(municipality=morioka).count() == 1


@override_settings(CITY_DATABASE_ROLE=ROLE)
def test_a_city_scope_runs_under_the_role_so_even_an_unscoped_query_stays_in_the_city(
    two_cities,
):
    _, morioka = two_cities
    with tenancy.city_scope(morioka), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('app.municipality')")
        assert cursor.fetchone() == (ROLE, str(morioka.pk))
        # The first wall is stepped around on purpose: the database still holds.
        names = [c.name for c in Council.objects.all_cities()]
    assert names == ["盛岡中央地域づくり組織"]
    with tenancy.all_cities():
        assert sorted(c.name for c in Council.objects.all()) == [
            "盛岡中央地域づくり組織",
            "真滝地域協働体",
        ]


@override_settings(CITY_DATABASE_ROLE=ROLE)
def test_a_connection_opened_inside_a_scope_works_for_that_city(two_cities):
    _, morioka = two_cities
    fresh = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with tenancy.city_scope(morioka):
            fresh.ensure_connection()
            with fresh.cursor() as cursor:
                cursor.execute("SELECT current_user, current_setting('app.municipality')")
                assert cursor.fetchone() == (ROLE, str(morioka.pk))
    finally:
        fresh.close()


def watch(monkeypatch, owner, name, seen):
    """Record, each time ``owner.name`` runs, who the database thinks is asking and which
    council names raw SQL returns at that moment."""
    original = getattr(owner, name)

    def watched(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_setting('app.municipality', true)")
            seen.append(cursor.fetchone())
            seen.append(column(cursor, "SELECT name FROM councils_council"))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, watched)


@override_settings(CITY_DATABASE_ROLE=ROLE)
def test_a_public_page_is_served_under_the_role(client, two_cities, monkeypatch):
    from reports import selectors

    ichinoseki, _ = two_cities
    seen = []
    watch(monkeypatch, selectors, "council_list", seen)
    response = client.get("/councils/", HTTP_HOST="ichinoseki.test")
    assert response.status_code == 200
    assert seen == [(ROLE, str(ichinoseki.pk)), ["真滝地域協働体"]]
    page = response.content.decode()
    assert "真滝地域協働体" in page
    assert "盛岡中央地域づくり組織" not in page


PLAIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


# The session is restored by Django's plain backend: this test is about the database role, and
# the city check at login has tests of its own.
@override_settings(
    CITY_DATABASE_ROLE=ROLE, AUTHENTICATION_BACKENDS=["core.auth.CityModelBackend", PLAIN_BACKEND]
)
def test_the_admin_is_served_under_the_role(client, two_cities, monkeypatch):
    ichinoseki, _ = two_cities
    staff = UserFactory(username="ichinoseki-admin", is_staff=True, municipality=ichinoseki)
    staff.groups.add(roles.ensure_staff_groups()[roles.ADMINISTRATOR])
    client.force_login(staff, backend=PLAIN_BACKEND)
    seen = []
    watch(monkeypatch, admin.site._registry[Council], "get_queryset", seen)
    response = client.get("/admin/councils/council/", HTTP_HOST="ichinoseki.test")
    assert response.status_code == 200
    assert seen[:2] == [(ROLE, str(ichinoseki.pk)), ["真滝地域協働体"]]
    page = response.content.decode()
    assert "真滝地域協働体" in page
    assert "盛岡中央地域づくり組織" not in page


def whoami():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('app.municipality', true)")
        return cursor.fetchone()


@override_settings(CITY_DATABASE_ROLE=ROLE)
def test_entering_a_scope_asks_nothing_of_the_database_until_a_query_runs(
    two_cities, django_assert_num_queries
):
    _, morioka = two_cities
    with django_assert_num_queries(0), tenancy.city_scope(morioka), tenancy.all_cities():
        pass
    with tenancy.city_scope(morioka):
        with django_assert_num_queries(2):  # the role and the city, then the query
            names = [c.name for c in Council.objects.all_cities()]
        with django_assert_num_queries(1):  # told already
            assert whoami() == (ROLE, str(morioka.pk))
    assert names == ["盛岡中央地域づくり組織"]


@override_settings(CITY_DATABASE_ROLE=ROLE)
def test_a_cached_public_page_makes_no_query_under_the_role(
    client, two_cities, django_assert_num_queries
):
    ichinoseki, _ = two_cities
    assert client.get("/councils/", HTTP_HOST="ichinoseki.test").status_code == 200
    for host, name in (("ichinoseki.test", "真滝地域協働体"), ("morioka.test", "盛岡中央")):
        client.get("/councils/", HTTP_HOST=host)  # the host and the page in the cache
        with django_assert_num_queries(0):
            page = client.get("/councils/", HTTP_HOST=host).content.decode()
        assert name in page
    # The next query in the same connection still works for the city in force.
    with tenancy.city_scope(ichinoseki):
        assert [c.name for c in Council.objects.all_cities()] == ["真滝地域協働体"]


@override_settings(CITY_DATABASE_ROLE=ROLE)
def test_a_rolled_back_savepoint_takes_the_setting_with_it_and_it_is_told_again(
    two_cities, django_assert_num_queries
):
    """PostgreSQL undoes a ``set_config`` with the transaction or savepoint it ran in: the next
    query tells it again rather than run as the owner, who sees every city."""
    ichinoseki, morioka = two_cities
    with tenancy.city_scope(ichinoseki):
        assert whoami() == (ROLE, str(ichinoseki.pk))
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            with tenancy.city_scope(morioka):
                assert whoami() == (ROLE, str(morioka.pk))  # told inside the savepoint
            raise ZeroDivisionError
        with tenancy.city_scope(morioka):  # what was told last, but undone
            assert whoami() == (ROLE, str(morioka.pk))
            assert [c.name for c in Council.objects.all_cities()] == ["盛岡中央地域づくり組織"]
    released = tenancy.city_scope(morioka)  # still in force when the savepoint is released
    with transaction.atomic():
        released.__enter__()
        assert whoami() == (ROLE, str(morioka.pk))  # told inside the savepoint
    with django_assert_num_queries(1):
        assert whoami() == (ROLE, str(morioka.pk))  # released, not rolled back: kept
    released.__exit__(None, None, None)
