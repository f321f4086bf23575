"""Liaison assignments: one main liaison a day, periods that make sense, 異動 in one step."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from staffing import services
from staffing.models import LiaisonAssignment, LiaisonRole
from staffing.selectors import current_liaisons, public_liaison_department
from tests.factories import CouncilFactory, UserFactory

from .factories import LiaisonAssignmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_second_main_liaison_overlapping_is_refused_with_a_japanese_message():
    first = LiaisonAssignmentFactory(started_on=date(2026, 4, 1))
    second = LiaisonAssignment(
        council=first.council,
        staff=StaffMemberFactory(),
        role=LiaisonRole.MAIN,
        started_on=date(2026, 10, 1),
    )
    with pytest.raises(ValidationError) as caught:
        second.full_clean()
    assert codes(caught.value) == {"main_liaison_overlap"}
    assert "主担当は同じ日に1人だけ" in caught.value.message_dict["started_on"][0]


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        (date(2025, 4, 1), date(2026, 3, 31), False),  # ends the day before: allowed
        (date(2025, 4, 1), date(2026, 4, 1), True),  # ends on the first day: overlap
        (date(2027, 4, 1), None, True),  # starts inside the open period
        (date(2020, 4, 1), None, True),  # open-ended from earlier
    ],
)
def test_main_liaison_overlap_at_the_edges(start, end, refused):
    first = LiaisonAssignmentFactory(started_on=date(2026, 4, 1))
    other = LiaisonAssignment(
        council=first.council,
        staff=StaffMemberFactory(),
        role=LiaisonRole.MAIN,
        started_on=start,
        ended_on=end,
    )
    if refused:
        with pytest.raises(ValidationError):
            other.full_clean()
    else:
        other.full_clean()


def test_deputies_may_overlap_the_main_liaison_and_each_other():
    main = LiaisonAssignmentFactory()
    for _ in range(2):
        LiaisonAssignment(
            council=main.council,
            staff=StaffMemberFactory(),
            role=LiaisonRole.DEPUTY,
            started_on=main.started_on,
        ).full_clean()


def test_same_staff_twice_for_one_council_is_refused():
    main = LiaisonAssignmentFactory()
    deputy = LiaisonAssignment(
        council=main.council,
        staff=main.staff,
        role=LiaisonRole.DEPUTY,
        started_on=main.started_on,
    )
    with pytest.raises(ValidationError) as caught:
        deputy.full_clean()
    assert codes(caught.value) == {"staff_assigned_twice"}


def test_assignment_ending_before_it_starts_is_refused():
    assignment = LiaisonAssignment(
        council=CouncilFactory(),
        staff=StaffMemberFactory(),
        role=LiaisonRole.MAIN,
        started_on=date(2026, 4, 1),
        ended_on=date(2026, 3, 31),
    )
    with pytest.raises(ValidationError) as caught:
        assignment.full_clean()
    assert codes(caught.value) == {"end_before_start"}
    assert caught.value.message_dict["ended_on"] == ["終了日が開始日より前になっています。"]


def test_a_one_day_assignment_is_allowed():
    LiaisonAssignment(
        council=CouncilFactory(),
        staff=StaffMemberFactory(),
        role=LiaisonRole.MAIN,
        started_on=date(2026, 4, 1),
        ended_on=date(2026, 4, 1),
    ).full_clean()


def test_database_refuses_two_open_main_assignments_even_without_clean():
    first = LiaisonAssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LiaisonAssignment.objects.create(
            council=first.council,
            staff=StaffMemberFactory(),
            role=LiaisonRole.MAIN,
            started_on=date(2027, 4, 1),
        )


def test_liaison_assign_service_refuses_and_saves_nothing():
    first = LiaisonAssignmentFactory()
    with pytest.raises(ValidationError):
        services.liaison_assign(
            council=first.council,
            staff=StaffMemberFactory(),
            role=LiaisonRole.MAIN,
            started_on=date(2026, 5, 1),
            actor=None,
        )
    assert LiaisonAssignment.objects.count() == 1


def test_reassign_ends_current_main_the_day_before_and_starts_the_new_one():
    actor = UserFactory(username="clerk")
    current = LiaisonAssignmentFactory(started_on=date(2024, 4, 1))
    newcomer = StaffMemberFactory(name="阿部 翔", department="大東支所 地域振興課")

    new = services.liaison_reassign(
        council=current.council, new_staff=newcomer, on=date(2026, 4, 1), actor=actor
    )

    current.refresh_from_db()
    assert current.ended_on == date(2026, 3, 31)
    assert (new.staff, new.role, new.started_on, new.ended_on) == (
        newcomer,
        LiaisonRole.MAIN,
        date(2026, 4, 1),
        None,
    )
    assert [a.staff for a in current_liaisons(current.council, date(2026, 3, 31))] == [
        current.staff
    ]
    assert [a.staff for a in current_liaisons(current.council, date(2026, 4, 1))] == [newcomer]
    # Both rows keep an attributable history.
    assert current.history.first().history_user == actor
    assert "異動" in current.history.first().history_change_reason
    assert new.history.first().history_user == actor


def test_reassigning_the_deputy_ends_the_deputy_assignment_too():
    main = LiaisonAssignmentFactory(started_on=date(2024, 4, 1))
    deputy = LiaisonAssignmentFactory(
        council=main.council, role=LiaisonRole.DEPUTY, started_on=date(2024, 4, 1)
    )
    services.liaison_reassign(
        council=main.council, new_staff=deputy.staff, on=date(2026, 4, 1), actor=None
    )
    deputy.refresh_from_db()
    assert deputy.ended_on == date(2026, 3, 31)
    today = current_liaisons(main.council, date(2026, 4, 1))
    assert [(a.staff, a.role) for a in today] == [(deputy.staff, LiaisonRole.MAIN)]


def test_reassign_without_a_current_main_simply_assigns():
    council = CouncilFactory()
    new = services.liaison_reassign(
        council=council, new_staff=StaffMemberFactory(), on=date(2026, 4, 1), actor=None
    )
    assert LiaisonAssignment.objects.get() == new


@pytest.mark.parametrize(
    ("on", "code"),
    [(date(2026, 4, 1), "reassign_before_start"), (date(2026, 3, 1), "main_liaison_overlap")],
)
def test_refused_reassignment_changes_nothing(on, code):
    current = LiaisonAssignmentFactory(started_on=date(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.liaison_reassign(
            council=current.council, new_staff=StaffMemberFactory(), on=on, actor=None
        )
    assert code in codes(caught.value)
    current.refresh_from_db()
    assert current.ended_on is None
    assert LiaisonAssignment.objects.count() == 1


def test_reassign_to_the_current_main_liaison_is_refused():
    current = LiaisonAssignmentFactory(started_on=date(2024, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.liaison_reassign(
            council=current.council, new_staff=current.staff, on=date(2026, 4, 1), actor=None
        )
    assert codes(caught.value) == {"same_liaison"}


def test_public_page_gets_only_the_main_liaisons_department():
    main = LiaisonAssignmentFactory(
        staff=StaffMemberFactory(name="佐藤 健太", department="花泉支所 地域振興課")
    )
    LiaisonAssignmentFactory(council=main.council, role=LiaisonRole.DEPUTY)
    assert public_liaison_department(main.council, date(2026, 5, 1)) == "花泉支所 地域振興課"
    assert public_liaison_department(main.council, date(2026, 3, 31)) is None
