"""Every path of the lifecycle over HTTP: the secretary in the portal, staff in the admin."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from councils.models import Stage
from subsidies.models import Application, AttachmentKind, Notice, Status
from subsidies.selectors import decided_grants
from tests.factories import CouncilFactory, SecretaryFactory, UserFactory

from .factories import BudgetFactory, RuleFactory
from .http import application_data, lines_data, portal, report_form_data, staff_post
from .lifecycle import START, YEAR, application_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


@pytest.fixture
def staff(world):
    from django.test import Client

    client = Client()
    client.force_login(world.staff)
    return client


def file_and_submit(sec, world, **data):
    response = sec.post(portal("new"), application_data(world, **data))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    application = Application.objects.latest("pk")
    assert response.url == portal("confirm", application.pk)
    page = sec.get(response.url)
    assert "交付可能額" in page.content.decode()
    response = sec.post(portal("confirm", application.pk))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    return application


def test_return_and_resubmit(sec, staff, world, django_capture_on_commit_callbacks):
    application = file_and_submit(sec, world)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_post(
            staff, application, "return", comment="需用費の内訳を書いてください。"
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    assert mail.outbox[-1].to == ["yamanome@example.jp"]
    assert "差戻し" in mail.outbox[-1].subject
    detail = sec.get(portal("detail", application.pk)).content.decode()
    assert "需用費の内訳を書いてください。" in detail
    # The secretary fixes the lines and resubmits.
    lines = [(world.juyohi.pk, "印刷（2,500部）", "90000"), (world.hoshohi.pk, "講師謝礼", "30000")]
    response = sec.post(portal("edit", application.pk), application_data(world, lines=lines))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        sec.post(portal("confirm", application.pk))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert mail.outbox[-1].to == ["hojokin@city.example.jp"]
    assert [line.amount for line in application.lines.order_by("position")] == [90_000, 30_000]
    actions = list(application.events.values_list("action", flat=True).order_by("pk"))
    assert actions == ["create", "submit", "return", "submit"]


def test_decide_and_pay_without_advance(sec, staff, world, django_capture_on_commit_callbacks):
    application = file_and_submit(sec, world)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_post(
            staff, application, "decide", amount="120000", decided_on=START.isoformat()
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_amount) == (Status.DECIDED, 120_000)
    notice = Notice.objects.get(application=application, kind="decision")
    assert notice.document_number == "一関ま第1号"
    pdf = sec.get(portal("notice", application.pk, notice.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert "交付決定" in mail.outbox[-1].subject
    # The performance report with actual costs below the plan.
    data = report_form_data(
        [(world.juyohi.pk, "印刷", "110,000")], grant="110000", text="防災マップを2,500部配布した。"
    )
    response = sec.post(portal("report", application.pk), data)
    assert response.status_code == 302
    response = staff_post(staff, application, "confirm", confirmed_on=date.today().isoformat())
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.confirmed_amount) == (Status.CONFIRMED, 110_000)
    staff_post(staff, application, "pay", paid_on=date.today().isoformat())
    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    assert (application.paid_amount, application.refund_amount) == (110_000, 0)
    assert Notice.objects.filter(application=application).count() == 2


def test_advance_larger_than_confirmed_amount_is_refunded(sec, staff, world):
    application = file_and_submit(sec, world)
    staff_post(staff, application, "decide", amount="120000", decided_on=START.isoformat())
    staff_post(staff, application, "pay_advance", amount="120000", paid_on=START.isoformat())
    application.refresh_from_db()
    assert (application.advance_amount, application.paid_amount) == (120_000, 120_000)
    data = report_form_data([(world.juyohi.pk, "印刷", "99999")], grant="99999")
    sec.post(portal("report", application.pk), data)
    staff_post(staff, application, "confirm", confirmed_on=date.today().isoformat())
    application.refresh_from_db()
    assert (application.confirmed_amount, application.refund_amount) == (99_999, 20_001)
    # Paying is refused (the page does not offer it): the council owes money back.
    response = staff_post(staff, application, "pay", paid_on=date.today().isoformat())
    assert response.status_code == 302
    page = staff.get(response.url).content.decode()
    assert "精算払（残額の支払）：前金払額が確定額を上回っているため" in page
    assert "返還額 20,001円" in page
    staff_post(staff, application, "request_refund", refund_due_on=date.today().isoformat())
    application.refresh_from_db()
    assert application.status == Status.REFUND_REQUESTED
    assert "返還金 20,001円" in sec.get(portal("detail", application.pk)).content.decode()
    response = staff_post(
        staff, application, "receive_refund", amount="20000", received_on=date.today().isoformat()
    )
    assert response.status_code == 200  # amount mismatch
    staff_post(
        staff, application, "receive_refund", amount="20001", received_on=date.today().isoformat()
    )
    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    assert application.net_paid_amount == application.confirmed_amount == 99_999


def test_withdraw(sec, world):
    application = file_and_submit(sec, world)
    response = sec.post(portal("withdraw", application.pk), {"comment": "事業を中止しました。"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    event = application.events.latest("pk")
    assert (event.comment, event.actor, event.actor_role) == (
        "事業を中止しました。",
        world.secretary,
        "secretary",
    )


def test_refuse_issues_a_notice_with_the_reason(sec, staff, world):
    application = file_and_submit(sec, world)
    response = staff_post(staff, application, "refuse", comment="")
    assert response.status_code == 200  # the reason is required
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
    staff_post(staff, application, "refuse", comment="地域課題の解決に当たらないため。")
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    notice = application.notices.get()
    assert notice.kind == "refusal"
    assert notice.content["reason"] == "地域課題の解決に当たらないため。"
    assert sec.get(portal("notice", application.pk, notice.pk)).status_code == 200


def test_change_request_approved_through_engine_and_budget(sec, staff, world):
    application = file_and_submit(sec, world)
    staff_post(staff, application, "decide", amount="120000", decided_on=START.isoformat())
    data = {"amount": "180,000", "comment": "参加者が増えたため印刷部数を増やす。"}
    data.update(lines_data([(world.juyohi.pk, "印刷（4,000部）", "180000")]))
    response = sec.post(portal("change", application.pk), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.change_requested_amount) == (
        Status.CHANGE_REQUESTED,
        180_000,
    )
    response = staff_post(
        staff, application, "approve_change", amount="180000", decided_on=date.today().isoformat()
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_amount) == (Status.DECIDED, 180_000)
    assert list(application.lines.values_list("kind", "amount")) == [("plan", 180_000)]
    assert application.notices.filter(kind="change").exists()


def test_change_above_the_yearly_cap_is_refused(sec, staff, world):
    application = file_and_submit(sec, world)
    staff_post(staff, application, "decide", amount="120000", decided_on=START.isoformat())
    data = {"amount": "200,001", "comment": "増額"}
    data.update(lines_data([(world.juyohi.pk, "印刷", "300000")]))
    response = sec.post(portal("change", application.pk), data)
    assert response.status_code == 200
    assert "200,000円" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DECIDED


def test_jigyo1_second_year_gets_the_remaining_total(client, world):
    """事業1: 5万円 in total over at most two years; the second year gets what is left."""
    rule = RuleFactory(
        programme__code="jigyo1",
        programme__name="合意形成支援事業",
        lifetime_cap=50_000,
        max_fiscal_years=2,
        advance_payment_allowed=True,
        eligible_stages=[Stage.PREPARING.value],
    )
    BudgetFactory(programme=rule.programme, fiscal_year=YEAR, amount=100_000)
    council = CouncilFactory(name="磐清水地域協働体", stage=Stage.PREPARING)
    user = SecretaryFactory(council=council, user=UserFactory(username="iwashimizu")).user
    Application.objects.create(
        council=council,
        programme=rule.programme,
        fiscal_year=YEAR - 1,
        title="住民懇談会",
        status=Status.COMPLETED,
        requested_amount=30_000,
        decided_amount=30_000,
        confirmed_amount=28_500,
    )
    assert decided_grants(rule.programme, [council.pk]) == {council.pk: [(YEAR - 1, 28_500)]}
    client.force_login(user)
    data = application_data(
        world,
        amount="21,501",
        lines=[(world.juyohi.pk, "アンケート印刷", "30000")],
        programme=rule.programme.pk,
    )
    response = client.post(portal("new"), data)
    assert response.status_code == 200
    assert "21,500円" in str(response.context["form"].errors["requested_amount"])
    assert Application.objects.filter(council=council).count() == 1
    data["requested_amount"] = "21,500"
    response = client.post(portal("new"), data)
    assert response.status_code == 302
    application = Application.objects.latest("pk")
    confirm = client.get(response.url).content.decode()
    assert "通算上限の残り 21,500円" in confirm
    client.post(portal("confirm", application.pk))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_ineligible_council_is_refused_at_submission(client, world):
    rule = RuleFactory(
        programme__code="jigyo1",
        programme__name="合意形成支援事業",
        lifetime_cap=50_000,
        eligible_stages=[Stage.PREPARING.value],
    )
    client.force_login(world.secretary)  # 山目 has its plan adopted: not eligible
    data = application_data(world, amount="30000", programme=rule.programme.pk)
    response = client.post(portal("new"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "対象になりません" in errors and "地域づくり計画策定済" in errors
    assert not Application.objects.exists()


def test_proxy_entry_records_who_entered_it(staff, world):
    data = application_data(world, action="submit", council=world.council.pk)
    response = staff.post(reverse("admin:subsidies_application_proxy"), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.proxy_entry and application.entered_by == world.staff
    assert application.status == Status.SUBMITTED
    event = application.events.latest("pk")
    assert (event.action, event.actor, event.actor_role) == ("proxy_submit", world.staff, "staff")
    page = staff.get(reverse("admin:subsidies_application_change", args=[application.pk]))
    assert "窓口代行入力" in page.content.decode()


def test_proxy_draft_refused_for_the_secretary_of_the_council(client, world):
    client.force_login(world.secretary)
    response = client.post(
        reverse("admin:subsidies_application_proxy"),
        application_data(world, action="submit", council=world.council.pk),
    )
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert not Application.objects.exists()


def test_report_attachments_are_kept_as_receipts(sec, staff, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.security.files import image_bytes

    application = file_and_submit(sec, world)
    staff_post(staff, application, "decide", amount="120000", decided_on=START.isoformat())
    data = report_form_data(
        [(world.juyohi.pk, "印刷", "100000")],
        grant="100000",
        files=[SimpleUploadedFile("領収書.png", image_bytes("png"))],
    )
    assert sec.post(portal("report", application.pk), data).status_code == 302
    attachment = application.attachments.get()
    assert (attachment.kind, attachment.content_type) == (AttachmentKind.REPORT, "image/png")


@pytest.mark.parametrize(
    ("status", "label", "page"),
    [
        (Status.DRAFT, "編集・申請", "edit"),
        (Status.RETURNED, "修正して再申請", "edit"),
        (Status.DECIDED, "実績報告を提出", "report"),
        (Status.REPORT_RETURNED, "実績報告を再提出", "report"),
    ],
)
def test_detail_page_leads_to_the_councils_next_move(client, world, status, label, page):
    app = application_in(world, status)
    client.force_login(world.secretary)
    body = client.get(portal("detail", app.pk)).content.decode()
    assert f'<a class="button" href="{portal(page, app.pk)}">{label}</a>' in body


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REPORT_SUBMITTED, Status.COMPLETED])
def test_detail_page_has_no_next_move_while_the_city_acts(client, world, status):
    app = application_in(world, status)
    client.force_login(world.secretary)
    body = client.get(portal("detail", app.pk)).content.decode()
    assert portal("edit", app.pk) not in body
    assert portal("report", app.pk) not in body
