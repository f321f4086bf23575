"""load_demo loads the seed content into the city that issued it, gives Yamaguchi's published
figures, and is idempotent."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command

from core import tenancy
from core.calendar import Period
from core.models import Municipality
from plans.models import Indicator, Plan, PlanStatus, ProgressEntry, ReviewState
from plans.selectors import published_rollup, rollup

pytestmark = pytest.mark.django_db


def _counts():
    return {
        m.__name__: m._default_manager.count() for m in apps.get_app_config("plans").get_models()
    }


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def morioka(demo):
    with tenancy.city_scope(Municipality.objects.get(slug="morioka")) as city:
        yield city


@pytest.fixture
def yamaguchi(demo):
    with tenancy.city_scope(Municipality.objects.get(slug="yamaguchi")) as city:
        yield city


def test_demo_is_idempotent(demo):
    before = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == before


def test_demo_yamaguchi_rollup_matches_the_published_table(yamaguchi):
    plan = Plan.objects.get(title="山口市協働推進プラン", version=1)
    table = published_rollup(plan, Period(2012))
    assert [r.item_count for r in table.rows] == [16, 15, 4, 6, 6]
    assert [(c.count, str(c.share)) for c in table.total.cells] == [
        (8, "17.0"),
        (33, "70.2"),
        (2, "4.3"),
        (4, "8.5"),
    ]
    assert plan.status == PlanStatus.SUPERSEDED
    assert Plan.objects.get(revision_of=plan).status == PlanStatus.PUBLISHED


def test_demo_yamaguchi_indicators(yamaguchi):
    indicators = Indicator.objects.filter(plan__title="山口市協働推進プラン").order_by("order")
    assert indicators.count() == 5
    first = indicators[0]
    assert (first.name, first.baseline_year, str(first.baseline_value)) == (
        "地域活動に参加している市民の割合",
        2006,
        "37.50",
    )
    assert sorted((v.fiscal_year, v.kind, str(v.value)) for v in first.values.all()) == [
        (2011, "actual", "37.20"),
        (2012, "target", "45.00"),
        (2017, "target", "50.00"),
    ]
    last = indicators[4]
    assert [str(v.value) for v in last.values.order_by("fiscal_year")] == [
        "88.50",
        "100.00",
        "100.00",
    ]


def test_demo_ichinoseki_plan_has_five_policies_and_fifteen_projects(demo):
    plan = Plan.objects.get(title="第2次一関市地域協働推進計画")
    assert (plan.start_year, plan.end_year) == (2019, 2023)  # 平成31〜35年度
    assert list(plan.policies.values_list("number", flat=True)) == ["⑴", "⑵", "⑶", "⑷", "⑸"]
    assert list(plan.items.values_list("number", flat=True)) == [f"事業{n}" for n in range(1, 16)]
    assert list(plan.items.get(number="事業3").schedule.values_list("fiscal_year", "text")) == [
        (year, "方法の検討") for year in range(2019, 2024)
    ]


def test_demo_morioka_progress_table(morioka):
    plan = Plan.objects.get(issued_by="盛岡市")
    entries = ProgressEntry.objects.filter(item__plan=plan)
    assert entries.count() == 21
    ground = entries.get(item__title__startswith="グラウンドワーク", fiscal_year=2010)
    assert (ground.meetings, ground.participants, ground.status.label) == (49, 1513, "達成済")
    assert "延べ参加人数821人" in ground.done
    assert (
        entries.get(item__title__startswith="公民連携", fiscal_year=2011).status.label == "未達成"
    )
    mid_year = rollup(plan, Period(2012, 1))
    assert mid_year.total.cells[3].count == 7  # 「-」: not yet assessed
    assert [c.count for c in rollup(plan).total.cells] == [
        5,
        1,
        1,
        0,
    ]  # latest assessed: 平成23年度


def test_demo_community_plans_have_progress_in_every_state(demo):
    states = set(
        ProgressEntry.objects.filter(item__plan__council__name="山目地域協働体").values_list(
            "state", flat=True
        )
    )
    assert states == {
        ReviewState.DRAFT,
        ReviewState.SUBMITTED,
        ReviewState.RETURNED,
        ReviewState.ACCEPTED,
    }
    assert Plan.objects.get(council__name="田河津地域協働体").status == PlanStatus.DRAFT


def test_demo_states_are_the_lifecycle_services_past_acts(demo):
    tokyo = ZoneInfo("Asia/Tokyo")
    old = Plan.objects.get(council__name="山目地域協働体", version=1)
    assert list(
        old.transitions.values_list("action", "from_status", "to_status", "at", "actor")
    ) == [
        ("submit", "draft", "submitted", datetime(2016, 4, 1, 10, tzinfo=tokyo), None),
        ("publish", "submitted", "published", datetime(2016, 4, 1, 10, tzinfo=tokyo), None),
        ("supersede", "published", "superseded", datetime(2024, 4, 1, 10, tzinfo=tokyo), None),
    ]
    entry = ProgressEntry.objects.get(item__plan=old, fiscal_year=2023)
    assert list(entry.transitions.values_list("action", "to_state", "at", "actor", "comment")) == [
        ("submit", "submitted", datetime(2024, 4, 22, 10, tzinfo=tokyo), None, ""),
        (
            "accept",
            "accepted",
            datetime(2024, 5, 10, 10, tzinfo=tokyo),
            None,
            "計画どおり実施されています。",
        ),
        ("publish", "accepted", datetime(2024, 5, 31, 10, tzinfo=tokyo), None, ""),
    ]
    assert (entry.staff_comment, entry.published_at) == (
        "計画どおり実施されています。",
        datetime(2024, 5, 31, 10, tzinfo=tokyo),
    )
