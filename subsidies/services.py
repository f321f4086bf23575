"""The grant lifecycle: one declarative table and one function that moves an application.

``LIFECYCLE`` has one :class:`Transition` per action: the statuses it starts from, the
status it leads to, the role allowed to take it, its handler, its Japanese label (the
:class:`~subsidies.models.ApplicationAction` label) and whether citizens' pages change.
:func:`application_transition` checks the move and the role, runs the engine and budget
checks the action needs, saves with ``update_fields``, writes an ApplicationEvent (who,
when, from, to, comment, every amount before and after), issues the official notice,
and e-mails the other side, all in one transaction. A refused move raises
:class:`TransitionError` (a ValidationError with a stable ``code``) and changes nothing.

Roles: ``staff`` is a user with the ``subsidies.change_application`` permission (the
editor and administrator groups); ``secretary`` is the active secretary of the
application's council.

Programmes started from another city's shared programme: ``programme_from_template`` and
``shared_programmes`` (in :mod:`subsidies.programme_templates`).
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import calendar
from core.calendar import fiscal_year_end, fiscal_year_label, fiscal_year_start, wareki_date
from core.cities import city_link
from core.money import yen_digits
from core.signals import announce_public_change
from councils.models import Council, CouncilSecretary
from councils.selectors import council_stage_on

from . import engine, notices, selectors, settlement
from .exceptions import TransitionError
from .models import (
    AMOUNT_FIELDS,
    ActorRole,
    Application,
    ApplicationAction,
    ApplicationEvent,
    ApplicationLine,
    Attachment,
    AttachmentKind,
    Budget,
    ExpenseCategory,
    LineKind,
    NoticeKind,
    ProgrammeRule,
    Status,
)
from .programme_templates import programme_from_template as programme_from_template
from .programme_templates import shared_programmes as shared_programmes

logger = logging.getLogger(__name__)

SECRETARY = ActorRole.SECRETARY
STAFF = ActorRole.STAFF


@dataclass(frozen=True)
class LineInput:
    """One expense line as a form or import gives it."""

    category: ExpenseCategory
    amount: int
    description: str = ""

    def as_engine(self) -> engine.ExpenseLine:
        return engine.ExpenseLine(
            self.category.code, self.amount, self.description, self.category.name
        )


def actor_roles(application: Application, actor) -> set[str]:
    """The roles ``actor`` holds towards this application (staff, secretary, both, none)."""
    roles = set()
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return roles
    if actor.has_perm("subsidies.change_application"):
        roles.add(STAFF)
    if CouncilSecretary.objects.filter(
        user=actor, council_id=application.council_id, ended_on__isnull=True
    ).exists():
        roles.add(SECRETARY)
    return roles


def allowed_actions(application: Application, role: str) -> list[str]:
    """Actions the role may take from the application's current status, in table order."""
    return [
        row.action for row in LIFECYCLE if application.status in row.sources and row.role == role
    ]


def action_open(application: Application, action: str) -> bool:
    """True when the application's status is one ``action`` starts from (whoever acts)."""
    return application.status in transition(action).sources


def council_next_move(status: str) -> "Transition | None":
    """The council's usual next move from ``status`` (the row with a next_step_page)."""
    return next(
        (
            row
            for row in LIFECYCLE
            if status in row.sources and row.role == SECRETARY and row.next_step_page
        ),
        None,
    )


def transition(action: str) -> "Transition":
    """The table's row for ``action``; KeyError for an action the table does not have."""
    return _BY_ACTION[action]


def application_transition(
    *, application: Application, action: str, actor, comment: str = "", **data
) -> Application:
    """Move ``application`` by ``action`` on behalf of ``actor``; return the saved row.

    ``data`` carries what the action needs (amounts, dates, lines; see the ``_do_*``
    handlers). Raises TransitionError (codes: unknown_action, transition_not_allowed,
    role_not_allowed and each handler's own) and changes nothing when refused.
    """
    return _take_move(application, action, actor=actor, comment=comment, data=data)


def record_past_transition(
    *, application: Application, action: str, at, comment: str = "", **data
) -> Application:
    """Record a move that happened outside the portal (paper-era grants, demo data).

    The same step as :func:`application_transition` (the table's sources, the handlers'
    checks, the audit row, the public pages), except the role: the audit row names the
    system as the actor, dated ``at``, so it never passes for a person's act. No e-mail
    is sent. Raises TransitionError like application_transition.
    """
    _take_move(application, action, actor=None, comment=comment, data=data, at=at)
    return application


def _take_move(application, action, *, actor, comment, data, at=None) -> Application:
    """The lifecycle's one guarded step; ``at`` records a past act by the system.

    Locks the row, refuses an action the table does not have or that does not start
    from the locked status, and (a live act) an actor without the row's role; then
    runs the handler, saves, writes the audit row, clears public pages when the row
    says so and, for a live act, e-mails the other side after the commit.
    """
    if action not in _BY_ACTION:
        raise TransitionError(
            "「%(action)s」という操作はありません。", "unknown_action", action=action
        )
    with transaction.atomic():
        # Lock the row: two staff acting at once see each other's result, not a stale copy.
        # Only this row ("self"): the budget is locked on its own row where it matters.
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("programme", "council")
            .get(pk=application.pk)
        )
        row = _row_from(locked.status, action)
        role = ActorRole.SYSTEM if at is not None else row.role
        if at is None and row.role not in actor_roles(locked, actor):
            raise TransitionError(
                "「%(action)s」は%(role)sだけが行えます。",
                "role_not_allowed",
                action=row.label,
                role=ActorRole(row.role).label,
            )
        event = _apply(locked, row, actor=actor, role=role, comment=comment, data=data, at=at)
        if at is None:
            transaction.on_commit(lambda: _send_mail(event.pk), robust=True)
        if row.public:
            announce_public_change(Application, robust=True)
    for field in Application._meta.concrete_fields:
        setattr(application, field.attname, getattr(locked, field.attname))
    return locked


