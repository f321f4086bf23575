from datetime import date

import pytest
from django.core.exceptions import ValidationError

from councils.models import Stage
from councils.services import council_change_stage
from tests.factories import CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db


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
    assert council.stage_on(date(2015, 3, 31)) == Stage.PREPARING
    assert council.stage_on(date(2015, 4, 1)) == Stage.ESTABLISHED
    assert council.stage_on(date(2014, 1, 1)) is None


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
