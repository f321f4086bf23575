"""Exact-yen behaviour of the calculation engine at the edges of every rule."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from councils.models import Stage
from demo import subsidies as demo
from subsidies.engine import ExpenseLine, calculate, council_ceiling
from subsidies.models import ProgrammeRule

from .factories import terms

PREPARING = Stage.PREPARING.value
ESTABLISHED = Stage.ESTABLISHED.value
ADOPTED = Stage.PLAN_ADOPTED.value


@pytest.fixture
def demo_terms(db):
    """Ichinoseki's demo rules as the engine sees them, by programme code."""
    demo.load()
    rules = ProgrammeRule.objects.select_related("programme").prefetch_related(
        "eligible_categories"
    )
    return {rule.programme.code: rule.terms() for rule in rules}


def lines(*amounts, category="juyohi"):
    return [ExpenseLine(category, amount) for amount in amounts]


def error_codes(excinfo, field):
    return [error.code for error in excinfo.value.error_dict[field]]


# 事業7 地域協働体支援事業補助金: 2/3, 10万円 per fiscal year ------------------------


def test_jigyo7_two_thirds_of_a_cost_that_does_not_divide(demo_terms):
    grant = calculate(
        demo_terms["jigyo7"], stage=ESTABLISHED, fiscal_year=2026, expenses=lines(100_000)
    )
    assert grant.eligible
    assert grant.amount == 66_666
    assert "対象経費 100,000円 × 2/3 = 66,666円（1円未満切捨て）" in grant.lines
    assert grant.lines[-1] == "交付額 66,666円"


def test_jigyo7_whole_result_has_no_rounding_note(demo_terms):
    grant = calculate(
        demo_terms["jigyo7"], stage=PREPARING, fiscal_year=2026, expenses=lines(120_000)
    )
    assert grant.amount == 80_000
    assert "対象経費 120,000円 × 2/3 = 80,000円" in grant.lines
    assert "年度上限 100,000円（範囲内）" in grant.lines


def test_rounding_down_to_thousand_yen_happens_once_on_the_rate_result():
    rule = terms(rate=Fraction(2, 3), rounding_unit=1000, yearly_cap=100_000)
    grant = calculate(rule, stage=ADOPTED, fiscal_year=2026, expenses=lines(100_000))
    assert grant.amount == 66_000
    assert grant.rate_result == 66_000
    assert "千円未満切捨て 66,000円" in grant.lines


def test_rounding_to_hundred_yen():
    rule = terms(rate=Fraction(2, 3), rounding_unit=100)
    grant = calculate(rule, stage=ADOPTED, fiscal_year=2026, expenses=lines(100_000))
    assert grant.amount == 66_600
    assert "100円未満切捨て 66,600円" in grant.lines


def test_caps_are_not_rounded_to_the_unit():
    # 交付要綱: the smaller of (cost × rate, rounded) and the cap; the cap stays as set.
    rule = terms(rate=Fraction(1), rounding_unit=1000, lifetime_cap=50_500)
    grant = calculate(rule, stage=ADOPTED, fiscal_year=2026, expenses=lines(80_000))
    assert grant.amount == 50_500


@pytest.mark.parametrize(
    ("cost", "expected", "cap_line"),
    [
        (149_998, 99_998, "年度上限 100,000円（範囲内）"),
        (150_000, 100_000, "年度上限 100,000円（範囲内）"),  # cap reached exactly
        (150_001, 100_000, "年度上限 100,000円（範囲内）"),  # 100,000.67 rounds down to the cap
        (150_002, 100_000, "年度上限 100,000円（適用）"),  # 100,001: over by 1円
    ],
)
def test_jigyo7_yearly_cap_at_the_edge(demo_terms, cost, expected, cap_line):
    grant = calculate(
        demo_terms["jigyo7"], stage=ESTABLISHED, fiscal_year=2026, expenses=lines(cost)
    )
    assert grant.amount == expected
    assert cap_line in grant.lines


def test_jigyo7_second_application_in_a_year_gets_what_is_left_of_the_yearly_cap(demo_terms):
    grant = calculate(
        demo_terms["jigyo7"],
        stage=ESTABLISHED,
        fiscal_year=2026,
        expenses=lines(120_000),
        previous_grants=[(2025, 100_000), (2026, 40_000)],
    )
    assert grant.amount == 60_000
    assert (
        "年度上限の残り 60,000円（年度上限 100,000円、令和8年度 40,000円交付済）（適用）"
        in grant.lines
    )


def test_jigyo7_yearly_cap_used_up_is_refused(demo_terms):
    grant = calculate(
        demo_terms["jigyo7"],
        stage=ESTABLISHED,
        fiscal_year=2026,
        expenses=lines(90_000),
        previous_grants=[(2026, 100_000)],
    )
    assert not grant.eligible
    assert grant.amount == 0
    assert grant.reason_codes == ("yearly_cap_exhausted",)


