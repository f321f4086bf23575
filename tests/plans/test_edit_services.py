"""Edits of a draft plan go through the services: only the owner, only while it is a
draft, and an item with progress is never deleted."""

import pytest

from plans import services
from plans.models import Plan, PlanItem, PlanStatus
from tests.factories import CouncilFactory, SecretaryFactory

from .factories import EntryFactory, PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(council):
    return PlanFactory(community=True, council=council, status=PlanStatus.DRAFT, title="山目の計画")


def test_owner_changes_a_draft(draft, secretary):
    services.plan_update(plan=draft, actor=secretary, title="山目の地域づくり計画", end_year=2024)
    stored = Plan.objects.get(pk=draft.pk)
    assert (stored.title, stored.start_year, stored.end_year) == (
        "山目の地域づくり計画",
        2019,
        2024,
    )


def test_submitted_plan_is_not_changed(draft, secretary):
    Plan.objects.filter(pk=draft.pk).update(status=PlanStatus.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(services.TransitionRefused) as refused:
        services.plan_update(plan=draft, actor=secretary, title="変更")
    assert refused.value.code == "plan_not_editable"
    assert Plan.objects.get(pk=draft.pk).title == "山目の計画"


def test_another_councils_secretary_does_not_change_it(draft):
    stranger = SecretaryFactory(council=CouncilFactory(name="藤沢地域協働体")).user
    with pytest.raises(services.TransitionRefused) as refused:
        services.plan_update(plan=draft, actor=stranger, title="変更")
    assert refused.value.code == "actor_not_allowed"
    assert Plan.objects.get(pk=draft.pk).title == "山目の計画"


def test_item_without_progress_is_deleted(draft, secretary):
    item = PlanItemFactory(policy__plan=draft)
    services.plan_item_delete(item=item, actor=secretary)
    assert not PlanItem.objects.filter(pk=item.pk).exists()


def test_item_with_progress_is_kept(draft, secretary):
    item = PlanItemFactory(policy__plan=draft)
    EntryFactory(item=item)
    with pytest.raises(services.TransitionRefused) as refused:
        services.plan_item_delete(item=item, actor=secretary)
    assert refused.value.code == "item_has_progress"
    assert PlanItem.objects.filter(pk=item.pk).exists()
