"""Every admin page answers on the demo city, with a query count that does not grow."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import CivicCentre
from tests.factories import CouncilFactory, PopulationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, client):
    call_command("load_demo", stdout=io.StringIO())
    # The demo serves three cities: the admin of 一関市 (the test city) is at its own host.
    client.defaults["HTTP_HOST"] = "ichinoseki.test"


def admin_pages():
    """(model admin, URL name prefix) of every model registered in the admin."""
    for model, model_admin in admin.site._registry.items():
        yield model_admin, f"admin:{model._meta.app_label}_{model._meta.model_name}"


def test_every_admin_changelist_and_change_page_answers_200(demo, client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    for model_admin, prefix in admin_pages():
        changelist = reverse(f"{prefix}_changelist")
        response = client.get(changelist)
        assert response.status_code == 200, changelist
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            for page in ("change", "history"):
                url = reverse(f"{prefix}_{page}", args=[obj.pk])
                # A queue may redirect its change page to a review page: follow it.
                assert client.get(url, follow=True).status_code == 200, url
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"{prefix}_add")
            assert client.get(add).status_code == 200, add


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_admin_changelists_run_fixed_number_of_queries(
    demo, client, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    urls = [reverse(f"{prefix}_changelist") for _, prefix in admin_pages()]
    before = {url: count_queries(client, url) for url in urls}
    for _ in range(30):
        council = CouncilFactory()
        PopulationFactory(district=council.districts.first(), as_of="2025-03-31")
        CivicCentre.objects.create(
            name=f"追加センター{council.pk}", address="一関市", council=council
        )
    for url in urls:
        with django_assert_max_num_queries(before[url]):
            assert client.get(url).status_code == 200
