"""通知書の確認 (/notices/verify/): anyone holding a notice PDF learns whether the city issued
exactly that file; a changed byte, another city's number, a non-PDF or a malformed SHA-256
each get a Japanese answer, never a 500."""

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from core import certificates, tenancy
from demo.certificate import PASSWORD, self_signed_pkcs12
from subsidies import notices
from subsidies.models import Status
from tests.cities import make_city
from tests.subsidies.conftest import world  # noqa: F401 (the fixture)
from tests.subsidies.lifecycle import YEAR, application_in, step

pytestmark = pytest.mark.django_db

URL = "/notices/verify/"
MATCHED = '<h2 id="verify-result-title">一致しました</h2>'
HOST = "ichinoseki.test"


@pytest.fixture
def issued(world, city, django_capture_on_commit_callbacks):  # noqa: F811
    """A decision notice of 一関市 (signed with its certificate) and its PDF as issued."""
    data = self_signed_pkcs12("一関市長 佐藤 善仁", "一関市")
    certificates.attach(city, certificates.open_upload(data, PASSWORD))
    city.save()
    app = application_in(world, Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        step(app, "decide", world.staff, amount=120_000, decided_on=date(YEAR, 5, 20))
    notice = app.notices.get()
    return notice, notices.issued_pdf(notice)


def pdf_upload(data: bytes, name="通知書.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def verify(client, host=HOST, **data):
    return client.post(URL, data, HTTP_HOST=host)


def text(response) -> str:
    return response.content.decode()


def test_the_form_opens_without_login(client):
    response = client.get(URL, HTTP_HOST=HOST)
    assert response.status_code == 200
    page = text(response)
    assert "<h1>通知書の確認</h1>" in page
    assert 'enctype="multipart/form-data"' in page
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_issued_file_matches_with_number_kind_and_date(client, issued):
    notice, pdf = issued
    response = verify(client, document_number=notice.document_number, pdf=pdf_upload(pdf))
    assert response.status_code == 200
    page = text(response)
    assert MATCHED in page
    assert "<dt>文書番号</dt><dd>一関ま第1号</dd>" in page
    assert "<dt>種類</dt><dd>交付決定通知書</dd>" in page
    assert f"<dd>{notice.content['issued_on']}</dd>" in page
    assert "月20日</dd>" in page and "<dd>令和" in page
    assert "あり（一関市の電子署名付きで発行しました）" in page
    assert hashlib.sha256(pdf).hexdigest() in page


def test_full_width_digits_of_the_number_as_typed_from_paper(client, issued):
    notice, pdf = issued
    response = verify(client, document_number=" 一関ま第１号 ", pdf=pdf_upload(pdf))
    assert MATCHED in text(response)


def test_one_changed_byte_does_not_match(client, issued):
    notice, pdf = issued
    changed = bytearray(pdf)
    middle = len(changed) // 2
    changed[middle] = (changed[middle] + 1) % 256
    response = verify(client, document_number=notice.document_number, pdf=pdf_upload(changed))
    page = text(response)
    assert '<h2 id="verify-result-title">一致しません</h2>' in page
    assert MATCHED not in page
    assert "<dt>種類</dt>" not in page  # nothing about the notice is told


def test_pasted_sha256_matches_in_capitals_and_with_spaces(client, issued):
    notice, pdf = issued
    digest = hashlib.sha256(pdf).hexdigest().upper()
    pasted = f" {digest[:32]} {digest[32:]}\n"
    response = verify(client, document_number=notice.document_number, sha256=pasted)
    assert MATCHED in text(response)


def test_unsigned_city_notice_is_still_verifiable_by_its_hash(client, world, city):  # noqa: F811
    app = application_in(world, Status.DECIDED)
    notice = app.notices.get()
    pdf = notices.issued_pdf(notice)  # the first download keeps it
    assert notice.signed is False
    response = verify(client, document_number=notice.document_number, pdf=pdf_upload(pdf))
    page = text(response)
    assert MATCHED in page
    assert "なし（電子署名なしで発行しました。" in page


def test_another_city_host_does_not_find_the_number(client, issued):
    notice, pdf = issued
    make_city("yamaguchi")
    response = verify(
        client, host="yamaguchi.test", document_number=notice.document_number, pdf=pdf_upload(pdf)
    )
    page = text(response)
    assert response.status_code == 200
    assert '<h2 id="verify-result-title">見つかりません</h2>' in page
    assert "山口市では発行していません" in page
    assert MATCHED not in page


def test_unknown_number_is_not_found(client, issued):
    _notice, pdf = issued
    response = verify(client, document_number="一関ま第999号", pdf=pdf_upload(pdf))
    assert "見つかりません" in text(response)


def test_notice_without_a_kept_file_cannot_be_checked_yet(client, world, city):  # noqa: F811
    notice = application_in(world, Status.DECIDED).notices.get()
    response = verify(client, document_number=notice.document_number, sha256="a" * 64)
    assert "照合できません" in text(response)


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"pdf": SimpleUploadedFile("写真.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)},
            "pdf",
            "「写真.png」はPDFファイルではありません。",
        ),
        ({"pdf": SimpleUploadedFile("空.pdf", b"")}, "pdf", "選んだファイルは空です。"),
        ({"sha256": "abc123"}, "sha256", "（6文字入力されています）"),
        ({"sha256": "g" * 64}, "sha256", "0〜9とa〜fの64文字で入力してください"),
        ({}, "__all__", "通知書のPDFファイルを選ぶか、そのSHA-256を貼り付けてください。"),
    ],
    ids=["not a PDF", "empty file", "short hash", "not hex", "nothing"],
)
def test_bad_input_gets_a_message_next_to_its_field(client, issued, data, field, message):
    notice, _pdf = issued
    response = verify(client, document_number=notice.document_number, **data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert "verify-result" not in text(response)


def test_file_and_a_different_pasted_hash_are_refused(client, issued):
    notice, pdf = issued
    response = verify(
        client, document_number=notice.document_number, pdf=pdf_upload(pdf), sha256="0" * 64
    )
    assert list(response.context["form"].errors) == ["sha256"]


def test_missing_number_is_asked_for(client, issued):
    _notice, pdf = issued
    response = verify(client, pdf=pdf_upload(pdf))
    assert list(response.context["form"].errors) == ["document_number"]


def test_file_over_the_limit_is_refused_by_its_size(client, issued, settings):
    notice, pdf = issued
    settings.NOTICE_VERIFY_MAX_BYTES = len(pdf) - 1
    response = verify(client, document_number=notice.document_number, pdf=pdf_upload(pdf))
    assert response.status_code == 200
    assert "ファイルが大きすぎます" in response.context["form"].errors["pdf"][0]


def test_body_far_over_the_limit_is_not_read(client, issued, settings):
    notice, _pdf = issued
    settings.NOTICE_VERIFY_MAX_BYTES = 1024
    big = b"%PDF-" + b"0" * 200_000
    response = verify(client, document_number=notice.document_number, pdf=pdf_upload(big))
    assert response.status_code == 413
    assert "ファイルが大きすぎます（0MBまで）" in text(
        response
    ) or "ファイルが大きすぎます" in text(response)


def test_answer_costs_a_fixed_number_of_queries(client, issued, django_assert_max_num_queries):
    notice, pdf = issued
    client.get(URL, HTTP_HOST=HOST)  # the host's city is looked up once, then cached
    # The request's savepoint, the notices of that number, its release.
    with django_assert_max_num_queries(3):
        verify(client, document_number=notice.document_number, pdf=pdf_upload(pdf))


def test_page_is_not_answered_for_another_city_by_its_own_scope(issued):
    notice, _pdf = issued
    other = make_city("yamaguchi")
    with tenancy.city_scope(other):
        result = notices.verify_notice(notice.document_number, notice.pdf_sha256)
    assert result.outcome == notices.Verification.NOT_FOUND


@fuzz_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    number=st.text(max_size=60),
    digest=st.text(alphabet=st.sampled_from("0123456789abcdefABCDEF g\x00\n-"), max_size=80),
)
def test_whatever_is_typed_gets_an_answer_never_a_500(client, number, digest):
    response = verify(client, document_number=number, sha256=digest)
    assert response.status_code == 200
