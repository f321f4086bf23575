"""Rules and budgets refuse bad input with a Japanese message on the field; nothing is saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from councils.models import Stage
from subsidies.models import Budget, ProgrammeRule
from subsidies.selectors import rule_for

from .factories import BudgetFactory, ProgrammeFactory, RuleFactory


def refused(instance, field):
    """full_clean's error codes for ``field``; fails if full_clean passes."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert field in excinfo.value.error_dict, excinfo.value.error_dict
    return [error.code for error in excinfo.value.error_dict[field]]


def new_rule(**fields):
    programme = fields.pop("programme", None) or ProgrammeFactory()
    values = {
        "valid_from_fiscal_year": 2026,
        "rate_numerator": 1,
        "rate_denominator": 1,
        "eligible_stages": [Stage.PLAN_ADOPTED.value],
    }
    values.update(fields)
    return ProgrammeRule(programme=programme, **values)


@pytest.mark.django_db
def test_a_valid_rule_passes():
    new_rule(rate_numerator=2, rate_denominator=3, yearly_cap=100_000).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("numerator", "denominator", "field", "code"),
    [
        (4, 3, "rate_numerator", "rate_out_of_range"),
        (-1, 3, "rate_numerator", "rate_out_of_range"),
        (1, 0, "rate_denominator", "rate_denominator_invalid"),
    ],
)
def test_rate_outside_0_to_1_is_refused(numerator, denominator, field, code):
    rule = new_rule(rate_numerator=numerator, rate_denominator=denominator)
    assert code in refused(rule, field)
    assert ProgrammeRule.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["yearly_cap", "lifetime_cap", "flat_amount", "per_capita_unit", "labour_cap"]
)
def test_negative_cap_is_refused(field):
    rule = new_rule(labour_eligible=True, **{field: -1})
    assert refused(rule, field) == ["negative_amount"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [1.5, Decimal("100.5"), "100.5", "十万"])
def test_non_integer_amount_is_refused(value):
    assert refused(new_rule(yearly_cap=value), "yearly_cap") == ["non_integer_amount"]


@pytest.mark.django_db
def test_whole_numbers_in_other_types_are_accepted():
    rule = new_rule(yearly_cap=Decimal("100000"), lifetime_cap="50,000")
    rule.full_clean()
    assert (rule.yearly_cap, rule.lifetime_cap) == (100_000, 50_000)


@pytest.mark.django_db
def test_overlapping_versions_for_the_same_year_are_refused():
    existing = RuleFactory(valid_from_fiscal_year=2026)
    duplicate = new_rule(programme=existing.programme, valid_from_fiscal_year=2026)
    assert refused(duplicate, "valid_from_fiscal_year") == ["overlapping_rule"]
    assert ProgrammeRule.objects.count() == 1


@pytest.mark.django_db
def test_a_later_version_is_accepted():
    existing = RuleFactory(valid_from_fiscal_year=2019)
    new_rule(programme=existing.programme, valid_from_fiscal_year=2026).full_clean()


@pytest.mark.django_db
def test_database_refuses_what_validation_would_have_caught():
    programme = ProgrammeFactory()
    for fields in ({"rate_numerator": 3, "rate_denominator": 2}, {"yearly_cap": -1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            new_rule(programme=programme, **fields).save()
    assert ProgrammeRule.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stages", "code"), [([], "no_eligible_stage"), (["retired"], "invalid_stage")]
)
def test_eligible_stages_must_be_known_stages(stages, code):
    assert refused(new_rule(eligible_stages=stages), "eligible_stages") == [code]


@pytest.mark.django_db
def test_labour_cap_needs_labour_to_be_eligible():
    rule = new_rule(labour_eligible=False, labour_cap=100_000)
    assert refused(rule, "labour_cap") == ["labour_cap_without_labour"]


@pytest.mark.django_db
def test_rule_for_picks_the_version_in_force():
    old = RuleFactory(valid_from_fiscal_year=2019, yearly_cap=100_000)
    new = RuleFactory(programme=old.programme, valid_from_fiscal_year=2024, yearly_cap=120_000)
    programme = old.programme
    with pytest.raises(ValidationError) as excinfo:
        rule_for(programme, 2018)
    assert excinfo.value.error_dict["fiscal_year"][0].code == "no_rule_for_year"
    assert rule_for(programme, 2019) == old
    assert rule_for(programme, 2023) == old
    assert rule_for(programme, 2024) == new
    assert rule_for(programme, 2030) == new


@pytest.mark.django_db
def test_terms_carry_the_rule_exactly():
    rule = RuleFactory(
        rate_numerator=2,
        rate_denominator=3,
        rounding_unit=1000,
        flat_amount=300_000,
        per_capita_unit=100,
        labour_eligible=True,
        categories=["juyohi", "jinkenhi"],
    )
    terms = rule.terms()
    assert str(terms.rate) == "2/3"
    assert terms.eligible_categories == {"juyohi", "jinkenhi"}
    assert terms.labour_categories == {"jinkenhi"}
    assert terms.rounding_unit == 1000


@pytest.mark.django_db
def test_duplicate_budget_for_a_year_is_refused():
    budget = BudgetFactory(fiscal_year=2026)
    duplicate = Budget(programme=budget.programme, fiscal_year=2026, amount=1)
    assert refused(duplicate, "fiscal_year") == ["duplicate_budget"]
    assert Budget.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "code"), [(-1, "negative_amount"), ("1.5", "non_integer_amount")]
)
def test_bad_budget_amount_is_refused(amount, code):
    budget = Budget(programme=ProgrammeFactory(), fiscal_year=2026, amount=amount)
    assert refused(budget, "amount") == [code]
    assert Budget.objects.count() == 0
