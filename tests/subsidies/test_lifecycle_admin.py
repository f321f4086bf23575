"""Every lifecycle admin page answers 200 for the administrator group; the demo loads
applications in every status and is idempotent."""

import pytest
from django.apps import apps
from django.urls import reverse

from demo import councils as councils_demo
from demo import subsidies as demo
from subsidies.models import (
    Application,
    ApplicationEvent,
    ApplicationLine,
    Attachment,
    DocumentCounter,
    Notice,
    Status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ichinoseki(db):
    councils_demo.load()
    demo.load()


def test_demo_covers_the_lifecycle(ichinoseki):
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.DECIDED,
        Status.REFUSED,
        Status.REPORT_SUBMITTED,
        Status.COMPLETED,
    } <= statuses
    yamanome = Application.objects.filter(council__name="山目地域協働体")
    assert {a.status for a in yamanome} >= {Status.DRAFT, Status.RETURNED, Status.COMPLETED}
    second_year = Application.objects.get(council__name="磐清水地域協働体", fiscal_year=2026)
    assert (second_year.decided_amount, second_year.advance_amount) == (21_500, 21_500)
    first_year = Application.objects.get(council__name="磐清水地域協働体", fiscal_year=2025)
    assert (first_year.confirmed_amount, first_year.refunded_amount) == (28_500, 1_500)
    assert not ApplicationEvent.objects.filter(actor__isnull=False).exists()


def test_demo_is_idempotent_with_applications(ichinoseki):
    def counts():
        models = (Application, ApplicationEvent, ApplicationLine, Notice, DocumentCounter)
        history = apps.get_model("subsidies", "HistoricalSubsidyProgramme")
        return [m.objects.count() for m in models] + [history.objects.count()]

    first = counts()
    demo.load()
    assert counts() == first


def test_every_lifecycle_admin_page_answers_200(admin_client_staff, ichinoseki):
    application = Application.objects.filter(notices__isnull=False).first()
    notice = application.notices.first()
    pages = [
        reverse("admin:subsidies_application_changelist"),
        reverse("admin:subsidies_application_change", args=[application.pk]),
        reverse("admin:subsidies_application_proxy"),
        reverse("admin:subsidies_application_ledger"),
        reverse("admin:subsidies_application_notice", args=[application.pk, notice.pk]),
    ]
    for model in (ApplicationEvent, Notice, Attachment, ApplicationLine, DocumentCounter):
        pages.append(reverse(f"admin:subsidies_{model._meta.model_name}_changelist"))
    pages.append(reverse("admin:subsidies_notice_change", args=[notice.pk]))
    pages.append(
        reverse(
            "admin:subsidies_applicationevent_change", args=[ApplicationEvent.objects.first().pk]
        )
    )
    for application in Application.objects.all():
        pages.append(reverse("admin:subsidies_application_change", args=[application.pk]))
    for page in pages:
        assert admin_client_staff.get(page).status_code == 200, page
    for status, action in (
        (Status.SUBMITTED, "decide"),
        (Status.SUBMITTED, "return"),
        (Status.REPORT_SUBMITTED, "confirm"),
    ):
        app = Application.objects.filter(status=status).first()
        url = reverse("admin:subsidies_application_transition", args=[app.pk, action])
        assert admin_client_staff.get(url).status_code == 200, url
    # The demo's decided grants either had their advance or belong to programmes without
    # one: the page does not offer it and its URL sends staff back to the application.
    for app in Application.objects.filter(status=Status.DECIDED):
        url = reverse("admin:subsidies_application_transition", args=[app.pk, "pay_advance"])
        response = admin_client_staff.get(url)
        assert response.status_code == 302, url
