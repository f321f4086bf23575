"""Official notices (通知書): document numbers per fiscal year, their content, their PDF.

A notice's ``content`` is a snapshot of what it says when issued; the PDF is rendered from
it with the project's renderer (core.pdf), so downloading it again years later gives
the same document even after the application moved on.
"""

from datetime import date

from django.template.loader import render_to_string

from core import calendar
from core.calendar import fiscal_year_label, wareki_date
from core.models import Municipality

from .exceptions import TransitionError
from .models import DocumentCounter, Notice, NoticeKind


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
    return Notice.objects.create(
        application=application,
        kind=kind,
        fiscal_year=year,
        number=number,
        document_number=document_number,
        issued_on=issued_on,
        content=content,
        issued_by=actor,
    )


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


def notice_pdf(notice: Notice) -> bytes:
    """The notice as an A4 tagged PDF (cached by content by the renderer)."""
    from core.pdf import pdf_from_html

    return pdf_from_html(notice_html(notice))


def notice_filename(notice: Notice) -> str:
    return (
        f"{notice.get_kind_display()}_{notice.application.reference}_{notice.document_number}.pdf"
    )
