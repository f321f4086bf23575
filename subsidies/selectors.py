"""Queries that feed the engine: rules for a year, budgets, councils' stages and populations."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.calendar import fiscal_year, fiscal_year_end, fiscal_year_label, fiscal_year_start
from core.money import yen_amount
from councils.models import Council
from councils.selectors import (
    city_populations_on,
    council_populations_on,
    council_stage_on,
    councils_with_stage_on,
)
from staffing.selectors import secretariat_labour_cost, secretariat_labour_costs

from . import engine
from .models import (
    GRANTED_STATUSES,
    REPORT_OWED_STATUSES,
    Application,
    ApplicationAction,
    ApplicationEvent,
    ApplicationLine,
    Budget,
    ExpenseCategory,
    LineKind,
    ProgrammeRule,
    Status,
    SubsidyProgramme,
)


def rule_for(programme: SubsidyProgramme, fiscal_year: int) -> ProgrammeRule:
    """The rule version in force in ``fiscal_year`` (two queries, categories prefetched),
    annotated with ``year_budget``, the programme's budget for that year (None when none).

    Raises ValidationError (code ``no_rule_for_year``, field ``fiscal_year``) when the
    programme has no version starting on or before that year.
    """
    budget = Budget.objects.filter(programme=OuterRef("programme"), fiscal_year=fiscal_year)
    rule = (
        ProgrammeRule.objects.filter(programme=programme, valid_from_fiscal_year__lte=fiscal_year)
        # The year's budget comes with the rule: the 試算 page needs both (one query less).
        .annotate(year_budget=Subquery(budget.values("amount")[:1]))
        .select_related("programme")
        .prefetch_related("eligible_categories")
        .order_by("-valid_from_fiscal_year")
        .first()
    )
    if rule is None:
        raise ValidationError(
            {
                "fiscal_year": ValidationError(
                    "%(programme)s には%(year)sに適用される規則がありません。",
                    code="no_rule_for_year",
                    params={"programme": programme, "year": fiscal_year_label(fiscal_year)},
                )
            }
        )
    return rule


def budget_for(programme: SubsidyProgramme, fiscal_year: int) -> int | None:
    """The programme's budget for the year in yen, or None when none is registered."""
    return (
        Budget.objects.filter(programme=programme, fiscal_year=fiscal_year)
        .values_list("amount", flat=True)
        .first()
    )


def stage_date_for(fiscal_year: int, today: date | None = None) -> date:
    """The day whose stage decides eligibility: today, kept inside the fiscal year.

    A 試算 made before the year starts uses its first day, one made after it ended uses
    its last day, so past years show the councils that were eligible then.
    """
    today = today or timezone.localdate()
    return min(max(today, fiscal_year_start(fiscal_year)), fiscal_year_end(fiscal_year))


def grant_for(
    *,
    council: Council,
    programme: SubsidyProgramme,
    fiscal_year: int,
    expenses: Sequence[engine.ExpenseLine],
    previous_grants: Sequence[tuple[int, int]] = (),
    budget_left: int | None = None,
    stage_on: date | None = None,
    exclude: int | None = None,
) -> engine.Grant:
    """The grant for one council from the database's rule, stage and population.

    ``budget_left`` defaults to the whole budget registered for the year (no limit when
    none is); callers that know what was already decided pass what is left.
    ``stage_on`` defaults to :func:`stage_date_for` the year. When the rule pays labour,
    the registered 事務局人件費 and the labour already decided in other applications
    (:func:`labour_decided`; ``exclude`` is the application being calculated) go to the
    engine. A fixed number of queries. Raises ValidationError from :func:`rule_for` and
    :func:`engine.calculate`.
    """
    rule = rule_for(programme, fiscal_year)
    day = stage_on or stage_date_for(fiscal_year)
    stage = council_stage_on(council, day)
    population = None
    population_as_of = None
    if rule.has_formula:
        population_as_of = rule.population_date(fiscal_year)
        population = council_populations_on([council.pk], population_as_of)[council.pk]
    if budget_left is None:
        budget_left = budget_for(programme, fiscal_year)
    labour_registered, decided = None, 0
    if rule.labour_eligible:
        labour_registered = secretariat_labour_cost(council, fiscal_year)
        decided = labour_decided(fiscal_year, [council.pk], exclude=exclude)[council.pk]
    return engine.calculate(
        rule.terms(),
        stage=stage,
        fiscal_year=fiscal_year,
        expenses=expenses,
        population=population,
        population_as_of=population_as_of,
        previous_grants=previous_grants,
        budget_left=budget_left,
        labour_registered=labour_registered,
        labour_decided=decided,
    )


