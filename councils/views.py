import importlib

from django.shortcuts import redirect, render
from django.utils import timezone

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
    panels = []
    for app in PANEL_APPS:
        try:
            module = importlib.import_module(f"{app}.portal")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.portal":
                raise
            continue
        panel = module.dashboard_panel(request)
        if panel:
            panels.append(panel)
    return panels
