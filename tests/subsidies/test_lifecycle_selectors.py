"""History for the engine, budget left, public rows, the council's public section, the ledger
and e-mails to the other side."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from subsidies import exports, public, selectors
from subsidies.exceptions import TransitionError
from subsidies.models import Application, Status

from .lifecycle import YEAR, application_in, draft, report_data, step

pytestmark = pytest.mark.django_db


def test_decided_grants_and_budget_left_use_confirmed_amounts(world):
    decided = application_in(world, Status.DECIDED, amount=100_000)
    confirmed = application_in(world, Status.CONFIRMED, amount=80_000)
    application_in(world, Status.REFUSED, amount=10_000)
    application_in(world, Status.SUBMITTED, amount=10_000)
    grants = selectors.decided_grants(world.programme, [world.council.pk])
    assert sorted(grants[world.council.pk]) == [(YEAR, 80_000), (YEAR, 100_000)]
    assert selectors.decided_grants(world.programme, exclude=decided.pk)[world.council.pk] == [
        (YEAR, 80_000)
    ]
    assert selectors.budget_left(world.programme, YEAR) == 1_000_000 - 180_000
    assert selectors.budget_left(world.programme, YEAR, exclude=confirmed.pk) == 900_000


def test_engine_sees_real_history_in_the_allocation(client, world):
    application_in(world, Status.DECIDED, amount=150_000)
    allocation = selectors.allocation_for(
        world.programme, YEAR, previous_grants=selectors.decided_grants(world.programme)
    )
    row = next(r for r in allocation.rows if r.council_id == world.council.pk)
    assert row.ceiling.yearly_left == 50_000
    client.force_login(world.staff)
    url = reverse("admin:subsidies_subsidyprogramme_allocation", args=[world.programme.pk])
    html = client.get(url + f"?fiscal_year={YEAR}").content.decode()
    assert "交付決定済額" in html and "¥150,000" in html


def test_public_grants_are_decided_ones_only_in_one_query(world, django_assert_num_queries):
    completed = application_in(world, Status.COMPLETED, refund=True, amount=100_000)
    application_in(world, Status.DECIDED, amount=50_000)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REFUSED, Status.WITHDRAWN):
        application_in(world, status, amount=10_000)
    with django_assert_num_queries(1):
        rows = selectors.public_grants(YEAR)
    assert len(rows) == 2
    row = next(r for r in rows if r.reference == completed.reference)
    assert (row.decided_amount, row.confirmed_amount, row.paid_amount) == (100_000, 70_000, 70_000)
    assert (row.programme_code, row.council_name, row.fiscal_year) == (
        "katsudo",
        "山目地域協働体",
        YEAR,
    )
    assert row.decided_on is not None
    assert selectors.public_grants(YEAR - 1) == []


def test_council_section_for_the_public_page(client, world):
    application_in(world, Status.DECIDED, amount=50_000)
    sections = public.council_sections(world.council)
    assert sections[0]["template"] == "subsidies/public/_council_section.html"
    table = sections[0]["tables"][0]
    assert table.rows[0][1:3] == ["活動費補助金", 50_000]
    assert public.council_sections(world.other) == []
    html = client.get(f"/councils/{world.council.pk}/").content.decode()
    assert "交付を受けた補助金" in html and "5万円" in html
    csv_body = client.get(f"/councils/{world.council.pk}/subsidies.csv")
    assert csv_body.status_code == 200


def test_decision_clears_the_public_cache(client, world, django_capture_on_commit_callbacks):
    url = f"/councils/{world.council.pk}/"
    assert "交付を受けた補助金" not in client.get(url).content.decode()
    app = application_in(world, Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        step(app, "decide", world.staff)
    assert "交付を受けた補助金" in client.get(url).content.decode()


def test_ledger_csv_and_excel(client, world):
    application_in(world, Status.COMPLETED, refund=True, amount=100_000)
    evil = draft(world, amount=10_000, title='=HYPERLINK("http://evil")')
    step(evil, "submit", world.secretary)
    draft(world, amount=5_000, title="下書きは載らない")
    client.force_login(world.viewer)
    url = reverse("admin:subsidies_application_ledger")
    page = client.get(url + f"?fiscal_year={YEAR}")
    assert page.status_code == 200
    body = client.get(url + f"?fiscal_year={YEAR}&format=csv").content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    headers = rows[1]
    assert {"交付決定額（円）", "支払済額（円）", "確定額（円）", "返還済額（円）"} <= set(headers)
    data = rows[2:-1]
    assert len(data) == 2
    assert "下書きは載らない" not in body.decode("utf-8-sig")
    titles = [row[headers.index("事業名")] for row in data]
    assert '\'=HYPERLINK("http://evil")' in titles
    completed = next(row for row in data if row[headers.index("状況")] == "完了")
    assert completed[headers.index("確定額（円）")] == "70000"
    assert completed[headers.index("返還済額（円）")] == "30000"
    assert rows[-1][0] == "合計"
    workbook = load_workbook(
        io.BytesIO(client.get(url + f"?fiscal_year={YEAR}&format=xlsx").content)
    )
    sheet = workbook.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(v == '\'=HYPERLINK("http://evil")' for row in values for v in row)
    assert exports.ledger_table(YEAR, []).rows == []


def test_mail_goes_to_the_other_side(world, django_capture_on_commit_callbacks):
    app = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        step(app, "submit", world.secretary)
    assert mail.outbox[-1].to == ["hojokin@city.example.jp"]  # MANAGERS
    world.programme.contact_email = "machizukuri@city.example.jp"
    world.programme.save()
    with django_capture_on_commit_callbacks(execute=True):
        step(app, "decide", world.staff)
    message = mail.outbox[-1]
    assert message.to == ["yamanome@example.jp"]
    assert "交付決定" in message.subject and app.reference in message.subject
    assert "交付決定額: — → 120,000円" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        step(app, "submit_report", world.secretary, **report_data(world, app, 100_000))
    assert mail.outbox[-1].to == ["machizukuri@city.example.jp"]


def test_mail_falls_back_to_the_councils_contact_address(world, django_capture_on_commit_callbacks):
    world.secretary.email = ""
    world.secretary.save()
    world.council.contact_email = "jimukyoku@yamanome.example.jp"
    world.council.save()
    app = application_in(world, Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        step(app, "return", world.staff, comment="直してください")
    assert mail.outbox[-1].to == ["jimukyoku@yamanome.example.jp"]


def test_no_mail_when_refused(world, django_capture_on_commit_callbacks):
    app = application_in(world, Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        step(app, "return", world.staff)
    assert mail.outbox == []
    assert Application.objects.get(pk=app.pk).status == Status.SUBMITTED
