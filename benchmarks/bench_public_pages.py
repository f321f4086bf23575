"""Public pages with 2,000 councils: time and queries of the list and council pages, and a
PDF through our renderer (cold and cached) against WeasyPrint rendering the same HTML."""

import shutil
import statistics
import tempfile
import time
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .fixtures import city_plan
from .measure import analyze

COUNCILS = 2000


def _seed():
    from councils.models import CivicCentre, Council, CouncilStageChange, District, PopulationRecord

    districts = District.objects.bulk_create(
        District(code=f"B{i:05d}", name=f"ベンチ{i}地区") for i in range(COUNCILS)
    )
    PopulationRecord.objects.bulk_create(
        PopulationRecord(district=d, as_of=date(2026, 3, 31), population=1000 + i)
        for i, d in enumerate(districts)
    )
    councils = Council.objects.bulk_create(
        Council(
            name=f"ベンチ{i}地域協働体",
            kana=f"べんち{i}",
            area=f"第{i % 8}地域",
            stage="plan_adopted",
            stage_since=date(2016, 4, 1),
        )
        for i in range(COUNCILS)
    )
    Council.districts.through.objects.bulk_create(
        Council.districts.through(council_id=c.pk, district_id=d.pk)
        for c, d in zip(councils, districts, strict=True)
    )
    CouncilStageChange.objects.bulk_create(
        CouncilStageChange(council=c, stage="plan_adopted", changed_on=date(2016, 4, 1))
        for c in councils
    )
    CivicCentre.objects.bulk_create(
        CivicCentre(name=f"ベンチ{i}市民センター", address="一関市", council=c)
        for i, c in enumerate(councils)
    )
    return councils


def _seed_plan(items: int) -> str:
    """A published city plan of five policies and ``items`` items, each with an accepted,
    published entry; returns its roll-up URL."""
    from django.utils import timezone

    plan = city_plan(items, title="ベンチ計画", fiscal_years=(2023,), published_at=timezone.now())
    return f"/plans/{plan.pk}/rollup/"


def _measure(client, url, runs=5):
    times, queries = [], 0
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, url
        queries = len(captured)
    return statistics.median(times), queries


def run():
    settings.MEDIA_ROOT = tempfile.mkdtemp()  # the PDF cache is kept in the default storage
    councils = _seed()
    analyze()
    client = Client()
    for label, url in (
        ("council list (2,000 rows)", "/councils/"),
        ("council page", f"/councils/{councils[1000].pk}/"),
    ):
        seconds, queries = _measure(client, url)
        print(f"{label:32} {seconds * 1000:8.1f} ms  {queries} queries")

    rollup_url = _seed_plan(2000)
    seconds, queries = _measure(client, rollup_url)
    print(f"{'roll-up page (2,000 items)':32} {seconds * 1000:8.1f} ms  {queries} queries")

    from weasyprint import HTML

    from core import pdf

    url = f"/councils/{councils[1000].pk}/pdf/"
    cache.clear()
    start = time.perf_counter()
    client.get(url)
    cold = time.perf_counter() - start
    cache.clear()
    start = time.perf_counter()
    client.get(url)
    warm = time.perf_counter() - start
    captured = {}
    original = pdf._render

    def capture(html, base_url):
        captured["html"] = html
        return original(html, base_url)

    pdf._render = capture
    # The PDFs are kept in the default storage, by their HTML: forget them to render again.
    shutil.rmtree(settings.MEDIA_ROOT)
    cache.clear()
    client.get(url)
    pdf._render = original
    start = time.perf_counter()
    HTML(string=captured["html"], base_url=str(settings.BASE_DIR)).write_pdf()
    direct = time.perf_counter() - start
    print(f"{'PDF, first render':32} {cold * 1000:8.1f} ms")
    print(f"{'PDF, cached':32} {warm * 1000:8.1f} ms  ({cold / warm:.0f}x faster)")
    print(
        f"{'WeasyPrint on the HTML page':32} {direct * 1000:8.1f} ms  "
        f"(ours/direct = {cold / direct:.2f}; ours adds font faces and PDF/UA tags)"
    )