def test_jigyo7_refused_once_the_plan_is_adopted(demo_terms):
    grant = calculate(demo_terms["jigyo7"], stage=ADOPTED, fiscal_year=2026, expenses=lines(90_000))
    assert not grant.eligible
    assert grant.amount == 0
    assert grant.reason_codes == ("stage_not_eligible",)
    assert grant.reasons[0].message == (
        "段階が「地域づくり計画策定済」のため対象外です（対象: 設立準備・合意形成、設立）。"
    )
    assert grant.lines[-1] == "交付額 0円（対象外）"


# 事業1 合意形成支援事業: 10/10, 5万円 in total over at most 2 fiscal years -------------


def test_jigyo1_first_year_pays_the_cost(demo_terms):
    grant = calculate(
        demo_terms["jigyo1"], stage=PREPARING, fiscal_year=2025, expenses=lines(30_000)
    )
    assert grant.amount == 30_000
    assert "対象経費 30,000円 × 10/10 = 30,000円" in grant.lines
    assert "交付年度数: これまで0箇年度（なし）、上限2箇年度" in grant.lines
    assert "通算上限 50,000円（範囲内）" in grant.lines


def test_jigyo1_second_year_gets_what_is_left_of_the_5man_yen(demo_terms):
    grant = calculate(
        demo_terms["jigyo1"],
        stage=PREPARING,
        fiscal_year=2026,
        expenses=lines(40_000),
        previous_grants=[(2025, 30_000)],
    )
    assert grant.amount == 20_000
    assert (
        "通算上限の残り 20,000円（通算上限 50,000円、令和7年度 30,000円交付済）（適用）"
        in grant.lines
    )
    assert "交付年度数: これまで1箇年度（令和7年度）、上限2箇年度" in grant.lines


@pytest.mark.parametrize(
    ("cost", "expected", "applied"), [(20_000, 20_000, "（範囲内）"), (20_001, 20_000, "（適用）")]
)
def test_jigyo1_lifetime_cap_reached_exactly_and_exceeded_by_one_yen(
    demo_terms, cost, expected, applied
):
    grant = calculate(
        demo_terms["jigyo1"],
        stage=PREPARING,
        fiscal_year=2026,
        expenses=lines(cost),
        previous_grants=[(2025, 30_000)],
    )
    assert grant.amount == expected
    [cap_line] = [line for line in grant.lines if line.startswith("通算上限の残り 20,000円")]
    assert cap_line.endswith(applied)


def test_jigyo1_third_fiscal_year_is_refused(demo_terms):
    grant = calculate(
        demo_terms["jigyo1"],
        stage=PREPARING,
        fiscal_year=2026,
        expenses=lines(10_000),
        previous_grants=[(2024, 20_000), (2025, 20_000)],
    )
    assert not grant.eligible
    assert grant.amount == 0
    assert grant.reason_codes == ("max_fiscal_years_reached",)
    assert "令和6年度、令和7年度" in grant.reasons[0].message


def test_jigyo1_second_claim_in_the_same_year_is_not_a_third_year(demo_terms):
    grant = calculate(
        demo_terms["jigyo1"],
        stage=PREPARING,
        fiscal_year=2026,
        expenses=lines(30_000),
        previous_grants=[(2025, 10_000), (2026, 15_000)],
    )
    assert grant.eligible
    assert grant.amount == 25_000


def test_jigyo1_lifetime_cap_used_up_is_refused(demo_terms):
    grant = calculate(
        demo_terms["jigyo1"],
        stage=PREPARING,
        fiscal_year=2026,
        expenses=lines(10_000),
        previous_grants=[(2025, 50_000)],
    )
    assert grant.reason_codes == ("lifetime_cap_exhausted",)
    assert grant.amount == 0


def test_jigyo1_refused_after_the_council_is_established(demo_terms):
    grant = calculate(
        demo_terms["jigyo1"], stage=ESTABLISHED, fiscal_year=2026, expenses=lines(10_000)
    )
    assert grant.reason_codes == ("stage_not_eligible",)


def test_unknown_stage_is_refused(demo_terms):
    grant = calculate(demo_terms["jigyo1"], stage=None, fiscal_year=2026, expenses=lines(1))
    assert grant.reason_codes == ("stage_not_eligible",)
    assert "記録なし" in grant.reasons[0].message


# 事業8 ひと・まち応援金: 均等割 + 地域割 for projects, labour at cost -------------------


def test_jigyo8_ceiling_is_flat_plus_unit_times_population(demo_terms):
    # Example amounts: 300,000円 + 100円 × 13,200人 = 1,620,000円.
    rule = demo_terms["jigyo8"]
    for cost, expected in ((1_620_000, 1_620_000), (1_620_001, 1_620_000), (1_619_999, 1_619_999)):
        grant = calculate(
            rule, stage=ADOPTED, fiscal_year=2026, expenses=lines(cost), population=13_200
        )
        assert grant.amount == expected
        assert grant.ceiling == 1_620_000


