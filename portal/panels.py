"""The sections of the secretary's dashboard (/portal/), one per domain, each read
through that domain's selectors. A panel is ``{"template": ..., **context}``."""

from django.urls import reverse
from django.utils import timezone

from core import calendar
from notifications.selectors import council_recent_notices
from plans import selectors as plan_selectors
from plans.models import PlanStatus
from staffing.selectors import current_liaisons
from subsidies import selectors as subsidy_selectors
from subsidies.models import GRANTED_STATUSES, OPEN_STATUSES

from .steps import next_step


def dashboard_panels(request) -> list[dict]:
    """The dashboard's sections for ``request.council``, in the order they are shown."""
    return [
        notices_panel(request),
        subsidies_panel(request),
        plans_panel(request),
        staffing_panel(request),
    ]


def plan_versions(versions) -> tuple:
    """The version in force and the one being drafted or reviewed (or None), from a
    council's versions newest first."""
    in_force = next((p for p in versions if p.status == PlanStatus.PUBLISHED), None)
    open_version = next(
        (p for p in versions if p.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)), None
    )
    return in_force, open_version


def subsidies_panel(request) -> dict:
    """Open applications with their next step, deadlines, this year's decided and paid
    amounts, and overdue flags. One query whatever the number of applications."""
    today = timezone.localdate()
    year = calendar.fiscal_year(today)
    applications = list(subsidy_selectors.council_applications(request.council.pk))
    rows = []
    for application in applications:
        if application.status in OPEN_STATUSES:
            rows.append(
                {
                    "application": application,
                    "step": next_step(application, today),
                    "overdue": application.is_report_overdue(today),
                }
            )
    this_year = [a for a in applications if a.fiscal_year == year]
    return {
        "template": "portal/subsidies/_panel.html",
        "rows": rows,
        "fiscal_year": year,
        "decided_total": sum(
            a.decided_amount or 0 for a in this_year if a.status in GRANTED_STATUSES
        ),
        "paid_total": sum(a.net_paid_amount for a in this_year),
        "overdue_count": sum(1 for row in rows if row["overdue"]),
        "list_url": reverse("subsidies_portal:list"),
        "new_url": reverse("subsidies_portal:new"),
    }


def plans_panel(request) -> dict:
    """The council's plan in force or being drafted, and progress needing attention.

    One query.
    """
    plans, counts = plan_selectors.council_plans_with_progress_counts(request.council)
    in_force, open_version = plan_versions(plans)
    return {
        "template": "portal/plans/_panel.html",
        "in_force": in_force,
        "open_version": open_version,
        "counts": counts,
    }


def staffing_panel(request) -> dict:
    """The council's current liaisons (main first) with name, department and contact."""
    return {
        "template": "portal/staffing/_panel.html",
        "liaisons": current_liaisons(request.council, timezone.localdate()),
    }


def notices_panel(request) -> dict:
    """The council's latest reminders and 市からのお知らせ. One query."""
    return {
        "template": "portal/notifications/_panel.html",
        "notices": council_recent_notices(request.council),
        "settings_url": reverse("portal:notice_settings"),
    }
