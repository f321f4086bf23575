"""Uploads are opened as what they claim to be (pypdf for PDFs, Pillow for images, with a
pixel limit) and refused next to the field when they do not open; stored files are 0640."""

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies.forms import validate_upload
from subsidies.models import Application, Attachment
from tests.subsidies.http import application_data, portal

from .files import image_bytes, pdf_bytes, png_with_dimensions

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "scan.dat") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(content))
    return error.value


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (pdf_bytes(), "application/pdf"),
        (image_bytes("png"), "image/png"),
        (image_bytes("jpeg"), "image/jpeg"),
    ],
    ids=["pdf", "png", "jpeg"],
)
def test_real_files_are_accepted(content, content_type):
    file = upload(content)
    assert validate_upload(file) == content_type
    assert file.tell() == 0  # ready to be stored from the start


CRAFTED = {
    "pdf header + html": (
        b"%PDF-1.7\n<html><script>alert(document.cookie)</script></html>",
        "PDFとして開けません",
    ),
    "png header + html": (
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        "PNG画像として開けません",
    ),
    "jpeg header + php": (
        b"\xff\xd8\xff\xe0<?php system($_GET['c']); ?>",
        "JPEG画像として開けません",
    ),
    "truncated png": (image_bytes("png", 64, 64)[:60], "PNG画像として開けません"),
    "pdf without pages": (
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "PDFとして開けません",
    ),
}


@pytest.mark.parametrize("case", CRAFTED)
def test_files_that_only_start_like_an_allowed_type_are_refused(case):
    content, words = CRAFTED[case]
    error = refusal(content)
    assert error.code == "file_not_readable"
    assert words in error.messages[0]
    assert "「scan.dat」" in error.messages[0]


def test_a_truncated_image_is_refused_after_a_pdf_was_rendered():
    import weasyprint  # noqa: F401  (turns on Pillow's LOAD_TRUNCATED_IMAGES)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    assert refusal(image_bytes("png", 64, 64)[:60]).code == "file_not_readable"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_a_huge_png_is_refused_from_its_header():
    content = png_with_dimensions(30_000, 30_000)
    assert len(content) < 100  # cheap to send, 2.7 GB if decoded
    error = refusal(content)
    assert error.code == "image_too_large"
    assert error.messages == [
        "「scan.dat」は画素数が多すぎます（5,000万画素まで）。縮小してから添付してください。"
    ]


def test_the_pixel_limit_at_its_boundary(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 12
    assert validate_upload(upload(image_bytes("png", 4, 3))) == "image/png"
    assert refusal(image_bytes("png", 4, 4)).code == "image_too_large"
    assert refusal(png_with_dimensions(13, 1)).code == "image_too_large"


def test_a_crafted_file_is_refused_next_to_the_field_and_nothing_is_saved(client, world):
    client.force_login(world.secretary)
    files = [upload(CRAFTED["pdf header + html"][0], "申請書.pdf")]
    data = {**application_data(world, action="save", title="入力を残す"), "files": files}
    response = client.post(portal("new"), data)
    assert response.status_code == 200
    errors = response.context["uploads"].errors.as_data()["files"]
    assert [e.code for e in errors] == ["file_not_readable"]
    assert "「申請書.pdf」はPDFとして開けません。" in response.content.decode()
    assert response.context["form"]["title"].value() == "入力を残す"
    assert not Application.objects.exists() and not Attachment.objects.exists()


def test_stored_files_are_0640_in_0750_folders(client, world, private_media):
    client.force_login(world.secretary)
    data = {**application_data(world, action="save"), "files": [upload(pdf_bytes(), "a.pdf")]}
    assert client.post(portal("new"), data).status_code == 302
    path = Path(Attachment.objects.get().file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    folder = path.parent
    while folder != Path(private_media):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750, folder
        folder = folder.parent
