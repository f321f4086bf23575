"""Exact-yen subsidy calculation: pure functions over plain values, no ORM, no floats.

Public interface (views, imports, tests and the grant lifecycle call these)::

    calculate(rule: RuleTerms, *, stage: str | None, fiscal_year: int,
              expenses: Sequence[ExpenseLine], population: int | None = None,
              population_as_of: date | None = None,
              previous_grants: Sequence[tuple[int, int]] = (),
              budget_left: int | None = None,
              labour_registered: int | None = None, labour_decided: int = 0) -> Grant

    council_ceiling(rule: RuleTerms, *, stage: str | None, fiscal_year: int,
                    population: int | None = None,
                    previous_grants: Sequence[tuple[int, int]] = (),
                    labour_cost: int | None = None, labour_decided: int = 0) -> Ceiling

    council_ceilings(rule: RuleTerms, *, fiscal_year: int,
                     councils: Iterable[tuple[stage, population, previous_grants,
                                              labour_cost, labour_decided]]) -> list[Ceiling]

``rule`` is a :class:`RuleTerms` (``ProgrammeRule.terms()`` builds one from the database).
``previous_grants`` are ``(fiscal_year, amount)`` pairs of grants already decided for the
same council and programme, in any year including the one being calculated; the engine
never reads them from anywhere else. ``budget_left`` is what is left of the programme's
budget for the year (None: no budget limit; below 0 counts as 0).
``labour_registered`` is the council's 事務局人件費 registered for the year and
``labour_decided`` the labour already decided for the same council and year in other
applications: labour is paid once per council and fiscal year.

How a grant is made, step by step (each step is one line of ``Grant.lines``):

1. Inputs are checked. A malformed input (a negative or non-integer amount, an expense
   category the rule does not allow, a missing population for a 地域割 rule) raises
   ``ValidationError`` keyed by the parameter name; nothing is calculated.
2. Eligibility. Not eligible, with a reason each, when: the council's stage is not one
   of the rule's stages; the council already received a grant in ``max_fiscal_years``
   other fiscal years; the lifetime cap is used up; the yearly cap is used up this year.
   An ineligible grant has amount 0.
3. Project part (事業費分): the eligible cost of the non-labour lines × the rate, rounded
   DOWN to the rule's unit (1円, 100円, 1,000円). This is the only rounding: caps and
   budget are whole yen set by the city and apply as they are, as in 交付要綱 wording
   「補助対象経費に補助率を乗じて得た額（端数切捨て）と限度額とのいずれか少ない額」.
   For a 均等割 + 地域割 rule the project part is capped at flat + unit × population.
4. Labour part (事務局人件費), only when the rule has ``labour_eligible``: lines in
   ``labour_categories`` are paid at actual cost (10/10, not rounded), capped at
   ``labour_cap`` when one is set. Once labour was decided for the council and year in
   another application (``labour_decided`` > 0), what is left of the registered cost
   (``labour_registered`` − ``labour_decided``, at least 0) caps it too, with a line
   saying why. Until then the registered cost is no cap: a claim that differs from it is
   flagged for staff, not cut. Without ``labour_eligible`` those lines are ordinary
   project costs.
5. Per-council caps apply to the whole grant (project + labour): what is left of the
   yearly cap this fiscal year, then what is left of the lifetime cap.
6. The budget left caps the whole grant last. When a cap in steps 5–6 cuts the grant,
   the project part is reduced before the labour part.

The result is a frozen :class:`Grant`: ``amount`` (whole yen) = ``project_amount`` +
``labour_amount``; ``eligible`` and ``reasons`` (:class:`Reason` with a stable ``code``:
stage_not_eligible, max_fiscal_years_reached, lifetime_cap_exhausted,
yearly_cap_exhausted); ``lines``, the Japanese breakdown ending in 「交付額 …円」.

Every result satisfies: 0 ≤ amount ≤ eligible cost, ≤ each cap left, ≤ budget left, and
the amount never decreases when a cost increases (tests/subsidies/test_engine_properties).
``stage`` is a councils.models.Stage value (None: no stage recorded on the day).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.core.exceptions import ValidationError

from core.calendar import fiscal_year_label, wareki_date
from core.money import yen_amount
from councils.models import Stage


@dataclass(frozen=True)
class ExpenseLine:
    """One expense: a category code (ExpenseCategory.code) and whole yen.

    ``category_name`` is only used to word an error about a category the rule does not
    know (the rule has the names of the categories it allows).
    """

    category: str
    amount: int
    description: str = ""
    category_name: str = ""


@dataclass(frozen=True)
class RuleTerms:
    """The terms of one rule version, as plain values.

    ``eligible_categories`` and ``labour_categories`` hold ExpenseCategory codes;
    ``category_names`` maps codes to Japanese names for the breakdown.
    """

    rate: Fraction
    eligible_stages: frozenset[str]
    eligible_categories: frozenset[str]
    rounding_unit: int = 1
    yearly_cap: int | None = None
    lifetime_cap: int | None = None
    max_fiscal_years: int | None = None
    flat_amount: int | None = None
    per_capita_unit: int | None = None
    labour_eligible: bool = False
    labour_cap: int | None = None
    labour_categories: frozenset[str] = frozenset()
    category_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    label: str = ""

    def __post_init__(self):
        errors = {}
        if not isinstance(self.rate, Fraction | int) or isinstance(self.rate, bool):
            errors["rate"] = _error("補助率は分数で指定してください。", "rate_not_fraction")
        elif not 0 <= self.rate <= 1:
            errors["rate"] = _error(
                "補助率は0以上1以下にしてください。", "rate_out_of_range", rate=str(self.rate)
            )
        for name in ("yearly_cap", "lifetime_cap", "flat_amount", "per_capita_unit", "labour_cap"):
            value = getattr(self, name)
            if value is not None and (problem := _amount_problem(value)):
                errors[name] = problem
        if not _is_int(self.rounding_unit) or self.rounding_unit < 1:
            errors["rounding_unit"] = _error(
                "端数処理の単位は1円以上の整数にしてください。", "invalid_rounding_unit"
            )
        if self.max_fiscal_years is not None and (
            not _is_int(self.max_fiscal_years) or self.max_fiscal_years < 1
        ):
            errors["max_fiscal_years"] = _error(
                "交付年度数の上限は1以上にしてください。", "invalid_max_fiscal_years"
            )
        if not self.eligible_stages:
            errors["eligible_stages"] = _error(
                "対象とする段階を1つ以上選んでください。", "no_eligible_stage"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def has_formula(self) -> bool:
        """True for a 均等割 + 地域割 rule (either part set)."""
        return self.flat_amount is not None or self.per_capita_unit is not None

    def formula_parts(self, population: int) -> tuple[int, int]:
        """(均等割, 地域割) for a council of ``population`` people."""
        return (self.flat_amount or 0, (self.per_capita_unit or 0) * population)


@dataclass(frozen=True)
class Reason:
    """Why a council is not eligible: a stable code and a Japanese sentence."""

    code: str
    message: str


@dataclass(frozen=True)
class Grant:
    """The result of :func:`calculate`. ``lines`` is the breakdown, one step per line."""

    amount: int
    eligible: bool
    reasons: tuple[Reason, ...]
    lines: tuple[str, ...]
    eligible_cost: int = 0
    labour_cost: int = 0
    rate_result: int = 0
    project_amount: int = 0
    labour_amount: int = 0
    ceiling: int | None = None

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


@dataclass(frozen=True)
class Ceiling:
    """The most a council can receive in a fiscal year, whatever its costs.

    ``amount`` excludes labour paid at uncapped actual cost (``labour_at_cost`` is then
    True) and is None when nothing limits the grant (no formula and no cap). When the
    registered labour cost is given, ``labour_amount`` is the part of it the rule pays
    (after the labour cap and the per-council caps, which cut the project part first) and
    ``amount`` includes it; ``labour_at_cost`` is then False.
    """

    eligible: bool
    reasons: tuple[Reason, ...]
    flat_amount: int | None
    regional_amount: int | None
    formula_ceiling: int | None
    yearly_left: int | None
    lifetime_left: int | None
    labour_cap: int | None
    labour_at_cost: bool
    amount: int | None
    labour_amount: int | None = None


def calculate(
    rule: RuleTerms,
    *,
    stage: str | None,
    fiscal_year: int,
    expenses: Sequence[ExpenseLine],
    population: int | None = None,
    population_as_of: date | None = None,
    previous_grants: Sequence[tuple[int, int]] = (),
    budget_left: int | None = None,
    labour_registered: int | None = None,
    labour_decided: int = 0,
) -> Grant:
    """The grant for one council, one programme rule and one fiscal year, in whole yen.

    See the module docstring for the steps. Raises ValidationError keyed by the
    offending parameter (``expenses``, ``population``, ``previous_grants``,
    ``budget_left``, ``fiscal_year``, ``labour_registered``, ``labour_decided``) when an
    input is malformed.
    """
    _check_common(rule, fiscal_year, population, previous_grants)
    _check_expenses(rule, expenses)
    _check_labour(labour_registered=labour_registered, labour_decided=labour_decided)
    if budget_left is not None and not _is_int(budget_left):
        raise ValidationError(
            {"budget_left": _error("予算残額は円単位の整数にしてください。", "non_integer_amount")}
        )

    lines: list[str] = []
    if rule.label:
        lines.append(f"適用する規則: {rule.label}")
    reasons, this_year, lifetime_used = _eligibility(rule, stage, fiscal_year, previous_grants)
    lines.extend(_eligibility_lines(rule, stage, fiscal_year, previous_grants))

    labour_lines, project_lines = [], []
    for line in expenses:
        is_labour = rule.labour_eligible and line.category in rule.labour_categories
        (labour_lines if is_labour else project_lines).append(line)
    eligible_cost = sum(e.amount for e in project_lines)
    labour_cost = sum(e.amount for e in labour_lines)

    if reasons:
        lines.extend(f"対象外: {reason.message}" for reason in reasons)
        lines.append("交付額 0円（対象外）")
        return Grant(
            amount=0,
            eligible=False,
            reasons=tuple(reasons),
            lines=tuple(lines),
            eligible_cost=eligible_cost,
            labour_cost=labour_cost,
        )

    # Step 3: project part, the only rounding.
    lines.append(f"補助対象経費 {yen_amount(eligible_cost)}{_by_category(rule, project_lines)}")
    exact = Fraction(eligible_cost) * Fraction(rule.rate)
    whole = exact.numerator // exact.denominator
    note = "（1円未満切捨て）" if exact.denominator != 1 else ""
    lines.append(
        f"対象経費 {yen_amount(eligible_cost)} × {rate_label(rule.rate)} = {yen_amount(whole)}{note}"
    )
    rate_result = whole // rule.rounding_unit * rule.rounding_unit
    if rule.rounding_unit > 1:
        lines.append(f"{unit_label(rule.rounding_unit)} {yen_amount(rate_result)}")
    project = rate_result

    ceiling = None
    if rule.has_formula:
        flat, regional = rule.formula_parts(population or 0)
        ceiling = flat + regional
        project, applied = _cap(project, ceiling)
        lines.append(
            f"限度額（均等割＋地域割） {_formula_text(rule, population or 0, population_as_of)}"
            f" = {yen_amount(ceiling)}{applied}"
        )

    # Step 4: labour at actual cost.
    labour = 0
    if rule.labour_eligible:
        labour = labour_cost
        lines.append(
            f"事務局人件費（実費） {yen_amount(labour_cost)}{_by_category(rule, labour_lines)}"
        )
        if rule.labour_cap is not None:
            labour, applied = _cap(labour, rule.labour_cap)
            lines.append(f"人件費上限 {yen_amount(rule.labour_cap)}{applied}")
        if labour_decided and labour_registered is not None:
            left = max(labour_registered - labour_decided, 0)
            labour, applied = _cap(labour, left)
            lines.append(
                f"人件費の残り {yen_amount(left)}（職員配置の登録額 {yen_amount(labour_registered)}、"
                f"{fiscal_year_label(fiscal_year)}に他の申請で {yen_amount(labour_decided)}交付決定済）"
                f"{applied}"
            )
            if left == 0 and labour_cost:
                lines.append(
                    "事務局人件費は地域協働体ごとに年度1回の交付です。"
                    f"{fiscal_year_label(fiscal_year)}の登録額は他の申請で交付決定済みのため、"
                    "この申請の人件費分は0円です。"
                )
        lines.append(
            f"事業費分 {yen_amount(project)} ＋ 人件費分 {yen_amount(labour)} = {yen_amount(project + labour)}"
        )

    # Steps 5–6: caps on the whole grant, then the budget.
    total = project + labour
    if rule.yearly_cap is not None:
        used = f"{fiscal_year_label(fiscal_year)} {yen_amount(this_year)}"
        total = _cap_on_what_is_left(total, "年度上限", rule.yearly_cap, this_year, used, lines)
    if rule.lifetime_cap is not None:
        used = _grants_text(previous_grants)
        total = _cap_on_what_is_left(
            total, "通算上限", rule.lifetime_cap, lifetime_used, used, lines
        )
    if budget_left is not None:
        left = max(budget_left, 0)
        total, applied = _cap(total, left)
        lines.append(f"予算残額 {yen_amount(left)}{applied}")

    cut = project + labour - total
    project_amount = max(project - cut, 0)
    labour_amount = total - project_amount
    lines.append(f"交付額 {yen_amount(total)}")
    return Grant(
        amount=total,
        eligible=True,
        reasons=(),
        lines=tuple(lines),
        eligible_cost=eligible_cost,
        labour_cost=labour_cost,
        rate_result=rate_result,
        project_amount=project_amount,
        labour_amount=labour_amount,
        ceiling=ceiling,
    )


def council_ceiling(
    rule: RuleTerms,
    *,
    stage: str | None,
    fiscal_year: int,
    population: int | None = None,
    previous_grants: Sequence[tuple[int, int]] = (),
    labour_cost: int | None = None,
    labour_decided: int = 0,
) -> Ceiling:
    """The most ``calculate`` could grant this council this year (for 試算 screens).

    ``labour_cost`` is the council's registered secretariat labour cost (事務局人件費);
    when given and the rule pays labour, the ceiling counts what is left of it after
    ``labour_decided`` (labour already decided for the council and year in other
    applications), up to ``labour_cap``, instead of leaving labour out or counting the
    whole cap. Raises ValidationError like :func:`calculate` for malformed inputs (code
    ``negative_amount`` / ``non_integer_amount`` for ``labour_cost``, ``labour_decided``).
    """
    _check_common(rule, fiscal_year, population, previous_grants)
    if labour_cost is not None and (problem := _amount_problem(labour_cost)):
        raise ValidationError({"labour_cost": problem})
    _check_labour(labour_decided=labour_decided)
    return _CeilingRule(rule, fiscal_year).ceiling(
        stage, population, previous_grants, labour_cost, labour_decided
    )


def council_ceilings(
    rule: RuleTerms,
    *,
    fiscal_year: int,
    councils: Iterable[tuple[str | None, int | None, Sequence[tuple[int, int]], int | None, int]],
) -> list[Ceiling]:
    """:func:`council_ceiling` for many councils of one rule and year, in their order.

    ``councils`` holds ``(stage, population, previous_grants, labour_cost,
    labour_decided)`` tuples. The results are those of :func:`council_ceiling`, which
    also raises for the first malformed council; what depends only on the rule and the
    year is worked out once (the 試算 of 7,200 councils).
    """
    calculator = _CeilingRule(rule, fiscal_year)
    ceiling = calculator.ceiling
    year_ok = _is_int(fiscal_year)
    population_required = rule.per_capita_unit is not None
    results = []
    for stage, population, grants, labour_cost, labour_decided in councils:
        if (
            year_ok
            and not grants
            and (type(population) is int if population is not None else not population_required)
            and (population is None or population >= 0)
            and (labour_cost is None or (type(labour_cost) is int and labour_cost >= 0))
            and type(labour_decided) is int
            and labour_decided >= 0
        ):
            results.append(ceiling(stage, population, grants, labour_cost, labour_decided))
        else:
            # Previous grants to check, or an input to refuse with council_ceiling's error.
            results.append(
                council_ceiling(
                    rule,
                    stage=stage,
                    fiscal_year=fiscal_year,
                    population=population,
                    previous_grants=grants,
                    labour_cost=labour_cost,
                    labour_decided=labour_decided,
                )
            )
    return results


class _CeilingRule:
    """The council-independent part of :func:`council_ceiling` for one rule and year;
    ``ceiling`` takes checked inputs."""

    def __init__(self, rule: RuleTerms, fiscal_year: int):
        self.rule = rule
        self.fiscal_year = fiscal_year
        self.has_formula = rule.has_formula
        self.flat = rule.flat_amount or 0
        self.unit = rule.per_capita_unit or 0
        self.rate_zero = rule.rate == 0
        self.labour_eligible = rule.labour_eligible
        self.labour_cap = rule.labour_cap if rule.labour_eligible else None
        self.labour_at_cost = rule.labour_eligible and rule.labour_cap is None
        # Eligibility of a council with no previous grant depends on its stage only.
        self.no_grant_eligibility: dict[str | None, tuple] = {}

    def ceiling(self, stage, population, previous_grants, labour_cost, labour_decided) -> Ceiling:
        rule = self.rule
        if previous_grants:
            reasons, this_year, lifetime_used = _eligibility(
                rule, stage, self.fiscal_year, previous_grants
            )
            reasons = tuple(reasons)
        else:
            known = self.no_grant_eligibility.get(stage)
            if known is None:
                reasons, this_year, lifetime_used = _eligibility(rule, stage, self.fiscal_year, ())
                known = self.no_grant_eligibility[stage] = (
                    tuple(reasons),
                    this_year,
                    lifetime_used,
                )
            reasons, this_year, lifetime_used = known
        flat = regional = formula = None
        if self.has_formula:
            flat = self.flat
            regional = self.unit * (population or 0)
            formula = flat + regional
        yearly_left = None if rule.yearly_cap is None else max(rule.yearly_cap - this_year, 0)
        lifetime_left = (
            None if rule.lifetime_cap is None else max(rule.lifetime_cap - lifetime_used, 0)
        )
        labour_at_cost = self.labour_at_cost
        labour_cap = self.labour_cap
        labour_amount = None
        if self.labour_eligible and labour_cost is not None:
            labour_amount = max(labour_cost - labour_decided, 0)
            if labour_cap is not None:
                labour_amount = min(labour_amount, labour_cap)
            labour_at_cost = False

        # None stands for "no limit" while taking the minimum.
        project_max = 0 if self.rate_zero else formula
        labour_max = labour_amount if labour_amount is not None else (labour_cap or 0)
        total = None if project_max is None else project_max + labour_max
        for cap in (yearly_left, lifetime_left):
            if cap is not None:
                total = cap if total is None else min(total, cap)
        if reasons:
            total = 0
        if labour_amount is not None and total is not None:
            # As in calculate(): a per-council cap cuts the project part before the labour.
            labour_amount = min(labour_amount, total)
        return Ceiling(
            eligible=not reasons,
            reasons=reasons,
            flat_amount=flat,
            regional_amount=regional,
            formula_ceiling=formula,
            yearly_left=yearly_left,
            lifetime_left=lifetime_left,
            labour_cap=labour_cap,
            labour_at_cost=labour_at_cost,
            amount=total,
            labour_amount=labour_amount,
        )


# Checks -----------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _error(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _amount_problem(value, line: int | None = None) -> ValidationError | None:
    where = f"（{line}行目）" if line else ""
    if not _is_int(value):
        return _error(
            f"金額は円単位の整数で入力してください{where}。", "non_integer_amount", line=line
        )
    if value < 0:
        return _error(f"金額は0円以上で入力してください{where}。", "negative_amount", line=line)
    return None


def _check_common(rule, fiscal_year, population, previous_grants) -> None:
    errors = {}
    if not _is_int(fiscal_year):
        errors["fiscal_year"] = _error("年度は西暦の整数で指定してください。", "invalid_year")
    if population is not None and (not _is_int(population) or population < 0):
        errors["population"] = _error("人口は0以上の整数で指定してください。", "invalid_population")
    elif population is None and rule.per_capita_unit is not None:
        errors["population"] = _error("地域割の計算に人口が必要です。", "population_required")
    for index, pair in enumerate(previous_grants, start=1):
        try:
            year, amount = pair
        except (TypeError, ValueError):
            year, amount = None, None
        if not _is_int(year) or not _is_int(amount) or amount < 0:
            errors["previous_grants"] = _error(
                "交付済みの額（%(line)s件目）は年度と0円以上の整数の組にしてください。",
                "invalid_previous_grant",
                line=index,
            )
            break
    if errors:
        raise ValidationError(errors)


def _check_labour(**amounts) -> None:
    errors = {
        name: problem
        for name, value in amounts.items()
        if value is not None and (problem := _amount_problem(value))
    }
    if errors:
        raise ValidationError(errors)


def _check_expenses(rule: RuleTerms, expenses: Sequence[ExpenseLine]) -> None:
    problems = []
    for index, line in enumerate(expenses, start=1):
        problem = _amount_problem(line.amount, index)
        if problem is None and line.category not in rule.eligible_categories:
            problem = _error(
                "経費区分「%(category)s」はこの補助制度の対象外です（%(line)s行目）。",
                "category_not_allowed",
                category=line.category_name
                or rule.category_names.get(line.category, line.category),
                line=index,
            )
        if problem is not None:
            problems.append(problem)
    if problems:
        raise ValidationError({"expenses": problems})


def _eligibility(rule, stage, fiscal_year, previous_grants):
    """(reasons, granted this fiscal year, granted in all years)."""
    reasons = []
    if stage not in rule.eligible_stages:
        reasons.append(
            Reason(
                "stage_not_eligible",
                f"段階が「{stage_label(stage)}」のため対象外です"
                f"（対象: {_stages_text(rule.eligible_stages)}）。",
            )
        )
    other_years = {year for year, amount in previous_grants if amount > 0 and year != fiscal_year}
    if rule.max_fiscal_years is not None and len(other_years) >= rule.max_fiscal_years:
        reasons.append(
            Reason(
                "max_fiscal_years_reached",
                f"交付を受けられるのは{rule.max_fiscal_years}箇年度までで、既に"
                f"{'、'.join(fiscal_year_label(y) for y in sorted(other_years))}に交付済みです。",
            )
        )
    this_year = sum(amount for year, amount in previous_grants if year == fiscal_year)
    lifetime_used = sum(amount for _year, amount in previous_grants)
    if rule.lifetime_cap is not None and lifetime_used >= rule.lifetime_cap:
        reasons.append(
            Reason(
                "lifetime_cap_exhausted",
                f"通算上限 {yen_amount(rule.lifetime_cap)}を既に使い切っています"
                f"（{_grants_text(previous_grants)}交付済）。",
            )
        )
    if rule.yearly_cap is not None and this_year >= rule.yearly_cap:
        reasons.append(
            Reason(
                "yearly_cap_exhausted",
                f"{fiscal_year_label(fiscal_year)}の年度上限 {yen_amount(rule.yearly_cap)}を"
                "既に使い切っています。",
            )
        )
    return reasons, this_year, lifetime_used


def _eligibility_lines(rule, stage, fiscal_year, previous_grants) -> list[str]:
    lines = [f"段階: {stage_label(stage)}（対象: {_stages_text(rule.eligible_stages)}）"]
    if rule.max_fiscal_years is not None:
        years = sorted({y for y, a in previous_grants if a > 0 and y != fiscal_year})
        used = "、".join(fiscal_year_label(y) for y in years) or "なし"
        lines.append(
            f"交付年度数: これまで{len(years)}箇年度（{used}）、上限{rule.max_fiscal_years}箇年度"
        )
    return lines


# Wording ----------------------------------------------------------------------------


def rate_label(rate) -> str:
    """A rate as officials write it: 1 → 10/10, 2/3 → 2/3."""
    rate = Fraction(rate)
    if rate == 1:
        return "10/10"
    return f"{rate.numerator}/{rate.denominator}"


def unit_label(unit: int) -> str:
    """1000 → 千円未満切捨て."""
    names = {1000: "千円", 10000: "1万円"}
    return f"{names.get(unit, yen_amount(unit))}未満切捨て"


def _cap(value: int, cap: int) -> tuple[int, str]:
    if value > cap:
        return cap, "（適用）"
    return value, "（範囲内）"


def _cap_on_what_is_left(total: int, name: str, cap: int, used: int, used_text: str, lines) -> int:
    """``total`` capped at what ``cap`` leaves after ``used``; the line says which applied."""
    left = max(cap - used, 0)
    total, applied = _cap(total, left)
    if used:
        lines.append(
            f"{name}の残り {yen_amount(left)}（{name} {yen_amount(cap)}、{used_text}交付済）{applied}"
        )
    else:
        lines.append(f"{name} {yen_amount(cap)}{applied}")
    return total


def stage_label(stage) -> str:
    """A council stage in Japanese; None (no record that day) is 記録なし."""
    if stage is None:
        return "記録なし"
    try:
        return Stage(stage).label
    except ValueError:
        return str(stage)


def _stages_text(stages) -> str:
    order = [s for s in Stage.values if s in stages] + sorted(set(stages) - set(Stage.values))
    return "、".join(stage_label(s) for s in order)


def _by_category(rule: RuleTerms, lines: Sequence[ExpenseLine]) -> str:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.category] = totals.get(line.category, 0) + line.amount
    if not totals:
        return ""
    parts = [f"{rule.category_names.get(c, c)} {yen_amount(a)}" for c, a in totals.items()]
    return f"（{'、'.join(parts)}）"


def _grants_text(previous_grants) -> str:
    by_year: dict[int, int] = {}
    for year, amount in previous_grants:
        if amount:
            by_year[year] = by_year.get(year, 0) + amount
    return "、".join(f"{fiscal_year_label(y)} {yen_amount(a)}" for y, a in sorted(by_year.items()))


def _formula_text(rule: RuleTerms, population: int, as_of: date | None) -> str:
    flat, _regional = rule.formula_parts(population)
    when = f"（{wareki_date(as_of)}現在）" if as_of else ""
    return f"均等割 {yen_amount(flat)} ＋ 地域割 {yen_amount(rule.per_capita_unit or 0)} × {population:,}人{when}"
