"""The admin home of a city opens on what waits for its staff: counts written out by hand,
each linking to an admin list of exactly the rows counted, never another city's rows, in a
fixed number of queries."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import tenancy
from core.calendar import fiscal_year, wareki_date
from plans.models import PlanStatus, ReviewState
from staffing.models import LiaisonRole
from subsidies.models import Application, ApplicationAction, ApplicationEvent, Status
from tests.cities import make_city
from tests.factories import CouncilFactory
from tests.plans.factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory
from tests.staffing.factories import LiaisonAssignmentFactory
from tests.subsidies.factories import BudgetFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = fiscal_year(TODAY)


def at(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def application(council, programme, status, **fields):
    return Application.objects.create(
        council=council,
        programme=programme,
        fiscal_year=fields.pop("fiscal_year", YEAR),
        title="防災訓練",
        status=status,
        **fields,
    )


@pytest.fixture
def world():
    """一関市's waiting work (the expected counts are in the tests below)."""
    with_main, deputy_only, main_ended, no_one = (CouncilFactory() for _ in range(4))
    LiaisonAssignmentFactory(council=with_main, started_on=TODAY - timedelta(days=30))
    LiaisonAssignmentFactory(
        council=deputy_only, role=LiaisonRole.DEPUTY, started_on=TODAY - timedelta(days=30)
    )
    LiaisonAssignmentFactory(
        council=main_ended,
        started_on=TODAY - timedelta(days=90),
        ended_on=TODAY - timedelta(days=1),
    )

    other = ProgrammeFactory()  # no budget
    oldest = at(20)
    application(with_main, other, Status.SUBMITTED, submitted_at=oldest)
    application(with_main, other, Status.SUBMITTED, submitted_at=at(2))
    application(with_main, other, Status.DRAFT)
    application(with_main, other, Status.RETURNED, submitted_at=at(40))
    changing = application(
        with_main,
        other,
        Status.CHANGE_REQUESTED,
        decided_amount=100,
        report_due_on=TODAY + timedelta(days=14),
    )
    for days_ago in (30, 6):  # the earlier request was settled; the latest one waits
        ApplicationEvent.objects.create(
            application=changing,
            action=ApplicationAction.REQUEST_CHANGE,
            from_status=Status.DECIDED,
            to_status=Status.CHANGE_REQUESTED,
            at=at(days_ago),
        )
    application(
        with_main,
        other,
        Status.REPORT_SUBMITTED,
        decided_amount=100,
        report_submitted_on=TODAY - timedelta(days=4),
    )
    application(
        with_main, other, Status.DECIDED, decided_amount=100, report_due_on=TODAY + timedelta(5)
    )
    application(
        with_main, other, Status.DECIDED, decided_amount=100, report_due_on=TODAY + timedelta(15)
    )
    application(
        with_main, other, Status.DECIDED, decided_amount=100, report_due_on=TODAY - timedelta(3)
    )
    application(
        with_main,
        other,
        Status.REPORT_RETURNED,
        decided_amount=100,
        report_due_on=TODAY - timedelta(10),
    )
    # Overdue only while the report is owed: a submitted report is not overdue.
    application(
        with_main,
        other,
        Status.REPORT_SUBMITTED,
        decided_amount=100,
        report_due_on=TODAY - timedelta(30),
        report_submitted_on=TODAY - timedelta(days=1),
    )

    nine_tenths, under, last_year = ProgrammeFactory(), ProgrammeFactory(), ProgrammeFactory()
    BudgetFactory(programme=nine_tenths, fiscal_year=YEAR, amount=1_000_000)
    application(with_main, nine_tenths, Status.DECIDED, decided_amount=500_000)
    application(
        with_main, nine_tenths, Status.CONFIRMED, decided_amount=450_000, confirmed_amount=400_000
    )
    application(
        with_main, nine_tenths, Status.SUBMITTED, requested_amount=300_000, submitted_at=at(1)
    )
    BudgetFactory(programme=under, fiscal_year=YEAR, amount=1_000_000)
    application(with_main, under, Status.DECIDED, decided_amount=899_999)
    BudgetFactory(programme=last_year, fiscal_year=YEAR - 1, amount=100)
    application(with_main, last_year, Status.COMPLETED, decided_amount=100, fiscal_year=YEAR - 1)

    public_item = PlanItemFactory()
    draft_item = PlanItemFactory(policy=PolicyFactory(plan=PlanFactory(status=PlanStatus.DRAFT)))
    for year, comment, submitted in ((2019, "", at(9)), (2020, "", at(3)), (2021, "確認", at(1))):
        EntryFactory(
            item=public_item,
            fiscal_year=year,
            state=ReviewState.SUBMITTED,
            staff_comment=comment,
            submitted_at=submitted,
        )
    accepted_on = at(7)
    EntryFactory(
        item=public_item, fiscal_year=2022, state=ReviewState.ACCEPTED, reviewed_at=accepted_on
    )
    EntryFactory(
        item=public_item,
        fiscal_year=2023,
        state=ReviewState.ACCEPTED,
        reviewed_at=at(30),
        published_at=at(29),
    )
    EntryFactory(item=draft_item, fiscal_year=2022, state=ReviewState.ACCEPTED, reviewed_at=at(50))
    EntryFactory(item=draft_item, fiscal_year=2021)
    return {"oldest_application": oldest, "accepted_on": accepted_on}


def dashboard(response) -> dict[str, tuple[int, str]]:
    """{label: (count, since)} as the admin home shows them."""
    from reports.work import work_items

    items = work_items(response.wsgi_request.user)
    return {item.label: (item.count, item.since) for item in items}