def _row_from(status: str, action: str) -> "Transition":
    """The row for ``action`` when it starts from ``status``; TransitionError otherwise."""
    row = _BY_ACTION.get(action)
    if row is None or status not in row.sources:
        raise TransitionError(
            "状況が「%(status)s」の申請には「%(action)s」はできません。",
            "transition_not_allowed",
            status=Status(status).label,
            action=row.label if row else action,
        )
    return row


def _apply(locked, row, *, actor, role, comment, data, at=None) -> ApplicationEvent:
    """Run the row's handler on the locked row, save it and write the audit row."""
    from_status = locked.status
    to_status = row.target
    before = {name: getattr(locked, name) for name in AMOUNT_FIELDS}
    if row.precheck is not None:
        row.precheck(locked, data.get("today"))
    changed, notice = row.handler(locked, actor=actor, comment=comment.strip(), **data)
    if at is not None and "submitted_at" in changed:
        locked.submitted_at = at
    locked.status = to_status
    locked.save(update_fields=sorted({"status", "updated_at", *changed}))
    changes = {
        name: [before[name], getattr(locked, name)]
        for name in AMOUNT_FIELDS
        if before[name] != getattr(locked, name)
    }
    return ApplicationEvent.objects.create(
        application=locked,
        action=row.action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_role=role,
        at=at or timezone.now(),
        comment=comment.strip(),
        changes=changes,
        notice=notice,
    )


def create_application(
    *,
    council,
    programme,
    fiscal_year: int,
    actor,
    lines: Sequence[LineInput] = (),
    proxy: bool = False,
    at=None,
    comment: str = "",
    **fields,
) -> Application:
    """A new draft with its planned lines; ``proxy`` marks a 窓口代行入力 by staff.

    ``at`` records a creation made outside the portal (paper-era grants, demo data) at
    that time; with ``actor=None`` (allowed only then) the audit row names the system,
    as :func:`record_past_transition` does. ``comment`` goes on the audit row.
    Raises TransitionError (role_not_allowed) when the actor may not file for the council.
    """
    role = STAFF if proxy else SECRETARY
    if actor is None and at is not None:
        role = ActorRole.SYSTEM
    elif role not in actor_roles(
        Application(council=council, programme=programme, fiscal_year=fiscal_year), actor
    ):
        raise TransitionError(
            "この地域協働体の申請を作成する権限がありません。", "role_not_allowed"
        )
    if at is not None:
        fields["created_at"] = at
    with transaction.atomic():
        application = Application(
            council=council,
            programme=programme,
            fiscal_year=fiscal_year,
            proxy_entry=proxy,
            entered_by=actor,
            **fields,
        )
        application.full_clean(exclude=["council", "programme"])
        application.save()
        replace_lines(application, LineKind.PLAN, lines)
        ApplicationEvent.objects.create(
            application=application,
            action=ApplicationAction.CREATE,
            from_status=Status.DRAFT,
            to_status=Status.DRAFT,
            at=at or timezone.now(),
            actor=actor,
            actor_role=role,
            comment=comment or ("窓口代行入力" if proxy else ""),
            changes=(
                {"requested_amount": [None, application.requested_amount]}
                if application.requested_amount is not None
                else {}
            ),
        )
    return application


def update_draft(
    *, application: Application, actor, lines: Sequence[LineInput], **fields
) -> Application:
    """Save edits to a draft or returned application and replace its planned lines.

    Raises TransitionError (not_editable, role_not_allowed).
    """
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not action_open(locked, ApplicationAction.SUBMIT):
            raise TransitionError(
                "状況が「%(status)s」の申請は編集できません。",
                "not_editable",
                status=locked.get_status_display(),
            )
        roles = actor_roles(locked, actor)
        if SECRETARY not in roles and not (locked.proxy_entry and STAFF in roles):
            raise TransitionError("この申請を編集する権限がありません。", "role_not_allowed")
        before = locked.requested_amount
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["council", "programme"])
        locked.save()
        replace_lines(locked, LineKind.PLAN, lines)
        if before != locked.requested_amount:
            ApplicationEvent.objects.create(
                application=locked,
                action=ApplicationAction.EDIT,
                from_status=locked.status,
                to_status=locked.status,
                actor=actor,
                actor_role=SECRETARY if SECRETARY in roles else STAFF,
                comment="申請額の修正（下書き）",
                changes={"requested_amount": [before, locked.requested_amount]},
            )
    return locked


def application_save_draft(
    *,
    application: Application | None,
    council,
    programme,
    fiscal_year: int,
    actor,
    lines: Sequence[LineInput],
    uploads=(),
    proxy: bool = False,
    **fields,
) -> Application:
    """Create the draft (``application`` None; ``proxy`` for staff's 窓口代行入力) or save
    edits to it, with its planned lines and the checked uploads as attachments, all or none.

    Raises TransitionError (role_not_allowed, not_editable) or ValidationError.
    """
    with transaction.atomic():
        if application is None:
            application = create_application(
                council=council,
                programme=programme,
                fiscal_year=fiscal_year,
                actor=actor,
                lines=lines,
                proxy=proxy,
                **fields,
            )
        else:
            application = update_draft(
                application=application,
                actor=actor,
                lines=lines,
                council=council,
                programme=programme,
                fiscal_year=fiscal_year,
                **fields,
            )
        attachments_save(
            application=application, uploads=uploads, kind=AttachmentKind.APPLICATION, actor=actor
        )
    return application


def application_transition_with_files(
    *, application: Application, action: str, actor, uploads=(), kind: str, **data
) -> Application:
    """:func:`application_transition` and the checked uploads saved as attachments of
    ``kind``, all or none (a change request, a report with its receipts).

    Raises what application_transition raises.
    """
    with transaction.atomic():
        application_transition(application=application, action=action, actor=actor, **data)
        attachments_save(application=application, uploads=uploads, kind=kind, actor=actor)
    return application


