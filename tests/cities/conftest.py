"""Two cities for the back-office tests: 一関市 (the tests' city, A) and 山口市 (B), each
with rows of every model the admin registers, B's names all containing 「仁保」."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from core import roles, tenancy
from core.calendar import fiscal_year, fiscal_year_end, fiscal_year_start
from core.models import ImportJob
from notifications.models import NoticeKind, SentNotice
from plans import services as plan_services
from plans.models import Indicator, IndicatorValue, PlanTransition, ProgressAction
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
from tests.plans.factories import (
    EntryFactory,
    PlanFactory,
    PlanItemFactory,
    PolicyFactory,
    VocabularyFactory,
)
from tests.staffing.factories import (
    LiaisonAssignmentFactory,
    SecretariatEmployeeFactory,
    StaffMemberFactory,
)
from tests.subsidies.factories import BudgetFactory, ExpenseCategoryFactory, RuleFactory

YEAR = fiscal_year(timezone.localdate())
B_MARK = "仁保"  # in every name of city B's rows, and in none of city A's
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class CityRows:
    city: object
    staff: object
    council: object
    application: object
    attachment: object
    notice: object
    programme: object


def city_rows(city, *, prefix: str, code: str, staff_name: str) -> CityRows:
    """One row or more of every city-owned model the admin shows, for ``city``."""
    groups = roles.ensure_staff_groups()
    with tenancy.city_scope(city):
        staff = UserFactory(
            username=f"{code}-staff", full_name=staff_name, municipality=city, is_staff=True
        )
        staff.groups.add(groups[roles.ADMINISTRATOR])
        district = DistrictFactory(code=f"{code.upper()}-01", name=f"{prefix}地区")
        PopulationFactory(district=district, as_of=date(YEAR, 3, 31))
        council = CouncilFactory(name=f"{prefix}地域協働体", kana="ちいき", districts=[district])
        CivicCentreFactory(name=f"{prefix}センター", council=council)
        secretary = SecretaryFactory(
            council=council,
            user=UserFactory(
                username=f"{code}-sec", full_name=f"{prefix} 事務局", municipality=city
            ),
            started_on=date(2020, 4, 1),
        ).user
        plan = PlanFactory(
            community=True,
            council=council,
            title=f"{prefix}地域づくり計画",
            vocabulary=VocabularyFactory(name=f"{prefix}の達成状況"),
        )
        item = PlanItemFactory(
            policy=PolicyFactory(plan=plan, title=f"{prefix}の基本方針"), title=f"{prefix}の事業"
        )
        item.roles.create(actor="council", role=f"{prefix}の役割")
        item.schedule.create(fiscal_year=2020, text=f"{prefix}で実施")
        plan.issues.create(title=f"{prefix}の課題")
        indicator = Indicator.objects.create(
            plan=plan, name=f"{prefix}の参加率", unit="%", baseline_year=2018, baseline_value="1"
        )
        IndicatorValue.objects.create(
            indicator=indicator, fiscal_year=2023, kind="target", value="5"
        )
        entry = EntryFactory(item=item, done=f"{prefix}で研修会を開催した。")
        plan_services.progress_transition(
            action=ProgressAction.SUBMIT, entry=entry, actor=secretary
        )
        PlanTransition.objects.create(
            plan=plan,
            action="publish",
            from_status="draft",
            to_status="published",
            at=entry.created_at,
        )
        liaison = StaffMemberFactory(name=f"{prefix} 太郎", staff_number=f"{code}-1")
        LiaisonAssignmentFactory(staff=liaison, council=council)
        SecretariatEmployeeFactory(council=council, name=f"{prefix} 花子")
        category = ExpenseCategoryFactory(code="juyohi", name=f"{prefix}需用費")
        rule = RuleFactory(
            programme__code=f"{code}-katsudo",
            programme__name=f"{prefix}活動費補助金",
            programme__notice_prefix=f"{prefix}協",
            programme__contact_email="",
            yearly_cap=200_000,
            flat_amount=100_000,
            per_capita_unit=100,
            categories=["juyohi"],
        )
        BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=1_000_000)
        application = grant_services.create_application(
            council=council,
            programme=rule.programme,
            fiscal_year=YEAR,
            actor=secretary,
            lines=[LineInput(category, 100_000, f"{prefix}の消耗品")],
            title=f"{prefix}の防災マップ",
            purpose=f"{prefix}の危険箇所を確認する。",
            work_starts_on=fiscal_year_start(YEAR),
            work_ends_on=fiscal_year_end(YEAR),
            requested_amount=100_000,
        )
        grant_services.application_transition(
            application=application, action="submit", actor=secretary
        )
        grant_services.application_transition(application=application, action="decide", actor=staff)
        attachment = Attachment.objects.create(
            application=application,
            file=ContentFile(PDF, name="map.pdf"),
            original_name=f"{prefix}の地図.pdf",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=secretary,
        )
        ReportJob.objects.create(title=f"{prefix}の一括帳票", requested_by=staff)
        ReminderTiming.objects.create(
            event=ReminderEvent.REPORT_DUE, programme=rule.programme, days=14
        )
        SentNotice.objects.create(
            kind=NoticeKind.CITY_NOTICE,
            subject_key=f"dunning:{code}",
            recipient_key=f"council:{council.pk}",
            council=council,
            subject=f"【{prefix}】督促: 提出物をご確認ください",
            body=f"{prefix}地域協働体 事務局 御中",
        )
        ImportJob.objects.create(
            user=staff,
            model_label="councils.district",
            resource_path="councils.resources.DistrictResource",
            format_path="core.imports.reading.CSV",
            file_name=f"{prefix}の地区.csv",
            key=f"{code}-key-for-the-admin-isolation-tests",
        )
        return CityRows(
            city=city,
            staff=staff,
            council=council,
            application=application,
            attachment=attachment,
            notice=application.notices.get(),
            programme=rule.programme,
        )


@pytest.fixture
def city_a(city, private_media):
    return city_rows(city, prefix="山目", code="a", staff_name="山目 職員")


@pytest.fixture
def city_b(db, private_media):
    return city_rows(make_city("yamaguchi"), prefix=B_MARK, code="b", staff_name="仁保 職員")


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def city_hosts(settings):
    """The cities' hosts (``<slug>.test``) and the platform host answer here."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