@dataclass(frozen=True)
class AllocationRow:
    council_id: int
    council_name: str
    stage: str | None
    population: int | None
    ceiling: engine.Ceiling
    # 事務局人件費 registered in staffing for the year; None when the rule pays no labour.
    labour_registered: int | None = None

    @property
    def stage_label(self) -> str:
        return engine.stage_label(self.stage)

    @property
    def counted(self) -> int:
        """What this row adds to the total: the ceiling, or only the labour when the
        project part has no limit (上限なし counts as 0)."""
        if self.ceiling.amount is not None:
            return self.ceiling.amount
        return self.ceiling.labour_amount or 0


@dataclass(frozen=True)
class Allocation:
    """試算: every council's ceiling for one programme and fiscal year, against the budget."""

    programme: SubsidyProgramme
    fiscal_year: int
    rule: ProgrammeRule
    budget: int | None
    stage_date: date
    population_date: date | None
    rows: tuple[AllocationRow, ...]
    excluded: tuple[AllocationRow, ...]

    @property
    def total(self) -> int:
        """Sum of the ceilings, registered labour included when the rule pays labour;
        councils with no ceiling (上限なし) count as 0 apart from that labour."""
        return sum(row.counted for row in self.rows)

    @property
    def total_labour_registered(self) -> int:
        return sum(row.labour_registered or 0 for row in self.rows)

    @property
    def total_labour_counted(self) -> int:
        """The part of ``total`` that is registered labour (after the labour cap)."""
        return sum(row.ceiling.labour_amount or 0 for row in self.rows)

    @property
    def total_flat(self) -> int:
        return sum(row.ceiling.flat_amount or 0 for row in self.rows)

    @property
    def total_regional(self) -> int:
        return sum(row.ceiling.regional_amount or 0 for row in self.rows)

    @property
    def total_population(self) -> int:
        return sum(row.population or 0 for row in self.rows)

    @property
    def remainder(self) -> int | None:
        return None if self.budget is None else self.budget - self.total

    @property
    def over_budget(self) -> bool:
        return self.remainder is not None and self.remainder < 0

    @property
    def has_unlimited(self) -> bool:
        return any(row.ceiling.amount is None for row in self.rows)

    @property
    def labour_included(self) -> bool:
        """The registered secretariat labour cost is counted in the ceilings and total."""
        return self.rule.labour_eligible


def allocation_for(
    programme: SubsidyProgramme,
    fiscal_year: int,
    *,
    previous_grants: Mapping[int, Sequence[tuple[int, int]]] | None = None,
    decided_labour: Mapping[int, int] | None = None,
    stage_on: date | None = None,
) -> Allocation:
    """Every council's ceiling for the year, eligible ones first: four queries in all (the
    rule with the year's budget, its categories, the councils with their stage, their
    population), six when the rule pays labour (the registered 事務局人件費 of every
    council at once, and the labour already decided this year, which counts against it).

    ``previous_grants`` maps council ids to their ``(fiscal_year, amount)`` grants from
    this programme (none known yet when omitted); ``decided_labour`` is
    :func:`labour_decided` for the year when the caller has it already
    (:func:`grants_and_labour_decided`). Raises ValidationError from :func:`rule_for`.
    """
    rule = rule_for(programme, fiscal_year)
    terms = rule.terms()
    budget = rule.year_budget
    day = stage_on or stage_date_for(fiscal_year)
    population_date = rule.population_date(fiscal_year) if rule.has_formula else None
    # Plain tuples: building 2,000 model instances took a third of the time; the population
    # read set-wise, not as a subquery per council (half the time at 7,200 councils).
    councils = list(councils_with_stage_on(day).values_list("pk", "name", "stage_then"))
    populations = {}
    if population_date:
        found = city_populations_on(programme.municipality_id, population_date)
        populations = {pk: found.get(pk, 0) for pk, _name, _stage in councils}
    labour, decided = {}, {}
    if rule.labour_eligible:
        # Every council of the city: no list of 7,200 ids to send and parse.
        registered = secretariat_labour_costs(None, fiscal_year)
        labour = {pk: registered.get(pk, 0) for pk, _name, _stage in councils}
        decided = labour_decided(fiscal_year) if decided_labour is None else decided_labour
    previous_grants = previous_grants or {}
    pays_labour = rule.labour_eligible
    populations_get, grants_get = populations.get, previous_grants.get
    labour_get, decided_get = labour.get, decided.get
    # Per council only what differs: the engine works out the rule's part once.
    ceilings = engine.council_ceilings(
        terms,
        fiscal_year=fiscal_year,
        councils=[
            (
                stage,
                populations_get(pk) if population_date else None,
                grants_get(pk, ()),
                labour_get(pk) if pays_labour else None,
                decided_get(pk, 0),
            )
            for pk, _name, stage in councils
        ],
    )
    rows, excluded = [], []
    for (pk, name, stage), ceiling in zip(councils, ceilings, strict=True):
        population = populations_get(pk) if population_date else None
        row = AllocationRow(pk, name, stage, population, ceiling, labour_get(pk))
        (rows if ceiling.eligible else excluded).append(row)
    return Allocation(
        programme=programme,
        fiscal_year=fiscal_year,
        rule=rule,
        budget=budget,
        stage_date=day,
        population_date=population_date,
        rows=tuple(rows),
        excluded=tuple(excluded),
    )