def replace_lines(application: Application, kind: str, lines: Sequence[LineInput]) -> None:
    application.lines.filter(kind=kind).delete()
    ApplicationLine.objects.bulk_create(
        ApplicationLine(
            application=application,
            kind=kind,
            category=line.category,
            description=line.description,
            amount=line.amount,
            position=index,
        )
        for index, line in enumerate(lines)
    )


def opening_lines(*, council, programme, fiscal_year: int) -> list[LineInput]:
    """The lines a new application starts with: what is left of the registered 事務局人件費
    (labour decided in other applications this year taken off) as one labour line when
    the year's rule pays labour and that is above 0, else none."""
    labour = selectors.registered_labour(council, programme, fiscal_year)
    if labour is None or labour.left <= 0:
        return []
    return [LineInput(labour.category, labour.left, selectors.LABOUR_LINE_DESCRIPTION)]


def programmes_open_to(council, fiscal_year: int) -> list:
    """The programmes whose rule in force in ``fiscal_year`` covers the council's stage in
    that year, in display order: the ones worth a 申請する button. Two queries; raises
    nothing."""
    stage = council_stage_on(council, selectors.stage_date_for(fiscal_year))
    newest = {}
    for rule in (
        ProgrammeRule.objects.filter(valid_from_fiscal_year__lte=fiscal_year)
        .select_related("programme")
        .order_by("valid_from_fiscal_year")
    ):
        newest[rule.programme_id] = rule
    programmes = [rule.programme for rule in newest.values() if stage in rule.eligible_stages]
    return sorted(programmes, key=lambda p: (p.sort_order, p.code))


def default_requested_amount(
    *, council, programme, fiscal_year: int, lines: Sequence[LineInput], exclude=None
) -> int | None:
    """What a blank 申請額 stands for: the engine's 交付可能額 for ``lines`` when the council
    is eligible and it is above 0, else None (the submission checks then say why).

    Raises the engine's ValidationError for bad lines (as :func:`engine_grant`).
    """
    if not lines:
        return None
    grant = engine_grant(
        council=council, programme=programme, fiscal_year=fiscal_year, lines=lines, exclude=exclude
    )
    return grant.amount if grant.eligible and grant.amount > 0 else None


def stored_lines(application: Application, kind: str) -> list[LineInput]:
    return [
        LineInput(line.category, line.amount, line.description)
        for line in application.lines.filter(kind=kind).select_related("category")
    ]


# Checks shared by the forms (before saving) and the transitions -----------------------


