"""Who may use the secretary portal: a user with an active tenure, for their council only."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .selectors import active_secretary_tenures


def secretary_required(view):
    """Let through only a council's current secretary; set ``request.council`` to it and
    ``request.council_secretaries`` to its current secretaries' tenures.

    Anonymous users go to the login page; a logged-in user with no active tenure gets 403.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # The council's current secretaries come with it: the dashboard lists them.
        tenures = active_secretary_tenures(request.user)
        council = next((t.council for t in tenures if t.user_id == request.user.pk), None)
        if council is None:
            raise PermissionDenied("事務局アカウントではありません。")
        request.council = council
        request.council_secretaries = tenures
        return view(request, *args, **kwargs)

    return wrapper