def programmes_with_years():
    """Programmes annotated with ``first_rule_year`` and ``last_budget_year``, what
    :func:`programme_years` needs, so that the 試算 page reads them with the programme."""
    rules = ProgrammeRule.objects.filter(programme=OuterRef("pk")).order_by(
        "valid_from_fiscal_year"
    )
    budgets = Budget.objects.filter(programme=OuterRef("pk")).order_by("-fiscal_year")
    return SubsidyProgramme.objects.annotate(
        first_rule_year=Subquery(rules.values("valid_from_fiscal_year")[:1]),
        last_budget_year=Subquery(budgets.values("fiscal_year")[:1]),
    )


def programme_years(programme: SubsidyProgramme) -> list[int]:
    """Fiscal years worth offering in a 試算 year picker: from the first rule to next year,
    or to the last budget when later. One query, none for a programme from
    :func:`programmes_with_years`."""
    if not hasattr(programme, "first_rule_year"):
        programme = programmes_with_years().get(pk=programme.pk)
    first, last_budget = programme.first_rule_year, programme.last_budget_year
    if first is None:
        return []
    last = max(fiscal_year(timezone.localdate()) + 1, last_budget or 0)
    return list(range(last, first - 1, -1))


# What was granted: history for the engine, the budget, the public and the ledger -------

# The amount an application commits once decided: the confirmed amount when known.
_granted = Coalesce(F("confirmed_amount"), F("decided_amount"), 0)


def decided_grants(
    programme: SubsidyProgramme,
    council_ids: Sequence[int] | None = None,
    *,
    exclude: int | None = None,
) -> dict[int, list[tuple[int, int]]]:
    """Each council's grants from ``programme``: ``{council_id: [(fiscal_year, amount)]}``.

    Decided applications in every year count with their confirmed amount once confirmed,
    else their decided amount; ``exclude`` leaves out one application (the one being
    calculated). All councils when ``council_ids`` is None. One query.
    """
    queryset = Application.objects.filter(programme=programme, status__in=GRANTED_STATUSES)
    if council_ids is not None:
        queryset = queryset.filter(council_id__in=list(council_ids))
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    grants: dict[int, list[tuple[int, int]]] = {}
    rows = queryset.annotate(granted=_granted).values_list("council_id", "fiscal_year", "granted")
    for council_id, year, amount in rows.order_by("fiscal_year", "pk"):
        grants.setdefault(council_id, []).append((year, amount))
    return grants


def grants_and_labour_decided(
    programme: SubsidyProgramme, fiscal_year: int
) -> tuple[dict[int, list[tuple[int, int]]], dict[int, int]]:
    """:func:`decided_grants` of ``programme`` (every council) and :func:`labour_decided`
    of ``fiscal_year`` (every programme), read in one query: the 試算 page needs both."""
    queryset = (
        _labour_annotated(Application.objects.filter(status__in=GRANTED_STATUSES))
        .filter(Q(programme=programme) | Q(fiscal_year=fiscal_year))
        .order_by("fiscal_year", "pk")
    )
    grants: dict[int, list[tuple[int, int]]] = {}
    decided: dict[int, int] = {}
    for council_id, programme_id, year, granted, pays, labour, cap in queryset.values_list(
        "council_id",
        "programme_id",
        "fiscal_year",
        "granted",
        "pays_labour",
        "labour",
        "labour_cap",
    ):
        if programme_id == programme.pk:
            grants.setdefault(council_id, []).append((year, granted))
        if year == fiscal_year and pays:
            decided[council_id] = decided.get(council_id, 0) + _labour_counted(labour, cap, granted)
    return grants, decided


