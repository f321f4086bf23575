"""Official notices (通知書): document numbers per fiscal year, their content, their PDF.

A notice's ``content`` is a snapshot of what it says when issued (様式 number, mayor and
seal wording included). Its PDF is rendered from it once, just after the notice is
committed, signed when the city has a certificate (subsidies.signing), and kept in the
private storage with its SHA-256: every download serves that same file, and the public
verification page (reports.verify) compares a file anyone holds against the hash. A notice
issued before PDFs were kept gets its file on its first download.
"""

import hashlib
import hmac
import logging
import uuid
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.template.loader import render_to_string

from core import calendar, tenancy
from core.calendar import fiscal_year_label, wareki_date
from core.models import Municipality
from core.storage import private_storage

from . import signing
from .exceptions import TransitionError
from .models import DocumentCounter, Notice, NoticeKind

logger = logging.getLogger(__name__)


def next_document_number(issued_on: date, number: int | None = None) -> tuple[int, int]:
    """(fiscal year, number) for a notice issued on ``issued_on``.

    Takes the next number of the year's counter, locking its row until the transaction
    ends, so two notices never get the same number. A ``number`` typed by staff is used
    as given (the counter moves past it). Raises TransitionError
    (duplicate_document_number) when that number is already used in the year.
    """
    year = calendar.fiscal_year(issued_on)
    DocumentCounter.objects.get_or_create(fiscal_year=year)
    counter = DocumentCounter.objects.select_for_update().get(fiscal_year=year)
    if number is None:
        number = counter.last_number + 1
        # Staff may have typed numbers by hand; skip any taken.
        while Notice.objects.filter(fiscal_year=year, number=number).exists():
            number += 1
    else:
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise TransitionError(
                "文書番号は1以上の整数で入力してください。",
                "invalid_document_number",
                field="document_number",
            )
        if Notice.objects.filter(fiscal_year=year, number=number).exists():
            raise TransitionError(
                "第%(number)s号は%(year)sの通知書で既に使われています。",
                "duplicate_document_number",
                field="document_number",
                number=number,
                year=fiscal_year_label(year),
            )
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])
    return year, number


def issue_notice(
    application,
    kind: str,
    *,
    issued_on: date,
    actor,
    number: int | None = None,
    lines=(),
    rule=None,
    grant=None,
    previous_amount: int | None = None,
    reason: str = "",
) -> Notice:
    """Create the notice with the next document number and its content snapshot.

    Call inside the transition's transaction, after the application's amounts are set.
    Raises TransitionError from :func:`next_document_number`.
    """
    year, number = next_document_number(issued_on, number)
    prefix = application.programme.notice_prefix
    document_number = f"{prefix}第{number}号"
    content = notice_content(
        application,
        kind,
        issued_on=issued_on,
        document_number=document_number,
        lines=lines,
        rule=rule,
        grant=grant,
        previous_amount=previous_amount,
        reason=reason,
    )
    notice = Notice.objects.create(
        application=application,
        kind=kind,
        fiscal_year=year,
        number=number,
        document_number=document_number,
        issued_on=issued_on,
        content=content,
        issued_by=actor,
    )
    # Rendering takes a second or two: after the commit, so the counter, budget and council
    # rows locked by the decision are not held meanwhile. Should it fail, the first download
    # renders it (issued_pdf).
    city = Municipality.current()
    transaction.on_commit(lambda: _store_after_commit(notice.pk, city), robust=True)
    return notice


def notice_content(
    application,
    kind,
    *,
    issued_on,
    document_number,
    lines,
    rule,
    grant,
    previous_amount,
    reason,
) -> dict:
    """What the notice says, as plain JSON-able values."""
    app = application
    council = app.council
    programme = app.programme
    city = Municipality.current()
    regulation = programme.regulation_name or f"{city.name}{programme.name}交付要綱"
    submitted = wareki_date(app.submitted_at.date()) if app.submitted_at else ""
    content = {
        "kind": kind,
        "title": f"{fiscal_year_label(app.fiscal_year)} {programme.name} {NoticeKind(kind).label}",
        "kind_label": NoticeKind(kind).label,
        "document_number": document_number,
        "issued_on": wareki_date(issued_on),
        "city": city.name,
        "issuer": city.sender,
        "form_number": city.notice_form_number(kind),
        "mayor_title": city.mayor_title or f"{city.name}長",
        "mayor_name": city.mayor_name,
        "seal": city.notice_seal,
        "seal_omitted": not city.notice_seal_text,
        "department": city.department,
        "addressee": council.name,
        "representative": f"{council.representative_title} {council.representative_name}".strip(),
        "programme": programme.name,
        "regulation": regulation,
        "fiscal_year": fiscal_year_label(app.fiscal_year),
        "reference": app.reference,
        "project": app.title,
        "submitted_on": submitted,
        "work_period": _period(app.work_starts_on, app.work_ends_on),
        "lines": [
            {"category": line.category.name, "description": line.description, "amount": line.amount}
            for line in lines
        ],
        "lines_total": sum(line.amount for line in lines),
        "reason": reason,
    }
    if kind in (NoticeKind.DECISION, NoticeKind.CHANGE):
        content.update(
            decided_amount=app.decided_amount,
            previous_amount=previous_amount,
            difference=(app.decided_amount or 0) - (previous_amount or 0),
            report_due_on=wareki_date(app.report_due_on) if app.report_due_on else "",
            advance_allowed=bool(rule and rule.advance_payment_allowed),
            conditions=[c.strip() for c in programme.notice_conditions.splitlines() if c.strip()],
        )
    if kind == NoticeKind.CONFIRMATION:
        content.update(
            decided_amount=app.decided_amount,
            confirmed_amount=app.confirmed_amount,
            engine_amount=grant.amount if grant else None,
            breakdown=list(grant.lines) if grant else [],
            paid_amount=app.net_paid_amount,
            balance=app.confirmed_amount - app.net_paid_amount,
            report_submitted_on=(
                wareki_date(app.report_submitted_on) if app.report_submitted_on else ""
            ),
            refund_due_on=wareki_date(app.refund_due_on) if app.refund_due_on else "",
        )
    return content


