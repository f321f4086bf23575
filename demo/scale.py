"""A national-scale data set for measuring: 300 municipalities of the same made-up shape.

At ``scale=1``: 300 cities (each served at ``<slug>.scale.localhost``), 7,200 councils,
72,000 plan items, 300,000 progress entries, 50,000 applications and 1,000,000 population
rows, with what they need: districts, civic centres, stage history, a status vocabulary, a
city plan and a community plan per council, one subsidy programme with its rule, expense
categories and budgets, a city administrator and one secretary per city. A smaller ``scale``
makes fewer cities of the same shape (``scale=0.01``: 3 cities, 72 councils, …).

Each city is built inside ``core.tenancy.city_scope``. Rows that nothing else refers to
(population, progress, expense lines, stage history, civic centres) go in with PostgreSQL's
COPY; everything else with ``bulk_create`` in large batches (which returns the new keys).
On SQLite every table uses ``bulk_create``. No history rows are written: this is data to
measure with, not data anyone edited.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from core import roles, tenancy
from core.models import Municipality, MunicipalityHost, User, local_government_check_digit

HOST = "{slug}.scale.localhost"
SLUG = "scale{number:03d}"
PASSWORD = "kyodo-scale-2026"
TOTALS = {
    "municipalities": 300,
    "councils": 7_200,
    "plan_items": 72_000,
    "progress_entries": 300_000,
    "applications": 50_000,
    "population_records": 1_000_000,
}
DISTRICTS_PER_COUNCIL = 2
CITY_PLAN_ITEMS = 48  # of each city's plan items; the rest go to the community plans
PROGRESS_YEARS = range(2021, 2027)
BATCH = 5_000
STATUSES = ["実施済", "継続推進", "一部実施", "検討中"]
CATEGORIES = [
    ("juyohi", "需用費", False),
    ("hoshohi", "報償費", False),
    ("jinkenhi", "人件費", True),
]
AREAS = ["東部", "西部", "南部", "北部", "中央"]


@dataclass(frozen=True)
class CityShape:
    """How many of each a city gets: its share of the totals."""

    councils: int
    plan_items: int
    progress_entries: int
    applications: int
    population_records: int


def totals(scale: float) -> dict[str, int]:
    """The whole data set's counts at ``scale`` (at least one city)."""
    counts = {name: round(total * scale) for name, total in TOTALS.items()}
    cities = counts["municipalities"] = max(1, counts["municipalities"])
    for name in ("councils", "plan_items", "population_records"):
        counts[name] = max(cities, counts[name])  # every city has at least one of each
    return counts


def share(total: int, index: int, parts: int) -> int:
    """Part ``index`` of ``total`` split in ``parts`` whole parts that add up to ``total``."""
    return total * (index + 1) // parts - total * index // parts


def shapes(scale: float) -> list[CityShape]:
    counts = totals(scale)
    cities = counts["municipalities"]
    return [
        CityShape(
            **{name: share(counts[name], i, cities) for name in CityShape.__dataclass_fields__}
        )
        for i in range(cities)
    ]


def municipality_code(number: int) -> str:
    """A valid-looking 全国地方公共団体コード in prefecture code 90 (none exists there)."""
    head = f"9{number:04d}"
    return f"{head}{local_government_check_digit(head)}"


def scale_cities():
    return Municipality.objects.filter(hosts__host__endswith=".scale.localhost").distinct()


# --------------------------------------------------------------------------- writing rows


def insert(model, objects: list, *, returning: bool = False) -> list:
    """Insert ``objects`` (unsaved instances of ``model``).

    ``returning``: the caller needs their keys, so bulk_create. Otherwise COPY on
    PostgreSQL (several times faster for large tables) and bulk_create elsewhere or under
    row-level security.
    """
    if not objects:
        return objects
    # Row-level security (CITY_DATABASE_ROLE) refuses COPY FROM: insert the ordinary way.
    copying = connection.vendor == "postgresql" and not settings.CITY_DATABASE_ROLE
    if returning or not copying:
        return model.objects.bulk_create(objects, batch_size=BATCH)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    return objects


# --------------------------------------------------------------------------- one city