def granted_in(grants: Mapping[int, Sequence[tuple[int, int]]], fiscal_year: int) -> int:
    """What :func:`granted_total` returns, from :func:`decided_grants` of the programme."""
    return sum(amount for rows in grants.values() for year, amount in rows if year == fiscal_year)


def granted_total(programme: SubsidyProgramme, fiscal_year: int, *, exclude=None) -> int:
    """The sum committed by decided applications of the programme in the year (one query)."""
    queryset = Application.objects.filter(
        programme=programme, fiscal_year=fiscal_year, status__in=GRANTED_STATUSES
    )
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return queryset.aggregate(total=Coalesce(Sum(_granted), 0))["total"]


def budget_left(
    programme: SubsidyProgramme, fiscal_year: int, *, exclude: int | None = None
) -> int | None:
    """The budget minus what decided applications commit; None when no budget is registered.

    May be negative when the budget was lowered after decisions. Two queries.
    """
    budget = budget_for(programme, fiscal_year)
    if budget is None:
        return None
    return budget - granted_total(programme, fiscal_year, exclude=exclude)


def overdue_programme_ids(council_id: int, today: date | None = None) -> set[int]:
    """Programmes in which the council owes a performance report past its due date."""
    today = today or timezone.localdate()
    return set(
        Application.objects.filter(
            council_id=council_id, status__in=REPORT_OWED_STATUSES, report_due_on__lt=today
        ).values_list("programme_id", flat=True)
    )


@dataclass(frozen=True)
class PublicGrant:
    """One grant as citizens may see it (no drafts, no refused or withdrawn claims)."""

    reference: str
    programme_code: str
    programme_name: str
    council_id: int
    council_name: str
    fiscal_year: int
    decided_amount: int
    paid_amount: int
    confirmed_amount: int | None
    decided_on: date | None
    status: str

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)


def public_grants(fiscal_year: int | None = None, *, council_id: int | None = None):
    """Decided and confirmed grants as plain rows for the public pages, in one query.

    ``paid_amount`` is what the city paid net of refunds received. Ordered by fiscal year
    (newest first), programme and council.
    """
    queryset = Application.objects.filter(status__in=GRANTED_STATUSES)
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    if council_id is not None:
        queryset = queryset.filter(council_id=council_id)
    rows = queryset.order_by(
        "-fiscal_year", "programme__sort_order", "programme__code", "council__kana", "pk"
    ).values_list(
        "pk",
        "programme__code",
        "programme__name",
        "council_id",
        "council__name",
        "fiscal_year",
        "decided_amount",
        "paid_amount",
        "refunded_amount",
        "confirmed_amount",
        "decided_on",
        "status",
    )
    return [
        PublicGrant(
            reference=f"{year}-{pk:05d}",
            programme_code=code,
            programme_name=name,
            council_id=council,
            council_name=council_name,
            fiscal_year=year,
            decided_amount=decided or 0,
            paid_amount=paid - refunded,
            confirmed_amount=confirmed,
            decided_on=decided_on,
            status=status,
        )
        for (
            pk,
            code,
            name,
            council,
            council_name,
            year,
            decided,
            paid,
            refunded,
            confirmed,
            decided_on,
            status,
        ) in rows
    ]


