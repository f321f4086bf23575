"""事務局人件費 is paid once per council and fiscal year: labour decided in one application
counts against the registered cost for every other application of that year (the opening
line, the engine's breakdown, the 確認 step, the staff page and the 試算).

The registered cost is 2,492,000円 (12 × (180,000 + 27,000) + 8,000); amounts are written
out by hand."""

from fractions import Fraction

import pytest
from django.urls import reverse

from core.calendar import fiscal_year_label
from subsidies import selectors, services
from subsidies.engine import ExpenseLine, RuleTerms, calculate, council_ceiling
from subsidies.exceptions import TransitionError
from subsidies.models import ExpenseCategory, Status
from subsidies.services import LineInput

from .factories import BudgetFactory, RuleFactory
from .http import portal
from .lifecycle import YEAR, draft, step
from .test_labour_link import DESCRIPTION, employ, first_line, start_url

FULL_YEAR = 2_492_000
ONCE_A_YEAR = "事務局人件費は地域協働体ごとに年度1回の交付です。"


@pytest.fixture
def labour_rule(world):
    """事業8-like: 需用費 at 10/10 and secretariat labour at cost, no caps."""
    rule = RuleFactory(
        programme__code="jigyo8",
        programme__name="地域協働体活動費補助金",
        labour_eligible=True,
        categories=["juyohi", "jinkenhi"],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=10_000_000)
    employ(world.council)
    return rule


def lines(world, labour, project=120_000):
    jinkenhi = ExpenseCategory.objects.get(code="jinkenhi")
    result = [LineInput(jinkenhi, labour, DESCRIPTION)] if labour else []
    return [*result, LineInput(world.juyohi, project, "防災マップの印刷")]


def application(world, rule, labour, project=120_000, title="見守り訪問"):
    return draft(
        world,
        programme=rule.programme,
        lines=lines(world, labour, project),
        amount=labour + project,
        title=title,
    )


def decided(world, rule, labour, project=120_000):
    app = application(world, rule, labour, project)
    step(app, "submit", world.secretary)
    return step(app, "decide", world.staff)


def grant(world, rule, app):
    return services.engine_grant(
        council=world.council,
        programme=rule.programme,
        fiscal_year=YEAR,
        lines=services.stored_lines(app, "plan"),
        exclude=app.pk,
    )


# The engine, as plain values (no database) ----------------------------------------------

RULE = RuleTerms(
    rate=Fraction(1),
    eligible_stages=frozenset({"plan_adopted"}),
    eligible_categories=frozenset({"juyohi", "jinkenhi"}),
    labour_eligible=True,
    labour_categories=frozenset({"jinkenhi"}),
)
EXPENSES = [ExpenseLine("jinkenhi", 2_078_800), ExpenseLine("juyohi", 50_000)]


def test_engine_pays_no_labour_twice_and_says_why():
    result = calculate(
        RULE,
        stage="plan_adopted",
        fiscal_year=2026,
        expenses=EXPENSES,
        labour_registered=2_090_000,
        labour_decided=2_090_000,
    )
    assert (result.amount, result.project_amount, result.labour_amount) == (50_000, 50_000, 0)
    assert (
        "人件費の残り 0円（職員配置の登録額 2,090,000円、令和8年度に他の申請で "
        "2,090,000円交付決定済）（適用）"
    ) in result.lines
    assert (
        "事務局人件費は地域協働体ごとに年度1回の交付です。令和8年度の登録額は他の申請で"
        "交付決定済みのため、この申請の人件費分は0円です。"
    ) in result.lines
    assert result.lines[-1] == "交付額 50,000円"


def test_engine_pays_what_is_left_of_the_registered_labour():
    result = calculate(
        RULE,
        stage="plan_adopted",
        fiscal_year=2026,
        expenses=EXPENSES,
        labour_registered=2_090_000,
        labour_decided=1_000_000,
    )
    assert (result.amount, result.labour_amount) == (1_140_000, 1_090_000)
    assert not any(line.startswith(ONCE_A_YEAR) for line in result.lines)


def test_engine_first_application_pays_the_labour_claimed():
    # Nothing decided yet: the registered cost is not a cap (a difference is only flagged).
    result = calculate(
        RULE,
        stage="plan_adopted",
        fiscal_year=2026,
        expenses=EXPENSES,
        labour_registered=2_000_000,
    )
    assert (result.amount, result.labour_amount) == (2_128_800, 2_078_800)


