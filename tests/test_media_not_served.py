import importlib

import pytest
from django.urls import clear_url_caches

import config.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls_built_with_debug(settings):
    """config.urls as it is built on a developer's machine (DEBUG on), restored afterwards.

    pytest-django turns DEBUG off, and ``static()`` adds its patterns only with DEBUG on, so
    the URL conf under test would never show media being served without this."""
    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_media_files_are_not_served_directly(client, settings, tmp_path, request, debug):
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    settings.MEDIA_ROOT = tmp_path
    if debug:
        request.getfixturevalue("urls_built_with_debug")
    response = client.get(f"/{settings.MEDIA_URL.strip('/')}/private/secret.pdf")
    assert response.status_code == 404
    assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))
