"""The secretary's dashboard (/portal/) and where a login lands."""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect

from councils.access import secretary_required

from ..panels import dashboard_page


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
    # The page, or else the council's sections, come from the cache while nothing in them
    # changed (portal.panels.dashboard_page).
    return HttpResponse(dashboard_page(request))
