"""Workflows on plans and progress entries; the admin, the portal and imports call these.

Each lifecycle is one table (``PROGRESS_TRANSITIONS``, ``PLAN_TRANSITIONS``) whose rows
carry the action (and its Japanese label), the states it leaves from, the state it leads
to, who may take it, whether it needs a comment, and the handler with its own checks and
side effects. One function per lifecycle locks the row and hands it to ``_take_move``,
the one guarded step: the shared refusals, the handler, the save with ``update_fields``
and the audit row, in one transaction. A refused move raises ``TransitionRefused`` (a
ValidationError with a stable ``code``) and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core.calendar import Period
from core.signals import announce_public_change
from councils.selectors import active_secretary_council
from staffing.selectors import liaison_user_ids

from .models import (
    EDITABLE_STATES,
    IndicatorValue,
    ItemSchedule,
    LocalIssue,
    Plan,
    PlanAction,
    PlanItem,
    PlanKind,
    PlanStatus,
    PlanTransition,
    Policy,
    ProgressAction,
    ProgressEntry,
    ProgressTransition,
    ReviewState,
    RoleAllocation,
    StatusVocabulary,
)


class TransitionRefused(ValidationError):
    """A workflow step that is not allowed now, or not for this user. Nothing was saved."""


# Roles an actor can hold towards a plan or entry.
OWNER = "owner"  # the council's secretary (community plan) or city staff (city plan)
REVIEWER = "reviewer"  # city staff who review progress
PUBLISHER = "publisher"  # city staff who publish plans and progress
LIAISON = "liaison"  # the council's liaison staff, who write the city's comment (所見)


def actor_has_role(*, plan: Plan, role: str, actor) -> bool:
    """Whether ``actor`` holds ``role`` for ``plan``. The one place roles are decided.

    Owner: the council's active secretary for a community plan; staff who may change plans
    for the city's plan. Reviewers (accept, return, reopen) are staff with change
    permission on progress. The comment (所見) on a community plan's progress is the
    council's liaison's to write: a reviewer who is one of its current liaisons, or an
    administrator (who may delete progress); while the council has no liaison with a
    login, any reviewer may write it so that no entry is left without one.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if role == OWNER:
        if plan.kind == PlanKind.COMMUNITY:
            council = active_secretary_council(actor)
            return council is not None and council.pk == plan.council_id
        return actor.is_staff and actor.has_perm("plans.change_plan")
    if role in (REVIEWER, LIAISON):
        if not (actor.is_staff and actor.has_perm("plans.change_progressentry")):
            return False
        if role == REVIEWER or plan.kind != PlanKind.COMMUNITY:
            return True
        liaisons = liaison_user_ids(plan.council_id)
        return not liaisons or actor.pk in liaisons or actor.has_perm("plans.delete_progressentry")
    if role == PUBLISHER:
        return actor.is_staff and actor.has_perm("plans.publish_plan")
    raise ValueError(f"unknown role {role!r}")


def _refuse(message: str, code: str, **params):
    raise TransitionRefused(message, code=code, params=params or None)


@dataclass(frozen=True)
class Move:
    """One row of a lifecycle table: what an action does and who may take it.

    ``apply(obj, actor=, comment=, now=)`` makes the action's own checks and side
    effects on the locked row and returns the fields it changed; ``shown(obj)`` hides
    an action that is pointless now (publishing what is already public).
    """

    action: models.TextChoices
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    role: str | tuple[str, ...]  # a tuple: the actor must hold every one of them
    apply: Callable[..., list[str]]
    comment_prompt: str = ""  # set when a comment (所見 or reason) is required
    shown: Callable[[object], bool] = lambda obj: True

    @property
    def label(self) -> str:
        """The Japanese name of the action, as the buttons and messages show it."""
        return self.action.label


def _table(*moves: Move) -> dict[str, Move]:
    return {move.action: move for move in moves}


def _check_past_act(*, actor, at, role) -> None:
    """Refuse, as a programming error, a call mixing a live act with a past act's arguments.

    A past act (``at`` given) may be recorded without a login only by naming the role
    it was taken in (``role``); ``role`` means nothing for a live act or with a login.
    """
    if at is not None and at > timezone.now():
        raise ValueError("a past act cannot be dated in the future")
    if role is not None and (actor is not None or at is None):
        raise ValueError("role= is only for a past act recorded without an actor (at= given)")