def test_jigyo8_breakdown_names_the_population_and_its_date(demo_terms):
    from datetime import date

    grant = calculate(
        demo_terms["jigyo8"],
        stage=ADOPTED,
        fiscal_year=2026,
        expenses=[ExpenseLine("juyohi", 1_500_000), ExpenseLine("hoshohi", 200_000)],
        population=13_200,
        population_as_of=date(2026, 3, 31),
    )
    assert grant.amount == 1_620_000
    assert "補助対象経費 1,700,000円（需用費 1,500,000円、報償費 200,000円）" in grant.lines
    assert (
        "限度額（均等割＋地域割） 均等割 300,000円 ＋ 地域割 100円 × 13,200人"
        "（令和8年3月31日現在） = 1,620,000円（適用）"
    ) in grant.lines


def test_jigyo8_labour_is_paid_at_actual_cost_on_top_of_the_ceiling(demo_terms):
    grant = calculate(
        demo_terms["jigyo8"],
        stage=ADOPTED,
        fiscal_year=2026,
        expenses=[
            ExpenseLine("juyohi", 2_000_000),
            ExpenseLine("jinkenhi", 1_800_001),
            ExpenseLine("hokenryo", 250_000),
            ExpenseLine("kenshin", 8_800),
        ],
        population=800,
    )
    assert grant.project_amount == 380_000
    assert grant.labour_amount == 2_058_801
    assert grant.amount == 2_438_801
    assert "事業費分 380,000円 ＋ 人件費分 2,058,801円 = 2,438,801円" in grant.lines


def test_jigyo8_budget_with_less_left_than_the_ceiling(demo_terms):
    grant = calculate(
        demo_terms["jigyo8"],
        stage=ADOPTED,
        fiscal_year=2026,
        expenses=lines(1_620_000),
        population=13_200,
        budget_left=1_000_000,
    )
    assert grant.amount == 1_000_000
    assert "予算残額 1,000,000円（適用）" in grant.lines


def test_budget_cut_reduces_the_project_part_before_labour(demo_terms):
    grant = calculate(
        demo_terms["jigyo8"],
        stage=ADOPTED,
        fiscal_year=2026,
        expenses=[ExpenseLine("juyohi", 400_000), ExpenseLine("jinkenhi", 300_000)],
        population=1000,
        budget_left=500_000,
    )
    assert (grant.amount, grant.project_amount, grant.labour_amount) == (500_000, 200_000, 300_000)


def test_jigyo8_refused_before_the_plan_is_adopted(demo_terms):
    grant = calculate(
        demo_terms["jigyo8"], stage=ESTABLISHED, fiscal_year=2026, expenses=lines(1), population=1
    )
    assert grant.reason_codes == ("stage_not_eligible",)


def test_labour_cap_limits_the_labour_part():
    rule = terms(labour_eligible=True, labour_cap=1_500_000, flat_amount=0)
    grant = calculate(
        rule,
        stage=ADOPTED,
        fiscal_year=2026,
        expenses=[ExpenseLine("jinkenhi", 1_500_001)],
        population=0,
    )
    assert grant.amount == 1_500_000
    assert "人件費上限 1,500,000円（適用）" in grant.lines


def test_labour_lines_are_ordinary_costs_when_labour_is_not_separate():
    rule = terms(rate=Fraction(1, 2), labour_eligible=False)
    grant = calculate(
        rule, stage=ADOPTED, fiscal_year=2026, expenses=[ExpenseLine("jinkenhi", 10_001)]
    )
    assert grant.amount == 5_000
    assert grant.labour_amount == 0


def test_yearly_cap_applies_to_the_whole_grant_including_labour():
    rule = terms(labour_eligible=True, yearly_cap=100_000)
    grant = calculate(
        rule,
        stage=ADOPTED,
        fiscal_year=2026,
        expenses=[ExpenseLine("juyohi", 60_000), ExpenseLine("jinkenhi", 60_000)],
    )
    assert (grant.amount, grant.project_amount, grant.labour_amount) == (100_000, 40_000, 60_000)


def test_negative_budget_left_counts_as_nothing_left():
    grant = calculate(
        terms(), stage=ADOPTED, fiscal_year=2026, expenses=lines(1_000), budget_left=-5
    )
    assert grant.amount == 0
    assert "予算残額 0円（適用）" in grant.lines


def test_zero_rate_grants_nothing():
    grant = calculate(terms(rate=Fraction(0)), stage=ADOPTED, fiscal_year=2026, expenses=lines(9))
    assert grant.amount == 0
    assert "対象経費 9円 × 0/1 = 0円" in grant.lines


