from django.shortcuts import redirect, render
from django.utils import timezone

from .access import secretary_required
from .selectors import active_secretary_council, council_populations_on


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
    return render(request, "portal/home.html", context)


__all__ = ["after_login", "portal_home", "active_secretary_council"]
