"""Demo plans and progress, transcribed from the seed documents into ``data/plans/*.json``.

One file per document, each a list of the plan's versions in order, loaded into the city
that issued it (``data/cities.json`` lists each city's files; ``vocabularies.json`` each
city's status vocabularies):

- 第2次一関市地域協働推進計画 (seeds 003/004): the five 基本方針 ⑴–⑸ and 事業1–15 with
  their contents and a schedule over 平成31–35年度 (2019–2023). The PDF text keeps each
  schedule bar's label but not its position, so each label is applied to all five years
  (事業15: 調査検討 in 平成31年度, then the label of its bar).
- 盛岡市 協働のまちづくりの推進 (seed 002): seven 取組項目 under four headings with their
  実施内容 for 平成22年度, 平成23年度 and 平成24年度上半期, their 達成状況 and the counts the
  texts give (開催回数, 延べ参加人数; where a text lists グラウンドワーク and ワークショップ
  separately the entry holds their sum), under Morioka's status vocabulary.
- 山口市 協働推進プラン (seed 001): the 平成21–24年度 version with 47 推進項目 under
  推進方針 I–V whose 平成24年度 statuses give the published roll-up exactly (the seed
  names the items only in an appendix it does not include, so they are numbered, not
  named), and its revision for 平成25年度 onwards with 推進方針 Ⅰ–Ⅳ, their 推進施策 and the
  five 数値目標 with baseline (H18), actual (H23) and targets (H24, H29).
- Community plans of 山目・藤沢 (published, with progress in every review state) and
  田河津 (a draft): issues from the councils' survey in seed 004 (⑧) and projects from its
  list of council activities (活動の事例); their wording, role allocation and figures are
  illustrative.

Content is created with get_or_create on natural keys. Each plan version and entry starts
as a draft and reaches the state its file gives through the lifecycle services
(``plan_transition``, ``progress_transition``) as past acts: dated on the days the files
give (a community plan is submitted on the day it is published), taken by the city or the
council with no named login, so the audit rows are the services' own. Only what is
created in this run is moved: a second run changes nothing.
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.calendar import parse_period
from councils.models import Council
from plans import models
from plans.services import OWNER, PUBLISHER, REVIEWER, plan_transition, progress_transition

from .cities import SPECS
from .files import read_json

TOKYO = ZoneInfo("Asia/Tokyo")
DEMO_NOTE = "デモデータ（資料から登録）"


def load(stdout=None, city: str = "ichinoseki") -> None:
    """The plans of the demo city ``city`` (a slug of ``data/cities.json``), loaded into the
    city in force."""
    vocabularies = read_json("plans/vocabularies.json")
    _remove_other_cities_plans(city)
    for spec in vocabularies[city]:
        _vocabulary(spec)
    _remove_other_cities_vocabularies(city, vocabularies)
    for name in SPECS[city]["plans"]:
        previous = None
        for spec in read_json(f"plans/{name}"):
            previous = _plan(spec, revision_of=previous)
    if stdout:
        stdout.write(
            f"  計画 {models.Plan.objects.count()}（公開中 {models.Plan.objects.filter(status=models.PlanStatus.PUBLISHED).count()}）、"
            f"事業 {models.PlanItem.objects.count()}、進捗 {models.ProgressEntry.objects.count()}"
            f"（審査待ち {models.ProgressEntry.objects.filter(state=models.ReviewState.SUBMITTED).count()}）、"
            f"数値目標 {models.Indicator.objects.count()}"
        )


def _at(day: str) -> datetime:
    """The seeds give days; the demo dates each act at 10:00 Tokyo time."""
    return datetime.combine(date.fromisoformat(day), time(10), tzinfo=TOKYO)


def _remove_other_cities_plans(city: str) -> None:
    """Delete what the one-city demo filed under this city from other cities' documents.

    Before each city had its own rows, 盛岡市's and 山口市's plans were loaded into the only
    city (一関市); they now load into their own cities, so the copies here go, with their
    content, progress and audit rows (newest version first: a revision protects the version
    it revises). On any other database this finds nothing.
    """
    for other, spec in SPECS.items():
        if other == city:
            continue
        for name in spec["plans"]:
            versions = [v for v in read_json(f"plans/{name}") if "council" not in v]
            if not versions:
                continue
            plans = models.Plan.objects.filter(
                council=None,
                title__in={version["title"] for version in versions},
                issued_by__in={version["issued_by"] for version in versions},
            ).order_by("-version")
            for plan in plans:
                models.ProgressEntry.objects.filter(item__plan=plan).delete()
                plan.items.all().delete()
                plan.policies.all().delete()
                plan.delete()


def _remove_other_cities_vocabularies(city: str, vocabularies: dict) -> None:
    """Delete other cities' vocabularies that the one-city demo left here, when unused."""
    ours = {spec["name"] for spec in vocabularies[city]}
    theirs = {
        spec["name"]
        for other, specs in vocabularies.items()
        if other != city
        for spec in specs
        if spec["name"] not in ours
    }
    for vocabulary in models.StatusVocabulary.objects.filter(name__in=theirs):
        if not models.Plan.objects.filter(vocabulary=vocabulary).exists():
            vocabulary.delete()


