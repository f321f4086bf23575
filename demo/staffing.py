"""Demo staffing for the Ichinoseki-like city: liaison staff at the head office and the
seven branch offices (支所), their assignments, and each council's secretariat employees.

Names and figures are invented; each council's secretariat is listed by council name in
``data/secretariat.csv``, so a council the city adds changes no one else's. Two councils (舞川, 猿沢) are left without a main liaison
since their liaison retired in March, so the overview has something to highlight.
Every record is validated (``full_clean``) and created only when missing: running the
loader again changes nothing.
"""

from datetime import date

from core.calendar import fiscal_year, fiscal_year_end, fiscal_year_start
from councils.models import Council
from councils.selectors import established_on
from staffing.models import (
    Employer,
    LiaisonAssignment,
    LiaisonRole,
    SecretariatEmployee,
    StaffMember,
)
from staffing.services import liaison_assign, liaison_reassign

from .councils import AREAS, SHARED_COUNCIL
from .files import read_csv

HEAD_OFFICE = "まちづくり推進課"
BRANCHES = ("花泉", "大東", "千厩", "東山", "室根", "川崎", "藤沢")

# (name, kana, department); the region of a department is its first word.
STAFF = [
    ("佐藤 健太", "さとう けんた", HEAD_OFFICE),
    ("千葉 由美", "ちば ゆみ", HEAD_OFFICE),
    ("菅原 大輔", "すがわら だいすけ", HEAD_OFFICE),
    ("小野寺 彩", "おのでら あや", HEAD_OFFICE),
    ("及川 直樹", "おいかわ なおき", "花泉支所 地域振興課"),
    ("熊谷 恵", "くまがい めぐみ", "花泉支所 地域振興課"),
    ("阿部 翔", "あべ しょう", "大東支所 地域振興課"),
    ("鈴木 美咲", "すずき みさき", "大東支所 地域振興課"),
    ("岩渕 和也", "いわぶち かずや", "大東支所 地域振興課"),
    ("佐々木 拓也", "ささき たくや", "千厩支所 地域振興課"),
    ("畠山 千尋", "はたけやま ちひろ", "千厩支所 地域振興課"),
    ("髙橋 誠", "たかはし まこと", "東山支所 地域振興課"),
    ("金野 舞", "こんの まい", "東山支所 地域振興課"),
    ("三浦 亮", "みうら りょう", "室根支所 地域振興課"),
    ("伊藤 直美", "いとう なおみ", "室根支所 地域振興課"),
    ("村上 優子", "むらかみ ゆうこ", "川崎支所 地域振興課"),
    ("斎藤 隆", "さいとう たかし", "川崎支所 地域振興課"),
    ("山﨑 悟", "やまざき さとる", "藤沢支所 地域振興課"),
    ("吉田 綾", "よしだ あや", "藤沢支所 地域振興課"),
]
RETIRED = ("渡辺 昭", "わたなべ あきら", "大東支所 地域振興課")
PHONES = {HEAD_OFFICE: "0191-21-8341"} | {
    branch: f"0191-{30 + i}-2111" for i, branch in enumerate(BRANCHES)
}


def _council_areas_by_region() -> dict[str, list[str]]:
    """Each region's council areas, in the order of the areas table."""
    regions: dict[str, list[str]] = {}
    for area, _kana, region, *_rest in AREAS:
        if area not in SHARED_COUNCIL:
            regions.setdefault(region, []).append(area)
    return regions


REGIONS = _council_areas_by_region()
WITHOUT_MAIN = ("舞川", "猿沢")
THIS_TERM = date(2026, 4, 1)
DEMO_NOTE = "デモデータ"
LAST_TERM = date(2024, 4, 1)


def _create_valid(model, lookup: dict, defaults: dict):
    """The existing row for ``lookup``, or a new one that passed full_clean()."""
    existing = model.objects.filter(**lookup).first()
    if existing:
        return existing, False
    obj = model(**lookup, **defaults)
    obj.full_clean()
    obj.save()
    return obj, True


