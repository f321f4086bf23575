"""The secretary's dashboard (/portal/) and where a login lands."""

from django.shortcuts import redirect, render
from django.utils import timezone

from councils.access import secretary_required
from councils.selectors import council_populations_on

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
        "panels": dashboard_panels(request),
    }
    return render(request, "portal/home.html", context)