def _vocabulary(spec) -> models.StatusVocabulary:
    """The vocabulary ``spec`` names; the one-city demo's shared vocabulary (``formerly``)
    is renamed to it instead of making a second default."""
    if (
        "formerly" in spec
        and not models.StatusVocabulary.objects.filter(name=spec["name"]).exists()
    ):
        former = models.StatusVocabulary.objects.filter(name=spec["formerly"]).first()
        if former is not None:
            former.name = spec["name"]
            former.description = spec["description"]
            former.save(update_fields=["name", "description"])
    vocabulary, _ = models.StatusVocabulary.objects.get_or_create(
        name=spec["name"],
        defaults={"description": spec["description"], "is_default": spec["is_default"]},
    )
    for order, (code, label, assessed) in enumerate(spec["statuses"], 1):
        models.ProgressStatus.objects.get_or_create(
            vocabulary=vocabulary,
            code=code,
            defaults={"label": label, "order": order, "is_assessed": assessed},
        )
    return vocabulary


def _plan(spec, *, revision_of: models.Plan | None) -> models.Plan:
    """One plan version with its content, moved to its file's status, then its progress."""
    council = Council.objects.get(name=spec["council"]) if "council" in spec else None
    if "vocabulary" in spec:
        vocabulary = models.StatusVocabulary.objects.get(name=spec["vocabulary"])
    else:
        vocabulary = models.StatusVocabulary.objects.get(is_default=True)
    plan, created = models.Plan.objects.get_or_create(
        title=spec["title"],
        version=spec.get("version", 1),
        council=council,
        defaults={
            "kind": models.PlanKind.COMMUNITY if council else models.PlanKind.CITY,
            "issued_by": spec.get("issued_by") or council.name,
            "start_year": spec["start_year"],
            "end_year": spec["end_year"],
            "vision": spec.get("vision", ""),
            "summary": spec.get("summary", ""),
            "vocabulary": vocabulary,
            "revision_of": revision_of,
            "revision_note": spec.get("revision_note", ""),
        },
    )
    for order, (title, description) in enumerate(spec.get("issues", ()), 1):
        models.LocalIssue.objects.get_or_create(
            plan=plan, order=order, defaults={"title": title, "description": description}
        )
    items = {}
    years = range(plan.start_year, plan.end_year + 1)
    for order, policy_spec in enumerate(spec["policies"], 1):
        policy, _ = models.Policy.objects.get_or_create(
            plan=plan,
            order=order,
            defaults={
                "number": policy_spec["number"],
                "title": policy_spec["title"],
                "description": policy_spec.get("description", ""),
            },
        )
        for item_spec in policy_spec["items"]:
            items[item_spec["number"]] = _item(plan, policy, len(items) + 1, item_spec, years)
    if created:
        _plan_acts(plan, spec)
    for entry_spec in spec.get("progress", ()):
        _entry(items[entry_spec["item"]], entry_spec)
    for order, indicator_spec in enumerate(spec.get("indicators", ()), 1):
        _indicator(plan, order, indicator_spec)
    return plan


