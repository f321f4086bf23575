"""Imports through the admin as jobs: upload → check → confirm by key → the job's page.

With the immediate backend (the default, and the tests') the job runs inline and the confirm
step answers with the finished job's page.
"""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.imports import jobs
from core.models import ImportJob
from councils.models import District
from councils.resources import DistrictResource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/councils/district/import/"
CONFIRM_URL = "/admin/councils/district/process_import/"
DISTRICTS = (
    "地区コード,地区名,地区名（かな）,備考\r\n"
    "T-001,本町地区,ほんちょうちく,中心市街地\r\n"
    "T-002,髙田地区,たかだちく,\r\n"
    "T-003,川西地区,かわにしちく,\r\n"
    "T-004,舞川地区,まいかわちく,\r\n"
    "T-005,弥栄地区,やさかちく,\r\n"
).encode("utf-8-sig")


def upload(client, data=DISTRICTS, name="districts.csv", **extra):
    file = SimpleUploadedFile(name, data)
    return client.post(IMPORT_URL, {"import_file": file, "format": "0", "resource": "0"}, **extra)


@pytest.fixture
def other_admin(staff_groups):
    from core import roles

    user = UserFactory(username="staff-admin-2", is_staff=True)
    user.groups.add(staff_groups[roles.ADMINISTRATOR])
    return user


