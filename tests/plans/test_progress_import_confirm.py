"""The progress re-import's confirm step names the checked upload by its stored name: only a
name this session's own dry run issued is read (and then removed); a path or another
user's upload is refused with a message, reads nothing, imports nothing, deletes nothing."""

import io

import pytest
import tablib
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from plans.models import ProgressEntry
from plans.resources import ProgressEntryResource

from .factories import EntryFactory, PlanFactory, PlanItemFactory, PolicyFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:plans_progressentry_import")
CONFIRM_URL = reverse("admin:plans_progressentry_process_import")
REFUSED = (
    "この取り込みは確定できません（この画面で確認した本人の、確定前のファイルだけを"
    "確定できます）。もう一度ファイルを選んで確認してください。何も取り込んでいません。"
)


@pytest.fixture
def plan():
    plan = PlanFactory(title="第2次一関市地域協働推進計画")
    policy = PolicyFactory(plan=plan, number="⑴", title="地域協働の仕組みと組織づくり")
    item = PlanItemFactory(policy=policy, number="事業1", title="合意形成の支援")
    EntryFactory(item=item, fiscal_year=2020, done="5地区を支援した。", meetings=5, participants=40)
    return plan


def _csv(user, plan, **changes) -> bytes:
    """The plan's progress as exported, with ``changes`` made to the one row."""
    exported = ProgressEntryResource(user=user).export(
        queryset=ProgressEntry.objects.filter(item__plan=plan)
    )
    rows = exported.dict
    rows[0].update(changes)
    dataset = tablib.Dataset(*[list(r.values()) for r in rows], headers=list(rows[0]))
    return dataset.export("csv").encode("utf-8-sig")


def _check(client, data: bytes):
    """The dry run: the confirm form's values, or None."""
    upload = io.BytesIO(data)
    upload.name = "progress.csv"
    response = client.post(IMPORT_URL, {"import_file": upload, "format": "0"})
    assert response.status_code == 200
    form = response.context.get("confirm_form")
    return form and dict(form.initial)


def _entry():
    return ProgressEntry.objects.values_list("done", "meetings", "participants").get()


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _refused(response):
    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == REFUSED


def test_reimport_dry_run_then_confirm_changes_the_rows(admin_user, plan, settings):
    client = _login(admin_user)
    data = _csv(admin_user, plan, 実施内容="7地区を支援した。", 開催回数="7", 延べ参加人数="1,234")
    confirm = _check(client, data)
    assert confirm is not None
    assert _entry() == ("5地区を支援した。", 5, 40)  # the dry run changed nothing

    response = client.post(CONFIRM_URL, confirm)
    assert response.status_code == 302
    assert _entry() == ("7地区を支援した。", 7, 1234)
    stored = settings.MEDIA_ROOT / "django-import-export" / confirm["import_file_name"]
    assert not stored.exists()  # the checked upload is removed once imported

    # The same confirmation again: that upload is gone and is not this session's any more.
    _refused(client.post(CONFIRM_URL, confirm))
    assert _entry() == ("7地区を支援した。", 7, 1234)


@pytest.mark.parametrize(
    "name", ["../private/secret.csv", "../../outside.csv", "0" * 32, ""], ids=repr
)
def test_confirm_with_a_name_not_issued_reads_and_deletes_nothing(admin_user, plan, settings, name):
    # A file under MEDIA_ROOT that would import cleanly if it were read.
    secret = settings.MEDIA_ROOT / "private" / "secret.csv"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(_csv(admin_user, plan, 実施内容="書き換え"))
    client = _login(admin_user)
    form = {"import_file_name": name, "original_file_name": "secret.csv", "format": "0"}

    _refused(client.post(CONFIRM_URL, form))

    assert secret.read_bytes() == _csv(admin_user, plan, 実施内容="書き換え")
    assert _entry() == ("5地区を支援した。", 5, 40)


def test_confirm_of_another_users_upload_is_refused(admin_user, editor_user, plan, settings):
    owner = _login(editor_user)
    confirm = _check(owner, _csv(editor_user, plan, 実施内容="編集者の更新"))
    stored = settings.MEDIA_ROOT / "django-import-export" / confirm["import_file_name"]
    assert stored.exists()

    _refused(_login(admin_user).post(CONFIRM_URL, confirm))
    assert stored.exists()
    assert _entry() == ("5地区を支援した。", 5, 40)

    # The uploader still confirms their own.
    assert owner.post(CONFIRM_URL, confirm).status_code == 302
    assert _entry() == ("編集者の更新", 5, 40)
