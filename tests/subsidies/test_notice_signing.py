"""Notices as the city issues them: 様式 number, mayor and seal wording in the content, the
PDF rendered once and kept with its SHA-256, signed (PAdES) with the city's certificate
when it has one, and the certificate uploaded in 自治体設定 with its password."""

import hashlib
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from asn1crypto import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from core import certificates, roles
from core.storage import private_storage
from demo.certificate import PASSWORD, self_signed_pkcs12
from subsidies import notices, signing
from subsidies.downloads import notice_response
from subsidies.models import Notice, NoticeKind, Status
from tests.factories import UserFactory

from .lifecycle import YEAR, application_in, step

pytestmark = pytest.mark.django_db

CERTIFICATE = self_signed_pkcs12("一関市長 佐藤 善仁", "一関市")


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def give_certificate(city, data=CERTIFICATE, password=PASSWORD):
    certificates.attach(city, certificates.open_upload(data, password))
    city.save()
    return city


def certificate_of(data: bytes, password: bytes):
    """The certificate in a PKCS#12 file, as a validator's trust root."""
    _key, cert, _chain = pkcs12.load_key_and_certificates(data, password)
    return x509.Certificate.load(cert.public_bytes(Encoding.DER))


def trust_root(city):
    """The city's certificate, as kept."""
    return certificate_of(*certificates.stored(city))


def decided(world, capture, **step_data):
    """A decision notice, with its PDF made as after a real commit."""
    app = application_in(world, Status.SUBMITTED)
    with capture(execute=True):
        step(app, "decide", world.staff, amount=120_000, decided_on=date(YEAR, 5, 20), **step_data)
    return app.notices.get()


def validate(pdf: bytes, root):
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))


def test_signed_notice_validates_with_the_city_certificate_as_trust_root(
    world, city, django_capture_on_commit_callbacks
):
    give_certificate(city)
    notice = decided(world, django_capture_on_commit_callbacks)
    assert notice.signed is True
    stored = private_storage.open(notice.pdf.name).read()
    assert notice.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    status = validate(stored, trust_root(city))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "一関市長 佐藤 善仁"
    assert status.timestamp_validity is None  # no timestamp authority set


def test_another_certificate_as_trust_root_is_not_trusted(
    world, city, django_capture_on_commit_callbacks
):
    give_certificate(city)
    notice = decided(world, django_capture_on_commit_callbacks)
    other = certificate_of(self_signed_pkcs12("他市長", "他市"), PASSWORD.encode())
    status = validate(notices.issued_pdf(notice), other)
    assert status.intact and not status.trusted


def test_every_download_serves_the_stored_file(world, city, django_capture_on_commit_callbacks):
    give_certificate(city)
    notice = decided(world, django_capture_on_commit_callbacks)
    first = notice_response(notice).content
    second = notice_response(Notice.objects.get(pk=notice.pk)).content
    assert first == second
    assert hashlib.sha256(first).hexdigest() == notice.pdf_sha256


def test_notice_shows_form_number_mayor_and_seal_omitted(
    world, city, django_capture_on_commit_callbacks
):
    notice = decided(world, django_capture_on_commit_callbacks)
    assert notice.content["form_number"] == "様式第2号"
    assert notice.content["mayor_title"] == "一関市長"
    assert notice.content["mayor_name"] == "佐藤 善仁"
    assert notice.content["seal"] == "公印省略"
    text = pdf_text(notices.issued_pdf(notice))
    for expected in ("様式第2号", "一関市長 佐藤 善仁", "（公印省略）", "通知書の確認"):
        assert expected in text, expected


def test_city_seal_wording_and_form_number_of_its_own(
    world, city, django_capture_on_commit_callbacks
):
    city.notice_seal_text = "（公印）"
    city.notice_form_decision = "様式第4号（第7条関係）"
    city.save()
    notice = decided(world, django_capture_on_commit_callbacks)
    text = pdf_text(notices.issued_pdf(notice))
    assert "様式第4号（第7条関係）" in text
    assert "（公印）" in text
    assert "公印省略" not in text


