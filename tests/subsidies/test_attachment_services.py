"""Attachments are written and deleted by the services: stored with who uploaded them,
deletable only while the application can still be (re)submitted."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies import services
from subsidies.models import Attachment, AttachmentKind, Status

from .lifecycle import application_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"1" * 50


def _save_one(application, actor, name="見積書.pdf"):
    upload = SimpleUploadedFile(name, PDF, content_type="application/octet-stream")
    return services.attachments_save(
        application=application,
        uploads=[(upload, "application/pdf")],
        kind=AttachmentKind.REPORT,
        actor=actor,
    )


def test_attachments_save_stores_each_file_with_its_uploader(world):
    application = application_in(world, Status.DRAFT)
    (saved,) = _save_one(application, world.secretary)
    stored = Attachment.objects.get(application=application)
    assert stored.pk == saved.pk
    assert (stored.kind, stored.original_name, stored.content_type, stored.size) == (
        "report",
        "見積書.pdf",
        "application/pdf",
        59,
    )
    assert stored.uploaded_by == world.secretary
    assert Path(stored.file.path).read_bytes() == PDF


def test_attachment_of_a_draft_is_deleted_with_its_file(world):
    application = application_in(world, Status.DRAFT)
    (attachment,) = _save_one(application, world.secretary)
    path = Path(attachment.file.path)
    services.attachment_delete(attachment=attachment, actor=world.secretary)
    assert not Attachment.objects.filter(application=application).exists()
    assert not path.exists()


def test_attachment_of_a_submitted_application_is_kept(world):
    application = application_in(world, Status.SUBMITTED)
    (attachment,) = _save_one(application, world.secretary)
    path = Path(attachment.file.path)
    with pytest.raises(services.TransitionError) as refused:
        services.attachment_delete(attachment=attachment, actor=world.secretary)
    assert refused.value.code == "attachment_locked"
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert path.read_bytes() == PDF
