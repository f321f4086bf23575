"""Workflows on councils that touch several records; admin and portal call these."""

import secrets
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import (
    STAGE_MOVES,
    Council,
    CouncilSecretary,
    CouncilStageChange,
    Stage,
    validate_secretary_city,
)

# Letters and digits a person copies from paper without confusion (no 0/O, 1/l/I).
_PRINTABLE_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _stage_label(stage: str) -> str:
    return Stage(stage).label if stage in Stage.values else stage


def check_stage_change(*, council: Council, stage: str, changed_on: date) -> None:
    """Refuse a move to the same stage, one ``STAGE_MOVES`` does not allow, or one dated
    before the last recorded move.

    Raises ValidationError (code ``stage_unchanged``, ``stage_move_not_allowed`` or
    ``stage_date_before_last``).
    """
    last = council.stage_changes.order_by("-changed_on", "-pk").first() if council.pk else None
    if last and last.stage == stage:
        raise ValidationError(
            {"stage": ValidationError("段階が変わっていません。", code="stage_unchanged")}
        )
    if last and stage not in STAGE_MOVES.get(last.stage, ()):
        raise ValidationError(
            {
                "stage": ValidationError(
                    "「%(before)s」から「%(after)s」へは段階を変更できません。",
                    code="stage_move_not_allowed",
                    params={"before": _stage_label(last.stage), "after": _stage_label(stage)},
                )
            }
        )
    if last and changed_on < last.changed_on:
        raise ValidationError(
            {
                "stage_since": ValidationError(
                    "段階の日付は、前の段階の日付（%(day)s）以降にしてください。",
                    code="stage_date_before_last",
                    params={"day": last.changed_on},
                )
            }
        )


def council_change_stage(
    *, council: Council, stage: str, changed_on: date, actor=None, note: str = ""
) -> CouncilStageChange:
    """Move a council to ``stage`` from ``changed_on`` and record it in the history.

    Raises ValidationError as ``check_stage_change``; nothing is saved then.
    """
    check_stage_change(council=council, stage=stage, changed_on=changed_on)
    with transaction.atomic():
        council.stage = stage
        council.stage_since = changed_on
        council.save(update_fields=["stage", "stage_since"])
        return CouncilStageChange.objects.create(
            council=council, stage=stage, changed_on=changed_on, note=note, recorded_by=actor
        )


def council_create(*, actor=None, districts, members=(), **fields) -> Council:
    """Register a council covering ``districts`` and record its first stage.

    Raises ValidationError when a field is invalid or no district is given.
    """
    Council.validate_districts(districts)
    council = Council(**fields)
    council.full_clean()
    with transaction.atomic():
        council.save()
        council.districts.set(districts)
        for member in members:
            member.council = council
            member.full_clean()
            member.save()
        CouncilStageChange.objects.create(
            council=council,
            stage=council.stage,
            changed_on=council.stage_since,
            recorded_by=actor,
        )
    return council


def generate_first_password(length: int = 12) -> str:
    """A random password that reads unambiguously when printed on paper."""
    return "".join(secrets.choice(_PRINTABLE_ALPHABET) for _ in range(length))


def secretary_hand_over(
    *, council: Council, new_user, actor, on: date | None = None
) -> CouncilSecretary:
    """Give the council's secretary role to ``new_user``, ending every current tenure.

    The previous secretaries lose portal access at once (their tenure ends and, having no
    other role, their account is deactivated); what they did stays attributed to them.
    A user with no city who is not staff (an account made for this) joins the council's city;
    raises ValidationError when ``new_user`` is secretary of another council or belongs to
    another city (see ``validate_secretary_city``).
    """
    on = on or timezone.localdate()
    adopt = new_user.municipality_id is None and not new_user.is_staff
    if not adopt:
        validate_secretary_city(new_user, council)
    other = CouncilSecretary.objects.filter(user=new_user, ended_on__isnull=True).exclude(
        council=council
    )
    if other.exists():
        raise ValidationError(
            "この利用者は既に他の地域協働体（%(council)s）の事務局です。",
            code="secretary_of_other_council",
            params={"council": other.first().council},
        )
    with transaction.atomic():
        if adopt:
            new_user.municipality_id = council.municipality_id
            new_user.save(update_fields=["municipality"])
        current = list(
            CouncilSecretary.objects.select_for_update()
            .filter(council=council, ended_on__isnull=True)
            .select_related("user")
        )
        for tenure in current:
            if tenure.user_id == new_user.pk:
                return tenure
            tenure.ended_on = on
            tenure.ended_by = actor
            tenure.save(update_fields=["ended_on", "ended_by"])
            old = tenure.user
            if not old.is_staff and old.is_active:
                old.is_active = False
                old.save(update_fields=["is_active"])
        if not new_user.is_active:
            new_user.is_active = True
            new_user.save(update_fields=["is_active"])
        return CouncilSecretary.objects.create(
            council=council, user=new_user, started_on=on, assigned_by=actor
        )


def secretary_issue_account(
    *,
    council: Council,
    username: str,
    full_name: str,
    actor,
    email: str = "",
    replace_current: bool = True,
    on: date | None = None,
):
    """Create a secretary account with a printable first password, to change at first login.

    With ``replace_current`` the new account takes over from the council's current
    secretaries (see ``secretary_hand_over``); otherwise it is added beside them.
    The account belongs to the council's city, so it logs in at that city's host only.
    Returns (user, password). Raises ValidationError when the login name is taken.
    """
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {
                "username": ValidationError(
                    "このログインIDは既に使われています。", code="username_taken"
                )
            }
        )
    password = generate_first_password()
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            must_change_password=True,
            municipality_id=council.municipality_id,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        if replace_current:
            secretary_hand_over(council=council, new_user=user, actor=actor, on=on)
        else:
            CouncilSecretary.objects.create(
                council=council,
                user=user,
                started_on=on or timezone.localdate(),
                assigned_by=actor,
            )
    return user, password
