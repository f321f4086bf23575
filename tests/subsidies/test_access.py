"""Role boundaries over HTTP: own council only (404 otherwise), staff transitions only for
staff with the change permission, anonymous visitors to the login page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from subsidies import services
from subsidies.models import Attachment, Status

from .http import application_data, lines_data, portal, staff_post
from .lifecycle import application_in, snapshot

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 200


@pytest.fixture
def decided(world):
    """A decided application of 山目 with an attachment and a notice."""
    application = application_in(world, Status.DECIDED)
    attachment = Attachment(
        application=application,
        original_name="見積書.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=world.secretary,
    )
    attachment.file.save("見積書.pdf", SimpleUploadedFile("見積書.pdf", PDF), save=False)
    attachment.save()
    return application


def own_urls(application):
    attachment = application.attachments.get()
    notice = application.notices.get()
    return [
        portal("detail", application.pk),
        portal("history", application.pk),
        portal("attachment", application.pk, attachment.pk),
        portal("notice", application.pk, notice.pk),
        portal("edit", application.pk),
        portal("report", application.pk),
        portal("change", application.pk),
        portal("confirm", application.pk),
    ]


def test_secretary_sees_own_application_attachment_history_and_notice(client, world, decided):
    client.force_login(world.secretary)
    for url in own_urls(decided)[:4]:
        assert client.get(url).status_code == 200, url


def test_other_councils_secretary_gets_404_everywhere(client, world, decided):
    client.force_login(world.other_secretary)
    for url in own_urls(decided):
        assert client.get(url).status_code == 404, url
    for name in ("withdraw", "change_withdraw"):
        assert client.post(portal(name, decided.pk)).status_code == 404
    attachment = decided.attachments.get()
    response = client.post(portal("attachment_delete", decided.pk, attachment.pk))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_other_councils_lists_and_dashboard_do_not_show_it(client, world, decided):
    client.force_login(world.other_secretary)
    for url in (portal("list"), reverse("portal:home")):
        assert decided.title not in client.get(url).content.decode()


def test_anonymous_gets_the_login_page(client, world, decided):
    for url in [*own_urls(decided), portal("list"), portal("new")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.get(reverse("admin:subsidies_application_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_secretary_cannot_call_staff_transitions(client, world):
    application = application_in(world, Status.SUBMITTED)
    client.force_login(world.secretary)
    before = snapshot(application)
    for action in ("decide", "return", "refuse"):
        response = staff_post(client, application, action, amount="120000", comment="x")
        assert response.status_code == 302 and "/admin/login/" in response.url
    assert snapshot(application) == before
    # Not through the service either, even when the secretary is also made is_staff.
    world.secretary.is_staff = True
    world.secretary.save()
    with pytest.raises(services.TransitionError) as refused:
        services.application_transition(
            application=application, action="decide", actor=world.secretary
        )
    assert refused.value.code == "role_not_allowed"
    assert snapshot(application) == before


def test_viewer_staff_can_look_but_not_act(client, world):
    application = application_in(world, Status.SUBMITTED)
    client.force_login(world.viewer)
    page = client.get(reverse("admin:subsidies_application_change", args=[application.pk]))
    assert page.status_code == 200
    assert "交付決定</a>" not in page.content.decode()
    before = snapshot(application)
    response = staff_post(client, application, "decide", amount="120000", decided_on="2026-05-01")
    assert response.status_code == 403
    assert snapshot(application) == before
    assert client.get(reverse("admin:subsidies_application_proxy")).status_code == 403


def test_editor_sees_the_transition_buttons(client, world):
    application = application_in(world, Status.SUBMITTED)
    client.force_login(world.staff)
    page = client.get(reverse("admin:subsidies_application_change", args=[application.pk]))
    html = page.content.decode()
    for label in ("差戻し", "交付決定", "不交付決定"):
        assert f">{label}</a>" in html


def test_secretary_cannot_file_for_another_council(client, world):
    """The council comes from the login, never from the form."""
    client.force_login(world.secretary)
    data = application_data(world, action="save", council=world.other.pk)
    client.post(portal("new"), data)
    assert [a.council for a in world.council.subsidy_applications.all()] == [world.council]
    assert not world.other.subsidy_applications.exists()


def test_staff_download_attachment_and_notice_in_admin(client, world, decided, viewer_user):
    client.force_login(viewer_user)
    attachment = decided.attachments.get()
    notice = decided.notices.get()
    url = reverse("admin:subsidies_application_attachment", args=[decided.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    url = reverse("admin:subsidies_application_notice", args=[decided.pk, notice.pk])
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_report_form_needs_own_council(client, world, decided):
    client.force_login(world.other_secretary)
    data = {"report_text": "x", **lines_data([(world.juyohi.pk, "", "1")])}
    assert client.post(portal("report", decided.pk), data).status_code == 404
    decided.refresh_from_db()
    assert decided.status == Status.DECIDED
