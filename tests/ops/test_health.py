"""/healthz (alive) and /readyz (database, cache, task queue) at every kind of host."""

import json
import socket
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from tests.cities import make_city

HOSTS = ["ichinoseki.test", "localhost", "nobody.example.jp", "10.0.0.7"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_up(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def cities(db):
    make_city("yamaguchi")  # two cities: the platform host and unknown hosts are their own


@pytest.mark.parametrize("host", HOSTS)
def test_healthz_answers_at_every_host_and_is_never_cached(cities, host):
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_healthz_needs_neither_the_database_nor_the_cache(cities):
    refused = OperationalError("connection refused")
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=refused),
        mock.patch.object(cache, "get", side_effect=ConnectionError("no cache")),
    ):
        response = Client(HTTP_HOST="ichinoseki.test").get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("host", HOSTS)
def test_readyz_answers_ok_at_every_host(cities, host):
    response = Client(HTTP_HOST=host).get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "queue": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_readyz_names_the_database_when_it_is_away(cities):
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = Client(HTTP_HOST="ichinoseki.test").get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "error: OperationalError", "cache": "ok", "queue": "ok"},
        "failed": ["database"],
    }


def test_readyz_names_the_cache_when_it_loses_what_it_stored(cities, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_readyz_names_the_queue_when_its_redis_is_away(cities, settings):
    settings.TASKS = {"default": {"BACKEND": "core.task_queue.RQBackend"}}
    settings.RQ_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["queue"]
    assert response.json()["checks"]["queue"] == "error: ConnectionError"


def test_readyz_pings_the_queues_redis(cities, settings):
    url = "redis://127.0.0.1:6379/2"
    if not _redis_up(url):
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.TASKS = {"default": {"BACKEND": "core.task_queue.RQBackend"}}
    settings.RQ_URL = url
    response = Client().get("/readyz")
    assert (response.status_code, response.json()["checks"]["queue"]) == (200, "ok")


def test_probes_pass_the_https_redirect(cities, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/councils/", HTTP_HOST="ichinoseki.test").status_code == 301
