"""The admin of a city names that city in its header and says its words in the menu."""

import pytest
from django.urls import reverse

from core import roles, tenancy
from tests.cities import make_city
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_menu_speaks_yamaguchis_words(client, staff_groups):
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        staff = UserFactory(username="yamaguchi-staff", is_staff=True)
    staff.groups.add(staff_groups[roles.ADMINISTRATOR])
    client.force_login(staff)

    page = client.get(reverse("admin:index"), HTTP_HOST="yamaguchi.test").content.decode()

    assert "山口市 地域協働ポータル 管理画面" in page
    assert "地域づくり協議会" in page and "地域交流センター" in page
    assert "地域協働体" not in page and "市民センター" not in page


def test_the_admin_of_ichinoseki_keeps_its_own_words(admin_client_staff):
    page = admin_client_staff.get(reverse("admin:index")).content.decode()
    assert "一関市 地域協働ポータル 管理画面" in page
    assert "地域協働体" in page and "市民センター" in page


def test_the_admin_titles_of_yamaguchi_say_its_words(client, staff_groups):
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        staff = UserFactory(username="yamaguchi-titles", is_staff=True)
    staff.groups.add(staff_groups[roles.ADMINISTRATOR])
    client.force_login(staff)

    changelist = client.get("/admin/councils/council/", HTTP_HOST="yamaguchi.test")
    add = client.get("/admin/councils/council/add/", HTTP_HOST="yamaguchi.test")

    assert changelist.context["title"] == "地域づくり協議会の一覧"
    assert add.context["title"] == "地域づくり協議会の追加"