def ledger_applications(fiscal_year: int, programme: SubsidyProgramme | None = None):
    """補助金交付台帳: every application of the year except drafts, in one query."""
    queryset = (
        Application.objects.filter(fiscal_year=fiscal_year)
        .exclude(status="draft")
        .select_related("council", "programme")
        .order_by("programme__sort_order", "programme__code", "council__kana", "pk")
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset


def ledger_years() -> list[int]:
    """Fiscal years that have applications, newest first."""
    return list(
        Application.objects.exclude(status="draft")
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def council_applications(council_id: int):
    """A council's applications for its portal, newest first (programme joined)."""
    return (
        Application.objects.filter(council_id=council_id)
        .select_related("programme")
        .order_by("-fiscal_year", "-pk")
    )


# The secretariat labour cost registered in staffing, for expense lines --------------

LABOUR_LINE_DESCRIPTION = "事務局員人件費（職員配置の登録額）"


def labour_decided(
    fiscal_year: int, council_ids: Sequence[int] | None = None, *, exclude: int | None = None
) -> dict[int, int]:
    """事務局人件費 already decided for each council in ``fiscal_year``: ``{council_id: yen}``.

    Labour is paid once per council and fiscal year, whatever the programme. Each decided
    application of a programme whose rule pays labour that year counts its labour lines
    (the plan as decided, or as an approved change left it), at most the rule's labour
    cap and the amount decided (or confirmed): a cut takes the project part first.
    Refused, withdrawn and undecided applications count nothing; ``exclude`` leaves out
    the application being calculated. Every council when ``council_ids`` is None (then
    only councils with labour decided appear), else each given id. One query.
    """
    queryset = _labour_annotated(
        Application.objects.filter(fiscal_year=fiscal_year, status__in=GRANTED_STATUSES)
    ).filter(pays_labour=True)
    decided = {}
    if council_ids is not None:
        decided = dict.fromkeys(council_ids, 0)
        queryset = queryset.filter(council_id__in=list(council_ids))
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    for council_id, labour, cap, granted in queryset.values_list(
        "council_id", "labour", "labour_cap", "granted"
    ):
        decided[council_id] = decided.get(council_id, 0) + _labour_counted(labour, cap, granted)
    return decided


def _labour_annotated(queryset):
    """Applications annotated with what :func:`labour_decided` counts: whether their rule
    that year pays labour, its labour cap, their labour lines and the amount granted."""
    rule_then = ProgrammeRule.objects.filter(
        programme=OuterRef("programme"), valid_from_fiscal_year__lte=OuterRef("fiscal_year")
    ).order_by("-valid_from_fiscal_year")
    labour_lines = (
        ApplicationLine.objects.filter(
            application=OuterRef("pk"), kind=LineKind.PLAN, category__is_labour=True
        )
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        pays_labour=Subquery(rule_then.values("labour_eligible")[:1]),
        labour_cap=Subquery(rule_then.values("labour_cap")[:1]),
        labour=Coalesce(Subquery(labour_lines), 0),
        granted=_granted,
    )


def _labour_counted(labour: int, cap: int | None, granted: int) -> int:
    # A cut takes the project part first: labour counts up to the cap and the grant.
    return min(labour, granted) if cap is None else min(labour, cap, granted)


@dataclass(frozen=True)
class RegisteredLabour:
    """The rule's labour category, the council's registered 事務局人件費 for the year and
    the part of it already decided in other applications."""

    category: ExpenseCategory
    amount: int
    decided: int = 0

    @property
    def left(self) -> int:
        """What other applications have not taken yet: labour is paid once a year."""
        return max(self.amount - self.decided, 0)


def registered_labour(
    council: Council, programme: SubsidyProgramme, fiscal_year: int, *, exclude: int | None = None
) -> RegisteredLabour | None:
    """The registered labour cost when the year's rule pays labour, else None.

    ``decided`` is :func:`labour_decided` for the council (``exclude``: the application
    being looked at). None also when the rule has no labour category among its eligible
    ones or no rule applies that year. Four queries at most.
    """
    try:
        rule = rule_for(programme, fiscal_year)
    except ValidationError:
        return None
    if not rule.labour_eligible:
        return None
    categories = sorted(
        (c for c in rule.eligible_categories.all() if c.is_labour),
        key=lambda c: (c.sort_order, c.code),
    )
    if not categories:
        return None
    decided = labour_decided(fiscal_year, [council.pk], exclude=exclude)[council.pk]
    return RegisteredLabour(
        categories[0], secretariat_labour_cost(council, fiscal_year), decided=decided
    )


@dataclass(frozen=True)
class LabourCheck:
    """The labour lines of an application against what is left of the registered cost."""

    registered: int
    claimed: int
    decided: int = 0
    # False when the application has no labour line: it claims no labour on purpose,
    # which is no mistake to flag.
    has_line: bool = True

    @property
    def left(self) -> int:
        return max(self.registered - self.decided, 0)

    @property
    def differs(self) -> bool:
        return self.has_line and self.left != self.claimed

    @property
    def message(self) -> str:
        if not self.has_line and self.left != self.claimed:
            return "人件費は申請していません"
        if not self.decided:
            return (
                f"登録額 {yen_amount(self.registered)}と異なります"
                if self.differs
                else "登録額と一致"
            )
        if self.differs:
            return f"登録額の残り {yen_amount(self.left)}と異なります"
        return "登録額の残りと一致"


def labour_check(
    council: Council, programme: SubsidyProgramme, fiscal_year: int, lines, *, exclude=None
) -> LabourCheck | None:
    """Compare the labour lines (``is_labour`` categories) with what is left of the
    registered cost once other applications' decided labour is taken off.

    ``lines`` are LineInput-like (``category``, ``amount``); ``exclude`` is the
    application the lines belong to. None when the rule pays no labour, or when nothing
    is registered and nothing claimed; ``differs`` only when a labour line exists.
    """
    labour = registered_labour(council, programme, fiscal_year, exclude=exclude)
    if labour is None:
        return None
    labour_lines = [line.amount for line in lines if line.category.is_labour]
    claimed = sum(labour_lines)
    if labour.amount == 0 and claimed == 0:
        return None
    return LabourCheck(
        registered=labour.amount,
        claimed=claimed,
        decided=labour.decided,
        has_line=bool(labour_lines),
    )


# The staff's work on applications and budgets (the review queue's filters, the admin home) --

# Days ahead in which a performance report counts as due soon.
REPORT_DUE_SOON_DAYS = 14
# The share of a year's budget decided from which it counts as nearly used up (9/10).
BUDGET_NEARLY_USED = (9, 10)

# What waits for staff, by the status the application is in: never a draft.
WAITING_STATUSES = {
    "review": Status.SUBMITTED,
    "change": Status.CHANGE_REQUESTED,
    "report": Status.REPORT_SUBMITTED,
}
WAITING_LABELS = {
    "review": "申請の審査待ち",
    "change": "変更承認申請の審査待ち",
    "report": "実績報告の確認待ち",
}


def report_overdue(today: date) -> Q:
    """Applications whose performance report is owed and past its due date."""
    return Q(status__in=REPORT_OWED_STATUSES, report_due_on__lt=today)


def report_due_soon(today: date) -> Q:
    """Applications whose report is owed within REPORT_DUE_SOON_DAYS days (today included)."""
    return Q(
        status__in=REPORT_OWED_STATUSES,
        report_due_on__gte=today,
        report_due_on__lte=today + timedelta(days=REPORT_DUE_SOON_DAYS),
    )


def applications_waiting(today: date | None = None) -> dict[str, tuple[int, object]]:
    """What waits for staff: {key: (count, the oldest waiting date or datetime)}.

    Keys: those of WAITING_STATUSES (since the application, the latest change request,
    the report), ``due_soon`` and ``overdue`` (since the earliest due date). One query.
    """
    today = today or timezone.localdate()
    change_asked = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), action=ApplicationAction.REQUEST_CHANGE
    ).order_by("-at")
    since = {
        "review": "submitted_at",
        "change": "change_asked_at",
        "report": "report_submitted_on",
        "due_soon": "report_due_on",
        "overdue": "report_due_on",
    }
    conditions = {key: Q(status=status) for key, status in WAITING_STATUSES.items()}
    conditions["due_soon"] = report_due_soon(today)
    conditions["overdue"] = report_overdue(today)
    aggregates = {}
    for key, condition in conditions.items():
        aggregates[f"{key}_count"] = Count("pk", filter=condition)
        aggregates[f"{key}_since"] = Min(since[key], filter=condition)
    row = Application.objects.annotate(
        change_asked_at=Subquery(change_asked.values("at")[:1])
    ).aggregate(**aggregates)
    return {key: (row[f"{key}_count"], row[f"{key}_since"]) for key in conditions}


def budgets_with_granted(queryset):
    """Budgets annotated with ``granted``: what decided applications of the programme commit
    in the budget's year (as :func:`granted_total` counts it)."""
    granted = (
        Application.objects.filter(
            programme=OuterRef("programme"),
            fiscal_year=OuterRef("fiscal_year"),
            status__in=GRANTED_STATUSES,
        )
        .order_by()
        .values("programme")
        .annotate(total=Sum(_granted))
        .values("total")
    )
    return queryset.annotate(granted=Coalesce(Subquery(granted), 0))


def budgets_nearly_used(queryset, today: date | None = None):
    """Budgets of this fiscal year or later of which 9/10 or more is already decided."""
    share, whole = BUDGET_NEARLY_USED
    year = fiscal_year(today or timezone.localdate())
    return (
        budgets_with_granted(queryset.filter(fiscal_year__gte=year))
        .annotate(granted_scaled=F("granted") * whole)
        .filter(granted__gt=0, granted_scaled__gte=F("amount") * share)
    )