def test_upload_check_confirm_then_the_job_page_shows_it_done(admin_client_staff, admin_user):
    response = upload(admin_client_staff)
    page = response.content.decode()
    assert response.status_code == 200
    assert "新規 <strong>5</strong>件" in page
    job = ImportJob.objects.get()
    assert (job.status, job.user, job.rows_total, job.file_name) == (
        "checked",
        admin_user,
        5,
        "districts.csv",
    )
    # The confirm form names the upload by its key only: no path, no file name to trust.
    confirm = response.context["confirm_form"]
    assert list(confirm.fields) == ["key"]
    assert confirm.initial["key"] == job.key and len(job.key) >= 40
    assert job.upload.name not in page and "private/imports" not in page
    assert 'name="import_file_name"' not in page
    assert District.objects.count() == 0

    response = admin_client_staff.post(CONFIRM_URL, {"key": job.key, "confirm": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "取り込みが終わりました" in page
    assert "新規 <strong>5</strong>件、更新 <strong>0</strong>件、変更なし 0件" in page
    assert "地区を取り込みました（新規 5件、更新 0件、変更なし 0件）。" in page
    assert 'http-equiv="refresh"' not in page  # finished: the page no longer reloads
    assert District.objects.count() == 5
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.attempts) == ("done", 5, 5, 1)
    assert job.summary == {"new": 5, "update": 0, "unchanged": 0, "invalid": 0}
    assert not job.upload  # the stored upload is removed once imported

    # The job's own page, and the list of the user's imports.
    page = admin_client_staff.get(f"{IMPORT_URL}jobs/{job.pk}/").content.decode()
    assert "完了" in page and "5 / 5 行" in page
    page = admin_client_staff.get("/admin/core/importjob/").content.decode()
    assert "districts.csv" in page and f"{IMPORT_URL}jobs/{job.pk}/" in page


def test_the_same_key_cannot_be_confirmed_twice(admin_client_staff):
    upload(admin_client_staff)
    job = ImportJob.objects.get()
    admin_client_staff.post(CONFIRM_URL, {"key": job.key})
    response = admin_client_staff.post(CONFIRM_URL, {"key": job.key}, follow=True)
    assert "この取り込みは確定できません" in response.content.decode()
    assert District.objects.count() == 5


def test_another_users_key_is_refused_and_nothing_is_imported(client, admin_user, other_admin):
    client.force_login(admin_user)
    upload(client)
    job = ImportJob.objects.get()
    client.force_login(other_admin)
    response = client.post(CONFIRM_URL, {"key": job.key, "confirm": "1"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == IMPORT_URL
    assert (
        "この取り込みは確定できません（確認した本人の、確定前の取り込みだけを確定できます）。"
        "もう一度ファイルを選んで確認してください。何も取り込んでいません。"
    ) in page
    assert District.objects.count() == 0
    job.refresh_from_db()
    assert job.status == "checked"
    # Nor may the other user look at the job's page.
    assert client.get(f"{IMPORT_URL}jobs/{job.pk}/").status_code == 404


@pytest.mark.parametrize("key", ["", "x" * 65, "../../private/attachments/a.pdf", "0" * 43])
def test_a_made_up_key_or_a_path_is_refused(admin_client_staff, key):
    upload(admin_client_staff)
    response = admin_client_staff.post(CONFIRM_URL, {"key": key}, follow=True)
    assert "この取り込みは確定できません" in response.content.decode()
    assert District.objects.count() == 0


def test_a_file_above_the_row_threshold_is_checked_in_a_job_too(admin_client_staff, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 3
    response = upload(admin_client_staff)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}jobs/{job.pk}/"
    page = admin_client_staff.get(response["Location"]).content.decode()
    assert "確定待ち" in page
    assert "取り込むと、新規 <strong>5</strong>件、更新 <strong>0</strong>件" in page
    assert f'value="{job.key}"' in page and "取り込みを確定する" in page
    assert District.objects.count() == 0
    admin_client_staff.post(CONFIRM_URL, {"key": job.key})
    assert District.objects.count() == 5


def test_a_large_file_with_errors_is_refused_by_row_on_the_job_page(admin_client_staff, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    data = DISTRICTS + "T-001,本町地区,ほんちょうちく,\r\n".encode()
    response = upload(admin_client_staff, data=data, follow=True)
    page = response.content.decode()
    assert "誤りあり" in page and "1件も保存されていません" in page
    assert "<td>7行目</td>" in page and "2行目と同じ地区コードです" in page
    assert "取り込みを確定する" not in page
    job = ImportJob.objects.get()
    assert not job.upload  # nothing to confirm: the stored file is gone


def test_a_running_job_page_reloads_itself_without_script(admin_client_staff, admin_user):
    job = jobs.store_upload(
        user=admin_user,
        model=District,
        resource_class=DistrictResource,
        format_class=jobs.import_string("core.imports.reading.CSV"),
        file_name="districts.csv",
        data=DISTRICTS,
    )
    ImportJob.objects.filter(pk=job.pk).update(status="running", rows_total=400_000)
    jobs.cache.set(jobs.progress_key(job.pk), 123_456)
    page = admin_client_staff.get(f"{IMPORT_URL}jobs/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "<script" not in page.split("</head>")[1].split('id="footer"')[0]
    assert "取込中" in page and "123,456 / 400,000 行" in page
    assert "最新の状態を表示" in page


# --------------------------------------------------------------------------- all or nothing


def confirmed_job(client):
    upload(client)
    job = ImportJob.objects.get()
    return job


def test_an_error_half_way_leaves_none_of_the_rows(admin_client_staff, monkeypatch):
    job = confirmed_job(admin_client_staff)
    # Rows are written one by one, so the first rows really are in the database when the
    # third row fails.
    monkeypatch.setattr(DistrictResource._meta, "batch_size", 1)
    written = []
    original = DistrictResource.after_import_row

    def fail_on_row_3(self, row, row_result, **kwargs):
        original(self, row, row_result, **kwargs)
        written.append(District.objects.count())
        if kwargs["row_number"] == 3:
            raise RuntimeError("ディスクがいっぱいです")

    monkeypatch.setattr(DistrictResource, "after_import_row", fail_on_row_3)
    response = admin_client_staff.post(CONFIRM_URL, {"key": job.key})
    page = response.content.decode()
    assert written[2] == 2  # rows 1 and 2 were in the database when row 3 failed
    assert District.objects.count() == 0
    job.refresh_from_db()
    assert job.status == "failed" and job.get_status_display() == "失敗"
    assert job.error == (
        "ファイルに誤りがあるため、1件も取り込みませんでした（1か所）。"
        "直してから、もう一度ファイルを選んでください。"
    )
    assert job.problems == [
        {
            "row_label": "4行目",
            "column": "",
            "value": "",
            "message": "この行を取り込めませんでした: ディスクがいっぱいです",
        }
    ]
    assert "失敗" in page and "1件も保存されていません" in page and "ディスクがいっぱいです" in page


def test_a_crash_outside_the_rows_leaves_none_of_them(admin_client_staff, monkeypatch):
    job = confirmed_job(admin_client_staff)
    monkeypatch.setattr(DistrictResource._meta, "batch_size", 1)
    original = DistrictResource.import_data_inner

    def crash_after_the_rows(self, *args, **kwargs):
        original(self, *args, **kwargs)
        assert District.objects.count() == 5
        raise ConnectionError("データベースとの接続が切れました")

    monkeypatch.setattr(DistrictResource, "import_data_inner", crash_after_the_rows)
    admin_client_staff.post(CONFIRM_URL, {"key": job.key})
    assert District.objects.count() == 0
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == (
        "取り込みの途中でエラーが起きたため、1件も取り込みませんでした"
        "（ConnectionError: データベースとの接続が切れました）。"
        "もう一度ファイルを選んで取り込んでください。"
    )


def test_a_process_killed_mid_import_leaves_nothing_and_the_retry_imports_once(
    admin_client_staff, monkeypatch, city
):
    """SIGKILL cannot be caught: a BaseException that no handler catches stands in for it.
    The job stays 取込中 with nothing written; the queue's retry then imports it once."""
    job = confirmed_job(admin_client_staff)
    monkeypatch.setattr(DistrictResource._meta, "batch_size", 1)
    original = DistrictResource.after_import_row

    class Killed(BaseException):
        pass

    def killed_on_row_4(self, row, row_result, **kwargs):
        original(self, row, row_result, **kwargs)
        if kwargs["row_number"] == 4:
            raise Killed

    monkeypatch.setattr(DistrictResource, "after_import_row", killed_on_row_4)
    ImportJob.objects.filter(pk=job.pk).update(status="queued")  # confirmed, on the queue
    with pytest.raises(Killed):
        jobs.run_import.call(job.pk, city.pk)
    assert District.objects.count() == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)
    assert default_storage.exists(job.upload.name)  # kept for the retry

    monkeypatch.setattr(DistrictResource, "after_import_row", original)
    jobs.run_import.call(job.pk, city.pk)  # the retry
    jobs.run_import.call(job.pk, city.pk)  # a duplicate delivery: does nothing
    assert District.objects.count() == 5
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_done) == ("done", 2, 5)


def test_a_crash_between_the_rows_and_marking_the_job_done_leaves_nothing(
    admin_client_staff, monkeypatch, city
):
    """The rows and the job's 完了 are one transaction: a retry never imports twice."""
    job = confirmed_job(admin_client_staff)
    ImportJob.objects.filter(pk=job.pk).update(status="queued")

    class Killed(BaseException):
        pass

    def killed(result):
        assert District.objects.count() == 5
        raise Killed

    monkeypatch.setattr(jobs, "summary_of", killed)
    with pytest.raises(Killed):
        jobs.run_import.call(job.pk, city.pk)
    assert District.objects.count() == 0
    job.refresh_from_db()
    assert job.status == "running"
