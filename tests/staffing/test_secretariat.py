"""Secretariat employees: the city employs in year 1; the yearly labour cost in exact yen."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from councils.models import CouncilStageChange, Stage
from councils.selectors import established_on
from staffing.costs import employment_cost, months_employed
from staffing.models import Employer, SecretariatEmployee
from staffing.selectors import secretariat_labour_cost, secretariat_labour_costs
from tests.factories import CouncilFactory

from .factories import SecretariatEmployeeFactory


def codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def established_council(on: date):
    """A council set up in 2014 (preparing) and established on ``on``."""
    council = CouncilFactory(stage=Stage.PREPARING, stage_since=date(2014, 6, 1))
    CouncilStageChange.objects.create(council=council, stage=Stage.ESTABLISHED, changed_on=on)
    council.stage, council.stage_since = Stage.ESTABLISHED, on
    council.save()
    return council


def employee(council, employer, started_on, ended_on=None):
    return SecretariatEmployee(
        council=council,
        name="小岩 恵子",
        employer=employer,
        started_on=started_on,
        ended_on=ended_on,
        monthly_salary=150_000,
        monthly_insurance=22_500,
        yearly_health_check=8_800,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("started_on", "refused"),
    [
        (date(2025, 6, 1), True),  # the day of establishment
        (date(2026, 3, 31), True),  # the last day of the first fiscal year
        (date(2026, 4, 1), False),  # the first day of year 2
    ],
)
def test_council_may_employ_only_from_its_second_fiscal_year(started_on, refused):
    council = established_council(date(2025, 6, 1))
    candidate = employee(council, Employer.COUNCIL, started_on)
    if refused:
        with pytest.raises(ValidationError) as caught:
            candidate.full_clean()
        assert codes(caught.value) == {"council_employer_in_first_year"}
        message = caught.value.message_dict["employer"][0]
        assert "設立初年度（令和7年度）は市が雇用します" in message
        assert "令和8年4月1日以降" in message
    else:
        candidate.full_clean()


@pytest.mark.django_db
def test_refused_employee_is_not_saved_through_the_admin(admin_client_staff):
    council = established_council(date(2025, 6, 1))
    response = admin_client_staff.post(
        "/admin/staffing/secretariatemployee/add/",
        {
            "council": council.pk,
            "name": "小岩 恵子",
            "employer": Employer.COUNCIL,
            "started_on": "2025-06-01",
            "monthly_salary": "150000",
            "monthly_insurance": "22500",
            "yearly_health_check": "8800",
        },
    )
    assert response.status_code == 200
    assert "設立初年度" in response.content.decode()
    assert not SecretariatEmployee.objects.exists()


@pytest.mark.django_db
def test_city_may_employ_in_the_first_year():
    council = established_council(date(2025, 6, 1))
    employee(council, Employer.CITY, date(2025, 6, 1), date(2026, 3, 31)).full_clean()


@pytest.mark.django_db
def test_a_council_still_preparing_cannot_employ():
    council = CouncilFactory(stage=Stage.PREPARING, stage_since=date(2025, 6, 1))
    assert established_on(council) is None
    with pytest.raises(ValidationError) as caught:
        employee(council, Employer.COUNCIL, date(2026, 4, 1)).full_clean()
    assert codes(caught.value) == {"council_not_established"}


@pytest.mark.django_db
def test_the_city_places_one_employee_per_council_at_a_time():
    council = established_council(date(2025, 6, 1))
    employee(council, Employer.CITY, date(2025, 6, 1), date(2026, 3, 31)).save()
    with pytest.raises(ValidationError) as caught:
        employee(council, Employer.CITY, date(2026, 1, 1)).full_clean()
    assert codes(caught.value) == {"city_employee_limit"}
    employee(council, Employer.CITY, date(2026, 4, 1)).full_clean()


@pytest.mark.django_db
def test_employment_ending_before_it_starts_is_refused():
    council = established_council(date(2020, 4, 1))
    with pytest.raises(ValidationError) as caught:
        employee(council, Employer.COUNCIL, date(2026, 4, 1), date(2026, 3, 31)).full_clean()
    assert codes(caught.value) == {"end_before_start"}


@pytest.mark.django_db
def test_established_on_is_the_first_move_to_an_established_stage():
    council = established_council(date(2015, 4, 12))
    CouncilStageChange.objects.create(
        council=council, stage=Stage.PLAN_ADOPTED, changed_on=date(2016, 3, 1)
    )
    assert established_on(council) == date(2015, 4, 12)


# ---- labour cost, exact yen


@pytest.mark.parametrize(
    ("started_on", "ended_on", "months"),
    [
        (date(2026, 4, 1), None, 12),
        (date(2026, 4, 30), None, 12),  # one day of April counts for April
        (date(2026, 10, 15), None, 6),
        (date(2025, 4, 1), date(2027, 3, 31), 12),
        (date(2026, 4, 1), date(2026, 4, 1), 1),
        (date(2027, 3, 31), None, 1),
        (date(2027, 4, 1), None, 0),  # starts the day after the fiscal year
        (date(2020, 4, 1), date(2026, 3, 31), 0),  # ended the day before
    ],
)
def test_months_employed_in_fiscal_year_2026(started_on, ended_on, months):
    assert months_employed(started_on, ended_on, 2026) == months


def test_full_year_cost_in_exact_yen():
    cost = employment_cost(
        started_on=date(2026, 4, 1),
        ended_on=None,
        monthly_salary=150_000,
        monthly_insurance=22_500,
        yearly_health_check=8_800,
        fiscal_year=2026,
    )
    assert (cost.months, cost.salary, cost.insurance, cost.health_check) == (
        12,
        1_800_000,
        270_000,
        8_800,
    )
    assert cost.total == 2_078_800


def test_half_year_cost_counts_the_health_check_once():
    cost = employment_cost(
        started_on=date(2026, 10, 15),
        ended_on=None,
        monthly_salary=160_000,
        monthly_insurance=24_000,
        yearly_health_check=8_800,
        fiscal_year=2026,
    )
    assert cost.total == 6 * 184_000 + 8_800 == 1_112_800


def test_no_day_in_the_year_costs_nothing():
    cost = employment_cost(
        started_on=date(2027, 4, 1),
        ended_on=None,
        monthly_salary=160_000,
        monthly_insurance=24_000,
        yearly_health_check=8_800,
        fiscal_year=2026,
    )
    assert cost.total == 0


@pytest.mark.django_db
def test_labour_cost_counts_only_council_employment():
    council = established_council(date(2025, 6, 1))
    SecretariatEmployeeFactory(
        council=council,
        employer=Employer.CITY,
        started_on=date(2025, 6, 1),
        ended_on=date(2026, 3, 31),
    )
    SecretariatEmployeeFactory(council=council, started_on=date(2026, 4, 1))
    SecretariatEmployeeFactory(
        council=council,
        started_on=date(2026, 7, 1),
        ended_on=date(2026, 9, 30),
        monthly_salary=90_000,
        monthly_insurance=0,
        yearly_health_check=0,
    )
    assert secretariat_labour_cost(council, 2025) == 0  # year 1: the city's own payroll
    assert secretariat_labour_cost(council, 2026) == 2_078_800 + 3 * 90_000 == 2_348_800
    assert secretariat_labour_cost(council, 2027) == 2_078_800


@pytest.mark.django_db
def test_labour_costs_for_many_councils_in_one_query(django_assert_num_queries):
    councils = [CouncilFactory() for _ in range(5)]
    for council in councils:
        SecretariatEmployeeFactory(council=council)
    with django_assert_num_queries(1):
        costs = secretariat_labour_costs([c.pk for c in councils], 2026)
    assert set(costs.values()) == {2_078_800}


@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    salary=st.integers(min_value=0, max_value=500_000),
    insurance=st.integers(min_value=0, max_value=100_000),
    check=st.integers(min_value=0, max_value=50_000),
)
def test_costs_over_all_years_add_up_to_every_month_employed(
    start, length, salary, insurance, check
):
    from datetime import timedelta

    end = None if length is None else start + timedelta(days=length)
    years = range(2014, 2041)
    costs = [
        employment_cost(
            started_on=start,
            ended_on=end,
            monthly_salary=salary,
            monthly_insurance=insurance,
            yearly_health_check=check,
            fiscal_year=year,
        )
        for year in years
    ]
    assert all(0 <= c.months <= 12 for c in costs)
    total_months = sum(c.months for c in costs)
    years_with_work = sum(1 for c in costs if c.months)
    assert (
        sum(c.total for c in costs) == total_months * (salary + insurance) + years_with_work * check
    )
    if end is not None:
        span = (end.year - start.year) * 12 + end.month - start.month + 1
        assert total_months == span
