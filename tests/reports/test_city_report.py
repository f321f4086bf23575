import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.models import ReportJob
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_staff_request_whole_city_report_and_see_progress(client, admin_user):
    CouncilFactory(name="山目地域協働体")
    CouncilFactory(name="藤沢地域協働体")
    client.force_login(admin_user)
    response = client.post(reverse("admin:reports_reportjob_request"))
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (
        ReportJob.Status.DONE,
        2,
        2,
        100,
    )
    assert job.requested_by == admin_user
    listing = client.get(reverse("admin:reports_reportjob_changelist")).content.decode()
    assert "100%" in listing and "全地域協働体の一括PDFを作成" in listing

    client.logout()
    pdf = client.get(reverse("public:city_report_latest"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf))).pages)
    assert "山目地域協働体" in text and "藤沢地域協働体" in text


def test_no_report_yet_is_a_404(client):
    assert client.get(reverse("public:city_report_latest")).status_code == 404


def test_anonymous_cannot_request_a_report(client):
    response = client.post(reverse("admin:reports_reportjob_request"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not ReportJob.objects.exists()
