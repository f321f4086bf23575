"""一関市's councils: 33 councils, 34 civic centres (14 run by councils), loaded into the
city in force (``demo.cities`` makes the city itself).

Area names follow Ichinoseki's civic centres; populations are plausible figures that sum
to about 110,000, not official statistics (the areas table is ``data/areas.csv``). Councils
are registered and moved through their stages by the councils services, so their history is
the services' own; every record is created only when missing, so running the loader again
changes nothing.
"""

from datetime import date

from councils.models import (
    CivicCentre,
    Council,
    District,
    Management,
    MemberOrganisation,
    OrganisationKind,
    PopulationRecord,
    Stage,
)
from councils.services import council_change_stage, council_create

from .files import read_csv

# One row per civic centre's area: kana, region, population on 2026-03-31, number of
# districts, and the day its centre passed to designated management (empty: run by the city).
AREAS = [
    (
        row["area"],
        row["kana"],
        row["region"],
        int(row["population"]),
        int(row["districts"]),
        date.fromisoformat(row["designated_from"]) if row["designated_from"] else None,
    )
    for row in read_csv("areas.csv")
]
# 一関 and 関が丘 are one council's area with two civic centres: 33 councils, 34 centres.
SHARED_COUNCIL = {"関が丘": "一関"}
# A few councils are not yet at the last stage, so eligibility rules have something to show.
NOT_YET_ADOPTED = {"田河津": Stage.ESTABLISHED, "京津畑": Stage.ESTABLISHED, "磐清水": None}
REPRESENTATIVES = [
    "佐藤 一郎",
    "千葉 和夫",
    "菅原 正人",
    "小野寺 勝",
    "阿部 清",
    "髙橋 誠一",
    "鈴木 孝",
    "佐々木 博",
    "及川 茂",
    "熊谷 幸子",
    "岩渕 健",
    "𠮷田 義男",
    "山﨑 浩二",
    "畠山 進",
]
POPULATION_DATES = (date(2025, 3, 31), date(2026, 3, 31))
SOURCE = "住民基本台帳"


def _district_names(area: str, count: int) -> list[str]:
    if count == 1:
        return [area]
    suffixes = ["第一", "第二", "第三"][:count]
    return [f"{area}{s}" for s in suffixes]


def _split(total: int, parts: int) -> list[int]:
    shares = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    return shares


def load(stdout=None) -> None:
    councils: dict[str, Council] = {}
    code = 0
    for index, (area, kana, region, population, district_count, designated_from) in enumerate(
        AREAS
    ):
        districts = []
        for name, share in zip(
            _district_names(area, district_count),
            _split(population, district_count),
            strict=True,
        ):
            code += 1
            district, _ = District.objects.get_or_create(
                code=f"03209-{code:03d}",
                defaults={"name": f"{name}地区", "kana": f"{kana}ちく", "notes": f"{region}地域"},
            )
            for year_index, as_of in enumerate(POPULATION_DATES):
                # A year earlier the area had about 1.2% more people.
                people = share if year_index == 1 else round(share * 1.012)
                PopulationRecord.objects.get_or_create(
                    district=district,
                    as_of=as_of,
                    source=SOURCE,
                    defaults={"population": people, "households": round(people / 2.45)},
                )
            districts.append(district)

        council_area = SHARED_COUNCIL.get(area, area)
        if council_area in councils:
            council = councils[council_area]
            council.districts.add(*districts)
        else:
            council = _council(index, area, kana, region, districts)
            councils[area] = council

        centre, _ = CivicCentre.objects.get_or_create(
            name=f"{area}市民センター",
            defaults={
                "kana": f"{kana}しみんせんたー",
                "address": f"岩手県一関市{'' if region == area else region + '町'}{area}字中央{index + 1}番地",
                "phone": f"0191-{20 + index:02d}-{1000 + index * 7:04d}",
                "council": council,
                "management": Management.DESIGNATED if designated_from else Management.DIRECT,
                "managed_since": designated_from or date(2015, 4, 1),
            },
        )
    if stdout:
        stdout.write(
            f"  地区 {District.objects.count()}、地域協働体 {Council.objects.count()}、"
            f"市民センター {CivicCentre.objects.count()}"
            f"（指定管理 {CivicCentre.objects.filter(management=Management.DESIGNATED).count()}）"
        )


def _council(index: int, area: str, kana: str, region: str, districts) -> Council:
    final = NOT_YET_ADOPTED.get(area, Stage.PLAN_ADOPTED)
    history = [(Stage.PREPARING, date(2014, 6, 1), "設立準備委員会発足")]
    if final in (Stage.ESTABLISHED, Stage.PLAN_ADOPTED):
        history.append((Stage.ESTABLISHED, date(2015, 4, 1 + index % 20), "設立総会"))
    if final == Stage.PLAN_ADOPTED:
        history.append((Stage.PLAN_ADOPTED, date(2016, 3, 1 + index % 25), "地域づくり計画議決"))
    name = f"{area}地域協働体"
    council = Council.objects.filter(name=name).first()
    if council is not None:
        return council
    members = [
        (f"{area}地区自治会連合会", OrganisationKind.NEIGHBOURHOOD),
        (f"{area}地区社会福祉協議会", OrganisationKind.ASSOCIATION),
        (f"{area}地区老人クラブ連合会", OrganisationKind.ASSOCIATION),
        (f"{area}小学校", OrganisationKind.SCHOOL),
    ]
    if index % 3 == 0:
        members.append((f"NPO法人{area}まちづくりネット", OrganisationKind.NPO))
    if index % 4 == 0:
        members.append((f"{area}商工振興会", OrganisationKind.COMPANY))
    (first_stage, first_on, first_note), *later = history
    council = council_create(
        districts=districts,
        members=[MemberOrganisation(name=member, kind=kind) for member, kind in members],
        name=name,
        kana=f"{kana}ちいききょうどうたい",
        area=f"{region}地域",
        stage=first_stage,
        stage_since=first_on,
        representative_name=REPRESENTATIVES[index % len(REPRESENTATIVES)],
        contact_name="事務局長",
        contact_phone=f"0191-{20 + index:02d}-{2000 + index * 7:04d}",
        contact_address=f"{area}市民センター内",
        is_model_district=area in ("藤沢", "山目"),
    )
    # council_create records the first stage without a note; the later moves carry theirs.
    council.stage_changes.update(note=first_note)
    for stage, on, note in later:
        council_change_stage(council=council, stage=stage, changed_on=on, note=note)
    return council
