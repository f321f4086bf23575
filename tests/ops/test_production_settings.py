"""The production block of config/settings.py, read in a fresh process from the environment
as a server would read it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import json, logging, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "location": settings.CACHES["default"].get("LOCATION"),
    "session": settings.SESSION_ENGINE,
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "options": settings.DATABASES["default"].get("OPTIONS", {}),
    "storages": {k: v["BACKEND"] for k, v in settings.STORAGES.items()},
    "private": settings.STORAGES.get("private", {}).get("OPTIONS"),
}))
"""


def settings_with(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CACHE_", "LOG_"))}
    base.pop("SESSION_ENGINE", None)
    full = {**base, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 60, **env}
    out = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=full, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_redis_cache_url_gives_djangos_redis_cache_and_cached_sessions():
    found = settings_with(CACHE_URL="redis://127.0.0.1:6379/1")
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://127.0.0.1:6379/1"
    assert found["session"] == "django.contrib.sessions.backends.cached_db"


def test_session_engine_from_the_environment_wins():
    found = settings_with(
        CACHE_URL="redis://127.0.0.1:6379/1",
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
    )
    assert found["session"] == "django.contrib.sessions.backends.cache"


def test_without_redis_the_cache_is_per_process_and_sessions_in_the_database():
    found = settings_with(CACHE_URL="locmemcache://")  # whatever a local .env says
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["session"] == "django.contrib.sessions.backends.db"
    assert found["storages"]["default"] == "django.core.files.storage.FileSystemStorage"
    assert "private" not in found["storages"]


def test_connections_are_checked_and_kept_as_long_as_conn_max_age():
    found = settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kyodo", CONN_MAX_AGE="60"
    )
    assert (found["health_checks"], found["max_age"]) == (True, 60)
    assert found["options"] == {"connect_timeout": 5, "options": "-c jit=off"}


def test_postgresqls_jit_is_off_unless_asked_for():
    url = "postgres://postgres@127.0.0.1:5432/kyodo"
    assert settings_with(DATABASE_URL=url, DATABASE_JIT="true")["options"] == {"connect_timeout": 5}


def test_a_bucket_puts_uploads_on_s3_never_public():
    found = settings_with(
        AWS_STORAGE_BUCKET_NAME="kyodo-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert found["storages"]["default"] == "storages.backends.s3.S3Storage"
    assert found["storages"]["private"] == "storages.backends.s3.S3Storage"
    private = found["private"]
    assert private["location"] == "private"
    assert private["endpoint_url"] == "http://127.0.0.1:9000"
    assert (private["default_acl"], private["querystring_auth"]) == (None, True)
    assert private["querystring_expire"] == 300
    assert private["file_overwrite"] is False


LOG = """
import django, logging
django.setup()
from django.test import RequestFactory
request = RequestFactory().get("/councils/", HTTP_HOST="ichinoseki.localhost")
logging.getLogger("django.request").error(
    "Service Unavailable: %s", request.path, extra={"status_code": 503, "request": request}
)
logging.getLogger("kyodo").warning("一関市の公開ページ")
"""


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_log_format_json_writes_one_object_a_line_with_the_request(fmt):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOG_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 60, LOG_FORMAT=fmt)
    out = subprocess.run(
        [sys.executable, "-c", LOG], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    lines = out.stderr.strip().splitlines()
    if fmt == "text":
        assert lines == ["Service Unavailable: /councils/", "一関市の公開ページ"]
        return
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "Service Unavailable: /councils/"
    assert (first["levelname"], first["name"]) == ("ERROR", "django.request")
    assert (first["method"], first["path"], first["status"]) == ("GET", "/councils/", 503)
    assert first["host"] == "ichinoseki.localhost"
    assert "request" not in first
    assert second["message"] == "一関市の公開ページ" and "path" not in second


def test_collectstatic_with_debug_off_writes_hashed_compressed_files(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="x" * 60,
        DEBUG="false",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed.startswith("css/site.") and hashed != "css/site.css"
    assert (tmp_path / "static" / f"{hashed}.gz").exists()  # WhiteNoise serves it compressed
