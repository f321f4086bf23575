"""The secretary's dashboard (/portal/) and where a login lands."""

from django.shortcuts import redirect, render
from django.utils import timezone

from councils.access import secretary_required
from councils.selectors import districts_with_population_on

from ..panels import dashboard_panels


def after_login(request):
    """Send staff to the admin and secretaries to their portal."""
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:home")


@secretary_required
def portal_home(request):
    council = request.council
    today = timezone.localdate()
    districts = districts_with_population_on(council, today)
    context = {
        "council": council,
        "population": sum(d.latest_population or 0 for d in districts),
        "today": today,
        "districts": districts,
        "civic_centres": list(council.civic_centres.all()),
        "members": list(council.members.all()),
        "stage_changes": list(council.stage_changes.all()),
        "secretaries": request.council_secretaries,
        "panels": dashboard_panels(request),
    }
    return render(request, "portal/home.html", context)
