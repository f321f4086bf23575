"""The secretary's dashboard (/portal/) and where a login lands."""

from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from councils.access import secretary_required

from ..panels import council_sections


def after_login(request):
    """Send staff to the admin and secretaries to their portal."""
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:home")


# Read only, and mostly from the cache: no transaction around the request (two round trips
# to the database fewer); the sections open their own when they are read.
@transaction.non_atomic_requests
@secretary_required
def portal_home(request):
    # The council's sections come from the cache while nothing in them changed; the
    # council row, its secretaries and the page around them are read for each request.
    context = {
        **council_sections(request),
        "council": request.council,
        "today": timezone.localdate(),
        "secretaries": request.council_secretaries,
    }
    return render(request, "portal/home.html", context)
