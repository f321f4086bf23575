"""The citizens' transparency page and its 360Giving export (pages live in reports/)."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.giving360 import validation_errors
from subsidies.models import Status

from .lifecycle import YEAR, application_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    cache.clear()


def test_only_decided_grants_are_shown_with_exact_totals(client, world):
    application_in(world, Status.COMPLETED, refund=True, amount=100_000)
    application_in(world, Status.DECIDED, amount=50_000)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REFUSED, Status.WITHDRAWN):
        application_in(world, status, amount=12_345)
    response = client.get(reverse("public:transparency"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "12,345" not in body and "12345" not in body
    rows = json.loads(client.get(reverse("public:transparency_json", args=["programmes"])).content)
    assert rows == [
        {
            "fiscal_year": rows[0]["fiscal_year"],
            "programme": rows[0]["programme"],
            "count": 2,
            "decided_amount": 150_000,
            "paid_amount": 70_000,
            "confirmed_amount": 70_000,
        }
    ]
    grants = json.loads(client.get(reverse("public:transparency_json", args=["grants"])).content)
    assert sorted(g["decided_amount"] for g in grants) == [50_000, 100_000]


@pytest.mark.parametrize("year", ["abc", "1900", "", "2026; DROP"])
def test_year_filter_ignores_what_it_does_not_know(client, world, year):
    application_in(world, Status.DECIDED, amount=50_000)
    response = client.get(reverse("public:transparency"), {"year": year})
    assert response.status_code == 200
    assert "¥50,000" in response.content.decode() or "5万円" in response.content.decode()


def test_year_filter(client, world):
    application_in(world, Status.DECIDED, amount=50_000)
    other_year = client.get(reverse("public:transparency"), {"year": YEAR - 1})
    assert "5万円" in other_year.content.decode()  # unknown year: ignored, all shown
    this_year = client.get(reverse("public:transparency"), {"year": YEAR})
    assert "5万円" in this_year.content.decode()


def test_360giving_export_validates_against_the_schema(client, world):
    application_in(world, Status.COMPLETED, refund=True, amount=100_000)
    application_in(world, Status.DECIDED, amount=50_000)
    application_in(world, Status.DRAFT, amount=10_000)
    data = json.loads(client.get(reverse("public:giving360")).content)
    assert validation_errors(data) == []
    assert len(data["grants"]) == 2
    assert {g["amountAwarded"] for g in data["grants"]} == {100_000, 50_000}
    assert all(g["currency"] == "JPY" for g in data["grants"])


def test_transparency_pdf_has_the_amounts(client, world):
    import io

    from pypdf import PdfReader

    application_in(world, Status.DECIDED, amount=50_000)
    response = client.get(reverse("public:transparency_pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "補助金の交付状況" in text and "50000" in text.replace(",", "")


def test_transparency_page_runs_fixed_queries(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application_in(world, Status.DECIDED, amount=10_000)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("public:transparency"))
    for _ in range(8):
        application_in(world, Status.DECIDED, amount=10_000)
    cache.clear()
    with django_assert_max_num_queries(len(captured)):
        client.get(reverse("public:transparency"))
