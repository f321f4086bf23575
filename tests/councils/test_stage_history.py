from datetime import date

import pytest
from django.core.exceptions import ValidationError

from councils.models import Stage
from councils.selectors import council_stage_on, councils_with_stage_on
from councils.services import council_change_stage
from tests.factories import CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

P, E, A = Stage.PREPARING, Stage.ESTABLISHED, Stage.PLAN_ADOPTED


def test_stage_changes_are_kept_in_order_with_who_recorded_them():
    clerk = UserFactory()
    council = CouncilFactory(stage=Stage.PREPARING, stage_since=date(2014, 6, 1))
    council_change_stage(
        council=council,
        stage=Stage.ESTABLISHED,
        changed_on=date(2015, 4, 1),
        actor=clerk,
        note="設立総会",
    )
    council_change_stage(
        council=council, stage=Stage.PLAN_ADOPTED, changed_on=date(2016, 3, 1), actor=clerk
    )
    council.refresh_from_db()
    assert (council.stage, council.stage_since) == (Stage.PLAN_ADOPTED, date(2016, 3, 1))
    history = list(council.stage_changes.values_list("stage", "changed_on", "recorded_by"))
    assert history == [
        (Stage.PREPARING, date(2014, 6, 1), None),
        (Stage.ESTABLISHED, date(2015, 4, 1), clerk.pk),
        (Stage.PLAN_ADOPTED, date(2016, 3, 1), clerk.pk),
    ]
    assert council_stage_on(council, date(2015, 3, 31)) == Stage.PREPARING
    assert council_stage_on(council, date(2015, 4, 1)) == Stage.ESTABLISHED
    assert council_stage_on(council, date(2014, 1, 1)) is None


def test_a_council_without_history_counts_at_its_current_stage():
    council = CouncilFactory(stage=Stage.ESTABLISHED, stage_since=date(2015, 4, 1))
    council.stage_changes.all().delete()
    assert council_stage_on(council, date(2000, 1, 1)) == Stage.ESTABLISHED
    other = CouncilFactory(stage=Stage.PREPARING, stage_since=date(2020, 4, 1))
    stages = dict(
        councils_with_stage_on(date(2020, 3, 31), [council.pk, other.pk]).values_list(
            "pk", "stage_then"
        )
    )
    assert stages == {council.pk: Stage.ESTABLISHED, other.pk: None}


# Every move between two different stages, written out: (from, to, allowed).
STAGE_MOVE_CASES = [
    (P, E, True),
    (P, A, False),
    (E, A, True),
    (E, P, True),
    (A, E, True),
    (A, P, False),
]


@pytest.mark.parametrize(("before", "after", "allowed"), STAGE_MOVE_CASES)
def test_stage_moves_follow_the_table(before, after, allowed):
    council = CouncilFactory(stage=before, stage_since=date(2015, 4, 1))
    if allowed:
        change = council_change_stage(council=council, stage=after, changed_on=date(2016, 4, 1))
        council.refresh_from_db()
        assert (council.stage, council.stage_since) == (after, date(2016, 4, 1))
        assert (change.stage, change.changed_on) == (after, date(2016, 4, 1))
        assert council.stage_changes.count() == 2
        return
    with pytest.raises(ValidationError) as error:
        council_change_stage(council=council, stage=after, changed_on=date(2016, 4, 1))
    assert [e.code for e in error.value.error_dict["stage"]] == ["stage_move_not_allowed"]
    council.refresh_from_db()
    assert (council.stage, council.stage_since) == (before, date(2015, 4, 1))
    assert council.stage_changes.count() == 1


@pytest.mark.parametrize(
    ("stage", "on", "code", "field"),
    [
        (Stage.ESTABLISHED, date(2020, 4, 1), "stage_unchanged", "stage"),
        (Stage.PLAN_ADOPTED, date(2015, 3, 31), "stage_date_before_last", "stage_since"),
    ],
)
def test_refused_stage_change_leaves_council_as_it_was(stage, on, code, field):
    council = CouncilFactory(stage=Stage.ESTABLISHED, stage_since=date(2015, 4, 1))
    with pytest.raises(ValidationError) as error:
        council_change_stage(council=council, stage=stage, changed_on=on)
    assert [e.code for e in error.value.error_dict[field]] == [code]
    council.refresh_from_db()
    assert (council.stage, council.stage_since) == (Stage.ESTABLISHED, date(2015, 4, 1))
    assert council.stage_changes.count() == 1