def _acts_in_role(*, plan, role: str, actor, as_role: str | None) -> bool:
    """Whether the act may be taken in the table row's ``role``.

    A login must hold the role now (:func:`actor_has_role`); a past act recorded without
    one (``as_role`` named, checked by ``_check_past_act``) must name the row's role.
    """
    if as_role is not None:
        return as_role == role
    return _holds(plan=plan, role=role, actor=actor)


def _holds(*, plan, role: str | tuple[str, ...], actor) -> bool:
    """Whether ``actor`` holds the role of a table row (every role of a tuple)."""
    if isinstance(role, tuple):
        return all(actor_has_role(plan=plan, role=r, actor=actor) for r in role)
    return actor_has_role(plan=plan, role=role, actor=actor)


@dataclass(frozen=True)
class _Lifecycle:
    """What the shared step needs to know of one lifecycle besides its table row."""

    actions: type[models.TextChoices]  # labels the action in refusals
    noun: str  # names the row in refusals
    state_field: str
    audit: Callable[[object, str], models.Model]  # audit(row, state_before): unsaved row
    plan: Callable[[object], Plan]  # the plan whose roles apply to the row
    also_save: tuple[str, ...] = ()


def _take_move(lifecycle: _Lifecycle, move, current, action, *, actor, comment, at, as_role):
    """The one guarded step of every lifecycle, on a row the caller has locked.

    Makes the move on the row (:func:`_make_move`: the refusals, the handler, the new
    state), saves it with ``update_fields`` and writes the audit row. Public pages are
    cleared after the commit when the move changed what they show. Returns (the audit
    row, the fields changed).

    ``at`` dates a past act (default: now); ``as_role`` is the role a past act without
    an actor was taken in (the table's role check still applies to it).

    Raises TransitionRefused ``transition_not_allowed``, ``actor_not_allowed``,
    ``comment_required`` or the handler's own codes; nothing is saved then.
    """
    record, fields = _make_move(
        lifecycle, move, current, action, actor=actor, comment=comment, at=at, as_role=as_role
    )
    if at is not None:
        current._history_date = at  # the edit-history row is dated when the act was taken
    current.save(update_fields=[*fields, *lifecycle.also_save])
    record.save()
    if "published_at" in fields:
        announce_public_change(type(current))
    return record, fields


def _make_move(lifecycle: _Lifecycle, move, current, action, *, actor, comment, at, as_role):
    """Check and apply one move to a locked row in memory; save nothing.

    Refuses, in this order, a move not allowed from the current state (or no such action
    for this kind of plan), an actor without the row's role, and a missing comment; then
    runs the row's handler (its own checks and side effects) and moves the state.
    Returns (the unsaved audit row ``lifecycle.audit`` builds, who, when and why filled
    in; the fields changed). Callers save both, one row at a time or in bulk.

    Raises TransitionRefused as :func:`_take_move` does.
    """
    state_field, noun = lifecycle.state_field, lifecycle.noun
    label = lifecycle.actions(action).label
    comment = (comment or "").strip()
    before = getattr(current, state_field)
    if move is None or before not in move.sources:
        _refuse(
            "「%(state)s」の%(noun)sには「%(action)s」を行えません。",
            "transition_not_allowed",
            state=getattr(current, f"get_{state_field}_display")(),
            noun=noun,
            action=label,
        )
    if not _acts_in_role(
        plan=lifecycle.plan(current), role=move.role, actor=actor, as_role=as_role
    ):
        _refuse(
            "この%(noun)sに「%(action)s」を行う権限がありません。",
            "actor_not_allowed",
            noun=noun,
            action=label,
        )
    if move.comment_prompt and not comment:
        _refuse(move.comment_prompt, "comment_required", action=label)
    now = at or timezone.now()
    fields = move.apply(current, actor=actor, comment=comment, now=now)
    if move.target is not None:
        setattr(current, state_field, move.target)
        fields.append(state_field)
    record = lifecycle.audit(current, before)
    record.action, record.actor, record.at, record.comment = move.action, actor, now, comment
    return record, fields