def test_ceiling_counts_only_the_labour_left():
    rule = RuleTerms(**{**RULE.__dict__, "flat_amount": 300_000})
    ceiling = council_ceiling(
        rule, stage="plan_adopted", fiscal_year=2026, labour_cost=2_090_000, labour_decided=90_000
    )
    assert (ceiling.amount, ceiling.labour_amount) == (2_300_000, 2_000_000)
    ceiling = council_ceiling(
        rule,
        stage="plan_adopted",
        fiscal_year=2026,
        labour_cost=2_090_000,
        labour_decided=3_000_000,
    )
    assert (ceiling.amount, ceiling.labour_amount) == (300_000, 0)


# Through the services ----------------------------------------------------------------------


def test_first_application_takes_the_full_registered_cost(world, labour_rule):
    assert services.opening_lines(
        council=world.council, programme=labour_rule.programme, fiscal_year=YEAR
    ) == [LineInput(ExpenseCategory.objects.get(code="jinkenhi"), 2_492_000, DESCRIPTION)]
    first = decided(world, labour_rule, FULL_YEAR)
    assert first.decided_amount == 2_612_000
    assert selectors.labour_decided(YEAR, [world.council.pk, world.other.pk]) == {
        world.council.pk: 2_492_000,
        world.other.pk: 0,
    }
    # Its own labour is not "decided elsewhere" when it is calculated again.
    result = grant(world, labour_rule, first)
    assert (result.amount, result.labour_amount) == (2_612_000, 2_492_000)


def test_second_application_gets_no_labour_and_says_why(world, labour_rule):
    decided(world, labour_rule, FULL_YEAR)
    assert (
        services.opening_lines(
            council=world.council, programme=labour_rule.programme, fiscal_year=YEAR
        )
        == []
    )
    second = application(world, labour_rule, FULL_YEAR, project=50_000, title="交流会")
    result = grant(world, labour_rule, second)
    assert (result.amount, result.project_amount, result.labour_amount) == (50_000, 50_000, 0)
    assert any(line.startswith(ONCE_A_YEAR) for line in result.lines)
    with pytest.raises(TransitionError) as excinfo:
        step(second, "submit", world.secretary)
    assert excinfo.value.code == "above_engine_amount"
    second.refresh_from_db()
    assert second.status == Status.DRAFT


def test_labour_decided_in_another_programme_counts_too(world, labour_rule):
    other_rule = RuleFactory(labour_eligible=True, categories=["juyohi", "jinkenhi"])
    BudgetFactory(programme=other_rule.programme, fiscal_year=YEAR, amount=10_000_000)
    decided(world, other_rule, 2_000_000)
    labour = selectors.registered_labour(world.council, labour_rule.programme, YEAR)
    assert (labour.amount, labour.decided, labour.left) == (2_492_000, 2_000_000, 492_000)


def test_labour_lines_of_a_programme_without_labour_are_not_labour(world, labour_rule):
    world.rule.eligible_categories.add(ExpenseCategory.objects.get(code="jinkenhi"))
    decided(world, world.rule, 100_000, project=50_000)  # the 200,000円 yearly cap programme
    assert selectors.labour_decided(YEAR, [world.council.pk]) == {world.council.pk: 0}


@pytest.mark.parametrize(
    ("last_step", "actor", "comment"),
    [("refuse", "staff", "対象外の事業です。"), ("withdraw", "secretary", "")],
)
def test_a_refused_or_withdrawn_first_application_frees_the_labour(
    world, labour_rule, last_step, actor, comment
):
    first = application(world, labour_rule, FULL_YEAR)
    step(first, "submit", world.secretary)
    step(first, last_step, getattr(world, actor), comment=comment)
    second = application(world, labour_rule, FULL_YEAR, title="交流会")
    result = grant(world, labour_rule, second)
    assert (result.amount, result.labour_amount) == (2_612_000, 2_492_000)
    assert (
        services.opening_lines(
            council=world.council, programme=labour_rule.programme, fiscal_year=YEAR
        )[0].amount
        == 2_492_000
    )