def test_each_kind_has_its_own_form_number(world, city, django_capture_on_commit_callbacks):
    app = application_in(world, Status.SUBMITTED)
    step(app, "refuse", world.staff, comment="対象外の事業です。")
    refusal = app.notices.get(kind=NoticeKind.REFUSAL)
    assert refusal.content["form_number"] == "様式第3号"
    confirmed = application_in(world, Status.CONFIRMED, refund=True)
    confirmation = confirmed.notices.get(kind=NoticeKind.CONFIRMATION)
    assert confirmation.content["form_number"] == "様式第7号"


def test_issued_pdf_stays_the_same_after_the_city_changes_its_mayor(
    world, city, django_capture_on_commit_callbacks
):
    notice = decided(world, django_capture_on_commit_callbacks)
    issued = notices.issued_pdf(notice)
    city.mayor_name = "新しい 市長"
    city.notice_seal_text = "印"
    city.save()
    again = notices.issued_pdf(Notice.objects.get(pk=notice.pk))
    assert again == issued
    assert "佐藤 善仁" in pdf_text(again)


def test_unsigned_city_notice_is_kept_with_its_hash(
    world, city, django_capture_on_commit_callbacks
):
    notice = decided(world, django_capture_on_commit_callbacks)
    assert notice.signed is False
    pdf = notices.issued_pdf(notice)
    assert hashlib.sha256(pdf).hexdigest() == notice.pdf_sha256
    assert PdfFileReader(io.BytesIO(pdf)).embedded_signatures == []


def test_notice_without_a_kept_file_gets_one_on_its_first_download(world, city):
    app = application_in(world, Status.DECIDED)  # no commit: no file kept yet
    notice = app.notices.get()
    assert (notice.pdf.name, notice.pdf_sha256) == ("", "")
    first = notice_response(notice).content
    notice.refresh_from_db()
    assert notice.pdf_sha256 == hashlib.sha256(first).hexdigest()
    assert notice_response(notice).content == first


def test_a_second_render_never_replaces_the_kept_file(world, city):
    app = application_in(world, Status.DECIDED)
    notice = app.notices.get()
    stale = Notice.objects.get(pk=notice.pk)  # read before the first download kept a file
    kept = notices.issued_pdf(notice)
    assert notices.store_issued_pdf(stale) == kept
    notice.refresh_from_db()
    assert notice.pdf_sha256 == hashlib.sha256(kept).hexdigest()
    files = private_storage.listdir("notices")[1]
    assert len(files) == 1


def test_signature_carries_the_timestamp_of_the_city_tsa(
    world, city, django_capture_on_commit_callbacks, monkeypatch
):
    give_certificate(city)
    signer = signing.signer_for(city)
    tsa = DummyTimeStamper(
        tsa_cert=signer.signing_cert,
        tsa_key=signer.signing_key,
        fixed_dt=datetime(2026, 5, 20, 1, 0, tzinfo=UTC),
    )
    monkeypatch.setattr(signing, "timestamper_for", lambda city: tsa)
    notice = decided(world, django_capture_on_commit_callbacks)
    status = validate(notices.issued_pdf(notice), trust_root(city))
    assert status.intact and status.valid
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.timestamp == datetime(2026, 5, 20, 1, 0, tzinfo=UTC)


def test_unreachable_tsa_signs_without_a_timestamp(world, city, django_capture_on_commit_callbacks):
    city.notice_tsa_url = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port
    give_certificate(city)
    notice = decided(world, django_capture_on_commit_callbacks)
    assert notice.signed is True
    status = validate(notices.issued_pdf(notice), trust_root(city))
    assert status.intact and status.valid and status.timestamp_validity is None


# ------------------------------------------------------------------ 自治体設定


@pytest.fixture
def city_admin_client(client, city, staff_groups):
    user = UserFactory(username="ichinoseki-admin", is_staff=True, municipality=city)
    user.groups.add(staff_groups[roles.ADMINISTRATOR])
    client.force_login(user)
    return client