def build_city(number: int, shape: CityShape, *, password_hash: str, groups) -> Municipality:
    """City ``number`` with every row of ``shape``."""
    slug = SLUG.format(number=number)
    city = Municipality.objects.create(
        name=f"計測{number:03d}市",
        name_kana=f"けいそく{number:03d}し",
        prefecture="",
        local_government_code=municipality_code(number),
        slug=slug,
        mayor_title=f"計測{number:03d}市長",
        department="地域協働推進課",
    )
    MunicipalityHost.objects.create(municipality=city, host=HOST.format(slug=slug))
    with tenancy.city_scope(city):
        admin, secretaries = _users(city, password_hash, groups)
        councils, districts = _councils(number, shape)
        _population(districts, shape)
        _plans(councils, shape, admin)
        _subsidies(councils, shape, admin, secretaries)
    return city


def _users(city, password_hash, groups):
    slug = city.slug
    admin = User(
        username=f"{slug}-admin",
        full_name=f"{slug} 管理者",
        is_staff=True,
        password=password_hash,
        municipality=city,
    )
    secretary = User(
        username=f"{slug}-secretary",
        full_name=f"{slug} 事務局",
        password=password_hash,
        municipality=city,
    )
    admin, secretary = insert(User, [admin, secretary], returning=True)
    admin.groups.add(groups[roles.ADMINISTRATOR])
    return admin, [secretary]


def _councils(number, shape):
    from councils.models import (
        CivicCentre,
        Council,
        CouncilStageChange,
        District,
        Management,
        Stage,
    )

    stages = [Stage.PLAN_ADOPTED, Stage.PLAN_ADOPTED, Stage.ESTABLISHED, Stage.PREPARING]
    districts = insert(
        District,
        [
            District(
                code=f"{c:03d}{d}", name=f"第{c + 1}地区{'の' * d}{d + 1}", kana=f"だい{c + 1}"
            )
            for c in range(shape.councils)
            for d in range(DISTRICTS_PER_COUNCIL)
        ],
        returning=True,
    )
    councils = insert(
        Council,
        [
            Council(
                name=f"第{c + 1}地区地域協働体",
                kana=f"だい{c + 1}ちく",
                area=AREAS[c % len(AREAS)],
                stage=stages[c % len(stages)],
                stage_since=date(2016 + c % 8, 4, 1),
                representative_name=f"会長 {c + 1}",
                contact_name=f"事務局 {c + 1}",
                contact_phone=f"0191-{number % 100:02d}-{c:04d}",
                contact_address=f"計測{number:03d}市第{c + 1}地区1-1",
            )
            for c in range(shape.councils)
        ],
        returning=True,
    )
    through = Council.districts.through
    insert(
        through,
        [
            through(council_id=council.pk, district_id=districts[c * DISTRICTS_PER_COUNCIL + d].pk)
            for c, council in enumerate(councils)
            for d in range(DISTRICTS_PER_COUNCIL)
        ],
    )
    insert(
        CouncilStageChange,
        [
            CouncilStageChange(council=council, stage=council.stage, changed_on=council.stage_since)
            for council in councils
        ],
    )
    insert(
        CivicCentre,
        [
            CivicCentre(
                name=f"第{c + 1}地区市民センター",
                address=f"計測{number:03d}市第{c + 1}地区2-1",
                council=council,
                management=Management.values[c % len(Management.values)],
            )
            for c, council in enumerate(councils)
        ],
    )
    return councils, districts


def _population(districts, shape):
    from councils.models import PopulationRecord

    base = date(2026, 3, 31)
    records = []
    for j in range(shape.population_records):
        month = j // len(districts)
        district = districts[j % len(districts)]
        # The last day of the month ``month`` months before March 2026.
        year, index = divmod((base.year * 12 + base.month - 1) - month, 12)
        first = date(year, index + 1, 1)
        as_of = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        people = 800 + (j * 37) % 1200
        records.append(
            PopulationRecord(
                district=district, as_of=as_of, population=people, households=people // 2
            )
        )
    insert(PopulationRecord, records)


