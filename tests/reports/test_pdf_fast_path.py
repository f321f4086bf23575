"""Cached public PDFs are answered by ``reports.pdf_files.CachedPdfMiddleware``, before the
session, the user, the city middleware and the view: never stale, never another city's."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage

from core import pdf as pdf_module
from core import tenancy
from core.signals import public_content_changed
from plans.models import Plan, PlanStatus
from reports import pdf_files
from reports.cache import clear_public_cache
from tests.cities import make_city
from tests.factories import CouncilFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
PDF = b"%PDF-1.7\n" + b"x" * 2000 + b"\n%%EOF\n"
ETAG = '"' + __import__("hashlib").sha256(PDF).hexdigest()[:32] + '"'


@pytest.fixture
def render():
    with mock.patch.object(pdf_module, "_render", return_value=PDF) as render:
        yield render


@pytest.fixture
def view_runs():
    """How many times the stack reached the public page view."""
    from reports.pages import PublicPage

    with mock.patch.object(PublicPage, "get", autospec=True, side_effect=PublicPage.get) as get:
        yield get


def council_pdf_url():
    return f"/councils/{council().pk}/pdf/"


def council():
    return CouncilFactory(name="山目地域協働体")


def test_the_first_request_goes_through_the_stack_and_the_next_ones_do_not(
    client, render, view_runs, django_assert_num_queries
):
    url = council_pdf_url()
    first = client.get(url, HTTP_HOST=HOST)
    assert first.status_code == 200 and first.content == PDF
    assert view_runs.call_count == 1
    with django_assert_num_queries(0):
        second = client.get(url, HTTP_HOST=HOST)
    assert view_runs.call_count == 1
    assert second.status_code == 200
    assert b"".join(second.streaming_content) == PDF
    assert render.call_count == 1


def test_the_fast_answer_carries_the_headers_of_the_whole_stack(client, render):
    pk = council().pk
    url = f"/councils/{pk}/pdf/"
    slow = client.get(url, HTTP_HOST=HOST)
    fast = client.get(url, HTTP_HOST=HOST)
    assert isinstance(fast, pdf_files.FileResponse) and not isinstance(slow, pdf_files.FileResponse)
    for response in (slow, fast):
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f"inline; filename*=UTF-8''council-{pk}.pdf"
        assert response["ETag"] == ETAG
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response
        assert "Permissions-Policy" in response
        assert response["Content-Length"] == str(len(PDF))
    assert fast["Cache-Control"] == "public, max-age=60"
    assert dict(fast.items()) == dict(slow.items())  # every header, the same


def test_head_gets_the_headers_without_the_file(client, render):
    url = council_pdf_url()
    client.get(url, HTTP_HOST=HOST)
    with mock.patch.object(default_storage, "open") as opened:
        response = client.head(url, HTTP_HOST=HOST)
    opened.assert_not_called()
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(PDF))
    assert response["ETag"] == ETAG
    assert response.content == b""


def test_a_current_copy_gets_304(client, render, django_assert_num_queries):
    url = council_pdf_url()
    client.get(url, HTTP_HOST=HOST)
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_HOST=HOST, HTTP_IF_NONE_MATCH=ETAG)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == ETAG
    other = client.get(url, HTTP_HOST=HOST, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_a_plan_unpublished_after_its_pdf_was_cached_is_not_served(client, render):
    plan = PlanFactory(title="一関市協働推進計画")
    url = f"/plans/{plan.pk}/pdf/"
    assert client.get(url, HTTP_HOST=HOST).status_code == 200
    assert client.get(url, HTTP_HOST=HOST).status_code == 200  # from the record
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    public_content_changed.send(sender=Plan)  # as the workflow announces it after commit
    assert client.get(url, HTTP_HOST=HOST).status_code == 404
    assert client.get(url, HTTP_HOST=HOST).status_code == 404


def test_another_citys_host_never_gets_it(client, render, view_runs):
    url = council_pdf_url()
    make_city("yamaguchi")
    assert client.get(url, HTTP_HOST=HOST).status_code == 200
    assert client.get(url, HTTP_HOST="yamaguchi.test").status_code == 404
    assert view_runs.call_count == 2


def test_a_record_outlives_nothing_but_its_city_and_generation(client, render, view_runs):
    url = council_pdf_url()
    client.get(url, HTTP_HOST=HOST)
    with tenancy.city_scope(make_city("yamaguchi")):
        clear_public_cache()  # another city published: ours stays
    client.get(url, HTTP_HOST=HOST)
    assert view_runs.call_count == 1
    clear_public_cache()  # ours published
    client.get(url, HTTP_HOST=HOST)
    assert view_runs.call_count == 2


def test_an_evicted_file_is_answered_by_the_stack(client, render):
    url = council_pdf_url()
    client.get(url, HTTP_HOST=HOST)
    for name, _size, _modified in pdf_module.stored_pdfs():
        default_storage.delete(name)
    response = client.get(url, HTTP_HOST=HOST)
    assert not isinstance(response, pdf_files.FileResponse)  # the stack answered (page cache)
    assert response.status_code == 200 and response.content == PDF
    cache.clear()
    assert client.get(url, HTTP_HOST=HOST).content == PDF
    assert render.call_count == 2


def test_visitors_with_a_session_and_logged_in_users_go_through_the_stack(
    client, render, view_runs, admin_user
):
    url = council_pdf_url()
    client.get(url, HTTP_HOST=HOST)
    client.force_login(admin_user)
    assert client.get(url, HTTP_HOST=HOST).status_code == 200
    assert view_runs.call_count == 2
    client.logout()
    client.get(url, HTTP_HOST=HOST)
    assert view_runs.call_count == 2  # no session cookie left: the record again


def test_what_a_logged_in_user_had_is_not_recorded(client, render, view_runs, admin_user):
    url = council_pdf_url()
    client.force_login(admin_user)
    client.get(url, HTTP_HOST=HOST)
    client.logout()
    client.get(url, HTTP_HOST=HOST)
    assert view_runs.call_count == 2


def test_a_host_given_to_another_city_never_serves_the_first_citys_record(
    client, render, view_runs
):
    from core.models import MunicipalityHost

    url = council_pdf_url()
    yamaguchi = make_city("yamaguchi")
    client.get(url, HTTP_HOST=HOST)
    assert client.get(url, HTTP_HOST=HOST).status_code == 200
    assert view_runs.call_count == 1
    host = MunicipalityHost.objects.get(host=HOST)
    host.municipality = yamaguchi
    host.save()
    assert client.get(url, HTTP_HOST=HOST).status_code == 404
    assert view_runs.call_count == 2


def test_if_modified_since_the_file_was_stored_gets_304(client, render):
    url = council_pdf_url()
    stored = client.get(url, HTTP_HOST=HOST)["Last-Modified"]
    response = client.get(url, HTTP_HOST=HOST, HTTP_IF_MODIFIED_SINCE=stored)
    assert response.status_code == 304
    older = client.get(url, HTTP_HOST=HOST, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert older.status_code == 200
