"""The RQ backend (Redis DB 3): jobs are enqueued with retries, after the transaction
commits, carrying their city; a worker runs them inside that city."""

import django_rq
import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rq.job import Job

from core import tenancy
from core.models import ImportJob
from core.task_queue import RetryQueue, RQBackend
from councils.models import District
from reports.models import ReportJob
from reports.tasks import render_city_report, request_city_report
from tests.cities import make_city

from .conftest import run_worker_burst

pytestmark = pytest.mark.django_db


def queued_jobs():
    queue = django_rq.get_queue("default")
    return [Job.fetch(job_id, connection=queue.connection) for job_id in queue.job_ids]


def test_the_backend_is_ours_and_its_queue_retries(rq_backend):
    assert isinstance(render_city_report.get_backend(), RQBackend)
    assert isinstance(django_rq.get_queue("default"), RetryQueue)
    assert not [m for m in run_checks() if m.id == "core.E101"]


def test_a_queue_without_retries_is_reported_by_the_checks(rq_backend, settings):
    settings.RQ_QUEUES = {"default": {"URL": settings.RQ_QUEUES["default"]["URL"]}}
    errors = [m for m in run_checks() if m.id == "core.E101"]
    assert [e.msg for e in errors] == ["RQ queue 'default' does not retry jobs whose worker died"]


def test_a_job_is_enqueued_with_retries_and_its_city(
    rq_backend, admin_user, django_capture_on_commit_callbacks
):
    other = make_city("yamaguchi")
    with django_capture_on_commit_callbacks(execute=True):
        report = request_city_report(actor=admin_user, city=other)
    (job,) = queued_jobs()
    assert job.retries_left == 2
    assert job.func_name == "reports.tasks.render_city_report"
    assert list(job.args) == [report.pk, other.pk]
    assert job.meta["backend_name"] == "default"
    with tenancy.city_scope(other):
        assert ReportJob.objects.get(pk=report.pk).status == "queued"


def test_a_job_reaches_redis_only_when_its_transaction_commits(
    rq_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            render_city_report.enqueue(1, 2)
        assert queued_jobs() == []
    for callback in callbacks:
        callback()
    assert len(queued_jobs()) == 1


def test_a_worker_runs_the_import_job_inside_its_city(
    rq_backend, admin_client_staff, django_capture_on_commit_callbacks, city
):
    data = "地区コード,地区名\r\nT-001,本町地区\r\nT-002,髙田地区\r\n".encode()
    file = SimpleUploadedFile("d.csv", data)
    admin_client_staff.post(
        "/admin/councils/district/import/", {"import_file": file, "format": "0", "resource": "0"}
    )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_staff.post(
            "/admin/councils/district/process_import/", {"key": job.key}
        )
    # Queued, not run: the user is sent to the job's page, which reloads itself.
    assert response.status_code == 302
    page = admin_client_staff.get(response["Location"]).content.decode()
    assert "取込待ち" in page and 'http-equiv="refresh"' in page
    (queued,) = queued_jobs()
    assert list(queued.args) == [job.pk, city.pk] and queued.retries_left == 2
    assert District.objects.count() == 0

    with tenancy.city_scope(make_city("morioka")):  # whatever city the worker is in
        assert run_worker_burst()
    assert District.objects.count() == 2
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.summary["new"]) == ("done", 2, 2)
