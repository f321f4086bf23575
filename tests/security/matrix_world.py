"""The rows the access matrix fills its URLs with: 一関市 (city A) with councils A and B, and
山口市 (city B) with two councils of its own, each council with its secretary; city A's staff of
every group; a plan with progress drafted, submitted and published; a programme with an
application, its attachment and notice. Build it inside ``tenancy.city_scope`` of city A."""

from dataclasses import dataclass, field
from datetime import date

from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.utils import timezone

from core import roles, tenancy
from core.calendar import fiscal_year, fiscal_year_end, fiscal_year_start
from core.models import ImportJob
from notifications.models import NoticeKind, SentNotice
from plans import services as plan_services
from plans.models import Indicator, IndicatorValue, PlanStatus, PlanTransition, ProgressAction
from reminders.models import ReminderEvent, ReminderTiming
from reports.models import ReportJob
from subsidies import services as grant_services
from subsidies.models import Attachment
from subsidies.services import LineInput
from tests.cities import make_city
from tests.factories import (
    CivicCentreFactory,
    CouncilFactory,
    DistrictFactory,
    PopulationFactory,
    SecretaryFactory,
    UserFactory,
)
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory
from tests.staffing.factories import (
    LiaisonAssignmentFactory,
    SecretariatEmployeeFactory,
    StaffMemberFactory,
)
from tests.subsidies.factories import BudgetFactory, ExpenseCategoryFactory, RuleFactory