def settings_form(city, **extra):
    fields = (
        "department", "mayor_title", "mayor_name", "council_term", "centre_term",
        "era_display", "session_idle_minutes", "notice_form_decision", "notice_form_refusal",
        "notice_form_change", "notice_form_confirmation", "notice_seal_text", "notice_tsa_url",
    )  # fmt: skip
    return {**{name: getattr(city, name) for name in fields}, **extra}


def post_settings(client, city, **extra):
    return client.post(
        f"/admin/core/municipality/{city.pk}/change/",
        settings_form(city, **extra),
        HTTP_HOST="ichinoseki.test",
    )


def p12(data=CERTIFICATE, name="ichinoseki.p12"):
    return SimpleUploadedFile(name, data, content_type="application/x-pkcs12")


def test_city_admin_uploads_the_certificate_and_its_password_is_not_kept(city_admin_client, city):
    response = post_settings(
        city_admin_client, city, certificate_file=p12(), certificate_password=PASSWORD
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.notice_certificate.name.startswith(f"certificates/city-{city.pk}/")
    assert city.notice_certificate_subject == "CN=一関市長 佐藤 善仁,O=一関市,C=JP"
    kept = private_storage.open(city.notice_certificate.name).read()
    assert PASSWORD.encode() not in kept
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(kept, PASSWORD.encode())  # re-locked with our key
    assert signing.signer_for(city) is not None
    page = city_admin_client.get(
        f"/admin/core/municipality/{city.pk}/change/", HTTP_HOST="ichinoseki.test"
    )
    assert "CN=一関市長 佐藤 善仁" in page.content.decode()
    assert PASSWORD not in page.content.decode()


@pytest.mark.parametrize(
    "upload, password, message",
    [
        (CERTIFICATE, "wrong-password", "証明書を開けませんでした。パスワードが正しいか"),
        (CERTIFICATE, "", "証明書を開けませんでした。パスワードが正しいか"),
        (b"%PDF-1.7 not a certificate", PASSWORD, "証明書を開けませんでした。"),
        (
            self_signed_pkcs12("一関市長", "一関市", days=-2),
            PASSWORD,
            "この証明書は有効期限が切れています",
        ),
    ],
    ids=["wrong password", "no password", "not PKCS#12", "expired"],
)
def test_certificate_that_does_not_open_is_refused_and_nothing_changes(
    city_admin_client, city, upload, password, message
):
    give_certificate(city)
    before = (city.notice_certificate.name, city.notice_certificate_subject, city.mayor_name)
    response = post_settings(
        city_admin_client,
        city,
        mayor_name="変える 名前",
        certificate_file=p12(upload),
        certificate_password=password,
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["certificate_file"]
    assert message in errors["certificate_file"][0]
    city.refresh_from_db()
    assert (
        city.notice_certificate.name,
        city.notice_certificate_subject,
        city.mayor_name,
    ) == before
    assert private_storage.listdir(f"certificates/city-{city.pk}")[1] == [
        city.notice_certificate.name.rsplit("/", 1)[1]
    ]


def test_city_admin_removes_the_certificate(
    city_admin_client, city, django_capture_on_commit_callbacks
):
    give_certificate(city)
    name = city.notice_certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        response = post_settings(city_admin_client, city, certificate_remove="on")
    assert response.status_code == 302
    city.refresh_from_db()
    assert (city.notice_certificate.name, city.notice_certificate_subject) == ("", "")
    assert not private_storage.exists(name)
    assert signing.signer_for(city) is None


def test_certificate_expiry_is_kept_for_the_admin(city):
    data = self_signed_pkcs12("一関市長", "一関市", days=30)
    give_certificate(city, data)
    left = city.notice_certificate_expires_at - datetime.now(UTC)
    assert timedelta(days=29) < left <= timedelta(days=30)


def test_staff_see_the_kept_hash_on_the_notice_page(client, world, city):
    notice = application_in(world, Status.DECIDED).notices.get()
    notices.issued_pdf(notice)
    client.force_login(world.viewer)
    page = client.get(f"/admin/subsidies/notice/{notice.pk}/change/", HTTP_HOST="ichinoseki.test")
    assert page.status_code == 200
    assert notice.pdf_sha256 in page.content.decode()