def test_a_decided_change_lowering_the_first_frees_the_difference(world, labour_rule):
    first = decided(world, labour_rule, FULL_YEAR)
    step(
        first,
        "request_change",
        world.secretary,
        comment="事務局員の勤務日数を減らすため",
        lines=lines(world, 1_000_000),
        amount=1_120_000,
    )
    # Not decided yet: the first still holds the whole registered cost.
    assert selectors.labour_decided(YEAR, [world.council.pk]) == {world.council.pk: 2_492_000}
    step(first, "approve_change", world.staff)
    assert selectors.labour_decided(YEAR, [world.council.pk]) == {world.council.pk: 1_000_000}
    (line,) = services.opening_lines(
        council=world.council, programme=labour_rule.programme, fiscal_year=YEAR
    )
    assert line.amount == 1_492_000
    second = application(world, labour_rule, FULL_YEAR, title="交流会")
    result = grant(world, labour_rule, second)
    assert (result.amount, result.labour_amount) == (1_612_000, 1_492_000)


def test_decided_labour_counts_at_most_the_decided_amount(world, labour_rule):
    first = application(world, labour_rule, FULL_YEAR)
    step(first, "submit", world.secretary)
    step(first, "decide", world.staff, amount=2_000_000)
    assert selectors.labour_decided(YEAR, [world.council.pk]) == {world.council.pk: 2_000_000}


def test_allocation_counts_only_the_labour_left(world, labour_rule):
    decided(world, labour_rule, 2_000_000)
    allocation = selectors.allocation_for(labour_rule.programme, YEAR)
    rows = {row.council_id: row for row in allocation.rows}
    assert rows[world.council.pk].labour_registered == 2_492_000
    assert rows[world.council.pk].ceiling.labour_amount == 492_000


# Over HTTP: the portal's opening line, the 確認 step and the staff page ---------------------


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


def test_portal_second_application_opens_without_labour(sec, world, labour_rule):
    assert first_line(sec.get(start_url(labour_rule.programme)))["amount"] == 2_492_000
    decided(world, labour_rule, FULL_YEAR)
    response = sec.get(start_url(labour_rule.programme))
    assert response.status_code == 200
    assert first_line(response) == {}
    assert response.context["opening_labour"] is None


def test_portal_opens_with_the_labour_a_lowered_change_freed(sec, world, labour_rule):
    first = decided(world, labour_rule, FULL_YEAR)
    step(
        first,
        "request_change",
        world.secretary,
        comment="事務局員の勤務日数を減らすため",
        lines=lines(world, 1_000_000),
        amount=1_120_000,
    )
    step(first, "approve_change", world.staff)
    response = sec.get(start_url(labour_rule.programme))
    assert first_line(response)["amount"] == 1_492_000
    assert "1,492,000" in response.content.decode()


def test_confirm_step_refuses_labour_already_decided(sec, world, labour_rule):
    decided(world, labour_rule, FULL_YEAR)
    second = application(world, labour_rule, FULL_YEAR, project=50_000, title="交流会")
    response = sec.get(portal("confirm", second.pk))
    assert response.status_code == 200
    assert response.context["grant"].amount == 50_000
    assert response.context["grant"].labour_amount == 0
    check = response.context["labour"]
    assert (check.registered, check.decided, check.left, check.claimed) == (
        2_492_000,
        2_492_000,
        0,
        2_492_000,
    )
    body = response.content.decode()
    assert "登録額の残り 0円と異なります" in body
    assert "登録額と一致" not in body
    assert ONCE_A_YEAR in body
    assert any("計算上の交付可能額 50,000円" in error for error in response.context["errors"])
    response = sec.post(portal("confirm", second.pk))
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.status == Status.DRAFT


def test_confirm_step_accepts_a_second_application_without_labour(sec, world, labour_rule):
    decided(world, labour_rule, FULL_YEAR)
    second = application(world, labour_rule, 0, project=50_000, title="交流会")
    response = sec.get(portal("confirm", second.pk))
    assert response.context["errors"] == []
    assert "登録額の残りと一致" in response.content.decode()
    assert sec.post(portal("confirm", second.pk)).status_code == 302
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED


def test_staff_page_compares_with_the_labour_left(client, world, labour_rule):
    decided(world, labour_rule, FULL_YEAR)
    second = application(world, labour_rule, FULL_YEAR, project=50_000, title="交流会")
    client.force_login(world.staff)
    response = client.get(reverse("admin:subsidies_application_change", args=[second.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "登録額の残り 0円と異なります" in body
    assert "登録額と一致" not in body
    assert f"{fiscal_year_label(YEAR)}に他の申請で 2,492,000円交付決定済" in body