def _plan_acts(plan, spec) -> None:
    """Submit and publish a new draft as its file says (a community plan is submitted on
    ``submitted_on``, else on the day it is published). Publishing a revision supersedes
    the version before it: the service does that, so a superseded version is published
    here and superseded when its revision is."""
    if spec["status"] == models.PlanStatus.DRAFT:
        return
    steps = [(models.PlanAction.PUBLISH, PUBLISHER, spec.get("published_on"))]
    if spec["status"] == models.PlanStatus.SUBMITTED:
        steps = []
    if plan.kind == models.PlanKind.COMMUNITY:
        submitted = spec.get("submitted_on") or spec["published_on"]
        steps.insert(0, (models.PlanAction.SUBMIT, OWNER, submitted))
    for action, role, day in steps:
        plan_transition(
            plan=plan, action=action, actor=None, role=role, at=_at(day), comment=DEMO_NOTE
        )


def _item(plan, policy, order, spec, years) -> models.PlanItem:
    item, created = models.PlanItem.objects.get_or_create(
        plan=plan,
        number=spec["number"],
        defaults={
            "policy": policy,
            "order": order,
            "title": spec["title"],
            "content": spec.get("content", ""),
        },
    )
    if created:
        # A schedule given as one label applies to every year of the plan.
        schedule = spec.get("schedule", {})
        if isinstance(schedule, str):
            schedule = dict.fromkeys(years, schedule)
        models.ItemSchedule.objects.bulk_create(
            models.ItemSchedule(item=item, fiscal_year=int(year), text=text)
            for year, text in schedule.items()
        )
        models.RoleAllocation.objects.bulk_create(
            models.RoleAllocation(item=item, order=i, actor=actor, actor_name=name, role=role)
            for i, (actor, name, role) in enumerate(spec.get("roles", ()), 1)
        )
    return item


def _entry(item, spec) -> models.ProgressEntry:
    """A draft entry with its content, moved to its file's review state.

    Submitted by the council, accepted (with the city's comment) or returned (with the
    reason) by a reviewer, published by the city, each on the day the file gives.
    """
    period = parse_period(spec["period"])
    status = models.ProgressStatus.objects.get(
        vocabulary_id=item.plan.vocabulary_id, code=spec["status"]
    )
    entry, created = models.ProgressEntry.objects.get_or_create(
        item=item,
        fiscal_year=period.fiscal_year,
        half=period.half,
        defaults={
            "done": spec["done"],
            "status": status,
            "meetings": spec.get("meetings"),
            "participants": spec.get("participants"),
        },
    )
    state = spec.get("state", models.ReviewState.ACCEPTED)
    if not created or state == models.ReviewState.DRAFT:
        return entry
    steps = [(models.ProgressAction.SUBMIT, OWNER, "submitted_on", "")]
    if state == models.ReviewState.ACCEPTED:
        steps.append(
            (models.ProgressAction.ACCEPT, REVIEWER, "reviewed_on", spec.get("comment", ""))
        )
    if state == models.ReviewState.RETURNED:
        steps.append((models.ProgressAction.RETURN, REVIEWER, "reviewed_on", spec["reason"]))
    if "published_on" in spec:
        steps.append((models.ProgressAction.PUBLISH, PUBLISHER, "published_on", ""))
    for action, role, day, comment in steps:
        progress_transition(
            entry=entry, action=action, actor=None, role=role, at=_at(spec[day]), comment=comment
        )
    return entry


def _indicator(plan, order, spec) -> models.Indicator:
    indicator, created = models.Indicator.objects.get_or_create(
        plan=plan,
        name=spec["name"],
        defaults={
            "order": order,
            "unit": spec["unit"],
            "baseline_year": spec["baseline_year"],
            "baseline_value": Decimal(spec["baseline_value"]),
            "decimal_places": spec["decimal_places"],
            "source": spec["source"],
        },
    )
    if created:
        models.IndicatorValue.objects.bulk_create(
            models.IndicatorValue(
                indicator=indicator, fiscal_year=year, kind=kind, value=Decimal(value)
            )
            for kind, year, value in spec["values"]
        )
    return indicator