def _plans(councils, shape, admin):
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

    now = timezone.now()
    vocabulary = StatusVocabulary.objects.create(name="達成状況", is_default=True)
    statuses = insert(
        ProgressStatus,
        [
            ProgressStatus(vocabulary=vocabulary, code=f"s{i}", label=label, order=i)
            for i, label in enumerate(STATUSES, 1)
        ],
        returning=True,
    )
    city_items = min(CITY_PLAN_ITEMS, shape.plan_items)
    plans = insert(
        Plan,
        [
            Plan(
                kind=PlanKind.CITY,
                title="協働推進計画",
                issued_by="地域協働推進課",
                start_year=2021,
                end_year=2030,
                vision="住民と市が協働するまち",
                vocabulary=vocabulary,
                status=PlanStatus.PUBLISHED,
                published_at=now,
            ),
            *(
                Plan(
                    kind=PlanKind.COMMUNITY,
                    council=council,
                    title=f"{council.name} 地域づくり計画",
                    start_year=2021,
                    end_year=2030,
                    vocabulary=vocabulary,
                    status=PlanStatus.PUBLISHED,
                    published_at=now,
                )
                for council in councils
            ),
        ],
        returning=True,
    )
    policies = insert(
        Policy,
        [
            Policy(plan=plan, order=i, number=str(i + 1), title=f"方針{i + 1}")
            for plan in plans
            for i in range(3)
        ],
        returning=True,
    )
    # Items: the city plan's first, then the rest dealt out to the community plans.
    owners = [0] * city_items + [
        1 + k % len(councils) for k in range(shape.plan_items - city_items)
    ]
    counters = [0] * len(plans)
    items = []
    for plan_index in owners:
        order = counters[plan_index]
        counters[plan_index] += 1
        items.append(
            PlanItem(
                plan=plans[plan_index],
                policy=policies[plan_index * 3 + order % 3],
                order=order,
                number=str(order + 1),
                title=f"事業{order + 1}",
                content="地域の課題に取り組む事業",
            )
        )
    items = insert(PlanItem, items, returning=True)
    states = [ReviewState.ACCEPTED, ReviewState.ACCEPTED, ReviewState.SUBMITTED, ReviewState.DRAFT]
    entries = []
    for j in range(shape.progress_entries):
        item = items[j % len(items)]
        year = PROGRESS_YEARS[0] + j // len(items)
        state = ReviewState.ACCEPTED if year < 2025 else states[j % len(states)]
        entries.append(
            ProgressEntry(
                item=item,
                fiscal_year=year,
                done=f"{year}年度の取組を実施した",
                meetings=j % 12,
                participants=10 + j % 90,
                status=statuses[j % len(statuses)],
                state=state,
                submitted_at=now if state != ReviewState.DRAFT else None,
                reviewed_at=now if state == ReviewState.ACCEPTED else None,
                reviewed_by=admin if state == ReviewState.ACCEPTED else None,
                published_at=now if state == ReviewState.ACCEPTED else None,
            )
        )
    insert(ProgressEntry, entries)


