"""The comment (所見) on a community plan's progress is written by the council's liaison."""

from datetime import date

import pytest

from plans.models import ReviewState
from plans.services import TransitionRefused, progress_transition
from staffing.models import LiaisonAssignment, LiaisonRole, StaffMember
from tests.factories import UserFactory

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(council):
    plan = PlanFactory(community=True, council=council)
    item = PlanItemFactory(policy=PolicyFactory(plan=plan))
    return EntryFactory(item=item, state=ReviewState.SUBMITTED)


def make_liaison(council, user):
    staff = StaffMember.objects.create(
        staff_number=f"S{user.pk}", name=str(user), department="まちづくり推進課", user=user
    )
    LiaisonAssignment.objects.create(
        staff=staff, council=council, role=LiaisonRole.MAIN, started_on=date(2020, 4, 1)
    )


def test_liaison_writes_the_comment_and_other_editors_cannot(entry, council, staff_groups):
    from core import roles

    liaison, other = UserFactory(is_staff=True), UserFactory(is_staff=True)
    for user in (liaison, other):
        user.groups.add(staff_groups[roles.EDITOR])
    make_liaison(council, liaison)

    with pytest.raises(TransitionRefused) as refused:
        progress_transition(entry=entry, action="comment", actor=other, comment="所見です")
    assert refused.value.code == "actor_not_allowed"
    entry.refresh_from_db()
    assert entry.staff_comment == ""

    progress_transition(
        entry=entry, action="comment", actor=liaison, comment="よく取り組んでいます"
    )
    entry.refresh_from_db()
    assert entry.staff_comment == "よく取り組んでいます"
    # Accepting stays open to any reviewer.
    progress_transition(entry=entry, action="accept", actor=other)


def test_administrator_may_comment_for_the_liaison(entry, council, admin_user):
    make_liaison(council, UserFactory(is_staff=True))
    progress_transition(entry=entry, action="comment", actor=admin_user, comment="管理者の所見")


def test_without_a_liaison_any_reviewer_comments(entry, editor_user):
    progress_transition(entry=entry, action="comment", actor=editor_user, comment="所見")
