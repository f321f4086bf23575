"""Official notices: document numbers unique per fiscal year, Japanese era dates, amounts,
and a PDF whose text says so."""

import contextvars
import io
import threading
from datetime import date

import pytest
from django.db import connection
from pypdf import PdfReader

from subsidies import notices
from subsidies.models import DocumentCounter, Notice, NoticeKind, Status

from .lifecycle import YEAR, application_in, step

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_decision_notice_pdf_has_number_era_date_and_amount(world):
    app = application_in(world, Status.SUBMITTED)
    step(app, "decide", world.staff, amount=120_000, decided_on=date(YEAR, 5, 20))
    notice = app.notices.get()
    assert notice.document_number == "一関ま第1号"
    text = pdf_text(notices.notice_pdf(notice))
    expected_texts = ("一関ま第1号", "交付決定通知書", "12万円", "¥120,000", "山目地域協働体", "様")
    for expected in (*expected_texts, "一関市長 佐藤 善仁"):
        assert expected in text, expected
    assert "令和" in text and "5月20日" in text
    assert "実績報告書を提出すること" in text


def test_confirmation_notice_shows_refund(world):
    app = application_in(world, Status.CONFIRMED, refund=True)
    notice = app.notices.get(kind=NoticeKind.CONFIRMATION)
    assert notice.content["confirmed_amount"] == 90_000
    assert notice.content["balance"] == -30_000
    text = pdf_text(notices.notice_pdf(notice))
    assert notice.document_number in text
    for expected in ("額の確定通知書", "¥90,000", "¥120,000", "返還額", "¥30,000"):
        assert expected in text, expected


def test_numbers_count_per_fiscal_year(world):
    first = application_in(world, Status.DECIDED, amount=50_000)
    second = application_in(world, Status.DECIDED, amount=50_000)
    numbers = [first.notices.get().number, second.notices.get().number]
    assert numbers == [1, 2]
    # A notice dated in the next fiscal year starts again from 1.
    third = application_in(world, Status.SUBMITTED, amount=50_000)
    step(third, "decide", world.staff, decided_on=date(YEAR + 1, 4, 1))
    notice = third.notices.get()
    assert (notice.fiscal_year, notice.number) == (YEAR + 1, 1)
    assert DocumentCounter.objects.get(fiscal_year=YEAR).last_number == 2


def test_typed_number_moves_the_counter_past_it(world):
    first = application_in(world, Status.SUBMITTED, amount=50_000)
    step(first, "decide", world.staff, document_number=120)
    second = application_in(world, Status.DECIDED, amount=50_000)
    assert second.notices.get().number == 121


def test_notice_content_stays_as_issued(world):
    app = application_in(world, Status.DECIDED)
    notice = app.notices.get()
    html = notices.notice_html(notice)
    app.title = "後から変えた事業名"
    app.save()
    notice.refresh_from_db()
    assert notices.notice_html(notice) == html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_notices_get_distinct_numbers(world):
    apps = [application_in(world, Status.SUBMITTED, amount=40_000) for _ in range(4)]
    errors = []

    def decide(app):
        try:
            step(app, "decide", world.staff)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(decide, app)) for app in apps
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(Notice.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