def attachments_save(*, application: Application, uploads, kind: str, actor) -> list[Attachment]:
    """Store checked uploads (``(file, content_type)`` pairs) as attachments of ``application``.

    Raises nothing of its own; the caller checks the files (subsidies.forms.validate_upload).
    """
    saved = []
    for upload, content_type in uploads:
        attachment = Attachment(
            application=application,
            kind=kind,
            original_name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def attachment_delete(*, attachment: Attachment, actor) -> None:
    """Delete an attachment and its file while the application can still be (re)submitted.

    Raises TransitionError ``attachment_locked`` once the application is submitted.
    """
    if not action_open(attachment.application, ApplicationAction.SUBMIT):
        raise TransitionError("提出済みの添付書類は削除できません。", code="attachment_locked")
    attachment.file.delete(save=False)
    attachment.delete()


def engine_grant(
    *,
    council,
    programme,
    fiscal_year: int,
    lines: Sequence[LineInput],
    exclude: int | None = None,
    budget_left: int | None = None,
    use_budget: bool = True,
) -> engine.Grant:
    """The engine's grant with the council's real history and what is left of the budget.

    ``exclude`` is the application being calculated (its own grant is not history).
    Raises ValidationError from the engine (e.g. category_not_allowed on ``expenses``).
    """
    previous = selectors.decided_grants(programme, [council.pk], exclude=exclude).get(
        council.pk, []
    )
    if budget_left is None and use_budget:
        budget_left = selectors.budget_left(programme, fiscal_year, exclude=exclude)
    if budget_left is not None:
        budget_left = max(budget_left, 0)
    return selectors.grant_for(
        council=council,
        programme=programme,
        fiscal_year=fiscal_year,
        expenses=[line.as_engine() for line in lines],
        previous_grants=previous,
        budget_left=budget_left,
        exclude=exclude,
    )


def _application_grant(app: Application, lines, **options) -> engine.Grant:
    """The engine's grant for ``lines`` of ``app``, its own decided amounts left out."""
    return engine_grant(
        council=app.council,
        programme=app.programme,
        fiscal_year=app.fiscal_year,
        lines=lines,
        exclude=app.pk,
        **options,
    )


def check_theme_limit(*, council, programme, fiscal_year: int, theme: str, exclude=None):
    """Refuse an application past the rule's number of applications per theme.

    Applications that were refused or withdrawn, and drafts, do not count. Raises
    TransitionError (theme_required, theme_limit_reached).
    """
    limit = selectors.rule_for(programme, fiscal_year).max_applications_per_theme
    if not limit:
        return
    theme = (theme or "").strip()
    if not theme:
        raise TransitionError(
            "「%(programme)s」は同じテーマで%(limit)s回まで申請できます。テーマを入力してください。",
            "theme_required",
            field="theme",
            programme=programme.name,
            limit=limit,
        )
    used = (
        Application.objects.filter(council=council, programme=programme, theme=theme)
        .exclude(status__in=[Status.DRAFT, Status.REFUSED, Status.WITHDRAWN])
        .exclude(pk=exclude)
        .count()
    )
    if used >= limit:
        raise TransitionError(
            "テーマ「%(theme)s」の申請は既に%(used)s件あり、上限の%(limit)s件に達しています。",
            "theme_limit_reached",
            field="theme",
            theme=theme,
            used=used,
            limit=limit,
        )


def check_submission(
    *,
    council,
    programme,
    fiscal_year: int,
    lines: Sequence[LineInput],
    requested_amount: int | None,
    work_starts_on: date | None = None,
    work_ends_on: date | None = None,
    exclude: int | None = None,
    today: date | None = None,
    theme: str = "",
) -> engine.Grant:
    """Everything a submission must satisfy; returns the engine's grant when it does.

    Raises TransitionError with codes fiscal_year_closed, overdue_report,
    work_period_required, work_period_outside_year, no_lines, amount_required,
    not_eligible, above_engine_amount, theme_required, theme_limit_reached; and the
    engine's ValidationError for bad lines.
    """
    today = today or timezone.localdate()
    if today > fiscal_year_end(fiscal_year):
        raise TransitionError(
            "%(year)sの受付は終了しました（年度末の%(end)sを過ぎています）。"
            "今年度（%(current)s）の申請として作成してください。",
            "fiscal_year_closed",
            field="fiscal_year",
            year=fiscal_year_label(fiscal_year),
            end=f"{fiscal_year + 1}年3月31日",
            current=fiscal_year_label(calendar.fiscal_year(today)),
        )
    if programme.pk in selectors.overdue_programme_ids(council.pk, today):
        raise TransitionError(
            "「%(programme)s」の実績報告が期限を過ぎて未提出のため、新しい申請はできません。"
            "先に実績報告を提出してください。",
            "overdue_report",
            field="programme",
            programme=programme.name,
        )
    check_theme_limit(
        council=council,
        programme=programme,
        fiscal_year=fiscal_year,
        theme=theme,
        exclude=exclude,
    )
    if work_starts_on is None or work_ends_on is None:
        raise TransitionError(
            "事業の開始日と完了予定日を入力してください。",
            "work_period_required",
            field="work_ends_on" if work_starts_on else "work_starts_on",
        )
    if not (
        fiscal_year_start(fiscal_year)
        <= work_starts_on
        <= work_ends_on
        <= fiscal_year_end(fiscal_year)
    ):
        raise TransitionError(
            "事業の期間は%(year)s（%(start)s〜%(end)s）の中にしてください。",
            "work_period_outside_year",
            field="work_ends_on",
            year=fiscal_year_label(fiscal_year),
            start=f"{fiscal_year}年4月1日",
            end=f"{fiscal_year + 1}年3月31日",
        )
    if not lines:
        raise TransitionError("経費の明細を1行以上入力してください。", "no_lines")
    if requested_amount is None:
        raise TransitionError(
            "申請額を入力してください。", "amount_required", field="requested_amount"
        )
    if requested_amount <= 0:
        raise TransitionError(
            "申請額は1円以上にしてください。", "amount_not_positive", field="requested_amount"
        )
    grant = engine_grant(
        council=council, programme=programme, fiscal_year=fiscal_year, lines=lines, exclude=exclude
    )
    _require_eligible(grant)
    if requested_amount > grant.amount:
        raise TransitionError(
            "申請額 %(requested)s円 は、計算上の交付可能額 %(allowed)s円 を超えています。",
            "above_engine_amount",
            field="requested_amount",
            **_yen(requested=requested_amount, allowed=grant.amount),
        )
    return grant


# Handlers: each checks its inputs, sets fields on the locked row and returns
# (changed field names, the notice issued or None). Raise TransitionError to refuse.


def _require_eligible(grant: engine.Grant) -> None:
    if not grant.eligible:
        raise TransitionError(
            "この補助制度の対象になりません: %(reasons)s",
            "not_eligible",
            reasons=" ".join(reason.message for reason in grant.reasons),
        )


def _require_comment(comment: str, what: str) -> None:
    if not comment:
        raise TransitionError(
            "%(what)sを入力してください。", "comment_required", field="comment", what=what
        )


def _yen(**amounts: int) -> dict[str, str]:
    """Message parameters for amounts, written with digit grouping."""
    return {name: yen_digits(amount) for name, amount in amounts.items()}


def _positive_amount(value, field: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TransitionError(
            "金額は円単位の整数で入力してください。", "non_integer_amount", field=field
        )
    if value <= 0:
        raise TransitionError(
            "金額は1円以上で入力してください。", "amount_not_positive", field=field
        )
    return value


def check_saved_submission(app: Application, today: date | None = None) -> engine.Grant:
    """:func:`check_submission` for a saved draft and its planned lines (same errors)."""
    return check_submission(
        council=app.council,
        programme=app.programme,
        fiscal_year=app.fiscal_year,
        lines=stored_lines(app, LineKind.PLAN),
        requested_amount=app.requested_amount,
        work_starts_on=app.work_starts_on,
        work_ends_on=app.work_ends_on,
        exclude=app.pk,
        today=today,
        theme=app.theme,
    )


def _do_submit(app, *, actor, comment, **data):
    # The submission checks ran as the row's precheck (_check_submittable).
    app.submitted_at = timezone.now()
    return ["submitted_at"], None


def _do_nothing(app, *, actor, comment, **data):
    return [], None


def _do_return(app, *, actor, comment, **data):
    _require_comment(comment, "差戻しの理由")
    return [], None


def _do_refuse(app, *, actor, comment, issued_on=None, document_number=None, **data):
    _require_comment(comment, "不交付の理由")
    notice = notices.issue_notice(
        app,
        NoticeKind.REFUSAL,
        issued_on=issued_on or timezone.localdate(),
        actor=actor,
        number=document_number,
        reason=comment,
    )
    return [], notice


def _lock_budget_left(app) -> int | None:
    """What is left of the year's budget, with the Budget row locked until commit.

    Two staff deciding at once queue on this lock, so the second sees the first's amount.
    """
    budget = (
        Budget.objects.select_for_update()
        .filter(programme=app.programme_id, fiscal_year=app.fiscal_year)
        .first()
    )
    if budget is None:
        return None
    return budget.amount - selectors.granted_total(app.programme, app.fiscal_year, exclude=app.pk)


def _check_grant(app, lines, amount, *, limit: int | None, limit_label: str) -> engine.Grant:
    """Budget first (its own code), then the engine's amount for ``lines``."""
    left = _lock_budget_left(app)
    # Labour is paid once per council and year, whatever the programme: decisions for one
    # council queue on its row (after the budget row, always in that order), so the second
    # sees the labour the first decided.
    list(Council.objects.select_for_update().filter(pk=app.council_id).values_list("pk"))
    if left is not None and amount > left:
        raise TransitionError(
            "予算の残額 %(left)s円 を超えるため決定できません（%(amount)s円）。",
            "budget_exceeded",
            field="amount",
            **_yen(left=max(left, 0), amount=amount),
        )
    grant = _application_grant(app, lines, budget_left=left, use_budget=left is not None)
    _require_eligible(grant)
    if amount > grant.amount:
        raise TransitionError(
            "%(amount)s円 は計算上の交付可能額 %(allowed)s円 を超えています。",
            "above_engine_amount",
            field="amount",
            **_yen(amount=amount, allowed=grant.amount),
        )
    if limit is not None and amount > limit:
        raise TransitionError(
            "%(amount)s円 は%(what)s %(limit)s円 を超えています。",
            "above_requested",
            field="amount",
            what=limit_label,
            **_yen(amount=amount, limit=limit),
        )
    return grant


def _decision_notice(app, kind, actor, number, lines, rule, **content):
    """The notice of a decision (交付決定, 変更承認) on the planned ``lines``, dated on the
    decision; call once the application's amounts are set."""
    return notices.issue_notice(
        app,
        kind,
        issued_on=app.decided_on,
        actor=actor,
        number=number,
        lines=lines,
        rule=rule,
        **content,
    )


def _do_decide(app, *, actor, comment, amount=None, decided_on=None, document_number=None, **data):
    amount = _positive_amount(app.requested_amount if amount is None else amount)
    lines = stored_lines(app, LineKind.PLAN)
    _check_grant(app, lines, amount, limit=app.requested_amount, limit_label="申請額")
    app.decided_amount = amount
    app.decided_on = decided_on or timezone.localdate()
    rule = selectors.rule_for(app.programme, app.fiscal_year)
    app.report_due_on = rule.report_due_on(app.fiscal_year, app.work_ends_on)
    notice = _decision_notice(app, NoticeKind.DECISION, actor, document_number, lines, rule)
    return ["decided_amount", "decided_on", "report_due_on"], notice


def _do_pay_advance(app, *, actor, comment, amount=None, paid_on=None, **data):
    amount = _positive_amount(amount)
    if amount > app.decided_amount:
        raise TransitionError(
            "前金払額 %(amount)s円 が交付決定額 %(decided)s円 を超えています。",
            "advance_above_decided",
            field="amount",
            **_yen(amount=amount, decided=app.decided_amount),
        )
    app.advance_amount = amount
    app.advance_paid_on = paid_on or timezone.localdate()
    app.paid_amount += amount
    app.paid_on = app.advance_paid_on
    return ["advance_amount", "advance_paid_on", "paid_amount", "paid_on"], None


def _check_lines(app, lines) -> None:
    if not lines:
        raise TransitionError("経費の明細を1行以上入力してください。", "no_lines")
    allowed = selectors.rule_for(app.programme, app.fiscal_year).terms().eligible_categories
    for index, line in enumerate(lines, start=1):
        if line.category.code not in allowed:
            raise TransitionError(
                "経費区分「%(category)s」はこの補助制度の対象外です（%(line)s行目）。",
                "category_not_allowed",
                category=line.category.name,
                line=index,
            )
        if isinstance(line.amount, bool) or not isinstance(line.amount, int) or line.amount < 0:
            raise TransitionError(
                "金額は0円以上の整数で入力してください（%(line)s行目）。",
                "invalid_line_amount",
                line=index,
            )


def _do_request_change(app, *, actor, comment, lines=(), amount=None, **data):
    _require_comment(comment, "変更の理由")
    _check_lines(app, lines)
    amount = _positive_amount(amount)
    grant = _application_grant(app, lines)
    if not grant.eligible or amount > grant.amount:
        raise TransitionError(
            "変更後の申請額 %(amount)s円 は、計算上の交付可能額 %(allowed)s円 を超えています。",
            "above_engine_amount",
            field="amount",
            **_yen(amount=amount, allowed=grant.amount),
        )
    replace_lines(app, LineKind.CHANGE, lines)
    app.change_requested_amount = amount
    app.change_reason = comment
    return ["change_requested_amount", "change_reason"], None


def _clear_change(app):
    app.lines.filter(kind=LineKind.CHANGE).delete()
    app.change_requested_amount = None
    return ["change_requested_amount"]


def _do_withdraw_change(app, *, actor, comment, **data):
    return _clear_change(app), None


def _do_refuse_change(app, *, actor, comment, **data):
    _require_comment(comment, "不承認の理由")
    return _clear_change(app), None


def _do_approve_change(
    app, *, actor, comment, amount=None, decided_on=None, document_number=None, **data
):
    amount = _positive_amount(app.change_requested_amount if amount is None else amount)
    lines = stored_lines(app, LineKind.CHANGE)
    _check_grant(
        app, lines, amount, limit=app.change_requested_amount, limit_label="変更後の申請額"
    )
    app.lines.filter(kind=LineKind.PLAN).delete()
    app.lines.filter(kind=LineKind.CHANGE).update(kind=LineKind.PLAN)
    previous = app.decided_amount
    app.decided_amount = amount
    app.decided_on = decided_on or timezone.localdate()
    app.requested_amount = app.change_requested_amount
    app.change_requested_amount = None
    rule = selectors.rule_for(app.programme, app.fiscal_year)
    notice = _decision_notice(
        app,
        NoticeKind.CHANGE,
        actor,
        document_number,
        lines,
        rule,
        previous_amount=previous,
        reason=app.change_reason,
    )
    return ["decided_amount", "decided_on", "requested_amount", "change_requested_amount"], notice


def _do_submit_report(
    app,
    *,
    actor,
    comment,
    lines=(),
    report_text="",
    completed_on=None,
    confirm_early=False,
    grant_income=None,
    own_funds=0,
    other_income=0,
    other_income_note="",
    today=None,
    **data,
):
    """実績報告 with its 収支決算書: the completion date, the actual lines and the income.

    A report filed before the planned end of the work is taken only with ``confirm_early``
    (the council says the work is done). Raises TransitionError (report_text_required,
    completed_on_required, completed_in_future, completed_before_start, before_planned_end)
    and the settlement's ValidationError (grant_above_decided, other_income_note_required,
    settlement_unbalanced).
    """
    today = today or timezone.localdate()
    _check_lines(app, lines)
    if not report_text.strip():
        raise TransitionError(
            "実施内容を入力してください。", "report_text_required", field="report_text"
        )
    _check_completion(app, completed_on, confirm_early, today)
    if grant_income is None:
        raise TransitionError(
            "収入の補助金の額を入力してください。", "grant_income_required", field="grant_income"
        )
    statement = settlement.settlement(
        grant=grant_income,
        own_funds=own_funds or 0,
        other_income=other_income or 0,
        other_income_note=other_income_note,
        actual=lines,
    )
    settlement.check_settlement(statement, decided=app.decided_amount or 0)
    replace_lines(app, LineKind.ACTUAL, lines)
    app.report_text = report_text.strip()
    app.report_submitted_on = today
    app.work_completed_on = completed_on
    app.report_grant_amount = grant_income
    app.report_own_funds = own_funds or 0
    app.report_other_income = other_income or 0
    app.report_other_income_note = other_income_note.strip() if other_income else ""
    app.report_proxy_entry = False
    return [
        "report_text",
        "report_submitted_on",
        "work_completed_on",
        "report_grant_amount",
        "report_own_funds",
        "report_other_income",
        "report_other_income_note",
        "report_proxy_entry",
    ], None


def _do_proxy_submit_report(app, *, actor, comment, **data):
    """A paper 実績報告 entered by staff for the council: the same checks, marked as such."""
    changed, notice = _do_submit_report(app, actor=actor, comment=comment, **data)
    app.report_proxy_entry = True
    return changed, notice


def _check_completion(app, completed_on, confirm_early, today) -> None:
    if completed_on is None:
        raise TransitionError(
            "事業の完了日を入力してください。", "completed_on_required", field="completed_on"
        )
    if completed_on > today:
        raise TransitionError(
            "事業の完了日（%(day)s）が今日より後になっています。",
            "completed_in_future",
            field="completed_on",
            day=wareki_date(completed_on),
        )
    if app.work_starts_on and completed_on < app.work_starts_on:
        raise TransitionError(
            "事業の完了日（%(day)s）が事業の開始日（%(start)s）より前になっています。",
            "completed_before_start",
            field="completed_on",
            day=wareki_date(completed_on),
            start=wareki_date(app.work_starts_on),
        )
    if app.work_ends_on and today < app.work_ends_on and not confirm_early:
        raise TransitionError(
            "事業の完了予定日（%(end)s）より前です。完了していますか。"
            "完了している場合は「事業は完了しています」に印を付けてください。",
            "before_planned_end",
            field="confirm_early",
            end=wareki_date(app.work_ends_on),
        )


def _do_return_report(app, *, actor, comment, **data):
    _require_comment(comment, "差戻しの理由")
    return [], None


def confirmation_amount(app) -> tuple[int, engine.Grant]:
    """額の確定: the smaller of the decided amount and the engine's grant on actual costs."""
    lines = stored_lines(app, LineKind.ACTUAL)
    grant = _application_grant(app, lines)
    return min(app.decided_amount or 0, grant.amount), grant


def _do_confirm(
    app, *, actor, comment, confirmed_on=None, document_number=None, refund_due_on=None, **data
):
    amount, grant = confirmation_amount(app)
    app.confirmed_amount = amount
    app.confirmed_on = confirmed_on or timezone.localdate()
    app.refund_amount = max(app.net_paid_amount - amount, 0)
    app.refund_due_on = refund_due_on if app.refund_amount else None
    notice = notices.issue_notice(
        app,
        NoticeKind.CONFIRMATION,
        issued_on=app.confirmed_on,
        actor=actor,
        number=document_number,
        lines=stored_lines(app, LineKind.ACTUAL),
        grant=grant,
    )
    return ["confirmed_amount", "confirmed_on", "refund_amount", "refund_due_on"], notice


def _do_pay(app, *, actor, comment, paid_on=None, **data):
    app.paid_amount += app.balance_due
    app.paid_on = paid_on or timezone.localdate()
    return ["paid_amount", "paid_on"], None


def _do_request_refund(app, *, actor, comment, refund_due_on=None, **data):
    app.refund_amount = -app.balance_due
    if refund_due_on:
        app.refund_due_on = refund_due_on
    return ["refund_amount", "refund_due_on"], None


def _do_receive_refund(app, *, actor, comment, amount=None, received_on=None, **data):
    amount = _positive_amount(amount)
    if amount != app.refund_amount:
        raise TransitionError(
            "受領額 %(amount)s円 が返還請求額 %(refund)s円 と一致しません。",
            "refund_amount_mismatch",
            field="amount",
            **_yen(amount=amount, refund=app.refund_amount),
        )
    app.refunded_amount = amount
    app.refund_received_on = received_on or timezone.localdate()
    return ["refunded_amount", "refund_received_on"], None


# Prechecks: what must hold before an action can succeed, whatever the form says. The
# transition runs its row's precheck first (in _apply); available_actions asks the same
# functions, so the admin offers only the moves that can succeed now. Each raises
# TransitionError (or the engine's ValidationError) and reads nothing from the form.


@dataclass(frozen=True)
class DecisionRoom:
    """What a decision on an application's lines may grant.

    ``grant``: the engine's amount (the budget left already applied); ``budget_left``:
    the programme's budget for the year minus what other applications hold (None: no
    budget registered); ``limit``: the amount asked for (申請額 or 変更後の申請額).
    """

    grant: engine.Grant
    budget_left: int | None
    limit: int | None

    @property
    def most(self) -> int:
        """The largest amount the decision can be: engine, budget and request capped."""
        amounts = [self.grant.amount if self.grant.eligible else 0]
        if self.budget_left is not None:
            amounts.append(max(self.budget_left, 0))
        if self.limit is not None:
            amounts.append(self.limit)
        return min(amounts)


def decision_room(app: Application, kind: str = LineKind.PLAN) -> DecisionRoom:
    """The room for 交付決定 (``kind`` plan) or 変更の承認 (``kind`` change), unlocked.

    Raises the engine's ValidationError for lines it cannot calculate.
    """
    left = selectors.budget_left(app.programme, app.fiscal_year, exclude=app.pk)
    grant = _application_grant(
        app, stored_lines(app, kind), budget_left=left, use_budget=left is not None
    )
    limit = app.requested_amount if kind == LineKind.PLAN else app.change_requested_amount
    return DecisionRoom(grant=grant, budget_left=left, limit=limit)


def _check_submittable(app, today=None) -> None:
    check_saved_submission(app, today)


def _check_proxy_submittable(app, today=None) -> None:
    if not app.proxy_entry:
        raise TransitionError(
            "窓口代行入力の申請ではありません（地域協働体の事務局が申請します）。",
            "not_proxy_entry",
        )
    check_saved_submission(app, today)


def _check_room(room: DecisionRoom) -> None:
    if room.budget_left is not None and room.budget_left <= 0:
        raise TransitionError(
            "予算の残額がありません（予算残額 %(left)s円）。",
            "budget_exceeded",
            **_yen(left=max(room.budget_left, 0)),
        )
    _require_eligible(room.grant)
    if room.most <= 0:
        raise TransitionError(
            "計算上の交付可能額が0円のため、決定できません。",
            "above_engine_amount",
            **_yen(allowed=0),
        )


def _check_decidable(app, today=None) -> None:
    _check_room(decision_room(app, LineKind.PLAN))


def _check_change_approvable(app, today=None) -> None:
    _check_room(decision_room(app, LineKind.CHANGE))


def _check_advance_open(app, today=None) -> None:
    if not selectors.rule_for(app.programme, app.fiscal_year).advance_payment_allowed:
        raise TransitionError("この制度は前金払いを認めていません。", "advance_not_allowed")
    if app.advance_amount:
        raise TransitionError(
            "前金払いは既に行われています（%(amount)s円）。",
            "advance_already_paid",
            **_yen(amount=app.advance_amount),
        )


def _check_confirmable(app, today=None) -> None:
    confirmation_amount(app)


def _check_payable(app, today=None) -> None:
    balance = app.balance_due
    if balance < 0:
        raise TransitionError(
            "前金払額が確定額を上回っているため、支払ではなく返還請求をしてください"
            "（返還額 %(refund)s円）。",
            "refund_needed",
            refund=yen_digits(-balance),
        )


def _check_refund_due(app, today=None) -> None:
    if app.balance_due >= 0:
        if app.net_paid_amount == 0:
            raise TransitionError("まだ支払っていません。", "no_refund_due")
        raise TransitionError(
            "支払済額 %(paid)s円 が確定額 %(confirmed)s円 を超えていないため、"
            "返還請求はできません。",
            "no_refund_due",
            **_yen(paid=app.net_paid_amount, confirmed=app.confirmed_amount),
        )


def available_actions(
    application: Application, today: date | None = None, *, role: str = STAFF
) -> list[tuple[str, str | None]]:
    """The role's actions from the current status, in table order, each with None when it
    can be taken now or the Japanese reason it cannot (its precheck's message).

    The same prechecks the transition runs; raises nothing.
    """
    today = today or timezone.localdate()
    result = []
    for row in LIFECYCLE:
        if row.role != role or application.status not in row.sources:
            continue
        reason = None
        if row.precheck is not None:
            try:
                row.precheck(application, today)
            except ValidationError as error:
                reason = (
                    str(error) if isinstance(error, TransitionError) else " ".join(error.messages)
                )
        result.append((row.action, reason))
    return result


# The lifecycle table -----------------------------------------------------------------

A = ApplicationAction
S = Status


@dataclass(frozen=True)
class Transition:
    """One action of the grant lifecycle.

    ``handler(app, *, actor, comment, **data)`` checks the action's inputs, sets fields on
    the locked row and returns (changed field names, the notice issued or None).
    ``public``: citizens' pages show different figures afterwards (the cache is cleared).
    ``precheck(app, today)``: what must hold before the action can succeed, whatever
    the inputs (raises TransitionError); run first by the transition and asked by
    :func:`available_actions`.
    ``next_step_page``: set on the council's usual next move from its sources, the
    secretary portal page (a ``subsidies_portal`` URL name) where it takes it; the
    portal's "what to do next" links there (:func:`council_next_move`).
    Staff actions have their admin form in ``subsidies.forms.STAFF_FORMS``.
    """

    action: ApplicationAction
    sources: tuple[Status, ...]
    target: Status
    role: ActorRole
    handler: Callable
    public: bool = False
    next_step_page: str = ""
    precheck: Callable | None = None

    @property
    def label(self) -> str:
        return self.action.label


# The whole lifecycle, one row per action, in the order buttons are offered.
LIFECYCLE: tuple[Transition, ...] = (
    Transition(A.SUBMIT, (S.DRAFT, S.RETURNED), S.SUBMITTED, SECRETARY, _do_submit,
               next_step_page="edit", precheck=_check_submittable),
    Transition(A.PROXY_SUBMIT, (S.DRAFT,), S.SUBMITTED, STAFF, _do_submit,
               precheck=_check_proxy_submittable),
    Transition(A.WITHDRAW, (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, SECRETARY,
               _do_nothing),
    Transition(A.RETURN, (S.SUBMITTED,), S.RETURNED, STAFF, _do_return),
    Transition(A.DECIDE, (S.SUBMITTED,), S.DECIDED, STAFF, _do_decide, public=True,
               precheck=_check_decidable),
    Transition(A.REFUSE, (S.SUBMITTED,), S.REFUSED, STAFF, _do_refuse),
    Transition(A.PAY_ADVANCE, (S.DECIDED,), S.DECIDED, STAFF, _do_pay_advance, public=True,
               precheck=_check_advance_open),
    Transition(A.REQUEST_CHANGE, (S.DECIDED,), S.CHANGE_REQUESTED, SECRETARY,
               _do_request_change),
    Transition(A.WITHDRAW_CHANGE, (S.CHANGE_REQUESTED,), S.DECIDED, SECRETARY,
               _do_withdraw_change),
    Transition(A.APPROVE_CHANGE, (S.CHANGE_REQUESTED,), S.DECIDED, STAFF, _do_approve_change,
               public=True, precheck=_check_change_approvable),
    Transition(A.REFUSE_CHANGE, (S.CHANGE_REQUESTED,), S.DECIDED, STAFF, _do_refuse_change),
    Transition(A.SUBMIT_REPORT, (S.DECIDED, S.REPORT_RETURNED), S.REPORT_SUBMITTED, SECRETARY,
               _do_submit_report, next_step_page="report"),
    Transition(A.PROXY_SUBMIT_REPORT, (S.DECIDED, S.REPORT_RETURNED), S.REPORT_SUBMITTED, STAFF,
               _do_proxy_submit_report),
    Transition(A.RETURN_REPORT, (S.REPORT_SUBMITTED,), S.REPORT_RETURNED, STAFF,
               _do_return_report),
    Transition(A.CONFIRM, (S.REPORT_SUBMITTED,), S.CONFIRMED, STAFF, _do_confirm, public=True,
               precheck=_check_confirmable),
    Transition(A.PAY, (S.CONFIRMED,), S.COMPLETED, STAFF, _do_pay, public=True,
               precheck=_check_payable),
    Transition(A.REQUEST_REFUND, (S.CONFIRMED,), S.REFUND_REQUESTED, STAFF,
               _do_request_refund, precheck=_check_refund_due),
    Transition(A.RECEIVE_REFUND, (S.REFUND_REQUESTED,), S.COMPLETED, STAFF,
               _do_receive_refund, public=True),
)  # fmt: skip
del A, S
_BY_ACTION = {row.action: row for row in LIFECYCLE}
assert len(_BY_ACTION) == len(LIFECYCLE), "each action appears once in LIFECYCLE"


# Side effects after commit -------------------------------------------------------------


def secretary_emails(application: Application) -> list[str]:
    """The council's current secretaries' addresses, else the council's contact address."""
    emails = [
        email
        for email in CouncilSecretary.objects.filter(
            council_id=application.council_id, ended_on__isnull=True
        ).values_list("user__email", flat=True)
        if email
    ]
    if not emails and application.council.contact_email:
        emails = [application.council.contact_email]
    return emails


def staff_emails(application: Application) -> list[str]:
    """The programme's contact address, else the MANAGERS setting."""
    if application.programme.contact_email:
        return [application.programme.contact_email]
    return [email for _name, email in settings.MANAGERS]


def _send_mail(event_id: int) -> None:
    event = ApplicationEvent.objects.select_related(
        "application__council", "application__programme", "application__municipality", "actor"
    ).get(pk=event_id)
    app = event.application
    city = app.municipality
    to_staff = event.actor_role == SECRETARY
    recipients = staff_emails(app) if to_staff else secretary_emails(app)
    if not recipients:
        logger.info("No recipient for event %s", event_id)
        return
    path = (
        reverse("admin:subsidies_application_change", args=[app.pk], urlconf=settings.ROOT_URLCONF)
        if to_staff
        else reverse("subsidies_portal:detail", args=[app.pk], urlconf=settings.ROOT_URLCONF)
    )
    office = " ".join(part for part in (city.name, city.department) if part)
    subject = f"【{city.name} 交付申請 {app.reference}】{event.action_label}（{app.get_status_display()}）"
    body = [
        f"{city.name}の{city.council_term}「{app.council.name}」の交付申請について、"
        f"{event.action_label}がありました。",
        "",
        f"受付番号: {app.reference}",
        f"補助制度: {app.programme.name}（{app.fiscal_year_label}）",
        f"事業名: {app.title}",
        f"状況: {Status(event.from_status).label} → {Status(event.to_status).label}",
    ]
    body += event.change_lines
    if event.comment:
        body += ["", "コメント:", event.comment]
    if event.notice_id:
        body += [
            "",
            f"{city.sender}名の通知書（{event.notice.document_number}）を"
            "ポータルからダウンロードできます。",
        ]
    where = "管理画面" if to_staff else "ポータル"
    body += ["", f"詳しくは{where}でご確認ください: {city_link(city, path)}"]
    if not to_staff:
        body += ["", "――", f"{office}", "（このメールは送信専用です。お問い合わせは担当課へ）"]
    else:
        body += ["", "――", f"{city.name} 地域協働ポータル"]
    send_mail(subject, "\n".join(body), None, recipients)


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field or NON_FIELD_ERRORS: [messages]} for templates."""
    if hasattr(error, "error_dict"):
        return {
            field: [m for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: error.messages}
