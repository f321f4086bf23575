"""Private responses for an application's files (attachments, notices as PDF), served by
the admin and the secretary portal after their own access checks."""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from core.admin_helpers import file_download

from . import notices, settlement
from .models import Attachment, Notice


def attachment_response(attachment: Attachment) -> FileResponse:
    """Serve an attachment privately: never cached by shared caches, never sniffed."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    return response


def notice_response(notice: Notice) -> HttpResponse:
    """The notice's PDF as issued (the same file at every download), never cached by shared
    caches."""
    response = file_download(
        notices.notice_pdf(notice), "application/pdf", notices.notice_filename(notice)
    )
    response["Cache-Control"] = "private, no-store"
    return response


def settlement_response(application) -> HttpResponse:
    """The report's 収支決算書 as a PDF download, never cached by shared caches."""
    response = file_download(
        settlement.settlement_pdf(application),
        "application/pdf",
        settlement.settlement_filename(application),
    )
    response["Cache-Control"] = "private, no-store"
    return response
