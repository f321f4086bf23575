"""Workflows on liaison assignments; the admin and the imports call these."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from councils.models import Council

from .models import LiaisonAssignment, LiaisonRole, StaffMember


def _attributed(instance, actor, reason: str = ""):
    # simple-history reads these when the row is saved outside a request.
    if actor is not None:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    return instance


def liaison_assign(
    *,
    council: Council,
    staff: StaffMember,
    role: str,
    started_on: date,
    actor,
    ended_on: date | None = None,
    note: str = "",
) -> LiaisonAssignment:
    """Assign ``staff`` to ``council`` from ``started_on`` as main or deputy liaison.

    Raises ValidationError (codes ``main_liaison_overlap``, ``staff_assigned_twice``,
    ``end_before_start``); nothing is saved then.
    """
    assignment = LiaisonAssignment(
        council=council,
        staff=staff,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
        note=note,
    )
    assignment.full_clean()
    _attributed(assignment, actor, "地域担当職員の配置")
    assignment.save()
    return assignment


def liaison_reassign(
    *, council: Council, new_staff: StaffMember, on: date, actor, note: str = ""
) -> LiaisonAssignment:
    """異動: end the council's current main assignment the day before ``on`` and start ``new_staff``.

    Both happen in one transaction and the ended assignment stays as history. When the
    new main liaison was the council's deputy, that deputy assignment ends the same day.
    Raises ValidationError with code ``same_liaison`` (already the main liaison),
    ``reassign_before_start`` (the current assignment starts on or after ``on``) or the
    codes of ``liaison_assign``; nothing changes then.
    """
    day_before = on - timedelta(days=1)
    with transaction.atomic():
        # Lock the council's open assignments so two reassignments cannot both win.
        open_rows = list(
            LiaisonAssignment.objects.select_for_update()
            .filter(council=council, started_on__lte=on)
            .exclude(ended_on__lt=on)
            .select_related("staff")
        )
        for row in open_rows:
            if row.role == LiaisonRole.MAIN and row.staff_id == new_staff.pk:
                raise ValidationError(
                    {
                        "new_staff": ValidationError(
                            "%(staff)sさんは既にこの地域協働体の主担当です。",
                            code="same_liaison",
                            params={"staff": new_staff.name},
                        )
                    }
                )
        for row in open_rows:
            ends = row.role == LiaisonRole.MAIN or row.staff_id == new_staff.pk
            if not ends:
                continue
            if row.started_on >= on:
                raise ValidationError(
                    {
                        "on": ValidationError(
                            "%(staff)sさんの担当は%(start)sからのため、その翌日以降を異動日にしてください。",
                            code="reassign_before_start",
                            params={"staff": row.staff.name, "start": row.started_on},
                        )
                    }
                )
            row.ended_on = day_before
            _attributed(row, actor, f"異動（{new_staff.name}さんへ交代）")
            row.save(update_fields=["ended_on"])
        return liaison_assign(
            council=council,
            staff=new_staff,
            role=LiaisonRole.MAIN,
            started_on=on,
            actor=actor,
            note=note or "異動",
        )
