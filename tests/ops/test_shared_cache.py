"""The public page cache on a shared cache: publishing bumps one shared key, and a lost key
never brings back a page from before the last publishing."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from councils.models import Council
from reports.cache import clear_public_cache, generation_key
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/2"


def _redis_up() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis at 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's keys only
            }
        }
    yield request.param
    cache.clear() if request.param == "locmem" else None


def _council_list(client) -> str:
    return client.get("/councils/", HTTP_HOST="ichinoseki.test").content.decode()


def test_publishing_bumps_the_shared_generation_atomically(shared_cache, city):
    council = CouncilFactory(name="山目地域協働体")
    client = Client()
    assert "山目地域協働体" in _council_list(client)
    before = cache.get(generation_key(city.pk))
    Council.objects.filter(pk=council.pk).update(name="新山目地域協働体")  # no signal
    assert "新山目地域協働体" not in _council_list(client)  # still the cached page
    clear_public_cache()
    assert cache.get(generation_key(city.pk)) == before + 1
    assert "新山目地域協働体" in _council_list(client)


def test_a_lost_generation_never_brings_back_an_older_page(shared_cache, city):
    council = CouncilFactory(name="山目地域協働体")
    client = Client()
    assert "山目地域協働体" in _council_list(client)  # cached under the first generation
    Council.objects.filter(pk=council.pk).update(name="新山目地域協働体")
    clear_public_cache()
    assert "新山目地域協働体" in _council_list(client)
    cache.delete(generation_key(city.pk))  # evicted, or flushed by hand
    assert "新山目地域協働体" in _council_list(client)
    cache.delete(generation_key(city.pk))
    clear_public_cache()  # a bump of a lost key starts above every earlier generation too
    assert "新山目地域協働体" in _council_list(client)
