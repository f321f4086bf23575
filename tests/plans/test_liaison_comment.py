"""The comment (所見) on a community plan's progress is written by the council's liaison."""

from datetime import date

import pytest

from core import roles
from plans.models import ProgressTransition, ReviewState
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


def audit_rows(entry):
    return list(
        ProgressTransition.objects.filter(entry=entry)
        .order_by("pk")
        .values_list("action", "from_state", "to_state", "actor", "comment")
    )


def assert_comment_stored(entry, actor, comment):
    """The 所見 is on the entry, the entry is still under review, and one audit row says who."""
    entry.refresh_from_db()
    assert entry.staff_comment == comment
    assert entry.state == ReviewState.SUBMITTED
    assert (entry.reviewed_by, entry.reviewed_at) == (None, None)
    assert audit_rows(entry) == [("comment", "submitted", "submitted", actor.pk, comment)]


def test_liaison_writes_the_comment_and_other_editors_cannot(entry, council, staff_groups):
    liaison, other = UserFactory(is_staff=True), UserFactory(is_staff=True)
    for user in (liaison, other):
        user.groups.add(staff_groups[roles.EDITOR])
    make_liaison(council, liaison)

    with pytest.raises(TransitionRefused) as refused:
        progress_transition(entry=entry, action="comment", actor=other, comment="所見です")
    assert refused.value.code == "actor_not_allowed"
    entry.refresh_from_db()
    assert (entry.staff_comment, entry.state) == ("", ReviewState.SUBMITTED)
    assert audit_rows(entry) == []

    progress_transition(
        entry=entry, action="comment", actor=liaison, comment="  よく取り組んでいます "
    )
    assert_comment_stored(entry, liaison, "よく取り組んでいます")

    # Accepting stays open to any reviewer, and keeps the liaison's comment.
    progress_transition(entry=entry, action="accept", actor=other)
    entry.refresh_from_db()
    assert (entry.state, entry.reviewed_by, entry.staff_comment) == (
        ReviewState.ACCEPTED,
        other,
        "よく取り組んでいます",
    )
    assert audit_rows(entry)[1] == ("accept", "submitted", "accepted", other.pk, "")


def test_administrator_may_comment_for_the_liaison(entry, council, admin_user):
    make_liaison(council, UserFactory(is_staff=True))
    progress_transition(entry=entry, action="comment", actor=admin_user, comment="管理者の所見")
    assert_comment_stored(entry, admin_user, "管理者の所見")


def test_without_a_liaison_any_reviewer_comments(entry, editor_user):
    progress_transition(entry=entry, action="comment", actor=editor_user, comment="所見")
    assert_comment_stored(entry, editor_user, "所見")


def test_a_comment_needs_text_and_changes_nothing_without_it(entry, editor_user):
    with pytest.raises(TransitionRefused) as refused:
        progress_transition(entry=entry, action="comment", actor=editor_user, comment="  ")
    assert refused.value.code == "comment_required"
    entry.refresh_from_db()
    assert entry.staff_comment == ""
    assert audit_rows(entry) == []
