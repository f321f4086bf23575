"""Review workflow of progress entries and plan versions: the transition tables, roles,
locking, and that a refused move changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from core.calendar import Period
from plans import services
from plans.models import (
    Plan,
    PlanAction,
    PlanItem,
    PlanStatus,
    PlanTransition,
    ProgressAction,
    ProgressEntry,
    ProgressTransition,
    ReviewState,
)
from plans.services import TransitionRefused
from tests.factories import SecretaryFactory

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community_item(council):
    plan = PlanFactory(community=True, council=council)
    return PlanItemFactory(policy=PolicyFactory(plan=plan))


@pytest.fixture
def actors(secretary, editor_user, viewer_user, admin_user):
    other = SecretaryFactory().user
    return {
        "secretary": secretary,
        "other_secretary": other,
        "editor": editor_user,
        "viewer": viewer_user,
        "admin": admin_user,
    }


def _snapshot(entry):
    entry.refresh_from_db()
    return model_to_dict(entry), entry.updated_at, entry.transitions.count()


S, D, R, A = ReviewState.SUBMITTED, ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.ACCEPTED

# (action, from state, actor, comment, expected state or refusal code)
TABLE = [
    (ProgressAction.SUBMIT, D, "secretary", "", S),
    (ProgressAction.SUBMIT, R, "secretary", "", S),
    (ProgressAction.SUBMIT, D, "other_secretary", "", "actor_not_allowed"),
    (ProgressAction.SUBMIT, D, "editor", "", "actor_not_allowed"),
    (ProgressAction.SUBMIT, S, "secretary", "", "transition_not_allowed"),
    (ProgressAction.SUBMIT, A, "secretary", "", "transition_not_allowed"),
    (ProgressAction.COMMENT, S, "editor", "順調です。", S),
    (ProgressAction.COMMENT, A, "editor", "順調です。", A),
    (ProgressAction.COMMENT, S, "editor", "", "comment_required"),
    (ProgressAction.COMMENT, D, "editor", "順調です。", "transition_not_allowed"),
    (ProgressAction.COMMENT, S, "secretary", "自画自賛", "actor_not_allowed"),
    (ProgressAction.ACCEPT, S, "editor", "", A),
    (ProgressAction.ACCEPT, S, "admin", "確認しました。", A),
    (ProgressAction.ACCEPT, S, "viewer", "", "actor_not_allowed"),
    (ProgressAction.ACCEPT, S, "secretary", "", "actor_not_allowed"),
    (ProgressAction.ACCEPT, D, "editor", "", "transition_not_allowed"),
    (ProgressAction.ACCEPT, R, "editor", "", "transition_not_allowed"),
    (ProgressAction.ACCEPT, A, "editor", "", "transition_not_allowed"),
    (ProgressAction.RETURN, S, "editor", "回数を記入してください。", R),
    (ProgressAction.RETURN, S, "editor", "  ", "comment_required"),
    (ProgressAction.RETURN, D, "editor", "理由", "transition_not_allowed"),
    (ProgressAction.RETURN, S, "other_secretary", "理由", "actor_not_allowed"),
    (ProgressAction.REOPEN, A, "editor", "人数の誤りを訂正するため", R),
    (ProgressAction.REOPEN, A, "editor", "", "comment_required"),
    (ProgressAction.REOPEN, S, "editor", "理由", "transition_not_allowed"),
    (ProgressAction.REOPEN, A, "secretary", "理由", "actor_not_allowed"),
    (ProgressAction.PUBLISH, A, "editor", "", A),
    (ProgressAction.PUBLISH, S, "editor", "", "transition_not_allowed"),
    (ProgressAction.PUBLISH, A, "viewer", "", "actor_not_allowed"),
    (ProgressAction.PUBLISH, A, "secretary", "", "actor_not_allowed"),
    (ProgressAction.UNPUBLISH, A, "editor", "", "not_published"),
]


@pytest.mark.parametrize(("action", "state", "who", "comment", "expected"), TABLE)
def test_progress_transition_table(community_item, actors, action, state, who, comment, expected):
    entry = EntryFactory(item=community_item, state=state)
    before = _snapshot(entry)

    if expected in ReviewState.values:
        record = services.progress_transition(
            entry=entry, action=action, actor=actors[who], comment=comment
        )
        entry.refresh_from_db()
        assert entry.state == expected
        assert (record.action, record.from_state, record.to_state) == (action, state, expected)
        assert record.actor == actors[who]
        assert record.comment == comment.strip()
    else:
        with pytest.raises(TransitionRefused) as refused:
            services.progress_transition(
                entry=entry, action=action, actor=actors[who], comment=comment
            )
        assert refused.value.code == expected
        assert _snapshot(entry) == before


def test_submit_needs_text_and_status(community_item, secretary):
    entry = EntryFactory(item=community_item, done="  ", status=None)
    before = _snapshot(entry)
    with pytest.raises(TransitionRefused) as refused:
        services.progress_transition(action=ProgressAction.SUBMIT, entry=entry, actor=secretary)
    assert refused.value.code == "entry_incomplete"
    assert _snapshot(entry) == before


def test_anonymous_and_former_secretaries_have_no_role(community_item, council, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    entry = EntryFactory(item=community_item)
    former = SecretaryFactory(council=council, ended_on="2026-05-01").user
    for actor in (AnonymousUser(), former, None):
        with pytest.raises(TransitionRefused) as refused:
            services.progress_transition(action=ProgressAction.SUBMIT, entry=entry, actor=actor)
        assert refused.value.code == "actor_not_allowed"


def test_city_plan_progress_is_filed_by_staff(editor_user, secretary):
    entry = EntryFactory()  # a city plan
    with pytest.raises(TransitionRefused):
        services.progress_transition(action=ProgressAction.SUBMIT, entry=entry, actor=secretary)
    services.progress_transition(action=ProgressAction.SUBMIT, entry=entry, actor=editor_user)
    assert entry.state == ReviewState.SUBMITTED


def test_accepted_period_is_locked_until_reopened_and_reopen_is_recorded(
    community_item, secretary, editor_user
):
    entry = EntryFactory(item=community_item)
    services.progress_transition(action=ProgressAction.SUBMIT, entry=entry, actor=secretary)
    services.progress_transition(
        action=ProgressAction.ACCEPT, entry=entry, actor=editor_user, comment="計画どおりです。"
    )
    services.progress_transition(action=ProgressAction.PUBLISH, entry=entry, actor=editor_user)
    entry.refresh_from_db()
    assert entry.is_locked and entry.is_published
    assert entry.staff_comment == "計画どおりです。"

    with pytest.raises(TransitionRefused) as refused:
        services.progress_save(
            item=community_item, period=entry.period, actor=secretary, done="書き換え"
        )
    assert refused.value.code == "entry_locked"
    entry.refresh_from_db()
    assert entry.done == "研修会を開催した。"

    services.progress_transition(
        action=ProgressAction.REOPEN, entry=entry, actor=editor_user, comment="参加人数の訂正のため"
    )
    entry.refresh_from_db()
    assert entry.state == ReviewState.RETURNED
    assert entry.published_at is None  # leaves the public pages until accepted again
    assert entry.return_reason == "参加人数の訂正のため"
    services.progress_save(
        item=community_item, period=entry.period, actor=secretary, done="訂正後", participants=45
    )
    entry.refresh_from_db()
    assert (entry.done, entry.participants) == ("訂正後", 45)

    steps = list(entry.transitions.values_list("action", "from_state", "to_state", "actor"))
    assert steps == [
        (ProgressAction.SUBMIT, D, S, secretary.pk),
        (ProgressAction.ACCEPT, S, A, editor_user.pk),
        (ProgressAction.PUBLISH, A, A, editor_user.pk),
        (ProgressAction.REOPEN, A, R, editor_user.pk),
    ]


def test_submitted_entry_cannot_be_edited(community_item, secretary):
    entry = EntryFactory(item=community_item, state=S)
    with pytest.raises(TransitionRefused) as refused:
        services.progress_save(item=community_item, period=entry.period, actor=secretary, done="x")
    assert refused.value.code == "entry_under_review"


def test_publishing_progress_of_an_unpublished_plan_is_refused(council, editor_user):
    plan = PlanFactory(community=True, council=council, status=PlanStatus.SUBMITTED)
    entry = EntryFactory(item__policy__plan=plan, state=A)
    with pytest.raises(TransitionRefused) as refused:
        services.progress_transition(action=ProgressAction.PUBLISH, entry=entry, actor=editor_user)
    assert refused.value.code == "plan_not_public"
    entry.refresh_from_db()
    assert entry.published_at is None


def test_allowed_actions_follow_state_and_role(community_item, secretary, editor_user, viewer_user):
    entry = EntryFactory(item=community_item, state=S)
    assert services.progress_allowed_actions(entry=entry, actor=secretary) == []
    assert services.progress_allowed_actions(entry=entry, actor=viewer_user) == []
    assert services.progress_allowed_actions(entry=entry, actor=editor_user) == [
        ProgressAction.COMMENT,
        ProgressAction.ACCEPT,
        ProgressAction.ACCEPT_PUBLISH,
        ProgressAction.RETURN,
    ]
    entry.state = D
    assert services.progress_allowed_actions(entry=entry, actor=secretary) == [
        ProgressAction.SUBMIT
    ]


# Saving drafts: bad input is refused with a code and nothing is saved.


def test_progress_outside_the_plan_period_is_refused(community_item, secretary):
    with pytest.raises(ValidationError) as refused:
        services.progress_save(item=community_item, period=Period(2030), actor=secretary, done="x")
    assert refused.value.error_dict["fiscal_year"][0].code == "period_outside_plan"
    assert not ProgressEntry.objects.exists()


def test_status_from_another_vocabulary_is_refused(community_item, secretary):
    foreign = PlanFactory().vocabulary.statuses.first()
    with pytest.raises(ValidationError) as refused:
        services.progress_save(
            item=community_item, period=Period(2020), actor=secretary, done="x", status=foreign
        )
    assert refused.value.error_dict["status"][0].code == "status_not_in_vocabulary"
    assert not ProgressEntry.objects.exists()


def test_no_progress_on_a_draft_plan(council, secretary):
    item = PlanItemFactory(
        policy__plan=PlanFactory(community=True, council=council, status=PlanStatus.DRAFT)
    )
    with pytest.raises(TransitionRefused) as refused:
        services.progress_save(item=item, period=Period(2020), actor=secretary, done="x")
    assert refused.value.code == "plan_not_in_force"
    assert not ProgressEntry.objects.exists()


def test_another_councils_secretary_cannot_write_progress(community_item):
    other = SecretaryFactory().user
    with pytest.raises(TransitionRefused) as refused:
        services.progress_save(item=community_item, period=Period(2020), actor=other, done="x")
    assert refused.value.code == "actor_not_allowed"
    assert not ProgressEntry.objects.exists()


# Plan versions: submit, return, publish, revise.


def test_plan_submit_return_publish(council, secretary, editor_user, viewer_user):
    plan = PlanFactory(community=True, council=council, status=PlanStatus.DRAFT)
    PlanItemFactory(policy__plan=plan)

    services.plan_transition(action=PlanAction.SUBMIT, plan=plan, actor=secretary)
    with pytest.raises(TransitionRefused) as refused:
        services.plan_transition(action=PlanAction.PUBLISH, plan=plan, actor=viewer_user)
    assert refused.value.code == "actor_not_allowed"
    with pytest.raises(TransitionRefused) as refused:
        services.plan_transition(action=PlanAction.RETURN, plan=plan, actor=editor_user, comment="")
    assert refused.value.code == "comment_required"
    services.plan_transition(
        action=PlanAction.RETURN, plan=plan, actor=editor_user, comment="将来像を具体的に"
    )
    assert plan.status == PlanStatus.DRAFT
    services.plan_transition(action=PlanAction.SUBMIT, plan=plan, actor=secretary)
    services.plan_transition(action=PlanAction.PUBLISH, plan=plan, actor=editor_user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None
    assert list(plan.transitions.values_list("action", flat=True)) == [
        PlanAction.SUBMIT,
        PlanAction.RETURN,
        PlanAction.SUBMIT,
        PlanAction.PUBLISH,
    ]


def test_plan_without_items_is_not_published(editor_user):
    plan = PlanFactory(status=PlanStatus.DRAFT)
    with pytest.raises(TransitionRefused) as refused:
        services.plan_transition(action=PlanAction.PUBLISH, plan=plan, actor=editor_user)
    assert refused.value.code == "plan_empty"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_revision_copies_content_and_keeps_the_old_version_readable(
    council, secretary, editor_user
):
    plan = PlanFactory(community=True, council=council)
    item = PlanItemFactory(policy=PolicyFactory(plan=plan), number="事業1")
    item.roles.create(actor="council", role="企画")
    item.schedule.create(fiscal_year=2020, text="実施")
    plan.issues.create(title="高齢者対策")
    indicator = plan.indicators.create(
        name="参加率", unit="%", baseline_year=2019, baseline_value="37.5"
    )
    indicator.values.create(fiscal_year=2023, kind="target", value="50.0")
    entry = EntryFactory(item=item, state=A)

    new = services.plan_revise(plan=plan, actor=secretary, note="若者の参画を追加")

    assert (new.version, new.revision_of, new.status) == (2, plan, PlanStatus.DRAFT)
    copy = new.items.get()
    assert (copy.number, copy.carried_from, copy.policy.plan) == ("事業1", item, new)
    assert list(copy.roles.values_list("role", flat=True)) == ["企画"]
    assert list(copy.schedule.values_list("fiscal_year", "text")) == [(2020, "実施")]
    assert new.issues.get().title == "高齢者対策"
    assert new.indicators.get().values.get().value == 50
    assert not copy.entries.exists()
    entry.refresh_from_db()
    assert entry.item == item  # the old version keeps its progress

    with pytest.raises(TransitionRefused) as refused:
        services.plan_revise(plan=plan, actor=secretary)
    assert refused.value.code == "revision_exists"

    services.plan_transition(action=PlanAction.SUBMIT, plan=new, actor=secretary)
    services.plan_transition(action=PlanAction.PUBLISH, plan=new, actor=editor_user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    assert plan.transitions.get().action == PlanAction.SUPERSEDE


def test_revision_of_another_councils_plan_is_refused(council):
    plan = PlanFactory(community=True, council=council)
    PlanItemFactory(policy__plan=plan)
    stranger = SecretaryFactory().user
    counts = (Plan.objects.count(), PlanItem.objects.count())

    with pytest.raises(TransitionRefused) as refused:
        services.plan_revise(plan=plan, actor=stranger)

    assert refused.value.code == "actor_not_allowed"
    assert "他の地域協働体の計画は見直しできません" in refused.value.messages[0]
    assert (Plan.objects.count(), PlanItem.objects.count()) == counts


def test_only_a_published_version_is_revised(council, secretary):
    plan = PlanFactory(community=True, council=council, status=PlanStatus.DRAFT)
    with pytest.raises(TransitionRefused) as refused:
        services.plan_revise(plan=plan, actor=secretary)
    assert refused.value.code == "revise_not_public"


def test_create_community_plan_uses_the_default_vocabulary(council, secretary):
    from .factories import VocabularyFactory

    with pytest.raises(TransitionRefused) as refused:
        services.plan_create_community(
            council=council, actor=secretary, title="計画", start_year=2026, end_year=2030
        )
    assert refused.value.code == "no_vocabulary"
    vocabulary = VocabularyFactory(is_default=True)
    plan = services.plan_create_community(
        council=council, actor=secretary, title="計画", start_year=2026, end_year=2030
    )
    assert (plan.vocabulary, plan.status, plan.council) == (vocabulary, PlanStatus.DRAFT, council)
    with pytest.raises(TransitionRefused) as refused:
        services.plan_create_community(
            council=council, actor=secretary, title="二つ目", start_year=2026, end_year=2030
        )
    assert refused.value.code == "plan_exists"


def test_every_transition_row_is_written_in_the_same_transaction(community_item, secretary):
    entry = EntryFactory(item=community_item)
    services.progress_transition(action=ProgressAction.SUBMIT, entry=entry, actor=secretary)
    assert ProgressTransition.objects.filter(entry=entry).count() == 1


# (plan kind, action, from status, actor, expected status or refusal code)
PLAN_TABLE = [
    ("community", PlanAction.SUBMIT, PlanStatus.DRAFT, "secretary", PlanStatus.SUBMITTED),
    ("community", PlanAction.SUBMIT, PlanStatus.DRAFT, "other_secretary", "actor_not_allowed"),
    ("community", PlanAction.SUBMIT, PlanStatus.DRAFT, "editor", "actor_not_allowed"),
    ("community", PlanAction.SUBMIT, PlanStatus.PUBLISHED, "secretary", "transition_not_allowed"),
    ("community", PlanAction.PUBLISH, PlanStatus.SUBMITTED, "editor", PlanStatus.PUBLISHED),
    ("community", PlanAction.PUBLISH, PlanStatus.DRAFT, "editor", "transition_not_allowed"),
    ("community", PlanAction.PUBLISH, PlanStatus.SUBMITTED, "secretary", "actor_not_allowed"),
    ("community", PlanAction.PUBLISH, PlanStatus.SUBMITTED, "viewer", "actor_not_allowed"),
    ("community", PlanAction.RETURN, PlanStatus.SUBMITTED, "editor", PlanStatus.DRAFT),
    ("community", PlanAction.RETURN, PlanStatus.DRAFT, "editor", "transition_not_allowed"),
    ("city", PlanAction.PUBLISH, PlanStatus.DRAFT, "editor", PlanStatus.PUBLISHED),
    ("city", PlanAction.PUBLISH, PlanStatus.PUBLISHED, "editor", "transition_not_allowed"),
    ("city", PlanAction.SUBMIT, PlanStatus.DRAFT, "editor", "transition_not_allowed"),
    ("city", PlanAction.PUBLISH, PlanStatus.DRAFT, "secretary", "actor_not_allowed"),
]


@pytest.mark.parametrize(("kind", "action", "status", "who", "expected"), PLAN_TABLE)
def test_plan_transition_table(council, actors, kind, action, status, who, expected):
    if kind == "community":
        plan = PlanFactory(community=True, council=council, status=status)
    else:
        plan = PlanFactory(status=status)
    PlanItemFactory(policy__plan=plan)
    before = (status, plan.published_at, PlanTransition.objects.count())
    if expected in PlanStatus.values:
        services.plan_transition(plan=plan, action=action, actor=actors[who], comment="理由")
        plan.refresh_from_db()
        assert plan.status == expected
        assert plan.transitions.get().actor == actors[who]
    else:
        with pytest.raises(TransitionRefused) as refused:
            services.plan_transition(plan=plan, action=action, actor=actors[who], comment="理由")
        assert refused.value.code == expected
        plan.refresh_from_db()
        assert (plan.status, plan.published_at, PlanTransition.objects.count()) == before
