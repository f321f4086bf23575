"""Queries about councils: their stage on a day, population, households, secretaries."""

from collections.abc import Sequence
from datetime import date

from django.db import connection
from django.db.models import OuterRef, Subquery

from .models import (
    ESTABLISHED_STAGES,
    Council,
    CouncilSecretary,
    PopulationRecord,
)


def councils_with_stage_on(day: date, council_ids: Sequence[int] | None = None):
    """Councils annotated with ``stage_then``, their stage on ``day`` (one query).

    A council with no stage history counts at its current stage; one whose history
    starts after ``day`` has no stage (None) that day.
    """
    queryset = Council.objects.with_stage_on(day)
    if council_ids is not None:
        queryset = queryset.filter(pk__in=list(council_ids))
    return queryset.order_by("kana", "name", "pk")


def city_populations_on(municipality_id: int, day: date) -> dict[int, int]:
    """The population on ``day`` of every council of the city that has one (a council whose
    districts have no record on or before the day is left out): what
    :func:`council_populations_on` gives for all of them, read set-wise in one query.

    Each district counts with its latest record on or before ``day`` (the later row of the
    same day). The ORM's subquery per district link took half the 試算's time at 7,200
    councils; here each record table row is read once.
    """
    links = Council.districts.through._meta.db_table
    records = PopulationRecord._meta.db_table
    sql = f"""
        SELECT l.council_id, SUM(latest.population)
        FROM {links} l
        JOIN (
            SELECT district_id, population,
                   ROW_NUMBER() OVER (
                       PARTITION BY district_id ORDER BY as_of DESC, id DESC
                   ) AS n
            FROM {records}
            WHERE municipality_id = %s AND as_of <= %s
        ) latest ON latest.district_id = l.district_id AND latest.n = 1
        GROUP BY l.council_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, day])
        return {council_id: int(total) for council_id, total in cursor.fetchall()}


def council_stage_on(council: Council, day: date) -> str | None:
    """The stage ``council`` was at on ``day`` (see ``councils_with_stage_on``)."""
    return councils_with_stage_on(day, [council.pk]).values_list("stage_then", flat=True).first()


def established_on(council: Council) -> date | None:
    """The day the council was established (設立): its first move to an established stage.

    Falls back to ``stage_since`` for an established council with no recorded history.
    """
    change = (
        council.stage_changes.filter(stage__in=ESTABLISHED_STAGES)
        .order_by("changed_on", "pk")
        .values_list("changed_on", flat=True)
        .first()
    )
    if change is None and council.is_established:
        return council.stage_since
    return change


def _sum_latest(council_ids, day: date, field: str) -> dict[int, int]:
    """Sum ``field`` of each council's districts' latest population records on ``day``."""
    latest = Subquery(
        PopulationRecord.objects.filter(district=OuterRef("district_id"), as_of__lte=day)
        .order_by("-as_of", "-pk")
        .values(field)[:1]
    )
    rows = (
        Council.districts.through.objects.filter(council_id__in=list(council_ids))
        .annotate(value=latest)
        .values_list("council_id", "value")
    )
    totals = dict.fromkeys(council_ids, 0)
    for council_id, value in rows:
        totals[council_id] = totals.get(council_id, 0) + (value or 0)
    return totals


def council_populations_on(council_ids, day: date) -> dict[int, int]:
    """Population of each council on ``day``: the sum of its districts' latest records.

    One query whatever the number of councils. A district with no record on or before
    the day counts as 0.
    """
    return _sum_latest(council_ids, day, "population")


def council_households_on(council_ids, day: date) -> dict[int, int]:
    """Households of each council on ``day``, summed like the population."""
    return _sum_latest(council_ids, day, "households")


def districts_with_population_on(council: Council, day: date) -> list:
    """The council's districts, each annotated with ``latest_population`` on ``day`` (None
    when it has no record then): their sum is :func:`council_populations_on`. One query."""
    latest = Subquery(
        PopulationRecord.objects.filter(district=OuterRef("pk"), as_of__lte=day)
        .order_by("-as_of", "-pk")
        .values("population")[:1]
    )
    return list(council.districts.annotate(latest_population=latest))


def active_secretary_tenures(user) -> list[CouncilSecretary]:
    """The current tenures of the council ``user`` is secretary of now, the user's among
    them, each with its council and user; empty when the user has none. One query."""
    if not user.is_authenticated:
        return []
    own = CouncilSecretary.objects.filter(user=user, ended_on__isnull=True).values("council")
    return list(
        CouncilSecretary.objects.filter(council__in=own[:1], ended_on__isnull=True)
        .select_related("council", "user")
        .defer("user__password")  # kept out of the cache (councils.access)
    )


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
