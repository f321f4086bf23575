from django.shortcuts import redirect, render
from django.utils import timezone

from core.apps_extend import optional_modules

from .access import secretary_required
from .selectors import council_populations_on


def after_login(request):
    """Send staff to the admin and secretaries to their portal."""
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:home")


@secretary_required
def portal_home(request):
    council = request.council
    today = timezone.localdate()
    districts = list(council.districts.all())
    context = {
        "council": council,
        "population": council_populations_on([council.pk], today)[council.pk],
        "today": today,
        "districts": districts,
        "civic_centres": list(council.civic_centres.all()),
        "members": list(council.members.all()),
        "stage_changes": list(council.stage_changes.all()),
        "secretaries": list(
            council.secretaries.filter(ended_on__isnull=True).select_related("user")
        ),
    }
    context["panels"] = _dashboard_panels(request)
    return render(request, "portal/home.html", context)


# Apps add a section to the secretary's dashboard with ``<app>/portal.py``:
# ``dashboard_panel(request) -> {"template": ..., **context}`` (or None to show nothing).
PANEL_APPS = ("subsidies", "plans", "staffing")


def _dashboard_panels(request) -> list[dict]:
    panels = (module.dashboard_panel(request) for module in optional_modules(PANEL_APPS, "portal"))
    return [panel for panel in panels if panel]
