"""The secretary's dashboard panel: who at the city supports this council."""

from django.utils import timezone

from .selectors import current_liaisons


def dashboard_panel(request) -> dict:
    """The council's current liaisons (main first) with name, department and contact."""
    return {
        "template": "staffing/portal/_panel.html",
        "liaisons": current_liaisons(request.council, timezone.localdate()),
    }
