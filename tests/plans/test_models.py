"""Validation rules on the models: Japanese messages with stable codes, checked by clean()."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plans.models import Indicator, IndicatorValue, ItemSchedule, Plan, PlanKind, ProgressEntry

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory, VocabularyFactory

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError, field: str) -> list[str]:
    return [e.code for e in error.error_dict[field]]


def test_plan_period_must_not_be_reversed():
    plan = PlanFactory.build(start_year=2024, end_year=2023, vocabulary=VocabularyFactory())
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert _codes(error.value, "end_year") == ["period_reversed"]


def test_community_plan_needs_a_council_and_city_plan_has_none(council):
    vocabulary = VocabularyFactory()
    community = Plan(
        kind=PlanKind.COMMUNITY, title="計画", start_year=2024, end_year=2028, vocabulary=vocabulary
    )
    with pytest.raises(ValidationError) as error:
        community.full_clean()
    assert "council_required" in _codes(error.value, "council")
    city = Plan(
        kind=PlanKind.CITY,
        council=council,
        title="計画",
        start_year=2024,
        end_year=2028,
        vocabulary=vocabulary,
    )
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert "council_not_allowed" in _codes(error.value, "council")


@pytest.mark.parametrize(("year", "ok"), [(2018, False), (2019, True), (2023, True), (2024, False)])
def test_progress_period_within_the_plan(year, ok):
    item = PlanItemFactory()  # plan 2019–2023
    entry = ProgressEntry(item=item, fiscal_year=year, half=1, done="x")
    if ok:
        entry.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            entry.full_clean()
        assert _codes(error.value, "fiscal_year") == ["period_outside_plan"]
        assert "計画期間" in error.value.error_dict["fiscal_year"][0].messages[0]


def test_status_must_come_from_the_plans_vocabulary():
    item = PlanItemFactory()
    own = item.plan.vocabulary.statuses.first()
    foreign = VocabularyFactory().statuses.first()
    ProgressEntry(item=item, fiscal_year=2020, status=own).full_clean()
    with pytest.raises(ValidationError) as error:
        ProgressEntry(item=item, fiscal_year=2020, status=foreign).full_clean()
    assert _codes(error.value, "status") == ["status_not_in_vocabulary"]


def test_one_entry_per_item_and_period_including_year_long_ones():
    entry = EntryFactory(fiscal_year=2020, half=None)
    EntryFactory(item=entry.item, fiscal_year=2020, half=1)  # a half is a different period
    with pytest.raises(ValidationError) as error:
        ProgressEntry(item=entry.item, fiscal_year=2020, half=None).full_clean()
    assert "既に登録されています" in str(error.value)


@pytest.mark.parametrize(
    ("year", "kind", "ok"),
    [(2005, "target", False), (2006, "target", True), (2005, "actual", True)],
)
def test_target_year_not_before_baseline(year, kind, ok):
    indicator = Indicator.objects.create(
        plan=PlanFactory(),
        name="地域活動に参加している市民の割合",
        unit="%",
        baseline_year=2006,
        baseline_value=Decimal("37.5"),
    )
    value = IndicatorValue(indicator=indicator, fiscal_year=year, kind=kind, value=Decimal("50.0"))
    if ok:
        value.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            value.full_clean()
        assert _codes(error.value, "fiscal_year") == ["target_before_baseline"]


def test_schedule_year_within_the_plan():
    item = PlanItemFactory()
    ItemSchedule(item=item, fiscal_year=2023, text="実施").full_clean()
    with pytest.raises(ValidationError) as error:
        ItemSchedule(item=item, fiscal_year=2024, text="実施").full_clean()
    assert _codes(error.value, "fiscal_year") == ["schedule_outside_plan"]


def test_item_policy_must_belong_to_the_same_plan():
    item = PlanItemFactory()
    item.policy = PolicyFactory()
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert _codes(error.value, "policy") == ["policy_other_plan"]


def test_indicator_value_formatting():
    indicator = Indicator(decimal_places=1)
    assert indicator.format_value(Decimal("100")) == "100.0"
    assert indicator.format_value(Decimal("37.50")) == "37.5"
    assert Indicator(decimal_places=0).format_value(Decimal("1513")) == "1,513"
    assert indicator.format_value(None) == "—"


def test_periods_of_a_plan_are_years_and_halves():
    plan = PlanFactory.build(start_year=2012, end_year=2013)
    assert [p.code for p in plan.periods()] == [
        "2012",
        "2012H1",
        "2012H2",
        "2013",
        "2013H1",
        "2013H2",
    ]
    assert plan.period_label == "平成24年度〜平成25年度"
