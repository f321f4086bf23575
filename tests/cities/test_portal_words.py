"""Portal pages use the words of the city they are served for."""

import pytest
from django.urls import reverse

from core import tenancy
from tests.cities import make_city
from tests.cities.portal_world import build_city_portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    settings.MEDIA_ROOT = tmp_path / "media"


def test_yamaguchis_portal_says_its_own_words(client):
    yamaguchi = make_city("yamaguchi")
    with tenancy.city_scope(yamaguchi):
        b = build_city_portal(yamaguchi, slug="yamaguchi", council_name="大殿地域づくり協議会")
    client.force_login(b.world.secretary)
    home = client.get(reverse("portal:home"), HTTP_HOST=b.host).content.decode()
    assert "山口市 地域協働ポータル" in home
    assert "山口市 地域生活部 協働推進課にご連絡ください。" in home
    assert "山口市 地域生活部 協働推進課にお問い合わせください。" in home
    item = client.get(reverse("plans_portal:item_edit", args=[b.item.pk]), HTTP_HOST=b.host)
    page = item.content.decode()
    assert item.status_code == 200
    assert "地域づくり協議会・自治会・市・NPO・企業・地域交流センターなど" in page
    assert "地域協働体" not in page and "市民センター" not in page
