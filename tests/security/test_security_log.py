"""The security log over HTTP: each event that matters for access is one record of the
``security`` logger with who, when, from where, the city and the event; no password."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import Municipality
from core.security_log import JsonFormatter, client_ip, log_security_event
from tests.factories import CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

HOST = "ichinoseki.test"
PASSWORD = "test-password-123"


@pytest.fixture
def security_log(caplog):
    """caplog, also attached to the ``security`` logger (it does not propagate)."""
    logger = logging.getLogger("security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="security")
    yield caplog
    logger.removeHandler(caplog.handler)


def records(caplog, event=None):
    found = [r.security for r in caplog.records if r.name == "security"]
    return [r for r in found if event is None or r["event"] == event]


def login(client, username, password, url="/accounts/login/", **extra):
    return client.post(url, {"username": username, "password": password}, HTTP_HOST=HOST, **extra)


def test_a_failed_login_is_recorded_with_the_login_tried_and_the_address(security_log):
    UserFactory(username="clerk", is_staff=True)
    login(Client(), "clerk", "wrong-password", REMOTE_ADDR="192.0.2.10")
    (record,) = records(security_log, "login_failed")
    assert {k: record[k] for k in ("username", "ip", "city", "path", "method", "user")} == {
        "username": "clerk",
        "ip": "192.0.2.10",
        "city": "ichinoseki",
        "path": "/accounts/login/",
        "method": "POST",
        "user": "",
    }
    assert record["at"].startswith("20")
    assert "wrong-password" not in json.dumps(records(security_log))
    (logged,) = [r for r in security_log.records if r.name == "security"]
    assert logged.levelno == logging.WARNING


def test_a_successful_login_is_recorded_with_the_user(security_log):
    clerk = UserFactory(username="clerk", is_staff=True)
    login(Client(), "clerk", PASSWORD, url="/admin/login/?next=/admin/", REMOTE_ADDR="192.0.2.11")
    (record,) = records(security_log, "login_succeeded")
    assert (record["user"], record["user_id"], record["ip"]) == ("clerk", clerk.pk, "192.0.2.11")
    assert record["path"] == "/admin/login/"


def test_a_lock_is_recorded_when_it_starts_and_at_each_refused_attempt(security_log):
    UserFactory(username="clerk", is_staff=True)
    client = Client()
    for _ in range(5):
        login(client, "clerk", "wrong-password")
    login(client, "clerk", PASSWORD)
    locked = records(security_log, "login_locked")
    assert [r["username"] for r in locked] == ["clerk", "clerk"]
    assert locked[0]["locked_until"] == locked[1]["locked_until"]
    failed = records(security_log, "login_failed")
    assert [r["locked"] for r in failed] == [False] * 5 + [True]
    assert records(security_log, "login_succeeded") == []


def test_lifting_a_lock_is_recorded(security_log, admin_user):
    UserFactory(username="clerk", is_staff=True)
    for _ in range(5):
        login(Client(), "clerk", "wrong-password")
    staff = Client()
    staff.force_login(admin_user)
    clerk = UserFactory(username="clerk")
    staff.post(
        "/admin/core/user/",
        {"action": "lift_login_lock", "_selected_action": [clerk.pk]},
        HTTP_HOST=HOST,
    )
    (record,) = records(security_log, "lock_lifted")
    assert (record["user"], record["usernames"], record["attempts"]) == (
        "staff-admin",
        ["clerk"],
        1,
    )


def test_a_wrong_second_factor_is_recorded(security_log, settings, admin_user, city):
    settings.TWO_FACTOR_ENFORCED = True
    Municipality.objects.filter(pk=city.pk).update(staff_two_factor_required=True)
    TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    client = Client()
    login(client, admin_user.username, PASSWORD, url="/admin/login/")
    client.post("/accounts/two-factor/", {"code": "000000"}, HTTP_HOST=HOST)
    (record,) = records(security_log, "two_factor_failed")
    assert (record["user"], record["city"]) == ("staff-admin", "ichinoseki")


def test_a_refusal_to_a_logged_in_user_is_recorded(security_log, editor_user):
    client = Client()
    client.force_login(editor_user)
    response = client.get("/admin/core/user/", HTTP_HOST=HOST, REMOTE_ADDR="192.0.2.12")
    assert response.status_code == 403
    (record,) = records(security_log, "permission_denied")
    assert (record["user"], record["path"], record["status"], record["ip"]) == (
        "staff-editor",
        "/admin/core/user/",
        403,
        "192.0.2.12",
    )


def test_an_anonymous_refusal_is_not_a_permission_record(security_log, client):
    client.get("/admin/core/user/", HTTP_HOST=HOST)
    assert records(security_log, "permission_denied") == []


@pytest.mark.parametrize(
    ("replace", "event"),
    [(True, "secretary_handover"), (False, "secretary_account_issued")],
)
def test_issuing_and_handing_over_a_secretary_account_is_recorded(
    security_log, admin_client_staff, replace, event
):
    council = CouncilFactory(name="山目地域協働体")
    data = {"full_name": "菅原 次郎", "username": "sugawara"}
    if replace:
        data["replace_current"] = "on"
    url = reverse("admin:councils_council_secretary", args=[council.pk])
    response = admin_client_staff.post(url, data, HTTP_HOST=HOST)
    assert response.status_code == 200
    (record,) = records(security_log, event)
    assert (record["user"], record["council"], record["issued_username"]) == (
        "staff-admin",
        "山目地域協働体",
        "sugawara",
    )


def test_an_admin_download_is_recorded_as_an_export(security_log, admin_client_staff):
    response = admin_client_staff.get(
        "/admin/subsidies/application/ledger/?format=csv", HTTP_HOST=HOST
    )
    assert response.status_code == 200
    (record,) = records(security_log, "data_exported")
    assert record["user"] == "staff-admin"
    assert record["disposition"].startswith("attachment")
    assert record["path"] == "/admin/subsidies/application/ledger/"


def test_an_export_of_staff_names_is_recorded(security_log, admin_client_staff):
    from django.contrib import admin

    from staffing.models import StaffMember
    from tests.staffing.factories import StaffMemberFactory

    StaffMemberFactory(name="千葉 一郎")
    listing = admin_client_staff.get("/admin/staffing/staffmember/", HTTP_HOST=HOST)
    data = {"format": "0", "resource": "0"}
    model_admin = admin.site._registry[StaffMember]
    for resource in model_admin.get_export_resource_classes(listing.wsgi_request):
        for name in resource().get_export_order():
            data[f"{resource.__name__.lower()}_{name}"] = "on"
    export = admin_client_staff.post("/admin/staffing/staffmember/export/", data, HTTP_HOST=HOST)
    assert "千葉 一郎" in export.content.decode("utf-8-sig")
    (record,) = records(security_log, "data_exported")
    assert (record["user"], record["path"]) == (
        "staff-admin",
        "/admin/staffing/staffmember/export/",
    )


def test_an_idle_logout_is_recorded(security_log, admin_client_staff):
    import time

    from core.auth import LAST_ACTIVITY_SESSION_KEY

    session = admin_client_staff.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - 2 * 3600
    session.save()
    admin_client_staff.get("/admin/", HTTP_HOST=HOST)
    (record,) = records(security_log, "session_expired")
    assert record["user"] == "staff-admin"
    assert record["idle_seconds"] >= 7200


def test_records_are_written_as_one_json_object_a_line(security_log, rf):
    request = rf.get("/portal/", REMOTE_ADDR="192.0.2.13")
    log_security_event(request, "permission_denied", status=403)
    (logged,) = [r for r in security_log.records if r.name == "security"]
    line = JsonFormatter().format(logged)
    assert "\n" not in line
    data = json.loads(line)
    assert {k: data[k] for k in ("logger", "level", "event", "ip", "path", "status")} == {
        "logger": "security",
        "level": "INFO",
        "event": "permission_denied",
        "ip": "192.0.2.13",
        "path": "/portal/",
        "status": 403,
    }


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
