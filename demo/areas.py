"""The councils of 盛岡市 and 山口市: one 地区 (district), one council and one base per area.

Each city's areas table (``data/areas_<slug>.csv``) says where its names and figures come
from; the name patterns, members and stage notes are in ``data/cities.json``. Councils are
registered and moved through their stages by the councils services, as in 一関市, and every
row is created only when missing: running the loader again changes nothing.
"""

from datetime import date

from core.models import Municipality
from councils.models import (
    CivicCentre,
    Council,
    District,
    Management,
    MemberOrganisation,
    PopulationRecord,
    Stage,
)
from councils.services import council_change_stage, council_create

from .cities import SPECS
from .files import read_csv

POPULATION_ON = date(2026, 3, 31)
SOURCE = "住民基本台帳"


def load(slug: str, stdout=None) -> None:
    spec = SPECS[slug]["areas"]
    for number, row in enumerate(read_csv(spec["file"]), start=1):
        names = {"area": row["area"], "kana": row["kana"], "number": number}
        district, _ = District.objects.get_or_create(
            code=spec["district_code"].format(**names),
            defaults={
                "name": spec["district_name"].format(**names),
                "kana": spec["district_kana"].format(**names),
            },
        )
        population = int(row["population"])
        PopulationRecord.objects.get_or_create(
            district=district,
            as_of=POPULATION_ON,
            source=SOURCE,
            defaults={"population": population, "households": round(population / 2.2)},
        )
        council = Council.objects.filter(name=spec["council_name"].format(**names)).first()
        if council is None:
            council = _council(spec, number, row, names, district)
        CivicCentre.objects.get_or_create(
            name=spec["centre_name"].format(**names),
            defaults={
                "kana": spec["centre_kana"].format(**names),
                "address": spec["address"].format(**names),
                "phone": spec["phone"].format(**names, extension=1000 + number * 7),
                "council": council,
                "management": Management.DIRECT,
                "managed_since": date.fromisoformat(spec["centre_since"]),
            },
        )
    if stdout:
        city = Municipality.current()
        stdout.write(
            f"  地区 {District.objects.count()}、{city.council_term} {Council.objects.count()}、"
            f"{city.centre_term} {CivicCentre.objects.count()}"
        )


def _council(spec, number: int, row: dict, names: dict, district: District) -> Council:
    """Register the council at its first stage, then record each later stage on its day."""
    notes = spec["notes"]
    history = [
        (stage, date.fromisoformat(row[f"{stage}_on"]), notes[stage])
        for stage in (Stage.PREPARING, Stage.ESTABLISHED, Stage.PLAN_ADOPTED)
        if row[f"{stage}_on"]
    ]
    (first_stage, first_on, first_note), *later = history
    representatives = spec["representatives"]
    council = council_create(
        districts=[district],
        members=[
            MemberOrganisation(name=name.format(**names), kind=kind)
            for name, kind in spec["members"]
        ],
        name=spec["council_name"].format(**names),
        kana=spec["council_kana"].format(**names),
        area=spec["district_name"].format(**names),
        stage=first_stage,
        stage_since=first_on,
        representative_name=representatives[(number - 1) % len(representatives)],
        contact_name="事務局長",
        contact_phone=spec["phone"].format(**names, extension=2000 + number * 7),
        contact_address=f"{spec['centre_name'].format(**names)}内",
        is_model_district=row["model"] == "1",
    )
    council.stage_changes.update(note=first_note)
    for stage, on, note in later:
        council_change_stage(council=council, stage=stage, changed_on=on, note=note)
    return council