def _staff(number: int, name: str, kana: str, department: str, active: bool = True):
    region = department.split("支所")[0] if "支所" in department else HEAD_OFFICE
    staff, _ = StaffMember.objects.get_or_create(
        staff_number=f"{20100 + number}",
        defaults={
            "name": name,
            "kana": kana,
            "department": department,
            "phone": PHONES[region],
            "email": f"staff{20100 + number}@city.ichinoseki.example",
            "is_active": active,
        },
    )
    return staff


def load(stdout=None) -> None:
    staff = [_staff(i, *row) for i, row in enumerate(STAFF, start=1)]
    retired = _staff(len(STAFF) + 1, *RETIRED, active=False)
    by_region = {}
    for member in staff:
        region = member.department.split("支所")[0] if "支所" in member.department else "一関"
        by_region.setdefault(region, []).append(member)

    councils = {c.name.removesuffix("地域協働体"): c for c in Council.objects.all()}
    for region, areas in REGIONS.items():
        local = by_region[region]
        for index, area in enumerate(areas):
            council = councils.get(area)
            if council is None:
                continue
            main = local[index % len(local)]
            deputy = local[(index + 1) % len(local)] if len(local) > 1 else by_region["一関"][0]
            if area in WITHOUT_MAIN:
                # The liaison retired at the end of March; no successor yet.
                _assign(council, retired, LiaisonRole.MAIN, LAST_TERM, date(2026, 3, 31))
            else:
                if index % 3 == 0 and len(local) > 1:
                    # Reassigned in April (異動): the previous term stays as history.
                    previous = local[(index + 1) % len(local)]
                    if _assign(council, previous, LiaisonRole.MAIN, LAST_TERM):
                        liaison_reassign(
                            council=council,
                            new_staff=main,
                            on=THIS_TERM,
                            actor=None,
                            note=DEMO_NOTE,
                        )
                _assign(council, main, LiaisonRole.MAIN, THIS_TERM)
            if deputy != main:
                _assign(council, deputy, LiaisonRole.DEPUTY, THIS_TERM)

    # Keyed by the council's name: councils the city adds get none and shift nobody.
    for row in read_csv("secretariat.csv"):
        council = councils.get(row["council"])
        if council is not None:
            _secretariat(council, row)
    if stdout:
        stdout.write(
            f"  市職員 {StaffMember.objects.count()}、担当 {LiaisonAssignment.objects.count()}、"
            f"事務局員 {SecretariatEmployee.objects.count()}"
        )


def _assign(council, staff, role, started_on, ended_on=None) -> bool:
    """Assign through the service unless the assignment exists; whether it was made now."""
    if LiaisonAssignment.objects.filter(
        council=council, staff=staff, role=role, started_on=started_on
    ).exists():
        return False
    liaison_assign(
        council=council,
        staff=staff,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
        actor=None,
        note=DEMO_NOTE,
    )
    return True


def _secretariat(council: Council, row: dict[str, str]) -> int:
    """Year 1 employed by the city, then by the council (事業9); returns rows created."""
    established = established_on(council)
    if established is None:
        return 0  # a council still preparing has no secretariat yet
    first_year = fiscal_year(established)
    name = row["name"]
    costs = {
        field: int(row[field])
        for field in ("monthly_salary", "monthly_insurance", "yearly_health_check")
    }
    created = 0
    _, new = _create_valid(
        SecretariatEmployee,
        {"council": council, "name": name, "started_on": established},
        {"employer": Employer.CITY, "ended_on": fiscal_year_end(first_year), **costs},
    )
    created += new
    second_year = fiscal_year_start(first_year + 1)
    if row["successor"]:
        # The employee left in March; the city employs the successor for their first year.
        _, new = _create_valid(
            SecretariatEmployee,
            {"council": council, "name": name, "started_on": second_year},
            {"employer": Employer.COUNCIL, "ended_on": date(2026, 3, 31), **costs},
        )
        created += new
        _, new = _create_valid(
            SecretariatEmployee,
            {"council": council, "name": row["successor"], "started_on": THIS_TERM},
            {"employer": Employer.CITY, "ended_on": None, "note": "新任のため市が雇用", **costs},
        )
        return created + new
    _, new = _create_valid(
        SecretariatEmployee,
        {"council": council, "name": name, "started_on": second_year},
        {"employer": Employer.COUNCIL, "ended_on": None, **costs},
    )
    return created + new
