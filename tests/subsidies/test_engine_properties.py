"""Invariants of the engine over random rules, expenses, earlier grants and budgets."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from subsidies.engine import ExpenseLine, RuleTerms, calculate

from .factories import ALL_STAGES

CATEGORIES = ("juyohi", "hoshohi", "jinkenhi")
YEAR = 2026

amounts = st.integers(min_value=0, max_value=5_000_000)
optional_amounts = st.none() | amounts


@st.composite
def rates(draw):
    denominator = draw(st.integers(min_value=1, max_value=12))
    return Fraction(draw(st.integers(min_value=0, max_value=denominator)), denominator)


@st.composite
def rules(draw):
    labour_eligible = draw(st.booleans())
    return RuleTerms(
        rate=draw(rates()),
        eligible_stages=frozenset(
            draw(st.sets(st.sampled_from(ALL_STAGES), min_size=1, max_size=3))
        ),
        eligible_categories=frozenset(CATEGORIES),
        labour_categories=frozenset({"jinkenhi"}),
        rounding_unit=draw(st.sampled_from([1, 100, 1000])),
        yearly_cap=draw(optional_amounts),
        lifetime_cap=draw(optional_amounts),
        max_fiscal_years=draw(st.none() | st.integers(min_value=1, max_value=3)),
        flat_amount=draw(optional_amounts),
        per_capita_unit=draw(st.none() | st.integers(min_value=0, max_value=500)),
        labour_eligible=labour_eligible,
        labour_cap=draw(optional_amounts) if labour_eligible else None,
    )


expense_lists = st.lists(
    st.builds(ExpenseLine, category=st.sampled_from(CATEGORIES), amount=amounts), max_size=6
)
previous = st.lists(
    st.tuples(st.integers(min_value=2020, max_value=YEAR), st.integers(0, 1_000_000)), max_size=4
)
budgets = st.none() | st.integers(min_value=-100_000, max_value=50_000_000)


@st.composite
def cases(draw):
    return {
        "rule": draw(rules()),
        "stage": draw(st.sampled_from(ALL_STAGES)),
        "expenses": draw(expense_lists),
        "population": draw(st.integers(min_value=0, max_value=60_000)),
        "previous_grants": draw(previous),
        "budget_left": draw(budgets),
        "labour_registered": draw(optional_amounts),
        "labour_decided": draw(st.just(0) | amounts),
    }


def run(case, expenses=None):
    return calculate(
        case["rule"],
        stage=case["stage"],
        fiscal_year=YEAR,
        expenses=case["expenses"] if expenses is None else expenses,
        population=case["population"],
        previous_grants=case["previous_grants"],
        budget_left=case["budget_left"],
        labour_registered=case["labour_registered"],
        labour_decided=case["labour_decided"],
    )


@settings(max_examples=300, deadline=None)
@given(cases())
def test_grant_stays_within_every_limit(case):
    rule = case["rule"]
    grant = run(case)
    this_year = sum(a for y, a in case["previous_grants"] if y == YEAR)
    all_years = sum(a for _y, a in case["previous_grants"])

    assert grant.amount >= 0
    assert grant.amount == grant.project_amount + grant.labour_amount
    assert grant.amount <= sum(line.amount for line in case["expenses"])
    if rule.yearly_cap is not None:
        assert grant.amount <= max(rule.yearly_cap - this_year, 0)
    if rule.lifetime_cap is not None:
        assert grant.amount <= max(rule.lifetime_cap - all_years, 0)
    if case["budget_left"] is not None:
        assert grant.amount <= max(case["budget_left"], 0)
    if rule.has_formula:
        flat, regional = rule.formula_parts(case["population"])
        assert grant.project_amount <= flat + regional
    if rule.labour_cap is not None:
        assert grant.labour_amount <= rule.labour_cap
    if case["labour_decided"] and case["labour_registered"] is not None:
        # Labour is paid once per council and year: only what other applications left.
        assert grant.labour_amount <= max(case["labour_registered"] - case["labour_decided"], 0)
    assert grant.rate_result % rule.rounding_unit == 0
    assert grant.project_amount <= grant.rate_result
    if not grant.eligible:
        assert grant.amount == 0
        assert grant.reasons
    assert grant.lines[-1].startswith(f"交付額 {grant.amount:,}円")


@settings(max_examples=300, deadline=None)
@given(cases(), st.integers(min_value=0, max_value=5_000_000), st.data())
def test_grant_never_decreases_when_a_cost_increases(case, extra, data):
    before = run(case)
    expenses = list(case["expenses"])
    if expenses and data.draw(st.booleans(), label="raise an existing line"):
        index = data.draw(st.integers(min_value=0, max_value=len(expenses) - 1), label="line")
        line = expenses[index]
        expenses[index] = ExpenseLine(line.category, line.amount + extra)
    else:
        expenses.append(ExpenseLine(data.draw(st.sampled_from(CATEGORIES)), extra))
    after = run(case, expenses)
    assert after.amount >= before.amount
    assert after.eligible == before.eligible
