"""Moving a one-city database into the many-city schema: every row goes to that city.

Each test migrates the test database back to the schema before cities, fills it through the
models of that time (plain managers: no city scoping applies), migrates forward and looks at
the rows. The schema is put back to the latest at the end, row-level security included.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import rls, tenancy

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_CITIES = [
    ("core", "0001_initial"),
    ("councils", "0002_council_area"),
    ("plans", "0002_planitem_history"),
    ("staffing", "0001_initial"),
    ("subsidies", "0003_application_theme"),
    ("reports", "0001_initial"),
]

# Every model of the city apps that holds rows in these tests, with the field that names a row.
NAMED = {
    ("councils", "District"): "name",
    ("councils", "Council"): "name",
    ("councils", "HistoricalCouncil"): "name",
    ("plans", "StatusVocabulary"): "name",
    ("plans", "Plan"): "title",
    ("subsidies", "SubsidyProgramme"): "name",
    ("subsidies", "Application"): "title",
    ("staffing", "StaffMember"): "name",
    ("reports", "ReportJob"): "title",
}

CITY_APPS = ("councils", "plans", "staffing", "subsidies", "reports")


@contextmanager
def no_city_in_force():
    """``migrate`` runs with no city in force: a new column's default must not be the test's
    city, or every old row would be filed under it before the data migration looks."""
    token = tenancy._current.set(None)
    try:
        yield
    finally:
        tenancy._current.reset(token)


def migrate(targets):
    """Migrate the test database to ``targets``; return the models of that state."""
    executor = MigrationExecutor(connection)
    with no_city_in_force():
        executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_cities():
    """The models of the schema before cities, on an emptied database; the latest schema (and
    its row-level security, on PostgreSQL) again afterwards."""
    old = migrate(BEFORE_CITIES)
    old.get_model("core", "User").objects.all().delete()
    old.get_model("core", "Municipality").objects.all().delete()
    try:
        yield old
    finally:
        migrate(latest())
        rls.install()


def fill(old):
    """A one-city database: districts, a council with its history, a plan, a programme, an
    application, a staff member, a report, a city account and a superuser."""
    District = old.get_model("councils", "District")
    Council = old.get_model("councils", "Council")
    HistoricalCouncil = old.get_model("councils", "HistoricalCouncil")
    first = District.objects.create(code="01", name="真滝", kana="またき")
    District.objects.create(code="02", name="萩荘", kana="はぎしょう")
    council = Council.objects.create(name="真滝地域協働体", kana="またきちいききょうどうたい")
    council.districts.set([first])
    HistoricalCouncil.objects.create(
        id=council.pk,
        name="真滝地域協働体",
        kana="またきちいききょうどうたい",
        stage=council.stage,
        history_date=datetime(2026, 4, 1, tzinfo=UTC),
        history_type="+",
    )
    vocabulary = old.get_model("plans", "StatusVocabulary").objects.create(name="達成状況")
    old.get_model("plans", "Plan").objects.create(
        kind="city",
        title="一関市地域協働推進計画",
        start_year=2024,
        end_year=2028,
        vocabulary=vocabulary,
    )
    programme = old.get_model("subsidies", "SubsidyProgramme").objects.create(
        code="chiiki", name="地域づくり推進補助金"
    )
    old.get_model("subsidies", "Application").objects.create(
        fiscal_year=2026, title="真滝の夏祭り", council=council, programme=programme
    )
    old.get_model("staffing", "StaffMember").objects.create(
        staff_number="1001", name="佐藤 花子", department="まちづくり推進課"
    )
    old.get_model("reports", "ReportJob").objects.create(title="全地域協働体の状況（一括PDF）")
    User = old.get_model("core", "User")
    User.objects.create(
        username="matsuda", is_staff=True, date_joined=datetime(2026, 4, 1, tzinfo=UTC)
    )
    User.objects.create(
        username="operator",
        is_staff=True,
        is_superuser=True,
        date_joined=datetime(2026, 4, 1, tzinfo=UTC),
    )


def names(apps):
    return {
        (app, model): sorted(
            apps.get_model(app, model).objects.values_list(field, flat=True).order_by(field)
        )
        for (app, model), field in NAMED.items()
    }


EXPECTED_NAMES = {
    ("councils", "District"): ["真滝", "萩荘"],
    ("councils", "Council"): ["真滝地域協働体"],
    ("councils", "HistoricalCouncil"): ["真滝地域協働体"],
    ("plans", "StatusVocabulary"): ["達成状況"],
    ("plans", "Plan"): ["一関市地域協働推進計画"],
    ("subsidies", "SubsidyProgramme"): ["地域づくり推進補助金"],
    ("subsidies", "Application"): ["真滝の夏祭り"],
    ("staffing", "StaffMember"): ["佐藤 花子"],
    ("reports", "ReportJob"): ["全地域協働体の状況（一括PDF）"],
}


def rows_by_city(apps):
    """For every city-owned model: {city name: row count} (None for rows without a city)."""
    Municipality = apps.get_model("core", "Municipality")
    city_names = dict(Municipality.objects.values_list("pk", "name"))
    found = {}
    for app in CITY_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy or not any(f.name == "municipality" for f in model._meta.fields):
                continue
            counts = {}
            for city_id in model.objects.values_list("municipality_id", flat=True):
                key = city_names.get(city_id)
                counts[key] = counts.get(key, 0) + 1
            if counts:
                found[model._meta.label] = counts
    return found


EXPECTED_ROWS = {
    "councils.District": 2,
    "councils.Council": 1,
    "councils.HistoricalCouncil": 1,
    "plans.StatusVocabulary": 1,
    "plans.Plan": 1,
    "subsidies.SubsidyProgramme": 1,
    "subsidies.Application": 1,
    "staffing.StaffMember": 1,
    "reports.ReportJob": 1,
}


def test_a_one_city_database_moves_into_its_city(before_cities):
    old = before_cities
    old.get_model("core", "Municipality").objects.create(
        name="一関市", local_government_code="032093", department="まちづくり推進部"
    )
    fill(old)
    assert names(old) == EXPECTED_NAMES

    new = migrate(latest())

    Municipality = new.get_model("core", "Municipality")
    assert list(Municipality.objects.values_list("name", "local_government_code")) == [
        ("一関市", "032093")
    ]
    assert names(new) == EXPECTED_NAMES
    assert rows_by_city(new) == {label: {"一関市": n} for label, n in EXPECTED_ROWS.items()}
    plan = new.get_model("plans", "Plan").objects.get()
    assert (plan.kind, plan.start_year, plan.end_year, plan.vocabulary.name) == (
        "city",
        2024,
        2028,
        "達成状況",
    )
    application = new.get_model("subsidies", "Application").objects.get()
    assert (application.council.name, application.programme.name) == (
        "真滝地域協働体",
        "地域づくり推進補助金",
    )
    users = new.get_model("core", "User").objects.order_by("username")
    assert [(u.username, u.municipality and u.municipality.name) for u in users] == [
        ("matsuda", "一関市"),
        ("operator", None),
    ]


def test_a_database_that_never_named_its_city_gets_an_unnamed_one(before_cities):
    fill(before_cities)

    new = migrate(latest())

    Municipality = new.get_model("core", "Municipality")
    assert list(Municipality.objects.values_list("name", "local_government_code")) == [
        ("（自治体名未設定）", "")
    ]
    assert names(new) == EXPECTED_NAMES
    assert rows_by_city(new) == {
        label: {"（自治体名未設定）": n} for label, n in EXPECTED_ROWS.items()
    }
    users = new.get_model("core", "User").objects.order_by("username")
    assert [(u.username, u.municipality and u.municipality.name) for u in users] == [
        ("matsuda", "（自治体名未設定）"),
        ("operator", None),
    ]
