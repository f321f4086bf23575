"""The secretariat labour cost registered in staffing feeds the activity subsidy's labour
part: the first expense line of a new application, the check on the 確認 step and the
staff page, and the 試算 (allocation) column and totals."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.calendar import fiscal_year_start
from staffing.models import Employer
from staffing.selectors import secretariat_labour_cost
from subsidies import selectors
from subsidies.engine import council_ceiling
from subsidies.exports import allocation_table
from subsidies.models import Application, ExpenseCategory
from tests.factories import CouncilFactory
from tests.staffing.factories import SecretariatEmployeeFactory

from .factories import BudgetFactory, RuleFactory, make_councils, terms
from .http import application_data, portal
from .lifecycle import YEAR

DESCRIPTION = "事務局員人件費（職員配置の登録額）"
# 12 months × (180,000 salary + 27,000 employer's insurance) + 8,000 health check.
FULL_YEAR = 2_492_000


def employ(council, *, year=YEAR, **overrides):
    values = {
        "council": council,
        "employer": Employer.COUNCIL,
        "started_on": fiscal_year_start(year),
        "monthly_salary": 180_000,
        "monthly_insurance": 27_000,
        "yearly_health_check": 8_000,
    }
    values.update(overrides)
    return SecretariatEmployeeFactory(**values)


@pytest.fixture
def labour_rule(world):
    """An activity subsidy paying 需用費 at 10/10 and secretariat labour at cost."""
    rule = RuleFactory(
        programme__code="jigyo8",
        programme__name="地域協働体活動費補助金",
        labour_eligible=True,
        categories=["juyohi", "jinkenhi"],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=10_000_000)
    return rule


@pytest.fixture
def jinkenhi(world):
    return ExpenseCategory.objects.get(code="jinkenhi")


def start_url(programme, year=YEAR):
    return f"{portal('new')}?programme={programme.pk}&fiscal_year={year}"


def first_line(response):
    return response.context["formset"].forms[0].initial


# The registered amount ------------------------------------------------------------------


def test_registered_cost_follows_staffing_to_the_yen(world, labour_rule):
    employ(world.council)
    assert secretariat_labour_cost(world.council, YEAR) == FULL_YEAR
    labour = selectors.registered_labour(world.council, labour_rule.programme, YEAR)
    assert labour.amount == FULL_YEAR
    assert labour.category.code == "jinkenhi"


def test_part_year_counts_whole_months_and_one_health_check(world, labour_rule):
    # From 15 October: October to March is 6 months.
    employ(world.council, started_on=date(YEAR, 10, 15))
    labour = selectors.registered_labour(world.council, labour_rule.programme, YEAR)
    assert labour.amount == 6 * 207_000 + 8_000 == 1_250_000


# Secretary portal: the new application's first line ----------------------------------------


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


def test_new_application_is_one_form_without_a_start_step(sec, labour_rule):
    response = sec.get(portal("new"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "portal/subsidies/form.html"
    assert "formset" in response.context


def test_labour_programme_starts_with_the_registered_cost(sec, world, labour_rule, jinkenhi):
    employ(world.council)
    response = sec.get(start_url(labour_rule.programme))
    assert response.status_code == 200
    assert first_line(response) == {
        "category": jinkenhi,
        "description": DESCRIPTION,
        "amount": FULL_YEAR,
    }
    assert response.context["form"]["programme"].value() == labour_rule.programme.pk
    assert "2,492,000" in response.content.decode()


def test_programme_without_labour_starts_with_no_line(sec, world, labour_rule):
    employ(world.council)
    response = sec.get(start_url(world.programme))
    assert response.status_code == 200
    assert first_line(response) == {}
    assert response.context["opening_labour"] is None


def test_no_line_when_the_registered_cost_is_zero(sec, world, labour_rule):
    # The city employs in year 1: nothing for the council to claim.
    employ(world.council, employer=Employer.CITY)
    response = sec.get(start_url(labour_rule.programme))
    assert first_line(response) == {}


def test_another_councils_employee_never_fills_the_line(sec, world, labour_rule):
    employ(world.other)
    response = sec.get(start_url(labour_rule.programme))
    assert first_line(response) == {}
    assert "2,492,000" not in response.content.decode()


def test_bad_programme_in_the_link_falls_back_to_the_only_open_one(sec, world):
    response = sec.get(f"{portal('new')}?programme=999999&fiscal_year={YEAR}")
    assert response.status_code == 200
    assert response.context["form"]["programme"].value() == world.programme.pk


def _submit(sec, world, rule, labour_amount):
    lines = [
        (ExpenseCategory.objects.get(code="jinkenhi").pk, DESCRIPTION, str(labour_amount)),
        (world.juyohi.pk, "防災マップの印刷", "120000"),
    ]
    data = application_data(
        world, lines=lines, amount=str(labour_amount + 120_000), programme=rule.programme.pk
    )
    response = sec.post(portal("new"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Application.objects.get(council=world.council, programme=rule.programme)


def test_confirm_shows_the_registered_amount_when_it_matches(sec, world, labour_rule):
    employ(world.council)
    application = _submit(sec, world, labour_rule, FULL_YEAR)
    response = sec.get(portal("confirm", application.pk))
    check = response.context["labour"]
    assert (check.registered, check.claimed, check.differs) == (FULL_YEAR, FULL_YEAR, False)
    body = response.content.decode()
    assert "登録額 ¥2,492,000" in body or "職員配置の登録額 ¥2,492,000" in body
    assert "と異なります" not in body


def test_confirm_flags_a_labour_total_that_differs(sec, world, labour_rule):
    employ(world.council)
    application = _submit(sec, world, labour_rule, 2_400_000)
    response = sec.get(portal("confirm", application.pk))
    check = response.context["labour"]
    assert (check.registered, check.claimed, check.differs) == (FULL_YEAR, 2_400_000, True)
    assert "登録額 2,492,000円と異なります" in response.content.decode()


def test_confirm_does_not_flag_an_application_without_labour_lines(sec, world, labour_rule):
    # No labour line: the council claims no labour on purpose, which is not a mistake.
    employ(world.council)
    data = application_data(world, programme=labour_rule.programme.pk)
    assert sec.post(portal("new"), data).status_code == 302
    application = Application.objects.get(programme=labour_rule.programme)
    response = sec.get(portal("confirm", application.pk))
    check = response.context["labour"]
    assert (check.claimed, check.has_line, check.differs) == (0, False, False)
    body = response.content.decode()
    assert "と異なります" not in body
    assert "事務局人件費の明細なし／職員配置の登録額 ¥2,492,000" in body
    assert "（人件費は申請していません）" in body


def test_confirm_says_nothing_about_labour_for_other_programmes(sec, world, labour_rule):
    employ(world.council)
    assert sec.post(portal("new"), application_data(world)).status_code == 302
    application = Application.objects.get(programme=world.programme)
    response = sec.get(portal("confirm", application.pk))
    assert response.context["labour"] is None


# Staff: the application page and 窓口代行入力 ----------------------------------------------


def test_staff_application_page_flags_the_difference(client, sec, world, labour_rule):
    employ(world.council)
    application = _submit(sec, world, labour_rule, 2_400_000)
    client.force_login(world.staff)
    response = client.get(reverse("admin:subsidies_application_change", args=[application.pk]))
    assert response.status_code == 200
    assert response.context["labour"].differs
    assert "登録額 2,492,000円と異なります" in response.content.decode()


def test_staff_application_page_does_not_flag_an_application_without_labour(
    client, sec, world, labour_rule
):
    employ(world.council)
    data = application_data(world, programme=labour_rule.programme.pk)
    assert sec.post(portal("new"), data).status_code == 302
    application = Application.objects.get(programme=labour_rule.programme)
    client.force_login(world.staff)
    response = client.get(reverse("admin:subsidies_application_change", args=[application.pk]))
    assert response.status_code == 200
    assert not response.context["labour"].differs
    body = response.content.decode()
    assert "と異なります" not in body
    assert "labour-differs" not in body
    assert "事務局人件費の明細なし／職員配置の登録額 ¥2,492,000" in body


def test_proxy_entry_starts_with_the_registered_cost(client, world, labour_rule, jinkenhi):
    employ(world.council)
    client.force_login(world.staff)
    url = reverse("admin:subsidies_application_proxy")
    response = client.get(url)
    assert response.status_code == 200
    assert "formset" not in response.context
    response = client.get(
        url,
        {"council": world.council.pk, "programme": labour_rule.programme.pk, "fiscal_year": YEAR},
    )
    assert response.status_code == 200
    assert first_line(response) == {
        "category": jinkenhi,
        "description": DESCRIPTION,
        "amount": FULL_YEAR,
    }
    assert response.context["council_form"]["council"].value() == world.council.pk
    response = client.get(
        url, {"council": world.other.pk, "programme": labour_rule.programme.pk, "fiscal_year": YEAR}
    )
    assert first_line(response) == {}


# 試算 (allocation) -------------------------------------------------------------------------


@pytest.fixture
def activity(db):
    """均等割 300,000 + 地域割 100円/人 (1,000 people → 400,000) and labour at cost."""
    rule = RuleFactory(
        flat_amount=300_000,
        per_capita_unit=100,
        labour_eligible=True,
        categories=["juyohi", "jinkenhi"],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=2026, amount=3_000_000)
    return rule


def allocation_url(programme, **params):
    url = reverse("admin:subsidies_subsidyprogramme_allocation", args=[programme.pk])
    return url + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_allocation_counts_the_registered_labour_in_the_total(activity):
    staffed, unstaffed = CouncilFactory(kana="あ"), CouncilFactory(kana="い")
    employ(staffed, year=2026)
    allocation = selectors.allocation_for(activity.programme, 2026, stage_on=date(2026, 4, 1))
    rows = {row.council_id: row for row in allocation.rows}
    assert rows[staffed.pk].labour_registered == FULL_YEAR
    assert rows[staffed.pk].ceiling.amount == 400_000 + FULL_YEAR == 2_892_000
    assert rows[unstaffed.pk].labour_registered == 0
    assert rows[unstaffed.pk].ceiling.amount == 400_000
    assert allocation.total == 3_292_000
    assert allocation.total_labour_registered == FULL_YEAR
    assert allocation.remainder == 3_000_000 - 3_292_000 == -292_000
    assert allocation.over_budget


def test_allocation_applies_the_labour_cap_but_shows_the_registered_amount(activity):
    activity.labour_cap = 2_000_000
    activity.save()
    council = CouncilFactory()
    employ(council, year=2026)
    allocation = selectors.allocation_for(activity.programme, 2026)
    (row,) = allocation.rows
    assert row.labour_registered == FULL_YEAR
    assert row.ceiling.labour_amount == 2_000_000
    assert row.ceiling.amount == 2_400_000
    assert allocation.total == 2_400_000


def test_allocation_without_labour_has_no_labour_column(world):
    allocation = selectors.allocation_for(world.programme, 2026)
    assert all(row.labour_registered is None for row in allocation.rows)
    assert "事務局人件費（登録額）（円）" not in allocation_table(allocation).headers


def test_allocation_screen_csv_and_excel_show_the_column(admin_client_staff, activity):
    council = CouncilFactory(name="山目地域協働体")
    employ(council, year=2026)
    response = admin_client_staff.get(allocation_url(activity.programme, fiscal_year=2026))
    assert response.status_code == 200
    body = response.content.decode()
    assert "事務局人件費（登録額）（円）" in body
    assert "2,492,000" in body and "2,892,000" in body

    response = admin_client_staff.get(
        allocation_url(activity.programme, fiscal_year=2026, format="csv")
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = rows[0].index("事務局人件費（登録額）（円）")
    assert rows[0][column + 1] == "試算額（円）"
    assert rows[1][0] == "山目地域協働体"
    assert rows[1][column:] == ["2492000", "2892000"]
    assert rows[2][column:] == ["2492000", "2892000"]  # totals
    summary = {row[0]: row[1] for row in rows[3:7]}
    assert summary["試算額の合計（円）"] == "2892000"
    assert summary["うち事務局人件費（登録額）（円）"] == "2492000"
    assert summary["予算残（予算額 − 試算額の合計）（円）"] == "108000"

    response = admin_client_staff.get(
        allocation_url(activity.programme, fiscal_year=2026, format="xlsx")
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    header = next(row for row in values if row and row[0] == "地域協働体")
    data = values[values.index(header) + 1]
    column = header.index("事務局人件費（登録額）（円）")
    assert data[column : column + 2] == (FULL_YEAR, 2_892_000)


def test_allocation_with_labour_runs_six_queries_for_2000_councils(
    activity, django_assert_num_queries
):
    councils = make_councils(2000, population=1000)
    for council in councils[:50]:
        employ(council, year=2026)
    with django_assert_num_queries(6):
        allocation = selectors.allocation_for(activity.programme, 2026)
    assert allocation.total == 2000 * 400_000 + 50 * FULL_YEAR
    assert allocation.total_labour_registered == 50 * FULL_YEAR


def test_allocation_screen_with_labour_runs_a_fixed_number_of_queries(
    admin_client_staff, activity, django_assert_max_num_queries
):
    for council in make_councils(10, prefix="少"):
        employ(council, year=2026)
    url = allocation_url(activity.programme, fiscal_year=2026)
    with CaptureQueriesContext(connection) as context:
        assert admin_client_staff.get(url).status_code == 200
    few = len(context.captured_queries)
    for council in make_councils(200, prefix="多"):
        employ(council, year=2026)
    with django_assert_max_num_queries(few):
        response = admin_client_staff.get(url)
    assert response.context["allocation"].total_labour_registered == 210 * FULL_YEAR
    with django_assert_max_num_queries(few):
        admin_client_staff.get(url + "&format=csv")


# The engine's ceiling with a registered labour cost ----------------------------------------


def test_ceiling_refuses_a_negative_labour_cost():
    with pytest.raises(ValidationError) as excinfo:
        council_ceiling(
            terms(labour_eligible=True, flat_amount=1),
            stage="plan_adopted",
            fiscal_year=2026,
            labour_cost=-1,
        )
    assert excinfo.value.error_dict["labour_cost"][0].code == "negative_amount"


@given(
    labour=st.integers(min_value=0, max_value=10**8),
    cap=st.one_of(st.none(), st.integers(min_value=0, max_value=10**8)),
    yearly=st.one_of(st.none(), st.integers(min_value=1, max_value=10**8)),
)
def test_ceiling_adds_the_capped_labour_and_never_passes_the_yearly_cap(labour, cap, yearly):
    rule = terms(labour_eligible=True, labour_cap=cap, flat_amount=300_000, yearly_cap=yearly)
    without = council_ceiling(rule, stage="plan_adopted", fiscal_year=2026)
    ceiling = council_ceiling(rule, stage="plan_adopted", fiscal_year=2026, labour_cost=labour)
    counted = labour if cap is None else min(labour, cap)
    expected = 300_000 + counted if yearly is None else min(300_000 + counted, yearly)
    assert ceiling.amount == expected
    # A yearly cap cuts the project part first, then the labour.
    assert ceiling.labour_amount == min(counted, expected)
    assert not ceiling.labour_at_cost
    if cap is not None and labour >= cap:
        assert ceiling.amount == without.amount
