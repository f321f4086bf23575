"""The sections of the secretary's dashboard (/portal/), one per domain, each read
through that domain's selectors. A panel is ``{"template": ..., **context}``.

The dashboard's council sections are cached, rendered, per council and day
(:func:`council_sections`): the key carries the city, the council, today's date and three
generations in the shared cache (every city's, the city's and the council's), which
``councils.freshness`` bumps when anything the sections show is saved, deleted or imported. Only
what is the same for every secretary of the council is cached: no form, no CSRF token, no
message, no name of the user looking. The whole page is cached too, per user and the user's
name as shown (:func:`dashboard_page`), with a stand-in for the CSRF token.
"""

import hashlib
import secrets
from datetime import date

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import calendar, generations
from councils import freshness
from councils.selectors import districts_with_population_on
from notifications.selectors import council_recent_notices
from plans import selectors as plan_selectors
from plans.models import PlanStatus
from staffing.selectors import current_liaisons
from subsidies import selectors as subsidy_selectors
from subsidies.models import GRANTED_STATUSES, OPEN_STATUSES

from .steps import next_step


def dashboard_key(municipality_id: int, council_id: int, today: date, generations_read=None):
    """The cache key of a council's sections on ``today``, under the generations in force
    (``generations_read``: those ``secretary_required`` read for this request, else read)."""
    shared, city, council = generations_read or generations.current(
        freshness.SHARED_KEY,
        freshness.city_key(municipality_id),
        freshness.council_key(council_id),
    )
    return (
        f"dashboard:{shared}:city-{municipality_id}:{city}:"
        f"council-{council_id}:{council}:{today.isoformat()}"
    )


def dashboard_page(request) -> str:
    """The dashboard's HTML for ``request.user``: from the cache while neither the council's
    rows nor the user's name changed (and no message waits to be shown), else rendered.

    A page is cached only under generations ``secretary_required`` checked its council and
    secretaries under. It is cached with a random stand-in for the CSRF token, which each
    answer replaces with the request's own token."""
    council = request.council
    today = timezone.localdate()  # once: the page, its sections and their keys agree
    generations_read = getattr(request, "council_generations", None)
    sections_key = dashboard_key(council.municipality_id, council.pk, today, generations_read)
    page_key = None
    if generations_read is not None and not len(get_messages(request)):
        name = hashlib.sha256(str(request.user).encode()).hexdigest()[:16]
        page_key = f"{sections_key}:page:user-{request.user.pk}:{name}"
        page = cache.get(page_key)
        if page is not None:
            return page["html"].replace(page["token"], get_token(request))
    context = {
        **council_sections(request, today, sections_key),
        "council": council,
        "today": today,
        "secretaries": request.council_secretaries,
    }
    if page_key is None:
        return render_to_string("portal/home.html", context, request)
    token = secrets.token_urlsafe(32)
    html = render_to_string("portal/home.html", {**context, "csrf_token": token}, request)
    cache.set(page_key, {"html": html, "token": token}, settings.DASHBOARD_CACHE_SECONDS)
    return html.replace(token, get_token(request))


def council_sections(request, today: date, key: str) -> dict:
    """What the dashboard shows of ``request.council`` on ``today``, from the cache at
    ``key`` (:func:`dashboard_key`) when nothing in it changed since: ``panels`` (each
    rendered to HTML) and the facts (``population``, ``districts``, ``civic_centres``,
    ``members``, ``stage_changes``)."""
    sections = cache.get(key)
    if sections is None:
        # No transaction around the reads: under PostgreSQL's READ COMMITTED each statement
        # sees its own snapshot anyway, and a change committed meanwhile bumps the council's
        # generation after its commit, so what is cached here is replaced at the next request.
        sections = _read_sections(request, today)
        cache.set(key, sections, settings.DASHBOARD_CACHE_SECONDS)
    return sections


def _read_sections(request, today: date) -> dict:
    council = request.council
    districts = districts_with_population_on(council, today)
    context = {"municipality": getattr(request, "municipality", None)}
    return {
        "panels": [
            render_to_string(panel["template"], {**context, "panel": panel})
            for panel in dashboard_panels(request)
        ],
        "population": sum(d.latest_population or 0 for d in districts),
        "districts": districts,
        "civic_centres": list(council.civic_centres.all()),
        "members": list(council.members.all()),
        "stage_changes": list(council.stage_changes.all()),
    }


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
