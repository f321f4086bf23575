"""The plans section of the secretary's dashboard (/portal/)."""

from django.db.models import Count, Q

from .models import Plan, PlanStatus, ProgressEntry, ReviewState


def dashboard_panel(request) -> dict | None:
    """The council's plan in force or being drafted, and progress needing attention.

    Two queries.
    """
    council = request.council
    plans = list(Plan.objects.filter(council=council).order_by("-version", "-pk")[:3])
    counts = ProgressEntry.objects.filter(item__plan__council=council).aggregate(
        draft=Count("pk", filter=Q(state=ReviewState.DRAFT)),
        submitted=Count("pk", filter=Q(state=ReviewState.SUBMITTED)),
        returned=Count("pk", filter=Q(state=ReviewState.RETURNED)),
        accepted=Count("pk", filter=Q(state=ReviewState.ACCEPTED)),
    )
    return {
        "template": "plans/portal/_panel.html",
        "in_force": next((p for p in plans if p.status == PlanStatus.PUBLISHED), None),
        "open_version": next(
            (p for p in plans if p.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)), None
        ),
        "counts": counts,
    }
