from datetime import date

from django.db.models import OuterRef, Subquery

from .models import Council, CouncilSecretary, PopulationRecord


def _latest_population_subquery(field: str, day: date):
    return Subquery(
        PopulationRecord.objects.filter(district=OuterRef("district_id"), as_of__lte=day)
        .order_by("-as_of", "-pk")
        .values(field)[:1]
    )


def council_populations_on(council_ids, day: date) -> dict[int, int]:
    """Population of each council on ``day``: the sum of its districts' latest records.

    One query whatever the number of councils. A district with no record on or before
    the day counts as 0.
    """
    through = Council.districts.through
    rows = (
        through.objects.filter(council_id__in=list(council_ids))
        .annotate(population=_latest_population_subquery("population", day))
        .values_list("council_id", "population")
    )
    totals = dict.fromkeys(council_ids, 0)
    for council_id, population in rows:
        totals[council_id] = totals.get(council_id, 0) + (population or 0)
    return totals


def council_households_on(council_ids, day: date) -> dict[int, int]:
    """Households of each council on ``day``, summed like the population."""
    through = Council.districts.through
    rows = (
        through.objects.filter(council_id__in=list(council_ids))
        .annotate(households=_latest_population_subquery("households", day))
        .values_list("council_id", "households")
    )
    totals = dict.fromkeys(council_ids, 0)
    for council_id, households in rows:
        totals[council_id] = totals.get(council_id, 0) + (households or 0)
    return totals


def active_secretary_council(user) -> Council | None:
    """The council the user is secretary of now, or None."""
    if not user.is_authenticated:
        return None
    tenure = (
        CouncilSecretary.objects.filter(user=user, ended_on__isnull=True)
        .select_related("council")
        .first()
    )
    return tenure.council if tenure else None
