"""The product's URLs plus bare views for the load test: each reads the same rows as a page
and returns them as plain text, with no template, form, permission or cache around it.

Only ``benchmarks/load_settings.py`` uses this module; the product's URLs never include it.
"""

from django.http import HttpResponse
from django.urls import include, path

from councils.models import Council
from plans.models import Plan
from subsidies.models import Application


def _text(rows) -> HttpResponse:
    return HttpResponse("\n".join("\t".join(str(v) for v in row) for row in rows))


def bare_councils(request):
    """The rows of the public council list (/councils/)."""
    return _text(Council.objects.order_by("kana", "name").values_list("pk", "name", "kana", "area"))


def bare_dashboard(request):
    """The rows of a secretary's dashboard: the council, its applications and plans."""
    council = Council.objects.order_by("pk").first()
    rows = [(council.pk, council.name, council.stage)]
    rows += Application.objects.filter(council=council).values_list(
        "pk", "title", "status", "fiscal_year", "decided_amount"
    )
    rows += Plan.objects.filter(council=council).values_list("pk", "title", "status")
    return _text(rows)


def bare_review_queue(request):
    """The rows of the admin's review queue: the 50 newest submitted applications."""
    return _text(
        Application.objects.filter(status="submitted")
        .order_by("-pk")
        .values_list("pk", "title", "council__name", "fiscal_year", "requested_amount")[:50]
    )


urlpatterns = [
    path("bare/councils/", bare_councils),
    path("bare/dashboard/", bare_dashboard),
    path("bare/review-queue/", bare_review_queue),
    path("", include("config.urls")),
]