def _subsidies(councils, shape, admin, secretaries):
    from councils.models import CouncilSecretary, Stage
    from subsidies.models import (
        Application,
        ApplicationLine,
        Budget,
        ExpenseCategory,
        ProgrammeRule,
        Status,
        SubsidyProgramme,
    )

    insert(
        CouncilSecretary,
        [
            CouncilSecretary(council=councils[0], user=secretaries[0], started_on=date(2025, 4, 1)),
        ],
    )
    categories = insert(
        ExpenseCategory,
        [
            ExpenseCategory(code=code, name=name, is_labour=labour, sort_order=i)
            for i, (code, name, labour) in enumerate(CATEGORIES)
        ],
        returning=True,
    )
    programme = SubsidyProgramme.objects.create(
        code="kyodo", name="地域協働体運営交付金", notice_prefix="計測", sort_order=1
    )
    rule = ProgrammeRule.objects.create(
        programme=programme,
        valid_from_fiscal_year=2019,
        yearly_cap=3_000_000,
        flat_amount=300_000,
        per_capita_unit=100,
        labour_eligible=True,
        eligible_stages=[Stage.PLAN_ADOPTED, Stage.ESTABLISHED],
    )
    rule.eligible_categories.set(categories)
    insert(
        Budget,
        [
            Budget(programme=programme, fiscal_year=year, amount=200_000_000)
            for year in range(2024, 2027)
        ],
    )
    statuses = list(Status.values)
    now = timezone.now()
    applications = []
    for j in range(shape.applications):
        status = statuses[j % len(statuses)]
        year = 2026 - (j // len(councils)) % 3
        decided = status not in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)
        applications.append(
            Application(
                council=councils[j % len(councils)],
                programme=programme,
                fiscal_year=year,
                title=f"{year}年度 地域づくり事業{j + 1}",
                status=status,
                requested_amount=400_000 + (j % 10) * 10_000,
                decided_amount=400_000 if decided else None,
                decided_on=date(year, 5, 1) if decided else None,
                report_due_on=date(year + 1, 4, 10) if decided else None,
                work_starts_on=date(year, 4, 1),
                work_ends_on=date(year + 1, 3, 31),
                submitted_at=None
                if status == Status.DRAFT
                else timezone.make_aware(datetime.combine(date(year, 4, 15), time(10))),
                created_at=now,
            )
        )
    applications = insert(Application, applications, returning=True)
    insert(
        ApplicationLine,
        [
            ApplicationLine(
                application=application,
                category=categories[k],
                description="事業費",
                amount=application.requested_amount // 2,
                position=k,
            )
            for application in applications
            for k in range(2)
        ],
    )


# --------------------------------------------------------------------------- the whole set


def generate(scale: float = 1.0, *, stdout=None) -> list[Municipality]:
    """Build every city at ``scale``; one transaction per city."""
    groups = roles.ensure_staff_groups()
    password_hash = make_password(PASSWORD)  # hashed once: 600 hashes would take minutes
    cities = []
    for number, shape in enumerate(shapes(scale), start=1):
        with transaction.atomic():
            cities.append(build_city(number, shape, password_hash=password_hash, groups=groups))
        if stdout and (number % 25 == 0 or number == 1):
            stdout.write(f"  {number}市目まで作成しました")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return cities


def reset(*, stdout=None) -> int:
    """Delete every scale city and everything in it; return how many cities."""
    ids = list(scale_cities().values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic(), tenancy.all_cities():
        # Raw deletes, table by table: the ORM's delete() would load a million rows to
        # look for cascades. Foreign keys are checked at commit, so the order is free,
        # except that rows found through a join (many-to-many tables, rows of other
        # apps pointing at a city's users) go before the rows they join.
        joined, owned = [], []
        for model in apps.get_models(include_auto_created=True):
            if model is Municipality:
                continue
            manager = model._base_manager
            if "municipality" in {f.name for f in model._meta.concrete_fields}:
                owned.append(manager.filter(municipality_id__in=ids))
                continue
            queryset = None
            for field in model._meta.concrete_fields:
                related = field.related_model if field.is_relation else None
                if related is None or related is Municipality:
                    continue
                if "municipality" in {g.name for g in related._meta.concrete_fields}:
                    part = manager.filter(**{f"{field.name}__municipality_id__in": ids})
                    queryset = part if queryset is None else queryset | part
            if queryset is not None:
                joined.append(queryset)
        for queryset in [*joined, *owned]:
            queryset._raw_delete(queryset.db)
        MunicipalityHost.objects.filter(municipality_id__in=ids).delete()
        queryset = Municipality.objects.filter(pk__in=ids)
        queryset._raw_delete(queryset.db)
    if stdout:
        stdout.write(f"  計測用の{len(ids)}市を削除しました")
    return len(ids)


def describe(stdout) -> None:
    """Counts of the scale cities' rows."""
    from councils.models import Council, PopulationRecord
    from plans.models import PlanItem, ProgressEntry
    from subsidies.models import Application

    ids = list(scale_cities().values_list("pk", flat=True))
    with tenancy.all_cities():
        for label, model in (
            ("地域協働体", Council),
            ("事業", PlanItem),
            ("進捗", ProgressEntry),
            ("交付申請", Application),
            ("人口", PopulationRecord),
        ):
            count = model.objects.filter(municipality_id__in=ids).count()
            stdout.write(f"  {label}: {count:,}")