def _period(start, end) -> str:
    if start and end:
        return f"{wareki_date(start)}から{wareki_date(end)}まで"
    return ""


def notice_html(notice: Notice) -> str:
    from core.pdf import font_family

    return render_to_string(
        "subsidies/notice_pdf.html",
        {"notice": notice, "c": notice.content, "pdf_font_family": font_family()},
    )


def render_notice_pdf(notice: Notice) -> tuple[bytes, bool]:
    """(the PDF, whether it is signed), rendered from the notice's content afresh."""
    from core.pdf import render_pdf

    pdf = render_pdf(notice_html(notice))
    city = Municipality.current()
    return signing.sign_for_city(
        pdf, city, reason=f"{notice.document_number} {notice.get_kind_display()}"
    )


def store_issued_pdf(notice: Notice) -> bytes:
    """Render, sign and keep the notice's PDF with its SHA-256, once: when another request
    kept one first, that one is returned and this one dropped."""
    pdf, signed = render_notice_pdf(notice)
    digest = hashlib.sha256(pdf).hexdigest()
    name = private_storage.save(f"notices/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    kept = Notice.objects.filter(pk=notice.pk, pdf_sha256="").update(
        pdf=name, pdf_sha256=digest, signed=signed
    )
    if not kept:
        private_storage.delete(name)
        notice.refresh_from_db(fields=["pdf", "pdf_sha256", "signed"])
        return _read(notice)
    notice.pdf.name, notice.pdf_sha256, notice.signed = name, digest, signed
    return pdf


def issued_pdf(notice: Notice) -> bytes:
    """The notice's PDF as issued: the kept file (rendered and kept now if it has none)."""
    if notice.pdf_sha256:
        return _read(notice)
    return store_issued_pdf(notice)


def notice_pdf(notice: Notice) -> bytes:
    """The notice as an A4 tagged PDF, the same file at every download (:func:`issued_pdf`)."""
    return issued_pdf(notice)


def _read(notice: Notice) -> bytes:
    with notice.pdf.open("rb") as file:
        return file.read()


def _store_after_commit(notice_pk: int, city) -> None:
    with tenancy.city_scope(city):
        notice = Notice.objects.filter(pk=notice_pk, pdf_sha256="").first()
        if notice is not None:
            store_issued_pdf(notice)


def notice_filename(notice: Notice) -> str:
    return (
        f"{notice.get_kind_display()}_{notice.application.reference}_{notice.document_number}.pdf"
    )


class Verification(models.TextChoices):
    MATCH = "match", "一致しました"
    MISMATCH = "mismatch", "一致しません"
    NOT_FOUND = "not_found", "見つかりません"
    NO_RECORD = "no_record", "照合できません"


@dataclass(frozen=True)
class VerificationResult:
    outcome: str
    notice: Notice | None = None


def verify_notice(document_number: str, sha256: str) -> VerificationResult:
    """Whether the city in force issued a notice numbered ``document_number`` whose PDF has
    the SHA-256 ``sha256`` (64 lowercase hex digits); one query.

    A number repeats each fiscal year, so every notice of that number is compared. NO_RECORD:
    notices of that number exist but none has a kept PDF yet (issued before PDFs were kept,
    never downloaded since).
    """
    found = list(
        Notice.objects.filter(document_number=document_number).only(
            "kind", "document_number", "issued_on", "pdf_sha256", "signed", "content"
        )
    )
    if not found:
        return VerificationResult(Verification.NOT_FOUND)
    for notice in found:
        if notice.pdf_sha256 and hmac.compare_digest(notice.pdf_sha256, sha256):
            return VerificationResult(Verification.MATCH, notice)
    if not any(notice.pdf_sha256 for notice in found):
        return VerificationResult(Verification.NO_RECORD)
    return VerificationResult(Verification.MISMATCH)
