"""Fiscal years on the public pages as each city writes them (Municipality.era_display)."""

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.urls import reverse

from core import tenancy
from core.models import EraDisplay
from core.tables import Table
from plans.models import Indicator
from tests.cities import make_city
from tests.cities.public_world import populate
from tests.plans.factories import PlanFactory
from tests.subsidies.lifecycle import YEAR

pytestmark = pytest.mark.django_db

A_HOST = "ichinoseki.test"
B_HOST = "yamaguchi.test"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    cache.clear()


@pytest.fixture
def b():
    city = make_city("yamaguchi")
    city.era_display = EraDisplay.WAREKI_WESTERN
    city.save()
    return city


def nendo(value) -> str:
    return Template("{% load wareki %}{{ value|nendo }}").render(Context({"value": value}))


def test_the_nendo_filter_follows_the_city_in_force(city, b):
    assert nendo(2024) == "令和6年度"
    assert nendo(2019) == "令和元年度"
    with tenancy.city_scope(b):
        assert nendo(2024) == "令和6年度（2024年度）"
        assert nendo(2018) == "平成30年度（2018年度）"
        assert nendo("") == ""
    assert nendo(2024) == "令和6年度"


def test_plan_pages_show_fiscal_years_in_each_citys_style(client, b):
    a_plan = PlanFactory(title="一関の協働推進計画")
    Indicator.objects.create(
        plan=a_plan, name="参加者数", unit="人", baseline_year=2019, baseline_value="40"
    )
    with tenancy.city_scope(b):
        b_plan = PlanFactory(title="山口の協働推進計画")
        Indicator.objects.create(
            plan=b_plan, name="参加者数", unit="人", baseline_year=2019, baseline_value="40"
        )
    a_list = client.get(reverse("public:plans"), HTTP_HOST=A_HOST).content.decode()
    b_list = client.get(reverse("public:plans"), HTTP_HOST=B_HOST).content.decode()
    assert '<td data-label="計画期間">令和元年度〜令和5年度</td>' in a_list
    assert '<td data-label="計画期間">令和元年度（2019年度）〜令和5年度（2023年度）</td>' in b_list
    b_indicators = client.get(
        reverse("public:plan_indicators", args=[b_plan.pk]), HTTP_HOST=B_HOST
    ).content.decode()
    assert '<th scope="row">令和元年度（2019年度）（基準値）</th>' in b_indicators
    a_indicators = client.get(
        reverse("public:plan_indicators", args=[a_plan.pk]), HTTP_HOST=A_HOST
    ).content.decode()
    assert '<th scope="row">令和元年度（基準値）</th>' in a_indicators
    assert "（2019年度）" not in a_indicators


def test_table_cells_holding_a_fiscal_year_follow_the_city(b):
    table = Table(
        "t", "表", ["年度", "件数"], ["fiscal_year", "count"], [[2024, 3]], ("fiscal_year",)
    )
    assert table.display_rows() == [[("令和6年度", False), ("3", True)]]
    with tenancy.city_scope(b):
        assert table.display_rows() == [[("令和6年度（2024年度）", False), ("3", True)]]
    assert table.records() == [{"fiscal_year": 2024, "count": 3}]  # open data keeps the year


def test_the_transparency_page_labels_years_in_the_citys_style(client, b):
    with tenancy.city_scope(b):
        populate(b, "仁保", address="山口県山口市仁保中郷1番地")
    rows = client.get(
        reverse("public:transparency_json", args=["programmes"]), HTTP_HOST=B_HOST
    ).json()
    assert rows[0]["fiscal_year"] == f"令和{YEAR - 2018}年度（{YEAR}年度）"
    body = client.get(reverse("public:transparency"), HTTP_HOST=B_HOST).content.decode()
    assert f'<option value="{YEAR}">令和{YEAR - 2018}年度（{YEAR}年度）</option>' in body
