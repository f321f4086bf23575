"""Data the benchmarks build: a published city plan of a given size with its progress."""


def city_plan(items: int, *, title: str, fiscal_years, published_at=None):
    """A published city plan (2020–2024) of five policies and ``items`` items, each with an
    accepted entry for every year of ``fiscal_years``; ``published_at`` dates the plan and
    its entries public (None: the entries are accepted but not public)."""
    from plans.models import (
        Plan,
        PlanItem,
        PlanKind,
        PlanStatus,
        Policy,
        ProgressEntry,
        ProgressStatus,
        ReviewState,
        StatusVocabulary,
    )

    vocabulary, _ = StatusVocabulary.objects.get_or_create(name="ベンチマーク")
    if not vocabulary.statuses.exists():
        for order, label in enumerate(["実施済", "継続推進", "一部実施", "検討中"], 1):
            ProgressStatus.objects.create(
                vocabulary=vocabulary, code=f"s{order}", label=label, order=order
            )
    statuses = list(vocabulary.statuses.all())
    plan = Plan.objects.create(
        kind=PlanKind.CITY,
        title=title,
        start_year=2020,
        end_year=2024,
        vocabulary=vocabulary,
        status=PlanStatus.PUBLISHED,
        published_at=published_at,
    )
    policies = Policy.objects.bulk_create(
        Policy(plan=plan, order=i, number=str(i), title=f"方針{i}") for i in range(5)
    )
    made = PlanItem.objects.bulk_create(
        PlanItem(plan=plan, policy=policies[i % 5], order=i, number=f"項目{i}", title=f"項目{i}")
        for i in range(items)
    )
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            item=item,
            fiscal_year=year,
            done="実施した",
            status=statuses[(i + year) % 4],
            state=ReviewState.ACCEPTED,
            published_at=published_at,
        )
        for i, item in enumerate(made)
        for year in fiscal_years
    )
    return plan
