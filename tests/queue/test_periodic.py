"""Periodic jobs: the list in settings, registered idempotently on the scheduler, run once per
slot however often they are enqueued; and the housekeeping they do."""

import secrets
from datetime import UTC, datetime, timedelta

import django_rq
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from freezegun import freeze_time

from core import periodic
from core.models import ImportJob
from tests.factories import UserFactory

from . import periodic_jobs

pytestmark = pytest.mark.django_db

COUNT = ("count", "*/15 * * * *", "tests.queue.periodic_jobs.count_run")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_run_belongs_to_the_latest_time_its_cron_fired():
    assert periodic.slot_of("*/15 * * * *", at("2026-12-01 10:00:00")) == at("2026-12-01 10:00")
    assert periodic.slot_of("*/15 * * * *", at("2026-12-01 10:14:59")) == at("2026-12-01 10:00")
    assert periodic.slot_of("*/15 * * * *", at("2026-12-01 10:15:00")) == at("2026-12-01 10:15")
    assert periodic.slot_of("17 * * * *", at("2026-12-01 10:16:00")) == at("2026-12-01 09:17")
    assert periodic.slot_seconds("*/15 * * * *", at("2026-12-01 10:15")) == 900


def test_a_slot_is_claimed_once(rq_redis):
    claims = [
        periodic.claim_slot(rq_redis, "count", COUNT[1], at(t))
        for t in ("2026-12-01 10:00:01", "2026-12-01 10:14:00", "2026-12-01 10:15:00")
    ]
    assert claims == [True, False, True]
    assert rq_redis.ttl("kyodo:periodic-slot:count:20261201T1015") == 900


def test_a_periodic_job_enqueued_twice_in_a_slot_runs_once(rq_redis, settings):
    settings.PERIODIC_JOBS = [COUNT]
    periodic_jobs.RUNS.clear()
    with freeze_time("2026-12-01 10:00:05"):
        outcomes = [periodic.run_periodic.call("count") for _ in range(3)]
    with freeze_time("2026-12-01 10:15:02"):
        outcomes.append(periodic.run_periodic.call("count"))
    assert outcomes == ["run 1", "skipped", "skipped", "run 2"]
    assert len(periodic_jobs.RUNS) == 2


def test_registering_twice_schedules_each_job_once(rq_backend, settings):
    settings.PERIODIC_JOBS = [COUNT, ("other", "0 3 * * *", "tests.queue.periodic_jobs.count_run")]
    scheduler = django_rq.get_scheduler("default")
    assert periodic.register_periodic_jobs(scheduler) == ["count", "other"]
    first = {job.id: job.meta["cron_string"] for job in scheduler.get_jobs()}
    assert periodic.register_periodic_jobs(scheduler) == ["count", "other"]
    assert (
        {job.id: job.meta["cron_string"] for job in scheduler.get_jobs()}
        == first
        == {
            "periodic-count": "*/15 * * * *",
            "periodic-other": "0 3 * * *",
        }
    )
    (job,) = [j for j in scheduler.get_jobs() if j.id == "periodic-count"]
    assert job.func_name == "core.periodic.run_periodic" and list(job.args) == ["count"]

    # A changed cron replaces its job; a job taken off the list is taken off the scheduler.
    settings.PERIODIC_JOBS = [("count", "*/5 * * * *", COUNT[2])]
    assert periodic.register_periodic_jobs(scheduler) == ["count"]
    assert {job.id: job.meta["cron_string"] for job in scheduler.get_jobs()} == {
        "periodic-count": "*/5 * * * *"
    }


def test_the_default_list_names_real_functions(settings):
    for name, cron, path in settings.PERIODIC_JOBS:
        assert callable(periodic.import_string(path)), name
        periodic.slot_of(cron, timezone.now())


# --------------------------------------------------------------------------- housekeeping


def test_expired_sessions_are_cleared():
    live, old = SessionStore(), SessionStore()
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert periodic.clear_expired_sessions() == "expired sessions cleared"
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def make_job(status, age, **fields):
    job = ImportJob(
        user=UserFactory(),
        model_label="councils.district",
        resource_path="councils.resources.DistrictResource",
        format_path="core.imports.reading.CSV",
        file_name=f"{status}.csv",
        key=secrets.token_urlsafe(32),
        status=status,
        created_at=timezone.now() - age,
        **fields,
    )
    job.upload.save("upload", ContentFile(b"x"), save=False)
    job.save()
    return job


def test_uploads_never_confirmed_within_a_day_are_removed(settings, tmp_path):
    day = timedelta(days=1)
    old = [make_job(s, day + timedelta(minutes=1)) for s in ("checking", "checked", "refused")]
    young = make_job("checked", day - timedelta(minutes=1))
    done = make_job("done", day * 3)
    assert periodic.expire_import_uploads() == "3 unconfirmed uploads removed"
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {young.pk, done.pk}
    assert not any(default_storage.exists(job.upload.name) for job in old)
    assert default_storage.exists(young.upload.name)


def test_imports_stalled_far_beyond_the_job_timeout_are_marked_failed(settings):
    settings.RQ_QUEUES = {"default": {**settings.RQ_QUEUES["default"], "DEFAULT_TIMEOUT": 600}}
    now = timezone.now()
    stalled = make_job("running", timedelta(hours=1), started_at=now - timedelta(minutes=21))
    queued = make_job("queued", timedelta(hours=1), started_at=now - timedelta(minutes=25))
    busy = make_job("running", timedelta(hours=1), started_at=now - timedelta(minutes=19))
    assert periodic.fail_stalled_imports() == "2 stalled imports marked failed"
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {stalled.pk: "failed", queued.pk: "failed", busy.pk: "running"}
    stalled.refresh_from_db()
    assert stalled.error == (
        "取り込みの処理が途中で止まったため、1件も取り込みませんでした。"
        "もう一度ファイルを選んで取り込んでください。"
    )
