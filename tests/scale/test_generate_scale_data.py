"""manage.py generate_scale_data at a hundredth of the national scale: exact counts, one
host per city, pages that render, --reset, and the demo beside it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core import tenancy
from core.models import Municipality, MunicipalityHost, User
from councils.models import Council, District, PopulationRecord
from demo import scale
from plans.models import Plan, PlanItem, ProgressEntry
from subsidies.models import Application, ApplicationLine

pytestmark = pytest.mark.django_db


def scale_counts() -> dict[str, int]:
    ids = list(scale.scale_cities().values_list("pk", flat=True))
    with tenancy.all_cities():
        return {
            model.__name__: model.objects.filter(municipality_id__in=ids).count()
            for model in (
                Council,
                District,
                PlanItem,
                Plan,
                ProgressEntry,
                Application,
                ApplicationLine,
                PopulationRecord,
            )
        } | {
            "Municipality": len(ids),
            "MunicipalityHost": MunicipalityHost.objects.filter(municipality_id__in=ids).count(),
            "User": User.objects.filter(municipality_id__in=ids).count(),
        }


def test_a_hundredth_of_the_national_data_set_has_exact_counts(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".scale.localhost"]
    call_command("generate_scale_data", "--scale", "0.01", stdout=None)
    assert scale_counts() == {
        "Municipality": 3,
        "MunicipalityHost": 3,
        "User": 6,  # an administrator and a secretary per city
        "Council": 72,
        "District": 144,  # two per council
        "Plan": 75,  # the city's plan and one per council
        "PlanItem": 720,
        "ProgressEntry": 3_000,
        "Application": 500,
        "ApplicationLine": 1_000,
        "PopulationRecord": 10_000,
    }
    hosts = sorted(MunicipalityHost.objects.values_list("host", flat=True))
    assert hosts[-3:] == [
        "scale001.scale.localhost",
        "scale002.scale.localhost",
        "scale003.scale.localhost",
    ]
    city = Municipality.objects.get(slug="scale002")
    assert city.local_government_code == "900028"  # 9×6 + 2×2 = 58, 11 − 58 mod 11 = 8
    with tenancy.city_scope(city):
        # 500 applications over 3 cities: 166, 167 and 167.
        assert Application.objects.count() == 167
        assert Council.objects.count() == 24


def test_the_scale_cities_pages_render(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".scale.localhost"]
    call_command("generate_scale_data", "--scale", "0.01", stdout=None)
    host = "scale001.scale.localhost"
    assert client.get("/", HTTP_HOST=host).status_code == 200
    assert client.get(reverse("portal:home"), HTTP_HOST=host).status_code == 302
    secretary = User.objects.get(username="scale001-secretary")
    assert secretary.check_password(scale.PASSWORD)
    client.force_login(secretary)
    response = client.get(reverse("portal:home"), HTTP_HOST=host)
    assert response.status_code == 200
    assert "第1地区地域協働体" in response.content.decode()


def test_running_again_needs_reset_and_reset_rebuilds(settings):
    call_command("generate_scale_data", "--scale", "0.01", stdout=None)
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_scale_data", "--scale", "0.01", stdout=None)
    call_command("generate_scale_data", "--scale", "0.01", "--reset", stdout=None)
    assert scale_counts()["PopulationRecord"] == 10_000
    assert scale_counts()["Municipality"] == 3
    # 一関市, the test city, is untouched.
    assert Municipality.objects.filter(slug="ichinoseki").exists()


def test_scale_outside_the_range_is_refused():
    with pytest.raises(CommandError, match="0 より大きく 1 以下"):
        call_command("generate_scale_data", "--scale", "0", stdout=None)


def test_the_demo_loads_beside_the_scale_cities():
    call_command("generate_scale_data", "--scale", "0.01", stdout=None)
    call_command("load_demo", stdout=io.StringIO())
    assert set(Municipality.objects.values_list("slug", flat=True)) >= {
        "ichinoseki",
        "morioka",
        "yamaguchi",
        "scale001",
        "scale002",
        "scale003",
    }
    assert scale_counts()["Council"] == 72
