"""Periodic jobs: one plain list, ``settings.PERIODIC_JOBS``, of (name, cron, function).

``manage.py rqscheduler`` (core.task_queue.Scheduler) registers each as an rq-scheduler cron
job when it starts, under a fixed id, so starting it again (or starting two) changes nothing.
Each run goes through the ``run_periodic`` task, which first claims its time slot in Redis
with ``SET key NX EX``: rq-scheduler's lock lets one scheduler enqueue at a time, and the
claim makes a job enqueued twice for the same slot (two schedulers, a retry) run once.

Cron strings are read in the server's time zone (as rq-scheduler reads them). A function takes no argument and returns a short summary (counted
rows), which is logged and kept as the job's result.
"""

import contextlib
import logging
from datetime import UTC, datetime, timedelta

from croniter import croniter
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)

JOB_ID_PREFIX = "periodic-"
SLOT_KEY_PREFIX = "kyodo:periodic-slot:"


def periodic_jobs() -> dict[str, tuple[str, str]]:
    """{name: (cron, function path)} from settings.PERIODIC_JOBS."""
    return {name: (cron, path) for name, cron, path in settings.PERIODIC_JOBS}


def slot_of(cron: str, at: datetime) -> datetime:
    """The slot a run at ``at`` belongs to: the latest time the cron fired, at or before it."""
    # In the server's time zone, as rq-scheduler reads cron strings; croniter's previous
    # time is strictly before its start, so start just after ``at``.
    start = at.astimezone() + timedelta(microseconds=1)
    return croniter(cron, start).get_prev(datetime)


def slot_seconds(cron: str, slot: datetime) -> int:
    """How long a slot's claim is kept: until the next slot (at least a minute)."""
    following = croniter(cron, slot).get_next(datetime)
    return max(60, int((following - slot).total_seconds()))


def claim_slot(connection, name: str, cron: str, at: datetime) -> bool:
    """True for the first claim of the slot of ``at``; False for every later one."""
    slot = slot_of(cron, at)
    key = f"{SLOT_KEY_PREFIX}{name}:{slot.astimezone(UTC):%Y%m%dT%H%M}"
    return bool(
        connection.set(key, timezone.now().isoformat(), nx=True, ex=slot_seconds(cron, slot))
    )


def redis_connection():
    import django_rq

    return django_rq.get_connection("default")


@task()
def run_periodic(name: str) -> str:
    """Run the periodic job ``name`` unless its current slot has run already."""
    cron, path = periodic_jobs()[name]
    if not claim_slot(redis_connection(), name, cron, timezone.now()):
        logger.info("periodic job %s: slot already taken, skipped", name)
        return "skipped"
    outcome = str(import_string(path)())
    logger.info("periodic job %s: %s", name, outcome)
    return outcome


def register_periodic_jobs(scheduler) -> list[str]:
    """Put every periodic job on ``scheduler``'s cron (again), dropping ones no longer listed.

    A job already registered with the same cron is left as it is (its next run stays), so
    restarting the scheduler, or running two, schedules nothing twice.
    """
    from django_tasks_rq.backend import Callback, failed_callback, success_callback
    from rq.exceptions import NoSuchJobError

    wanted = periodic_jobs()
    registered = []
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_ID_PREFIX):
            name = job.id.removeprefix(JOB_ID_PREFIX)
            if name not in wanted or job.meta.get("cron_string") != wanted[name][0]:
                scheduler.cancel(job)
                with contextlib.suppress(NoSuchJobError):
                    job.delete()
            else:
                registered.append(name)
    for name, (cron, _path) in wanted.items():
        if name in registered:
            continue
        scheduler.cron(
            cron,
            func=run_periodic.module_path,
            args=[name],
            id=f"{JOB_ID_PREFIX}{name}",
            queue_name=run_periodic.queue_name,
            meta={"backend_name": run_periodic.backend},
            on_success=Callback(success_callback),
            on_failure=Callback(failed_callback),
            result_ttl=24 * 3600,
        )
        registered.append(name)
    return sorted(registered)


# --------------------------------------------------------------------------- the housekeeping


def clear_expired_sessions() -> str:
    """What ``manage.py clearsessions`` does: expired sessions out of the session store."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    try:
        engine.SessionStore.clear_expired()
    except NotImplementedError:
        return "the session engine clears itself"
    return "expired sessions cleared"


def _each_city():
    from core import tenancy
    from core.models import Municipality

    for city in Municipality.objects.order_by("pk"):
        with tenancy.city_scope(city):
            yield city


def expire_import_uploads(max_age=timedelta(days=1)) -> str:
    """Uploads checked but never confirmed within a day: the file and its job row go."""
    from core.models import ImportJob

    waiting = (ImportJob.Status.CHECKING, ImportJob.Status.CHECKED, ImportJob.Status.REFUSED)
    removed = 0
    for _city in _each_city():
        old = ImportJob.objects.filter(status__in=waiting, created_at__lt=timezone.now() - max_age)
        for job in old:
            if job.upload:
                job.upload.delete(save=False)
            job.delete()
            removed += 1
    return f"{removed} unconfirmed uploads removed"


def expire_stored_files(folder: str, max_age=timedelta(days=1)) -> int:
    """Delete the files directly under ``folder`` of the default storage last written more
    than ``max_age`` ago (files kept for a while on behalf of a form that may never come
    back); the number deleted."""
    from django.core.files.storage import default_storage

    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - max_age
    removed = 0
    for name in names:
        path = f"{folder}/{name}"
        with contextlib.suppress(FileNotFoundError):
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
    return removed


def fail_stalled_imports() -> str:
    """Imports queued or running far longer than any job may run (their worker died and the
    retries ran out, or the queue lost them) are marked 失敗; their rows were never saved."""
    from core.models import ImportJob

    limit = timezone.now() - timedelta(seconds=settings.RQ_QUEUES["default"]["DEFAULT_TIMEOUT"] * 2)
    stalled = 0
    for _city in _each_city():
        stalled += ImportJob.objects.filter(
            status__in=(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            started_at__lt=limit,
        ).update(
            status=ImportJob.Status.FAILED,
            error=(
                "取り込みの処理が途中で止まったため、1件も取り込みませんでした。"
                "もう一度ファイルを選んで取り込んでください。"
            ),
            finished_at=timezone.now(),
        )
    return f"{stalled} stalled imports marked failed"
