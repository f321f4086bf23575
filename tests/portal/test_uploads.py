"""Uploads: PDF, JPEG and PNG by content (not by name), a size limit from settings,
stored under MEDIA_ROOT/private (never the static root), served only to those allowed."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies.models import Application, Attachment
from tests.security.files import image_bytes, pdf_bytes
from tests.subsidies.http import application_data, portal

pytestmark = pytest.mark.django_db

FILES = {
    "pdf": (pdf_bytes(), "application/pdf"),
    "jpeg": (image_bytes("jpeg"), "image/jpeg"),
    "png": (image_bytes("png"), "image/png"),
}


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


@pytest.mark.parametrize("kind", FILES)
def test_pdf_jpeg_png_accepted_by_content(sec, world, kind):
    content, content_type = FILES[kind]
    # The name says nothing: the content decides.
    upload = SimpleUploadedFile("scan.dat", content, content_type="application/octet-stream")
    response = sec.post(
        portal("new"), {**application_data(world, action="save"), "files": [upload]}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == content_type
    assert attachment.original_name == "scan.dat"
    path = Path(attachment.file.path)
    assert path.read_bytes() == content
    assert Path(settings.MEDIA_ROOT) / "private" in path.parents
    assert Path(settings.STATIC_ROOT) not in path.parents
    assert path.name != "scan.dat"  # a random name, not the uploaded one


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("領収書.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.png", b"GIF89a" + b"0" * 50),
        ("invoice.pdf", b"PK\x03\x04 this is a zip"),
    ],
)
def test_other_types_refused_whatever_the_name(sec, world, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    data = application_data(world, action="save", title="入力を残す")
    response = sec.post(portal("new"), {**data, "files": [upload]})
    assert response.status_code == 200
    errors = response.context["uploads"].errors.as_data()["files"]
    assert [e.code for e in errors] == ["file_type_not_allowed"]
    assert "PDF・JPEG・PNG" in response.content.decode()
    assert response.context["form"]["title"].value() == "入力を残す"
    assert not Application.objects.exists() and not Attachment.objects.exists()


def test_too_large_refused_at_the_setting(sec, world, settings):
    settings.SUBSIDY_UPLOAD_MAX_BYTES = 1000
    ok = SimpleUploadedFile("ok.pdf", pdf_bytes(1000))
    big = SimpleUploadedFile("big.pdf", pdf_bytes(1001))
    response = sec.post(portal("new"), {**application_data(world, action="save"), "files": [big]})
    assert response.status_code == 200
    assert [e.code for e in response.context["uploads"].errors.as_data()["files"]] == [
        "file_too_large"
    ]
    assert not Attachment.objects.exists()
    response = sec.post(portal("new"), {**application_data(world, action="save"), "files": [ok]})
    assert response.status_code == 302
    assert Attachment.objects.get().size == 1000


def test_empty_file_refused(sec, world):
    upload = SimpleUploadedFile("empty.pdf", b"")
    response = sec.post(
        portal("new"), {**application_data(world, action="save"), "files": [upload]}
    )
    assert response.status_code == 200
    assert not Attachment.objects.exists()


def test_attachment_served_privately_with_its_type(sec, world):
    content, _ = FILES["png"]
    sec.post(
        portal("new"),
        {**application_data(world, action="save"), "files": [SimpleUploadedFile("a.png", content)]},
    )
    attachment = Attachment.objects.get()
    response = sec.get(portal("attachment", attachment.application_id, attachment.pk))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content
    assert not attachment.file.name.startswith(settings.MEDIA_URL)
