"""load_demo: the Ichinoseki-shaped city, valid rows, and idempotent on any database state."""

import io
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command

from councils.models import CivicCentre, Council, District, Management, Stage
from councils.selectors import council_populations_on
from staffing.models import LiaisonAssignment
from tests.factories import CouncilFactory, MemberFactory, PopulationFactory
from tests.staffing.factories import (
    LiaisonAssignmentFactory,
    SecretariatEmployeeFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def row_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}


def test_demo_is_ichinoseki_shaped(demo):
    assert Council.objects.count() == 33
    assert CivicCentre.objects.count() == 34
    assert CivicCentre.objects.filter(management=Management.DESIGNATED).count() == 14
    total = sum(
        council_populations_on(
            Council.objects.values_list("pk", flat=True), date(2026, 4, 1)
        ).values()
    )
    assert 105_000 <= total <= 120_000
    assert Council.objects.filter(stage=Stage.PLAN_ADOPTED).count() == 30


def test_demo_records_pass_their_own_validation(demo):
    for model in (District, Council, CivicCentre):
        for obj in model.objects.all():
            obj.full_clean()


def test_demo_past_moves_are_recorded_by_the_services(demo):
    yamanome = Council.objects.get(name="山目地域協働体")
    assert list(yamanome.stage_changes.order_by("changed_on").values_list("stage", "note")) == [
        ("preparing", "設立準備委員会発足"),
        ("established", "設立総会"),
        ("plan_adopted", "地域づくり計画議決"),
    ]
    # council_create saves once, each council_change_stage once more.
    assert yamanome.history.count() == 3
    # 一関's main liaison changed in April 2026 through liaison_reassign.
    ended = LiaisonAssignment.objects.get(
        council__name="一関地域協働体", role="main", started_on=date(2024, 4, 1)
    )
    assert ended.ended_on == date(2026, 3, 31)
    assert ended.history.first().history_change_reason == "異動（佐藤 健太さんへ交代）"


def test_load_demo_twice_changes_nothing(demo):
    before = row_counts()
    call_command("load_demo", stdout=io.StringIO())
    assert row_counts() == before


def test_load_demo_after_the_city_added_a_council_changes_nothing(demo):
    # The city registers a council of its own, first in kana order, with the rows it
    # keeps for every council: a centre, a member, staff, a liaison, a secretariat.
    council = CouncilFactory(name="青葉地域協働体", kana="あおばちいききょうどうたい")
    PopulationFactory(district=council.districts.first(), as_of=date(2025, 3, 31))
    CivicCentre.objects.create(name="青葉市民センター", address="一関市青葉1番", council=council)
    MemberFactory(council=council, name="青葉自治会")
    LiaisonAssignmentFactory(council=council, staff=StaffMemberFactory(staff_number="39001"))
    SecretariatEmployeeFactory(council=council, name="青葉 一子")
    with_city_rows = row_counts()

    call_command("load_demo", stdout=io.StringIO())
    after_first = row_counts()
    call_command("load_demo", stdout=io.StringIO())

    assert row_counts() == after_first == with_city_rows
    assert Council.objects.count() == 34
    assert list(council.secretariat_employees.values_list("name", flat=True)) == ["青葉 一子"]
    # The demo's own secretariat keeps its people.
    yamanome = Council.objects.get(name="山目地域協働体")
    assert sorted(yamanome.secretariat_employees.values_list("name", "employer")) == [
        ("加藤 由紀", "city"),
        ("加藤 由紀", "council"),
    ]
