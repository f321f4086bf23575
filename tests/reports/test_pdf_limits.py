"""Anonymous PDF rendering is limited per client, only the query parameters a page reads
make another PDF, and the PDF cache in the default storage is bounded (oldest evicted)."""

import os
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse

from core import pdf as pdf_module
from reports.cache import clear_public_cache
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"x" * 100 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh(settings):
    settings.PDF_RENDERS_PER_MINUTE = 3
    cache.clear()


@pytest.fixture
def render():
    with mock.patch.object(pdf_module, "_render", return_value=PDF) as render:
        yield render


def council_list_pdf(client, query, address="192.0.2.1"):
    return client.get(reverse("public:council_list_pdf"), {"q": query}, REMOTE_ADDR=address)


def test_new_renders_over_the_limit_get_a_japanese_429(client, render):
    CouncilFactory(name="山目地域協働体")
    for n in range(3):
        assert council_list_pdf(client, f"山目{n}").status_code == 200
    refused = council_list_pdf(client, "山目9")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "PDFの作成が混み合っています" in page
    assert f"{refused['Retry-After']}秒ほどたってから" in page
    assert render.call_count == 3


def test_cached_pdfs_are_served_over_the_limit(client, render):
    for n in range(3):
        council_list_pdf(client, f"山目{n}")
    clear_public_cache()  # so the PDFs come from the PDF cache, not the page cache
    for n in range(3):
        assert council_list_pdf(client, f"山目{n}").status_code == 200
    assert council_list_pdf(client, "新しい検索").status_code == 429
    assert render.call_count == 3


def test_the_limit_is_per_client(client, render):
    for n in range(3):
        council_list_pdf(client, f"山目{n}", address="192.0.2.1")
    assert council_list_pdf(client, "別の人", address="192.0.2.1").status_code == 429
    assert council_list_pdf(client, "別の人", address="198.51.100.7").status_code == 200


def test_logged_in_users_are_not_limited(client, render, admin_user):
    client.force_login(admin_user)
    for n in range(5):
        assert council_list_pdf(client, f"山目{n}").status_code == 200
    assert render.call_count == 5


def test_the_count_starts_again_each_minute(settings):
    start = 1_000_000 * 60.0
    assert [pdf_module.claim_render("a", now=start + i) for i in range(3)] == [0, 0, 0]
    assert pdf_module.claim_render("a", now=start + 15) == 45
    assert pdf_module.claim_render("a", now=start + 60) == 0


def test_parameters_the_page_does_not_read_make_no_new_pdf(client, render):
    CouncilFactory(name="山目地域協働体")
    url = reverse("public:council_list_pdf")
    for n in range(6):
        response = client.get(url, {"q": "山目", f"utm_{n}": "x"}, REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 200
    assert render.call_count == 1
    # A repeated parameter counts once: the value the page reads.
    assert client.get(url + "?q=x&q=山目", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert render.call_count == 1


def test_the_page_cache_ignores_parameters_the_page_does_not_read(client):
    CouncilFactory(name="山目地域協働体")
    url = reverse("public:council_list")
    client.get(url, {"q": "山目"})
    with mock.patch("reports.views.selectors.council_list") as council_list:
        assert client.get(url, {"q": "山目", "fbclid": "abc"}).status_code == 200
        council_list.assert_not_called()


def test_pdfs_are_kept_in_the_default_storage_by_city(city, render):
    pdf_module.pdf_from_html("<p>一</p>")
    name = pdf_module.cache_name("<p>一</p>")
    assert name.startswith(f"pdf-cache/city-{city.pk}/") and name.endswith(".pdf")
    assert default_storage.open(name).read() == PDF


def test_a_half_written_file_counts_as_absent(render):
    name = pdf_module.cache_name("<p>途中</p>")
    default_storage.save(name, _content(b"%PDF-1.7\n..."))
    assert pdf_module.cached_pdf("<p>途中</p>") is None
    assert pdf_module.pdf_from_html("<p>途中</p>") == PDF
    assert render.call_count == 1


def _content(data):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def test_the_cache_is_bounded_oldest_evicted(settings, render):
    settings.PDF_CACHE_MAX_BYTES = 3 * len(PDF)
    names = []
    for n in range(5):
        html = f"<p>{n}</p>"
        pdf_module.pdf_from_html(html)
        names.append(pdf_module.cache_name(html))
        path = default_storage.path(names[-1])
        os.utime(path, (time.time() - 1000 + n, time.time() - 1000 + n))  # n-th is n-th oldest
    kept = [name for name in names if default_storage.exists(name)]
    assert kept == names[2:]
    assert sum(size for _n, size, _m in pdf_module.stored_pdfs()) == 3 * len(PDF)


def test_eviction_at_the_boundary(settings, render):
    for n in range(3):
        pdf_module.pdf_from_html(f"<p>{n}</p>")
    assert pdf_module.evict_oldest(3 * len(PDF)) == []
    assert len(pdf_module.evict_oldest(3 * len(PDF) - 1)) == 1
    assert len(pdf_module.stored_pdfs()) == 2