# The ceiling used by the 試算 screen ---------------------------------------------------


def test_council_ceiling_for_formula_rule(demo_terms):
    ceiling = council_ceiling(
        demo_terms["jigyo8"], stage=ADOPTED, fiscal_year=2026, population=13_200
    )
    assert (ceiling.flat_amount, ceiling.regional_amount, ceiling.amount) == (
        300_000,
        1_320_000,
        1_620_000,
    )
    assert ceiling.labour_at_cost


def test_council_ceiling_for_capped_rules(demo_terms):
    first = council_ceiling(
        demo_terms["jigyo1"], stage=PREPARING, fiscal_year=2026, previous_grants=[(2025, 30_000)]
    )
    assert (first.eligible, first.lifetime_left, first.amount) == (True, 20_000, 20_000)
    refused = council_ceiling(demo_terms["jigyo7"], stage=ADOPTED, fiscal_year=2026)
    assert (refused.eligible, refused.amount) == (False, 0)


def test_council_ceiling_without_any_limit_is_none():
    assert council_ceiling(terms(), stage=ADOPTED, fiscal_year=2026).amount is None


def test_council_ceiling_adds_a_capped_labour_part():
    rule = terms(flat_amount=100_000, labour_eligible=True, labour_cap=50_000, yearly_cap=120_000)
    ceiling = council_ceiling(rule, stage=ADOPTED, fiscal_year=2026, population=0)
    assert ceiling.amount == 120_000
    assert ceiling.labour_cap == 50_000


# Bad input: refused with the field named --------------------------------------------


def test_expense_in_a_category_the_programme_does_not_allow(demo_terms):
    with pytest.raises(ValidationError) as excinfo:
        calculate(
            demo_terms["jigyo1"],
            stage=PREPARING,
            fiscal_year=2026,
            expenses=[
                ExpenseLine("juyohi", 1_000),
                ExpenseLine("bihin", 5_000, category_name="備品購入費"),
            ],
        )
    assert error_codes(excinfo, "expenses") == ["category_not_allowed"]
    assert excinfo.value.error_dict["expenses"][0].messages == [
        "経費区分「備品購入費」はこの補助制度の対象外です（2行目）。"
    ]


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (-1, "negative_amount"),
        (1.5, "non_integer_amount"),
        (Decimal("1000"), "non_integer_amount"),
        ("1000", "non_integer_amount"),
        (True, "non_integer_amount"),
    ],
)
def test_negative_or_non_integer_expense_is_refused(amount, code):
    with pytest.raises(ValidationError) as excinfo:
        calculate(terms(), stage=ADOPTED, fiscal_year=2026, expenses=lines(amount))
    assert error_codes(excinfo, "expenses") == [code]


def test_population_is_required_for_a_regional_part(demo_terms):
    with pytest.raises(ValidationError) as excinfo:
        calculate(demo_terms["jigyo8"], stage=ADOPTED, fiscal_year=2026, expenses=lines(1))
    assert error_codes(excinfo, "population") == ["population_required"]


@pytest.mark.parametrize("previous", [[(2025, -1)], [(2025, 1.5)], [("2025", 1)], [(2025,)]])
def test_malformed_previous_grants_are_refused(previous):
    with pytest.raises(ValidationError) as excinfo:
        calculate(
            terms(), stage=ADOPTED, fiscal_year=2026, expenses=lines(1), previous_grants=previous
        )
    assert error_codes(excinfo, "previous_grants") == ["invalid_previous_grant"]


def test_non_integer_budget_left_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        calculate(terms(), stage=ADOPTED, fiscal_year=2026, expenses=lines(1), budget_left=10.0)
    assert error_codes(excinfo, "budget_left") == ["non_integer_amount"]


@pytest.mark.parametrize("rate", [Fraction(4, 3), Fraction(-1, 3)])
def test_rule_terms_refuse_a_rate_outside_0_to_1(rate):
    with pytest.raises(ValidationError) as excinfo:
        terms(rate=rate)
    assert error_codes(excinfo, "rate") == ["rate_out_of_range"]


def test_rule_terms_refuse_a_float_rate():
    with pytest.raises(ValidationError) as excinfo:
        terms(rate=0.5)
    assert error_codes(excinfo, "rate") == ["rate_not_fraction"]


@pytest.mark.parametrize("field", ["yearly_cap", "lifetime_cap", "flat_amount", "labour_cap"])
def test_rule_terms_refuse_a_negative_cap(field):
    with pytest.raises(ValidationError) as excinfo:
        terms(**{field: -1})
    assert error_codes(excinfo, field) == ["negative_amount"]


def test_rule_terms_need_a_stage():
    with pytest.raises(ValidationError) as excinfo:
        terms(eligible_stages=frozenset())
    assert error_codes(excinfo, "eligible_stages") == ["no_eligible_stage"]
