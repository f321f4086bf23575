"""Queries on plans and progress, each a fixed number of queries whatever the plan's size.

Public pages (issue 6) must use only the ``published_*`` selectors at the bottom: they
return published plan versions (in force or superseded) and progress that staff have
accepted and published, nothing else.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from core.calendar import Period

from .models import (
    PUBLIC_PLAN_STATUSES,
    Indicator,
    IndicatorValue,
    ItemSchedule,
    Plan,
    PlanItem,
    PlanStatus,
    Policy,
    ProgressEntry,
    ProgressStatus,
    ProgressTransition,
    ReviewState,
    RoleAllocation,
    ValueKind,
)
from .rollup import RollupTable, rollup_counts

NO_POLICY_LABEL = "（方針未設定）"


def _period_sort_key(fiscal_year: int, half: int | None) -> tuple:
    # Latest first by end date; a year-long entry outranks the second half ending with it.
    period = Period(fiscal_year, half)
    return (period.end, half is None)


def rollup(
    plan: Plan,
    period: Period | None = None,
    *,
    published_only: bool = False,
    include_unreviewed: bool = False,
) -> RollupTable:
    """The roll-up table of ``plan``: per policy, items by status with shares, and a total.

    With ``period`` an item counts with its entry for exactly that period. Without, with
    its latest assessed entry (a mid-year 「-」 does not hide last year's 達成済), or its
    latest entry when it has never been assessed. Only accepted entries count
    (``published_only``: accepted and published; ``include_unreviewed``: any entry, for
    the owner's preview). Items with no counted entry go to the 未入力 column. Four queries.
    """
    policies = list(Policy.objects.filter(plan=plan).values_list("pk", "number", "title"))
    items = list(PlanItem.objects.filter(plan=plan).values_list("pk", "policy_id"))
    statuses = list(
        ProgressStatus.objects.filter(vocabulary_id=plan.vocabulary_id).values_list(
            "pk", "label", "is_assessed"
        )
    )
    assessed = {pk for pk, _label, is_assessed in statuses if is_assessed}
    entries = ProgressEntry.objects.filter(item__plan=plan, status__isnull=False)
    if published_only:
        entries = entries.filter(state=ReviewState.ACCEPTED, published_at__isnull=False)
    elif not include_unreviewed:
        entries = entries.filter(state=ReviewState.ACCEPTED)
    if period is not None:
        entries = entries.filter(fiscal_year=period.fiscal_year, half=period.half)
    latest: dict[int, tuple] = {}
    for item_id, year, half, status_id in entries.values_list(
        "item_id", "fiscal_year", "half", "status_id"
    ):
        key = (status_id in assessed, *_period_sort_key(year, half))
        if item_id not in latest or key > latest[item_id][0]:
            latest[item_id] = (key, status_id)

    by_policy: dict[int | None, list] = defaultdict(list)
    for item_id, policy_id in items:
        by_policy[policy_id].append(latest.get(item_id, (None, None))[1])
    groups = [
        (f"{number} {title}".strip(), by_policy.get(pk, [])) for pk, number, title in policies
    ]
    if by_policy.get(None):
        groups.append((NO_POLICY_LABEL, by_policy[None]))
    return rollup_counts(groups, [(pk, label) for pk, label, _assessed in statuses])


def plan_with_content(queryset: QuerySet | None = None) -> QuerySet:
    """Plans with everything a plan page shows prefetched (a fixed number of queries)."""
    queryset = Plan.objects.all() if queryset is None else queryset
    return queryset.select_related("council", "vocabulary", "revision_of").prefetch_related(
        Prefetch("policies", queryset=Policy.objects.order_by("order", "pk")),
        Prefetch(
            "items",
            queryset=PlanItem.objects.order_by("order", "pk").prefetch_related(
                Prefetch("roles", queryset=RoleAllocation.objects.order_by("order", "pk")),
                Prefetch("schedule", queryset=ItemSchedule.objects.order_by("fiscal_year")),
            ),
        ),
        "issues",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("order", "pk").prefetch_related(
                Prefetch("values", queryset=IndicatorValue.objects.order_by("fiscal_year"))
            ),
        ),
    )


@dataclass(frozen=True)
class PolicySection:
    policy: Policy | None
    items: list[PlanItem]


def plan_sections(plan: Plan) -> list[PolicySection]:
    """The plan's items grouped under their policies, from the prefetched content."""
    items_by_policy = defaultdict(list)
    for item in plan.items.all():
        items_by_policy[item.policy_id].append(item)
    sections = [PolicySection(p, items_by_policy.get(p.pk, [])) for p in plan.policies.all()]
    if items_by_policy.get(None):
        sections.append(PolicySection(None, items_by_policy[None]))
    return sections


@dataclass(frozen=True)
class IndicatorCell:
    fiscal_year: int
    actual: str | None
    target: str | None


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    baseline: str
    cells: list[IndicatorCell]


def indicator_table(plan: Plan) -> list[IndicatorRow]:
    """Each indicator with its actuals and targets by year, formatted, from the prefetch."""
    rows = []
    for indicator in plan.indicators.all():
        targets, actuals = {}, {}
        for value in indicator.values.all():
            book = targets if value.kind == ValueKind.TARGET else actuals
            book[value.fiscal_year] = indicator.format_value(value.value)
        cells = [
            IndicatorCell(year, actuals.get(year), targets.get(year))
            for year in sorted(set(targets) | set(actuals))
        ]
        rows.append(
            IndicatorRow(indicator, indicator.format_value(indicator.baseline_value), cells)
        )
    return rows


def council_plans(council) -> list[Plan]:
    """Every version of a council's community plans, newest first."""
    return list(
        Plan.objects.filter(council=council)
        .select_related("vocabulary")
        .annotate(item_count=Count("items"))
        .order_by("-version", "-pk")
    )


def council_plans_with_progress_counts(council) -> tuple[list[Plan], dict[str, int]]:
    """:func:`council_plans` and :func:`council_progress_counts` in one query."""
    states = {
        "draft": ReviewState.DRAFT,
        "submitted": ReviewState.SUBMITTED,
        "returned": ReviewState.RETURNED,
        "accepted": ReviewState.ACCEPTED,
    }
    plans = list(
        Plan.objects.filter(council=council)
        .select_related("vocabulary")
        .annotate(
            item_count=Count("items", distinct=True),
            **{
                f"{name}_entries": Count(
                    "items__entries", filter=Q(items__entries__state=state), distinct=True
                )
                for name, state in states.items()
            },
        )
        .order_by("-version", "-pk")
    )
    counts = {name: sum(getattr(p, f"{name}_entries") for p in plans) for name in states}
    return plans, counts


def plan_in_force(council) -> Plan | None:
    """The council's published community plan, if any."""
    return Plan.objects.filter(council=council, status=PlanStatus.PUBLISHED).first()


def council_progress_counts(council) -> dict[str, int]:
    """How many of the council's progress entries are draft, submitted, returned and
    accepted (keys ``draft``, ``submitted``, ``returned``, ``accepted``). One query."""
    return ProgressEntry.objects.filter(item__plan__council=council).aggregate(
        draft=Count("pk", filter=Q(state=ReviewState.DRAFT)),
        submitted=Count("pk", filter=Q(state=ReviewState.SUBMITTED)),
        returned=Count("pk", filter=Q(state=ReviewState.RETURNED)),
        accepted=Count("pk", filter=Q(state=ReviewState.ACCEPTED)),
    )


@dataclass(frozen=True)
class ProgressRow:
    item: PlanItem
    entry: ProgressEntry | None


def progress_rows(plan: Plan, period: Period) -> list[ProgressRow]:
    """Every item of ``plan`` with its entry for ``period`` (or None). Two queries."""
    items = list(
        PlanItem.objects.filter(plan=plan).select_related("policy").order_by("order", "pk")
    )
    entries = {
        e.item_id: e
        for e in ProgressEntry.objects.filter(
            item__plan=plan, fiscal_year=period.fiscal_year, half=period.half
        ).select_related("status")
    }
    return [ProgressRow(item, entries.get(item.pk)) for item in items]


def plan_period_summary(plan: Plan) -> list[dict]:
    """Per period with entries: how many entries are in each review state. One query."""
    rows = (
        ProgressEntry.objects.filter(item__plan=plan)
        .values("fiscal_year", "half")
        .annotate(
            total=Count("pk"),
            draft=Count("pk", filter=Q(state=ReviewState.DRAFT)),
            submitted=Count("pk", filter=Q(state=ReviewState.SUBMITTED)),
            returned=Count("pk", filter=Q(state=ReviewState.RETURNED)),
            accepted=Count("pk", filter=Q(state=ReviewState.ACCEPTED)),
            published=Count("pk", filter=Q(published_at__isnull=False)),
        )
    )
    summary = [{**row, "period": Period(row["fiscal_year"], row["half"])} for row in rows]
    summary.sort(key=lambda row: _period_sort_key(row["fiscal_year"], row["half"]), reverse=True)
    return summary


def entry_history(entry: ProgressEntry) -> list[ProgressTransition]:
    return list(entry.transitions.select_related("actor").order_by("at", "pk"))


# ---------------------------------------------------------------------------------------
# Public selectors: the only ones the public pages may use.


def published_plans() -> QuerySet:
    """Plan versions in force (公開中), city plans first, then councils by name."""
    return (
        Plan.objects.filter(status=PlanStatus.PUBLISHED)
        .select_related("council")
        .order_by("kind", "council__kana", "-start_year", "pk")
    )


def published_plan(pk: int, *, with_content: bool = True) -> Plan | None:
    """One public plan version (in force or superseded), or None; ``with_content``
    prefetches everything a plan page shows (pages that only need the header skip it)."""
    plans = Plan.objects.filter(pk=pk, status__in=PUBLIC_PLAN_STATUSES)
    if with_content:
        return plan_with_content(plans).first()
    return plans.select_related("council", "vocabulary").first()


def published_plan_versions(plan: Plan) -> list[Plan]:
    """The public versions of the plan's lineage (this one, its predecessors, successors)."""
    root = plan
    seen = {plan.pk}
    # Versions are a chain; walk back to the first one (a handful of queries at most).
    while root.revision_of_id and root.revision_of_id not in seen:
        seen.add(root.revision_of_id)
        root = Plan.objects.get(pk=root.revision_of_id)
    chain, current = [], root
    while current is not None:
        chain.append(current)
        current = current.revisions.order_by("version").first()
    return [p for p in chain if p.status in PUBLIC_PLAN_STATUSES]


def published_progress(plan: Plan | None = None, period: Period | None = None) -> QuerySet:
    """Accepted and published entries of public plan versions (optionally one plan/period)."""
    entries = ProgressEntry.objects.filter(
        state=ReviewState.ACCEPTED,
        published_at__isnull=False,
        item__plan__status__in=PUBLIC_PLAN_STATUSES,
    ).select_related("item__policy", "item__plan", "status")
    if plan is not None:
        entries = entries.filter(item__plan=plan)
    if period is not None:
        entries = entries.filter(fiscal_year=period.fiscal_year, half=period.half)
    return entries.order_by("item__order", "item_id", "fiscal_year", "half")


def published_periods(plan: Plan) -> list[Period]:
    """Periods of ``plan`` with published progress, newest first. One query."""
    pairs = published_progress(plan).order_by().values_list("fiscal_year", "half").distinct()
    return sorted(
        (Period(year, half) for year, half in pairs),
        key=lambda p: _period_sort_key(p.fiscal_year, p.half),
        reverse=True,
    )


def published_rollup(plan: Plan, period: Period | None = None) -> RollupTable | None:
    """The roll-up from published progress only; None when the plan is not public."""
    if plan.status not in PUBLIC_PLAN_STATUSES:
        return None
    return rollup(plan, period, published_only=True)


# The staff's work on progress: what waits for 所見, for 承認, for 公開 --------------------

# What each review step waits for, shared by the progress list's filter and the admin home.
WAITING_FOR = {
    "comment": Q(state=ReviewState.SUBMITTED, staff_comment=""),
    "accept": Q(state=ReviewState.SUBMITTED),
    "publish": Q(
        state=ReviewState.ACCEPTED,
        published_at__isnull=True,
        item__plan__status__in=PUBLIC_PLAN_STATUSES,
    ),
}
WAITING_LABELS = {"comment": "所見待ち", "accept": "承認待ち", "publish": "公開待ち"}
# The date each step has waited since: submission for 所見 and 承認, acceptance for 公開.
WAITING_SINCE = {"comment": "submitted_at", "accept": "submitted_at", "publish": "reviewed_at"}


def progress_waiting() -> dict[str, tuple[int, object]]:
    """For each step of WAITING_FOR: (how many entries wait, the oldest waiting datetime).

    One query whatever the number of entries.
    """
    aggregates = {}
    for step, condition in WAITING_FOR.items():
        aggregates[f"{step}_count"] = Count("pk", filter=condition)
        aggregates[f"{step}_since"] = Min(WAITING_SINCE[step], filter=condition)
    row = ProgressEntry.objects.aggregate(**aggregates)
    return {step: (row[f"{step}_count"], row[f"{step}_since"]) for step in WAITING_FOR}