# ---------------------------------------------------------------------------------------
# Progress entries


def _entry_submit(entry, *, actor, comment, now):
    if not entry.done.strip() or entry.status_id is None:
        _refuse("実施内容と達成状況を入力してから提出してください。", "entry_incomplete")
    entry.submitted_at = now
    return ["submitted_at"]


def _entry_comment(entry, *, actor, comment, now):
    entry.staff_comment = comment
    return ["staff_comment"]


def _entry_accept(entry, *, actor, comment, now):
    fields = []
    if comment:
        entry.staff_comment = comment
        fields.append("staff_comment")
    entry.reviewed_at, entry.reviewed_by = now, actor
    entry.return_reason = ""
    return [*fields, "reviewed_at", "reviewed_by", "return_reason"]


def _entry_send_back(entry, *, actor, comment, now):
    entry.return_reason = comment
    entry.reviewed_at, entry.reviewed_by = now, actor
    # A reopened period leaves the public pages until it is accepted again.
    entry.published_at = None
    return ["return_reason", "reviewed_at", "reviewed_by", "published_at"]


def _entry_publish(entry, *, actor, comment, now):
    if entry.is_published:
        _refuse("この進捗は既に公開されています。", "already_published")
    plan = entry.item.plan
    if not plan.is_public:
        _refuse(
            "計画「%(plan)s」が公開されていないため、進捗を公開できません。",
            "plan_not_public",
            plan=str(plan),
        )
    entry.published_at = now
    return ["published_at"]


def _entry_accept_publish(entry, *, actor, comment, now):
    # Publishing first: its refusal (plan not public) must come before anything is set.
    fields = _entry_publish(entry, actor=actor, comment=comment, now=now)
    return [*fields, *_entry_accept(entry, actor=actor, comment=comment, now=now)]


def _entry_unpublish(entry, *, actor, comment, now):
    if not entry.is_published:
        _refuse("この進捗は公開されていません。", "not_published")
    entry.published_at = None
    return ["published_at"]


_ENTRY_COMMENT = "「%(action)s」には所見または理由を入力してください。"

PROGRESS_TRANSITIONS = _table(
    Move(ProgressAction.SUBMIT, EDITABLE_STATES, ReviewState.SUBMITTED, OWNER, _entry_submit),
    Move(
        ProgressAction.COMMENT,
        (ReviewState.SUBMITTED, ReviewState.ACCEPTED),
        None,
        LIAISON,
        _entry_comment,
        comment_prompt=_ENTRY_COMMENT,
    ),
    Move(
        ProgressAction.ACCEPT,
        (ReviewState.SUBMITTED,),
        ReviewState.ACCEPTED,
        REVIEWER,
        _entry_accept,
    ),
    Move(
        ProgressAction.ACCEPT_PUBLISH,
        (ReviewState.SUBMITTED,),
        ReviewState.ACCEPTED,
        (REVIEWER, PUBLISHER),
        _entry_accept_publish,
        # Offered only when it can succeed: a plan not yet public has nowhere to show it.
        shown=lambda entry: entry.item.plan.is_public,
    ),
    Move(
        ProgressAction.RETURN,
        (ReviewState.SUBMITTED,),
        ReviewState.RETURNED,
        REVIEWER,
        _entry_send_back,
        comment_prompt=_ENTRY_COMMENT,
    ),
    Move(
        ProgressAction.REOPEN,
        (ReviewState.ACCEPTED,),
        ReviewState.RETURNED,
        REVIEWER,
        _entry_send_back,
        comment_prompt=_ENTRY_COMMENT,
    ),
    Move(
        ProgressAction.PUBLISH,
        (ReviewState.ACCEPTED,),
        None,
        PUBLISHER,
        _entry_publish,
        shown=lambda entry: not entry.is_published,
    ),
    Move(
        ProgressAction.UNPUBLISH,
        (ReviewState.ACCEPTED,),
        None,
        PUBLISHER,
        _entry_unpublish,
        shown=lambda entry: entry.is_published,
    ),
)

