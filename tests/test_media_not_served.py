import pytest

pytestmark = pytest.mark.django_db


def test_media_files_are_not_served_directly(client, settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    settings.MEDIA_ROOT = tmp_path
    response = client.get(f"/{settings.MEDIA_URL.strip('/')}/private/secret.pdf")
    assert response.status_code == 404