EXPECTED_COUNTS = {
    "申請の審査待ち": 3,
    "変更承認申請の審査待ち": 1,
    "実績報告の確認待ち": 2,
    "実績報告の期限超過": 2,
    "実績報告の期限が14日以内": 2,
    "予算の9割以上を交付決定済み（今年度以降）": 1,
    "進捗の所見待ち": 2,
    "進捗の承認待ち": 3,
    "進捗の公開待ち": 1,
    "主担当の地域担当職員がいない地域協働体": 3,
}


def test_admin_home_counts_what_waits(admin_client_staff, world):
    response = admin_client_staff.get(reverse("admin:index"))
    assert response.status_code == 200
    shown = dashboard(response)
    assert {label: count for label, (count, _since) in shown.items()} == EXPECTED_COUNTS
    page = response.content.decode()
    assert "いま市の対応を待っているもの" in page
    assert (
        f"最も古い申請: {wareki_date(timezone.localtime(world['oldest_application']).date())}"
        in page
    )
    assert f"最も古い承認: {wareki_date(timezone.localtime(world['accepted_on']).date())}" in page
    assert f"最も古い期限: {wareki_date(TODAY - timedelta(10))}" in page
    assert f"最も近い期限: {wareki_date(TODAY + timedelta(5))}" in page
    assert f"最も古い変更申請: {wareki_date(timezone.localtime(at(6)).date())}" in page
    # The apps list is still there, below.
    assert 'id="content-main"' in page and "app-subsidies" in page


def test_each_count_links_to_a_list_of_exactly_those_rows(admin_client_staff, world):
    from reports.work import work_items

    response = admin_client_staff.get(reverse("admin:index"))
    items = work_items(response.wsgi_request.user)
    assert len(items) == len(EXPECTED_COUNTS)
    for item in items:
        assert item.url in response.content.decode()
        listed = admin_client_staff.get(item.url)
        assert listed.status_code == 200, item.label
        assert listed.context["cl"].result_count == EXPECTED_COUNTS[item.label], item.label


def test_review_queue_filter_leaves_drafts_out(admin_client_staff, world):
    url = reverse("admin:subsidies_application_changelist")
    listed = admin_client_staff.get(url, {"waiting": "review"}).context["cl"].result_list
    assert {a.status for a in listed} == {Status.SUBMITTED}
    assert len(listed) == 3
    page = admin_client_staff.get(url).content.decode()
    assert "審査待ち" in page and "申請の審査待ち" in page


def test_another_citys_rows_never_count(admin_client_staff, world):
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        council = CouncilFactory()
        programme = ProgrammeFactory()
        application(council, programme, Status.SUBMITTED, submitted_at=at(400))
        application(council, programme, Status.DECIDED, report_due_on=TODAY - timedelta(1))
        EntryFactory(state=ReviewState.SUBMITTED, submitted_at=at(400))
        CouncilFactory()
    # With two cities, each is served at its own host.
    response = admin_client_staff.get(reverse("admin:index"), HTTP_HOST="ichinoseki.test")
    assert response.status_code == 200
    shown = dashboard(response)
    assert {label: count for label, (count, _since) in shown.items()} == EXPECTED_COUNTS
    assert wareki_date(timezone.localtime(at(400)).date()) not in response.content.decode()


def test_a_viewer_sees_the_counts_of_what_they_may_view(client, viewer_user, world):
    client.force_login(viewer_user)
    response = client.get(reverse("admin:index"))
    assert dashboard(response)["申請の審査待ち"] == (3, world["oldest_application"])


def test_staff_without_view_permissions_see_no_dashboard(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "いま市の対応を待っているもの" not in response.content.decode()


def _councils_with_work(count):
    """``count`` councils, each with an application waiting, a report due and a liaison."""
    programme = ProgrammeFactory()
    BudgetFactory(programme=programme, fiscal_year=YEAR, amount=100)
    item = PlanItemFactory()
    for year in (2019, 2020):
        EntryFactory(item=item, fiscal_year=year, state=ReviewState.SUBMITTED, submitted_at=at(1))
    for n in range(count):
        council = CouncilFactory()
        application(council, programme, Status.SUBMITTED, submitted_at=at(n))
        application(council, programme, Status.DECIDED, decided_amount=10, report_due_on=TODAY)
        LiaisonAssignmentFactory(council=council, started_on=TODAY)


@pytest.mark.parametrize("councils", [3, 30])
def test_admin_home_queries_do_not_grow_with_councils(
    admin_client_staff, councils, django_assert_max_num_queries
):
    _councils_with_work(councils)
    admin_client_staff.get(reverse("admin:index"))  # sessions, caches
    with django_assert_max_num_queries(11):
        response = admin_client_staff.get(reverse("admin:index"))
    assert dashboard(response)["申請の審査待ち"][0] == councils


def test_operator_at_the_platform_host_sees_the_plain_admin_index(client, world):
    from tests.factories import UserFactory

    make_city("yamaguchi")  # two cities: testserver is the platform's host
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:index"), HTTP_HOST="testserver")
    assert response.status_code == 200
    page = response.content.decode()
    assert "いま市の対応を待っているもの" not in page
    assert 'id="content-main"' in page
    # At a city's host the same operator sees that city's work.
    page = client.get(reverse("admin:index"), HTTP_HOST="ichinoseki.test").content.decode()
    assert "いま市の対応を待っているもの（一関市）" in page
