"""Gathering rule, stage, population and budget from the database for the engine."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from councils.models import CouncilStageChange, Stage
from subsidies.engine import ExpenseLine
from subsidies.selectors import allocation_for, grant_for, stage_date_for
from tests.factories import CouncilFactory, DistrictFactory, PopulationFactory

from .factories import BudgetFactory, RuleFactory, make_councils

pytestmark = pytest.mark.django_db


@pytest.fixture
def hito_machi():
    """An 事業8-like rule: 300,000円 + 100円 per person, plan-adopted councils only."""
    return RuleFactory(
        flat_amount=300_000,
        per_capita_unit=100,
        labour_eligible=True,
        eligible_stages=[Stage.PLAN_ADOPTED.value],
        categories=["juyohi", "jinkenhi"],
    )


@pytest.fixture
def growing_council():
    """A council of 1,012 people on 2025-03-31 and 1,000 on 2026-03-31."""
    district = DistrictFactory()
    PopulationFactory(district=district, as_of=date(2025, 3, 31), population=1012)
    PopulationFactory(district=district, as_of=date(2026, 3, 31), population=1000)
    return CouncilFactory(districts=[district])


def test_population_changing_between_two_reference_dates(hito_machi, growing_council):
    expenses = [ExpenseLine("juyohi", 2_000_000)]
    grant_2025 = grant_for(
        council=growing_council, programme=hito_machi.programme, fiscal_year=2025, expenses=expenses
    )
    grant_2026 = grant_for(
        council=growing_council, programme=hito_machi.programme, fiscal_year=2026, expenses=expenses
    )
    assert grant_2025.amount == 401_200  # 300,000 + 100 × 1,012
    assert grant_2026.amount == 400_000  # 300,000 + 100 × 1,000
    assert any("1,012人（令和7年3月31日現在）" in line for line in grant_2025.lines)


def test_fixed_population_reference_date_is_used_for_every_year(hito_machi, growing_council):
    hito_machi.population_reference_date = date(2025, 3, 31)
    hito_machi.save()
    grant = grant_for(
        council=growing_council,
        programme=hito_machi.programme,
        fiscal_year=2026,
        expenses=[ExpenseLine("juyohi", 2_000_000)],
    )
    assert grant.amount == 401_200


def test_grant_for_uses_the_budget_of_the_year(hito_machi, growing_council):
    BudgetFactory(programme=hito_machi.programme, fiscal_year=2026, amount=350_000)
    grant = grant_for(
        council=growing_council,
        programme=hito_machi.programme,
        fiscal_year=2026,
        expenses=[ExpenseLine("juyohi", 2_000_000)],
    )
    assert grant.amount == 350_000
    assert "予算残額 350,000円（適用）" in grant.lines


def test_grant_for_takes_the_stage_from_history(hito_machi):
    council = CouncilFactory(stage=Stage.ESTABLISHED, stage_since=date(2015, 4, 1))
    CouncilStageChange.objects.create(
        council=council, stage=Stage.PLAN_ADOPTED, changed_on=date(2026, 6, 1)
    )
    kwargs = {
        "council": council,
        "programme": hito_machi.programme,
        "fiscal_year": 2026,
        "expenses": [ExpenseLine("juyohi", 10_000)],
    }
    assert grant_for(**kwargs, stage_on=date(2026, 5, 31)).reason_codes == ("stage_not_eligible",)
    assert grant_for(**kwargs, stage_on=date(2026, 6, 1)).amount == 10_000


def test_grant_for_a_year_before_any_rule_is_refused(hito_machi, council):
    with pytest.raises(ValidationError) as excinfo:
        grant_for(council=council, programme=hito_machi.programme, fiscal_year=2018, expenses=[])
    assert excinfo.value.error_dict["fiscal_year"][0].code == "no_rule_for_year"


def test_grant_for_refuses_a_category_the_rule_does_not_allow(hito_machi, council):
    with pytest.raises(ValidationError) as excinfo:
        grant_for(
            council=council,
            programme=hito_machi.programme,
            fiscal_year=2026,
            expenses=[ExpenseLine("bihin", 1)],
        )
    assert excinfo.value.error_dict["expenses"][0].code == "category_not_allowed"


def test_stage_date_stays_inside_the_fiscal_year():
    assert stage_date_for(2026, today=date(2026, 2, 1)) == date(2026, 4, 1)
    assert stage_date_for(2026, today=date(2026, 11, 24)) == date(2026, 11, 24)
    assert stage_date_for(2025, today=date(2026, 11, 24)) == date(2026, 3, 31)


def test_allocation_totals_against_the_budget(hito_machi, growing_council):
    BudgetFactory(programme=hito_machi.programme, fiscal_year=2026, amount=700_000)
    CouncilFactory(stage=Stage.ESTABLISHED)  # excluded: no plan yet
    make_councils(1, population=2500)
    allocation = allocation_for(hito_machi.programme, 2026, stage_on=date(2026, 4, 1))
    assert [row.ceiling.amount for row in allocation.rows] == [550_000, 400_000]
    assert allocation.total == 950_000
    assert allocation.remainder == -250_000
    assert allocation.over_budget
    assert [row.ceiling.reasons[0].code for row in allocation.excluded] == ["stage_not_eligible"]


def test_allocation_uses_previous_grants_when_given():
    rule = RuleFactory(
        lifetime_cap=50_000, max_fiscal_years=2, eligible_stages=[Stage.PREPARING.value]
    )
    first, second, third = make_councils(3, stage=Stage.PREPARING)
    allocation = allocation_for(
        rule.programme,
        2026,
        previous_grants={second.pk: [(2025, 30_000)], third.pk: [(2024, 1), (2025, 1)]},
    )
    assert {row.council_id: row.ceiling.amount for row in allocation.rows} == {
        first.pk: 50_000,
        second.pk: 20_000,
    }
    assert allocation.excluded[0].ceiling.reasons[0].code == "max_fiscal_years_reached"


def test_allocation_for_2000_councils_runs_a_fixed_number_of_queries(
    hito_machi, django_assert_num_queries
):
    make_councils(2000, population=1500)
    # Six: the rule with its budget, its categories, the councils with their stage, their
    # population; the rule pays labour, so one more for every council's 事務局人件費 and
    # one for the labour already decided this year.
    with django_assert_num_queries(6):
        allocation = allocation_for(hito_machi.programme, 2026)
    assert len(allocation.rows) == 2000
    assert allocation.total == 2000 * 450_000
