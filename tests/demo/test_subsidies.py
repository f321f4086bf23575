"""The demo loads Ichinoseki's programmes as the plan states them, and is idempotent."""

from fractions import Fraction

import pytest
from django.apps import apps

from councils.models import Stage
from demo import councils as councils_demo
from demo import subsidies as demo
from subsidies.models import Budget, ExpenseCategory, ProgrammeRule, SubsidyProgramme

pytestmark = pytest.mark.django_db


def snapshot():
    models = (SubsidyProgramme, ProgrammeRule, Budget, ExpenseCategory)
    counts = [m.objects.count() for m in models]
    history = [m.history.count() for m in (SubsidyProgramme, ProgrammeRule, Budget)]
    m2m_history = apps.get_model("subsidies", "HistoricalProgrammeRule_eligible_categories")
    return counts, history, m2m_history.objects.count()


def test_demo_is_idempotent():
    councils_demo.load()
    demo.load()
    first = snapshot()
    demo.load()
    assert snapshot() == first
    assert first[0] == [3, 3, 6, 9]


def test_demo_rules_match_the_plan():
    demo.load()
    rules = {r.programme.code: r for r in ProgrammeRule.objects.select_related("programme")}
    jigyo1, jigyo7, jigyo8 = rules["jigyo1"], rules["jigyo7"], rules["jigyo8"]
    assert (jigyo1.rate, jigyo1.lifetime_cap, jigyo1.max_fiscal_years) == (Fraction(1), 50_000, 2)
    assert jigyo1.advance_payment_allowed
    assert jigyo1.eligible_stages == [Stage.PREPARING]
    assert (jigyo7.rate, jigyo7.yearly_cap) == (Fraction(2, 3), 100_000)
    assert jigyo7.eligible_stages == [Stage.PREPARING, Stage.ESTABLISHED]
    assert (jigyo8.rate, jigyo8.flat_amount, jigyo8.per_capita_unit) == (Fraction(1), 300_000, 100)
    assert jigyo8.labour_eligible and jigyo8.labour_cap is None
    assert jigyo8.amounts_are_examples and "例示" in jigyo8.example_note
    assert not jigyo1.amounts_are_examples and not jigyo7.amounts_are_examples
    assert {c.code for c in jigyo8.eligible_categories.all() if c.is_labour} == {
        "jinkenhi",
        "hokenryo",
        "kenshin",
    }
    assert set(Budget.objects.values_list("fiscal_year", flat=True)) == {2025, 2026}


def test_engine_tests_use_the_demo_rules():
    """tests/subsidies/test_engine.py writes the demo's rules out as plain values."""
    from dataclasses import replace

    from tests.subsidies.test_engine import DEMO_RULES

    demo.load()
    for rule in ProgrammeRule.objects.select_related("programme").prefetch_related(
        "eligible_categories"
    ):
        terms = rule.terms()
        assert replace(terms, label="") == DEMO_RULES[rule.programme.code]
        assert dict(terms.category_names) == {
            code: name
            for code, name in DEMO_RULES[rule.programme.code].category_names.items()
            if code in terms.eligible_categories
        }
