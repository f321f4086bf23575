"""The platform host lists the cities; a host nobody claims is a Japanese 404 listing nothing."""

import pytest
from django.core.cache import cache

from tests.cities import make_city

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test", ".example"]
    cache.clear()


@pytest.fixture
def cities(city):
    return city, make_city("yamaguchi"), make_city("morioka")


def test_the_platform_host_lists_every_city_with_its_prefecture_and_host(client, cities):
    response = client.get("/", HTTP_HOST="localhost:8000")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in body
    assert "<title>地域協働ポータル</title>" in body
    assert "<h1>地域協働ポータル</h1>" in body
    # In the order of the 全国地方公共団体コード, each linked on the platform's scheme and port.
    first = body.index('<a href="http://morioka.test:8000/">盛岡市</a>（岩手県）')
    second = body.index('<a href="http://ichinoseki.test:8000/">一関市</a>（岩手県）')
    third = body.index('<a href="http://yamaguchi.test:8000/">山口市</a>（山口県）')
    assert first < second < third
    assert "地域の組織: 地域づくり協議会" in body
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    # No city's menu: the platform belongs to none of them.
    assert "主なメニュー" not in body


def test_the_platform_link_drops_the_default_port(client, cities):
    body = client.get("/", HTTP_HOST="localhost").content.decode()
    assert '<a href="http://yamaguchi.test/">山口市</a>' in body


def test_an_unknown_host_is_a_japanese_404_naming_no_city(client, cities):
    for path in ("/", "/councils/", "/subsidies/360giving.json", "/admin/"):
        response = client.get(path, HTTP_HOST="nobody.example")
        body = response.content.decode()
        assert response.status_code == 404, path
        assert '<html lang="ja">' in body
        assert "<h1>ページが見つかりません</h1>" in body
        for name in ("一関市", "山口市", "盛岡市", "ichinoseki", "yamaguchi", "morioka"):
            assert name not in body, (path, name)
        assert "ホームへ戻る" not in body
