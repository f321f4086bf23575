"""What citizens may see, gathered for the public pages; a fixed number of queries each."""

from django.db.models import Prefetch
from django.utils import timezone

from councils.models import CivicCentre, Council, Stage
from councils.reading import name_or_reading_matches
from councils.selectors import council_populations_on
from plans import public as plans_public
from staffing import public as staffing_public
from subsidies import public as subsidies_public

# The public council page shows, after the council's own data, what each domain app adds:
# ``<app>.public.council_sections(council) -> list[dict]``, each dict with "template" and its
# context, and maybe "tables" (list of core.tables.Table) to offer as CSV/JSON.
SECTION_MODULES = (plans_public, subsidies_public, staffing_public)


def council_list(*, query: str = "", area: str = ""):
    """Councils matching a name/kana search and an area, with centres and population.

    The search finds a council by its name or its reading, typed in hiragana, katakana or
    half-width katakana (``councils.reading``)."""
    councils = Council.objects.prefetch_related(
        Prefetch("civic_centres", queryset=CivicCentre.objects.order_by("kana", "name"))
    ).order_by("kana", "name")
    if query:
        councils = councils.filter(name_or_reading_matches(query))
    if area:
        councils = councils.filter(area=area)
    councils = list(councils)
    populations = council_populations_on([c.pk for c in councils], timezone.localdate())
    for council in councils:
        council.population_today = populations.get(council.pk, 0)
    return councils


def council_areas() -> list[str]:
    return list(
        Council.objects.exclude(area="").order_by("area").values_list("area", flat=True).distinct()
    )


def stage_counts() -> list[tuple[str, int]]:
    counts = dict.fromkeys(Stage, 0)
    for stage in Council.objects.values_list("stage", flat=True):
        counts[stage] += 1
    return [(Stage(stage).label, n) for stage, n in counts.items()]


def council_profile(pk: int) -> Council:
    """One council with what its public page shows; raises Council.DoesNotExist."""
    council = Council.objects.prefetch_related(
        "districts",
        "members",
        "stage_changes",
        Prefetch("civic_centres", queryset=CivicCentre.objects.order_by("kana", "name")),
    ).get(pk=pk)
    council.population_today = council_populations_on([council.pk], timezone.localdate())[
        council.pk
    ]
    return council


def council_sections(council) -> list[dict]:
    sections = []
    for module in SECTION_MODULES:
        sections.extend(module.council_sections(council))
    return sections


def civic_centres():
    return list(CivicCentre.objects.select_related("council").order_by("kana", "name"))