YEAR = fiscal_year(timezone.localdate())
IMPORT_MODELS = (
    "councils.district",
    "councils.populationrecord",
    "councils.council",
    "councils.civiccentre",
    "staffing.staffmember",
    "staffing.liaisonassignment",
    "staffing.secretariatemployee",
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class MatrixWorld:
    city: object
    other_city: object
    users: dict  # principal name -> User (None for anonymous)
    council: object  # council A: the one whose rows fill the URLs
    application: object
    attachment: object
    notice: object
    plan: object
    item: object
    entries: dict  # "draft" / "submitted" / "published" -> ProgressEntry
    report_job: object
    extra: dict = field(default_factory=dict)


def _council(prefix: str, code: str, city):
    district = DistrictFactory(code=f"{code}-01", name=f"{prefix}地区")
    PopulationFactory(district=district, as_of=date(YEAR, 3, 31))
    council = CouncilFactory(name=f"{prefix}地域協働体", kana="ちいき", districts=[district])
    CivicCentreFactory(name=f"{prefix}センター", council=council)
    secretary = SecretaryFactory(
        council=council,
        user=UserFactory(username=f"{code}-sec", full_name=f"{prefix} 事務局", municipality=city),
        started_on=date(2020, 4, 1),
    ).user
    return council, secretary


def _done_report(staff) -> ReportJob:
    job = ReportJob.objects.create(
        title="一括帳票",
        requested_by=staff,
        status=ReportJob.Status.DONE,
        finished_at=timezone.now(),
    )
    job.file.save("city-report.pdf", ContentFile(PDF))
    return job


def build_world(city) -> MatrixWorld:
    """Every row the matrix needs; ``city`` (一関市) must be in force."""
    groups = roles.ensure_staff_groups()
    users = {"anonymous": None}
    for principal, group in (
        ("administrator", roles.ADMINISTRATOR),
        ("editor", roles.EDITOR),
        ("viewer", roles.VIEWER),
    ):
        users[principal] = UserFactory(username=f"m-{principal}", is_staff=True)
        users[principal].groups.add(groups[group])
    users["operator"] = UserFactory(username="m-operator", is_staff=True, is_superuser=True)
    council, users["secretary"] = _council("山目", "ma", city)
    _other_council, users["other_council_secretary"] = _council("舞川", "mb", city)

    plan = PlanFactory(community=True, council=council, status=PlanStatus.PUBLISHED)
    item = PlanItemFactory(policy=PolicyFactory(plan=plan))
    item.roles.create(actor="council", role="山目の役割")
    item.schedule.create(fiscal_year=2020, text="山目で実施")
    plan.issues.create(title="山目の課題")
    indicator = Indicator.objects.create(
        plan=plan, name="参加率", unit="%", baseline_year=2018, baseline_value="1"
    )
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2023, kind="target", value="5")
    admin = users["administrator"]
    entries = {
        "draft": EntryFactory(item=item, fiscal_year=2020),
        "submitted": EntryFactory(item=item, fiscal_year=2021),
        "published": EntryFactory(item=item, fiscal_year=2022),
    }
    secretary = users["secretary"]
    plan_services.progress_transition(
        action=ProgressAction.SUBMIT, entry=entries["submitted"], actor=secretary
    )
    published = entries["published"]
    for action in (ProgressAction.SUBMIT, ProgressAction.ACCEPT, ProgressAction.PUBLISH):
        plan_services.progress_transition(
            action=action, entry=published, actor=secretary if action == "submit" else admin
        )
    PlanTransition.objects.create(
        plan=plan, action="publish", from_status="draft", to_status="published", actor=admin
    )
    liaison = StaffMemberFactory(name="山目 太郎", staff_number="m-1")
    LiaisonAssignmentFactory(staff=liaison, council=council)
    SecretariatEmployeeFactory(council=council, name="山目 花子")

    category = ExpenseCategoryFactory(code="juyohi", name="需用費")
    rule = RuleFactory(
        programme__code="m-katsudo",
        programme__name="地域づくり活動費補助金",
        programme__notice_prefix="一地協",
        programme__contact_email="",
        yearly_cap=200_000,
        categories=["juyohi"],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=1_000_000)
    application = grant_services.create_application(
        council=council,
        programme=rule.programme,
        fiscal_year=YEAR,
        actor=secretary,
        lines=[LineInput(category, 100_000, "消耗品")],
        title="防災マップの作成",
        purpose="危険箇所を確認する。",
        work_starts_on=fiscal_year_start(YEAR),
        work_ends_on=fiscal_year_end(YEAR),
        requested_amount=100_000,
    )
    grant_services.application_transition(application=application, action="submit", actor=secretary)
    grant_services.application_transition(application=application, action="decide", actor=admin)
    # A decided application of council A with its 実績報告 filed: the 収支決算書 PDF opens it.
    reported = grant_services.create_application(
        council=council,
        programme=rule.programme,
        fiscal_year=YEAR,
        actor=secretary,
        lines=[LineInput(category, 50_000, "消耗品")],
        title="報告済みの事業",
        purpose="実績報告まで済んだ事業。",
        work_starts_on=fiscal_year_start(YEAR),
        work_ends_on=fiscal_year_end(YEAR),
        requested_amount=50_000,
    )
    for action, actor, data in (
        ("submit", secretary, {}),
        ("decide", admin, {}),
        (
            "submit_report",
            secretary,
            {
                "lines": [LineInput(category, 50_000, "消耗品")],
                "report_text": "実施しました。",
                "completed_on": timezone.localdate(),
                "confirm_early": True,
                "grant_income": 50_000,
            },
        ),
    ):
        grant_services.application_transition(
            application=reported, action=action, actor=actor, **data
        )
    # A 窓口代行入力 draft, entered by staff for council A: the proxy edit page opens it.
    proxy = grant_services.create_application(
        council=council,
        programme=rule.programme,
        fiscal_year=YEAR,
        actor=admin,
        proxy=True,
        lines=[LineInput(category, 50_000, "消耗品")],
        title="窓口で受け付けた申請",
        purpose="紙の申請書を代行入力する。",
        work_starts_on=fiscal_year_start(YEAR),
        work_ends_on=fiscal_year_end(YEAR),
        requested_amount=50_000,
    )
    attachment = Attachment.objects.create(
        application=application,
        file=ContentFile(PDF, name="map.pdf"),
        original_name="地図.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=secretary,
    )
    job = ReportJob.objects.create(
        title="一括帳票",
        requested_by=admin,
        status=ReportJob.Status.DONE,
        finished_at=timezone.now(),
    )
    job.file.save("city-report.pdf", ContentFile(PDF))

    # Imports the administrator started, one per model with an import page: the job pages
    # and the job list open them. A failed login on a city login: the lock list shows it.
    import_jobs = {
        label: ImportJob.objects.create(
            user=admin,
            model_label=label,
            resource_path="core.imports.resources.JapaneseModelResource",
            format_path="core.imports.reading.CSV",
            file_name="取込.csv",
            key=f"matrix-{label}",
            status=ImportJob.Status.DONE,
            finished_at=timezone.now(),
        )
        for label in IMPORT_MODELS
    }
    # A reminder the city set and one it sent (notifications, reminders).
    ReminderTiming.objects.create(event=ReminderEvent.REPORT_DUE, programme=rule.programme, days=14)
    SentNotice.objects.create(
        kind=NoticeKind.CITY_NOTICE,
        subject_key="dunning:matrix",
        recipient_key=f"council:{council.pk}",
        council=council,
        subject="【一関市】督促: 提出物をご確認ください",
        body="山目地域協働体 事務局 御中",
    )
    access_attempt = AccessAttempt.objects.create(
        username=users["viewer"].username,
        ip_address="192.0.2.1",
        user_agent="matrix",
        path_info="/accounts/login/",
        failures_since_start=1,
    )

    other_city = make_city("yamaguchi")
    with tenancy.city_scope(other_city):
        users["other_city_staff"] = UserFactory(
            username="m-elsewhere-staff", is_staff=True, municipality=other_city
        )
        users["other_city_staff"].groups.add(groups[roles.ADMINISTRATOR])
        _council_b, users["other_city_secretary"] = _council("仁保", "yb", other_city)
        _council("大内", "yc", other_city)
        _done_report(users["other_city_staff"])
    return MatrixWorld(
        city=city,
        other_city=other_city,
        users=users,
        council=council,
        application=application,
        attachment=attachment,
        notice=application.notices.get(),
        plan=plan,
        item=item,
        entries=entries,
        report_job=job,
        extra={
            "proxy_application": proxy,
            "reported_application": reported,
            "import_jobs": import_jobs,
            "access_attempt": access_attempt,
        },
    )
