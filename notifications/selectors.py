"""Reads of the notifications app: who receives what, and a council's latest notices."""

from django.db.models import Q

from .models import ContactAddress, SentNotice


def council_recipients(council_ids, kind: str) -> dict[int, dict[int, list[str]]]:
    """{council id: {user id: [addresses]}} of the councils' current, active secretaries who
    registered and confirmed an address and receive ``kind`` by e-mail. One query whatever the number."""
    wants = Q(user__notice_preference__isnull=True) | Q(
        **{f"user__notice_preference__{kind}": True}
    )
    rows = (
        ContactAddress.objects.filter(
            wants,
            confirmed_at__isnull=False,
            user__is_active=True,
            user__secretary_tenures__council_id__in=list(council_ids),
            user__secretary_tenures__ended_on__isnull=True,
        )
        .order_by("user_id", "pk")
        .values_list("user__secretary_tenures__council_id", "user_id", "email")
    )
    found: dict[int, dict[int, list[str]]] = {pk: {} for pk in council_ids}
    for council_id, user_id, email in rows:
        found[council_id].setdefault(user_id, []).append(email)
    return found


def council_recent_notices(council, limit: int = 5) -> list[SentNotice]:
    """The council's latest notices, newest first, for its dashboard. One query."""
    return list(
        SentNotice.objects.filter(council=council)
        .only("kind", "subject", "body", "created_at", "emailed_to")
        .order_by("-created_at", "-pk")[:limit]
    )
