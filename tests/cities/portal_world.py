"""One city's portal rows for the tests of several cities: a programme, a council with its
secretary, a staff editor, a decided application with an attachment and a notice, and a
community plan with an item and a progress entry. Build it inside ``tenancy.city_scope``."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from core import roles
from plans.models import PlanStatus
from subsidies import services
from subsidies.models import Application, AttachmentKind, Status
from tests.factories import CouncilFactory, SecretaryFactory, UserFactory
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory
from tests.subsidies.factories import BudgetFactory, ExpenseCategoryFactory, RuleFactory
from tests.subsidies.lifecycle import YEAR, World, application_in


@dataclass
class CityPortal:
    city: object
    host: str
    world: World
    application: Application
    attachment: object
    notice: object
    plan: object
    item: object


def build_city_portal(city, *, slug: str, council_name: str) -> CityPortal:
    """``city``'s rows (the city must be in force); logins are ``<slug>-jimu`` and
    ``<slug>-staff``, addresses at ``<slug>.example.jp``."""
    juyohi = ExpenseCategoryFactory(code="juyohi")
    hoshohi = ExpenseCategoryFactory(code="hoshohi", name="報償費")
    rule = RuleFactory(
        programme__code="katsudo",
        programme__name=f"{city.name}活動費補助金",
        programme__notice_prefix=f"{slug}第",
        programme__contact_email=f"hojokin@{slug}.example.jp",
        yearly_cap=200_000,
        advance_payment_allowed=True,
        categories=["juyohi", "hoshohi"],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=1_000_000)
    council = CouncilFactory(name=council_name)
    secretary = SecretaryFactory(
        council=council,
        user=UserFactory(
            username=f"{slug}-jimu", email=f"jimu@{slug}.example.jp", municipality=city
        ),
    ).user
    staff = UserFactory(
        username=f"{slug}-staff",
        email=f"staff@{slug}.example.jp",
        is_staff=True,
        municipality=city,
    )
    staff.groups.add(roles.ensure_staff_groups()[roles.EDITOR])
    world = World(
        programme=rule.programme,
        rule=rule,
        juyohi=juyohi,
        hoshohi=hoshohi,
        council=council,
        other=council,
        secretary=secretary,
        other_secretary=secretary,
        staff=staff,
        viewer=staff,
        preparing_stage="preparing",
    )
    application = application_in(world, Status.DRAFT)
    (attachment,) = services.attachments_save(
        application=application,
        uploads=[(SimpleUploadedFile("plan.pdf", b"%PDF-1.4 " + b"0" * 100), "application/pdf")],
        kind=AttachmentKind.APPLICATION,
        actor=secretary,
    )
    services.application_transition(application=application, action="submit", actor=secretary)
    services.application_transition(application=application, action="decide", actor=staff)
    plan = PlanFactory(community=True, council=council, status=PlanStatus.DRAFT)
    item = PlanItemFactory(policy__plan=plan)
    EntryFactory(item=item)
    return CityPortal(
        city=city,
        host=f"{slug}.test",
        world=world,
        application=application,
        attachment=attachment,
        notice=application.notices.get(),
        plan=plan,
        item=item,
    )
