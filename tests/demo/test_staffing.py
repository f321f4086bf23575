"""The demo staffing: idempotent, with two councils left without a main liaison."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from councils.models import Council
from staffing.models import LiaisonAssignment, SecretariatEmployee, StaffMember
from staffing.selectors import councils_with_staffing

pytestmark = pytest.mark.django_db

HISTORIES = (StaffMember.history, LiaisonAssignment.history, SecretariatEmployee.history)


def test_demo_loads_twice_without_changing_anything(capsys):
    call_command("load_demo")
    counts = [m.objects.count() for m in (StaffMember, LiaisonAssignment, SecretariatEmployee)]
    history = [h.count() for h in HISTORIES]
    call_command("load_demo")
    assert [
        m.objects.count() for m in (StaffMember, LiaisonAssignment, SecretariatEmployee)
    ] == counts
    assert [h.count() for h in HISTORIES] == history
    assert counts[0] == 20

    today = timezone.localdate()
    councils = councils_with_staffing(Council.objects.all(), today)
    missing = sorted(c.name for c in councils if not c.has_main_liaison)
    assert missing == ["猿沢地域協働体", "舞川地域協働体"]
    assert not Council.objects.get(name="磐清水地域協働体").secretariat_employees.exists()
    for employee in SecretariatEmployee.objects.all():
        employee.full_clean()  # the demo obeys the year-1 rule
