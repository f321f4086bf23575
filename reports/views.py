from django.db.models import Prefetch
from django.shortcuts import render

from councils.models import CivicCentre, Council


def home(request):
    """Public home: the city's councils at a glance."""
    councils = Council.objects.prefetch_related(
        Prefetch("civic_centres", queryset=CivicCentre.objects.order_by("name"))
    )
    return render(request, "reports/home.html", {"councils": councils})