_PROGRESS = _Lifecycle(
    ProgressAction,
    "進捗",
    "state",
    lambda entry, before: ProgressTransition(entry=entry, from_state=before, to_state=entry.state),
    lambda entry: entry.item.plan,
    also_save=("updated_at",),
)


def progress_allowed_actions(*, entry: ProgressEntry, actor) -> list[str]:
    """The actions ``actor`` may take on ``entry`` now (for buttons and forms)."""
    return [
        action
        for action, move in PROGRESS_TRANSITIONS.items()
        if entry.state in move.sources
        and move.shown(entry)
        and _holds(plan=entry.item.plan, role=move.role, actor=actor)
    ]


def progress_transition(
    *, entry: ProgressEntry, action: str, actor, comment: str = "", at=None, role=None
) -> ProgressTransition:
    """Apply one review step to ``entry`` (a row of PROGRESS_TRANSITIONS) and record it.

    ``at`` records a past act at that time instead of now; with ``actor=None`` it needs
    the ``role`` (OWNER, REVIEWER, LIAISON, PUBLISHER) the act was taken in, and the
    audit row names no actor. ValueError for ``role`` without ``at`` or with an actor,
    or ``at`` in the future.

    Raises TransitionRefused with code ``transition_not_allowed`` (not from this state),
    ``actor_not_allowed`` (wrong role), ``comment_required`` (return/reopen/comment
    without a reason), ``entry_incomplete`` (submit without 実施内容 or 達成状況),
    ``already_published`` / ``not_published`` or ``plan_not_public`` (publishing).
    """
    move = PROGRESS_TRANSITIONS.get(action)
    if move is None:
        raise ValueError(f"unknown action {action!r}")
    _check_past_act(actor=actor, at=at, role=role)
    with transaction.atomic():
        # Lock the row so two reviewers cannot both act on the state they read.
        current = (
            ProgressEntry.objects.select_for_update().select_related("item__plan").get(pk=entry.pk)
        )
        record, fields = _take_move(
            _PROGRESS, move, current, action, actor=actor, comment=comment, at=at, as_role=role
        )
    # The caller's object reflects the saved row.
    for field in {*fields, "updated_at"}:
        setattr(entry, field, getattr(current, field))
    return record


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch step did: the entries moved, and each refused one with its refusal."""

    done: list[ProgressEntry]
    refused: list[tuple[ProgressEntry, TransitionRefused]]


def progress_transition_many(*, entries, action: str, actor, comment: str = "") -> BatchOutcome:
    """Apply one review step to each entry of the queryset ``entries``, as one act.

    Each entry is checked as :func:`progress_transition` checks one; a refused entry is
    left exactly as it was and comes back with its refusal (the others still move). Each
    moved entry gets its audit row and its edit-history row. A fixed number of queries
    whatever the number of entries for the staff roles (REVIEWER, PUBLISHER): the rows are
    locked and read in one query, saved in one, and their audit and history rows written
    in one each. ValueError for an unknown action.
    """
    move = PROGRESS_TRANSITIONS.get(action)
    if move is None:
        raise ValueError(f"unknown action {action!r}")
    done, refused, records = [], [], []
    changed: set[str] = set()
    now = timezone.now()  # one act: every entry of the batch moves at the same time
    with transaction.atomic():
        rows = (
            ProgressEntry.objects.select_for_update(of=("self",))
            .select_related("item__plan")
            .filter(pk__in=entries.values("pk"))
            .order_by("pk")
        )
        for current in rows:
            try:
                record, fields = _make_move(
                    _PROGRESS,
                    move,
                    current,
                    action,
                    actor=actor,
                    comment=comment,
                    at=now,
                    as_role=None,
                )
            except TransitionRefused as error:
                refused.append((current, error))
                continue
            current.updated_at = record.at
            done.append(current)
            records.append(record)
            changed.update(fields)
        if done:
            bulk_update_with_history(
                done, ProgressEntry, [*sorted(changed), "updated_at"], default_user=actor
            )
            ProgressTransition.objects.bulk_create(records)
    if "published_at" in changed:
        announce_public_change(ProgressEntry)
    return BatchOutcome(done=done, refused=refused)


CONTENT_FIELDS = ("done", "meetings", "participants", "status")


def check_entry_editable(*, entry: ProgressEntry, actor, is_owner: bool | None = None) -> None:
    """Refuse edits to a submitted or accepted entry, or by someone who does not own it.

    Raises TransitionRefused: ``entry_locked`` (accepted: staff must reopen it first),
    ``entry_under_review`` (submitted), ``actor_not_allowed``, ``plan_not_in_force`` (a
    new entry for an item of a plan version that is not published). ``is_owner`` lets a
    caller checking many entries of one plan pass the role it already worked out.
    """
    if entry.pk is None and not entry.item.plan.is_public:
        _refuse("公開された計画の事業にだけ進捗を記録できます。", "plan_not_in_force")
    if entry.state == ReviewState.ACCEPTED:
        _refuse(
            "%(period)sの進捗は承認済みのため変更できません。変更が必要な場合は市に再開を依頼してください。",
            "entry_locked",
            period=entry.period.label,
        )
    if entry.state == ReviewState.SUBMITTED:
        _refuse(
            "%(period)sの進捗は審査中のため変更できません。",
            "entry_under_review",
            period=entry.period.label,
        )
    if is_owner is None:
        is_owner = actor_has_role(plan=entry.item.plan, role=OWNER, actor=actor)
    if not is_owner:
        _refuse("この進捗を編集する権限がありません。", "actor_not_allowed")


def progress_save(
    *, item: PlanItem, period: Period, actor, entry: ProgressEntry | None = None, **values
) -> ProgressEntry:
    """Create or update the draft entry of ``item`` for ``period`` with ``values``.

    ``values`` are among done, meetings, participants, status. Raises TransitionRefused
    as ``check_entry_editable``, ``plan_not_in_force`` (the plan version is not published),
    or ValidationError from the model (period outside the plan, status not in the
    plan's vocabulary). Nothing is saved then.
    """
    unknown = set(values) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if entry is None:
        entry = ProgressEntry.objects.filter(
            item=item, fiscal_year=period.fiscal_year, half=period.half
        ).first()
    if entry is None:
        entry = ProgressEntry(
            item=item, fiscal_year=period.fiscal_year, half=period.half, created_by=actor
        )
    check_entry_editable(entry=entry, actor=actor)
    for field, value in values.items():
        setattr(entry, field, value)
    entry.full_clean()
    entry.save()
    return entry


# ---------------------------------------------------------------------------------------
# Plans


def _plan_publish(plan, *, actor, comment, now):
    """Publishing a revision marks the version it replaces as superseded (still readable)."""
    if not plan.items.exists():
        _refuse("事業が1つもない計画は公開できません。", "plan_empty")
    predecessor = plan.revision_of
    if predecessor is not None and predecessor.status == PlanStatus.PUBLISHED:
        predecessor.status = PlanStatus.SUPERSEDED
        predecessor.save(update_fields=["status"])
        PlanTransition.objects.create(
            plan=predecessor,
            action=PlanAction.SUPERSEDE,
            from_status=PlanStatus.PUBLISHED,
            to_status=PlanStatus.SUPERSEDED,
            actor=actor,
            at=now,
            comment=f"第{plan.version}版の公開による",
        )
    plan.published_at = now
    return ["published_at"]


def _no_side_effect(obj, *, actor, comment, now):
    return []


# A council's plan is submitted by its secretary and published by staff; the city's own
# plan is drafted and published by staff, so it has no submit step.
PLAN_TRANSITIONS = {
    PlanKind.COMMUNITY: _table(
        Move(PlanAction.SUBMIT, (PlanStatus.DRAFT,), PlanStatus.SUBMITTED, OWNER, _no_side_effect),
        Move(
            PlanAction.RETURN,
            (PlanStatus.SUBMITTED,),
            PlanStatus.DRAFT,
            PUBLISHER,
            _no_side_effect,
            comment_prompt="差戻しの理由を入力してください。",
        ),
        Move(
            PlanAction.PUBLISH,
            (PlanStatus.SUBMITTED,),
            PlanStatus.PUBLISHED,
            PUBLISHER,
            _plan_publish,
        ),
    ),
    PlanKind.CITY: _table(
        Move(
            PlanAction.PUBLISH, (PlanStatus.DRAFT,), PlanStatus.PUBLISHED, PUBLISHER, _plan_publish
        ),
    ),
}

_PLAN = _Lifecycle(
    PlanAction,
    "計画",
    "status",
    lambda plan, before: PlanTransition(plan=plan, from_status=before, to_status=plan.status),
    lambda plan: plan,
)


def plan_allowed_actions(*, plan: Plan, actor) -> list[str]:
    """The plan workflow actions ``actor`` may take now."""
    return [
        action
        for action, move in PLAN_TRANSITIONS[plan.kind].items()
        if plan.status in move.sources and actor_has_role(plan=plan, role=move.role, actor=actor)
    ]


def plan_transition(
    *, plan: Plan, action: str, actor, comment: str = "", at=None, role=None
) -> PlanTransition:
    """Move a plan version through submit / return / publish (a row of PLAN_TRANSITIONS)
    and record it.

    ``at`` and ``role`` record a past act as in :func:`progress_transition`.

    Raises TransitionRefused: ``transition_not_allowed``, ``actor_not_allowed``,
    ``comment_required``, ``plan_empty`` (publishing a plan without items).
    """
    if action not in PlanAction.values:
        raise ValueError(f"unknown action {action!r}")
    _check_past_act(actor=actor, at=at, role=role)
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        move = PLAN_TRANSITIONS[current.kind].get(action)
        record, _fields = _take_move(
            _PLAN, move, current, action, actor=actor, comment=comment, at=at, as_role=role
        )
    plan.status, plan.published_at = current.status, current.published_at
    return record


def check_plan_editable(*, plan: Plan, actor) -> None:
    """Refuse edits to a plan that is not a draft, or by someone who does not own it.

    Raises TransitionRefused: ``plan_not_editable`` or ``actor_not_allowed``.
    """
    if not plan.is_editable:
        _refuse(
            "「%(status)s」の計画は編集できません。内容を変えるには見直し版を作成してください。",
            "plan_not_editable",
            status=plan.get_status_display(),
        )
    if not actor_has_role(plan=plan, role=OWNER, actor=actor):
        _refuse("この計画を編集する権限がありません。", "actor_not_allowed")


def plan_create_community(*, council, actor, **fields) -> Plan:
    """A council's first community plan, as a draft using the city's default vocabulary.

    Raises TransitionRefused ``actor_not_allowed`` (not this council's secretary or
    staff), ``plan_exists`` (the council already has a plan: revise it instead),
    ``no_vocabulary`` (no default status vocabulary is set up), or ValidationError.
    """
    plan = Plan(kind=PlanKind.COMMUNITY, council=council, issued_by=council.name, **fields)
    if not actor_has_role(plan=plan, role=OWNER, actor=actor) and not (
        actor.is_staff and actor.has_perm("plans.add_plan")
    ):
        _refuse("この地域協働体の計画を作成する権限がありません。", "actor_not_allowed")
    if Plan.objects.filter(council=council).exists():
        _refuse("この地域協働体には既に計画があります。見直し版を作成してください。", "plan_exists")
    vocabulary = StatusVocabulary.default()
    if vocabulary is None:
        _refuse(
            "達成状況の区分（既定）が設定されていません。市の担当課に連絡してください。",
            "no_vocabulary",
        )
    plan.vocabulary = vocabulary
    plan.full_clean()
    plan.save()
    return plan


def plan_update(*, plan: Plan, actor, **fields) -> Plan:
    """Change the basic fields of a draft plan (title, years, vision, summary, note).

    Raises TransitionRefused ``plan_not_editable`` or ``actor_not_allowed``, or
    ValidationError when the values do not fit the model.
    """
    check_plan_editable(plan=plan, actor=actor)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save(update_fields=list(fields))
    return plan


def plan_rows_save(*, plan: Plan, formset, actor) -> None:
    """Save a validated inline formset of a draft plan's rows (local issues or policies):
    the added, changed and deleted rows, all or none.

    Raises TransitionRefused ``plan_not_editable`` or ``actor_not_allowed``, or
    ``policy_in_use`` (a policy that items still use cannot be deleted).
    """
    check_plan_editable(plan=plan, actor=actor)
    try:
        with transaction.atomic():
            formset.save()
    except ProtectedError:
        _refuse(
            "事業が登録されている方針は削除できません。先に事業の方針を変えてください。",
            "policy_in_use",
        )


def plan_item_save(*, form, roles, schedule, actor) -> PlanItem:
    """Save an item of a draft plan (a validated ModelForm) with its role rows (a validated
    formset) and its schedule rows, which are checked against the saved item; all or none.

    Raises TransitionRefused ``plan_not_editable`` or ``actor_not_allowed``, or
    ValidationError ``invalid_schedule`` (the errors are on the schedule formset).
    """
    check_plan_editable(plan=form.instance.plan, actor=actor)
    with transaction.atomic():
        item = form.save()
        schedule.instance = item
        if not schedule.is_valid():
            raise ValidationError("年度ごとの予定を確認してください。", code="invalid_schedule")
        roles.instance = item
        roles.save()
        schedule.save()
    return item


def plan_item_delete(*, item: PlanItem, actor) -> None:
    """Delete an item of a draft plan that has no progress recorded.

    Raises TransitionRefused ``plan_not_editable``, ``actor_not_allowed`` or
    ``item_has_progress``.
    """
    check_plan_editable(plan=item.plan, actor=actor)
    if item.entries.exists():
        _refuse("進捗が記録された事業は削除できません。", "item_has_progress")
    item.delete()


def plan_revise(*, plan: Plan, actor, note: str = "") -> Plan:
    """Start a revision (見直し): a new draft version copying ``plan``'s content.

    The old version stays as it is, with its progress, until the new one is published.
    Raises TransitionRefused ``actor_not_allowed`` (another council's plan, or a user
    without the role), ``revise_not_public`` (only a published version is revised),
    ``revision_exists`` (a revision is already being drafted).
    """
    if not actor_has_role(plan=plan, role=OWNER, actor=actor) and not (
        actor.is_staff and actor.has_perm("plans.add_plan")
    ):
        _refuse("他の地域協働体の計画は見直しできません。", "actor_not_allowed")
    if plan.status != PlanStatus.PUBLISHED:
        _refuse("公開中の計画だけを見直しできます。", "revise_not_public")
    if plan.revisions.filter(status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]).exists():
        _refuse("この計画の見直し版は既に作成中です。", "revision_exists")
    with transaction.atomic():
        new = Plan.objects.create(
            kind=plan.kind,
            council=plan.council,
            title=plan.title,
            issued_by=plan.issued_by,
            start_year=plan.start_year,
            end_year=plan.end_year,
            vision=plan.vision,
            summary=plan.summary,
            vocabulary=plan.vocabulary,
            revision_of=plan,
            version=plan.version + 1,
            revision_note=note,
        )
        policies = {}
        for policy in plan.policies.all():
            policies[policy.pk] = Policy.objects.create(
                plan=new,
                order=policy.order,
                number=policy.number,
                title=policy.title,
                description=policy.description,
            )
        for item in plan.items.prefetch_related("roles", "schedule"):
            copy = PlanItem.objects.create(
                plan=new,
                policy=policies.get(item.policy_id),
                order=item.order,
                number=item.number,
                title=item.title,
                content=item.content,
                carried_from=item,
            )
            RoleAllocation.objects.bulk_create(
                RoleAllocation(
                    item=copy, order=r.order, actor=r.actor, actor_name=r.actor_name, role=r.role
                )
                for r in item.roles.all()
            )
            ItemSchedule.objects.bulk_create(
                ItemSchedule(item=copy, fiscal_year=s.fiscal_year, text=s.text)
                for s in item.schedule.all()
            )
        LocalIssue.objects.bulk_create(
            LocalIssue(plan=new, order=i.order, title=i.title, description=i.description)
            for i in plan.issues.all()
        )
        for indicator in plan.indicators.prefetch_related("values"):
            values = list(indicator.values.all())
            indicator.pk = None
            indicator._state.adding = True
            indicator.plan = new
            indicator.save()
            IndicatorValue.objects.bulk_create(
                IndicatorValue(
                    indicator=indicator, fiscal_year=v.fiscal_year, kind=v.kind, value=v.value
                )
                for v in values
            )
    return new
