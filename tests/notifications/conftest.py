from datetime import date

import pytest
from django.utils import timezone

from notifications.models import ContactAddress
from subsidies.models import Application, Status
from tests.subsidies.factories import ProgrammeFactory

# 令和9年3月1日: two weeks before the report below is due.
TODAY = date(2027, 3, 1)


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="地域協働体活動費補助金")


@pytest.fixture
def council(db):
    from tests.factories import CouncilFactory

    return CouncilFactory(name="山目地域協働体")


@pytest.fixture
def application(council, programme):
    return Application.objects.create(
        council=council,
        programme=programme,
        fiscal_year=2026,
        title="山目夏まつり",
        status=Status.DECIDED,
        report_due_on=date(2027, 3, 15),
    )


@pytest.fixture
def address(secretary):
    return ContactAddress.objects.create(
        user=secretary, email="yamanome@example.jp", confirmed_at=timezone.now()
    )
