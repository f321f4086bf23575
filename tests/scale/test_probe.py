import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.subsidies.test_admin import ichinoseki, allocation_url  # noqa
from tests.cities.portal_world import build_city_portal

pytestmark = pytest.mark.django_db

def test_probe_alloc(admin_client_staff, ichinoseki):
    url = allocation_url(ichinoseki["jigyo8"], fiscal_year=2026)
    admin_client_staff.get(url)
    with CaptureQueriesContext(connection) as c:
        r = admin_client_staff.get(url)
    assert r.status_code == 200
    for q in c.captured_queries:
        print(q["sql"][:300])
    print("ALLOC", len(c))

def test_probe_home(client, city):
    a = build_city_portal(city, slug="ichinoseki", council_name="山目地域協働体")
    client.force_login(a.world.secretary)
    url = reverse("portal:home")
    client.get(url, HTTP_HOST="ichinoseki.test")
    with CaptureQueriesContext(connection) as c:
        r = client.get(url, HTTP_HOST="ichinoseki.test")
    assert r.status_code == 200
    for q in c.captured_queries:
        print(q["sql"][:300])
    print("HOME", len(c))
