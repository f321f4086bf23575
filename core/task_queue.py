"""Background jobs on RQ (Redis) through the Django Tasks API: ``TASKS_BACKEND=core.task_queue.RQBackend``.

What this adds to django-tasks-rq (settings: ``RQ_QUEUES``, ``RQ`` and ``RQ_*`` in
config/settings.py):

- ``RetryQueue``: every job is created with an RQ ``Retry``, so a job whose worker dies (the
  machine stops, the process is killed) is put back on the queue when a worker's maintenance
  finds it abandoned in the StartedJobRegistry, and runs again. Our jobs catch their own
  errors and record them, so a retry only ever follows a death.
- ``RetryQueue`` also waits for the surrounding database transaction to commit before it puts
  a job on Redis (django-rq's ``on_db_commit`` mode, which the backend's ``enqueue_job`` would
  bypass), so a worker never looks for a job row that is not committed yet.
- ``Worker``: how soon abandoned jobs are noticed (RQ_MAINTENANCE_INTERVAL,
  RQ_ABANDONED_AFTER; RQ's own 600 s and 60 s, and an idle worker's wait of 405 s on Redis,
  are long for staff waiting on an import).
- ``Scheduler``: ``manage.py rqscheduler`` registers the periodic jobs of
  ``settings.PERIODIC_JOBS`` when it starts (core.periodic).
"""

from django.conf import settings
from django.core.checks import Error
from django.db import connection, transaction
from django_rq.queues import DjangoRQ, DjangoScheduler
from django_tasks_rq.backend import RQBackend as BaseRQBackend
from rq import Retry
from rq import Worker as BaseWorker


class RetryQueue(DjangoRQ):
    """A django-rq queue whose jobs are retried after their worker dies."""

    def create_job(self, *args, retry=None, **kwargs):
        if retry is None and settings.RQ_RETRIES > 0:
            retry = Retry(max=settings.RQ_RETRIES)
        return super().create_job(*args, retry=retry, **kwargs)

    def enqueue_job(self, job, pipeline=None, **kwargs):
        if pipeline is None and self._commit_mode == "on_db_commit" and connection.in_atomic_block:
            transaction.on_commit(lambda: DjangoRQ.enqueue_job(self, job, **kwargs))
            return job
        return super().enqueue_job(job, pipeline=pipeline, **kwargs)


class RQBackend(BaseRQBackend):
    """django-tasks-rq's backend, checked to enqueue through ``RetryQueue``."""

    def check(self, **kwargs):
        yield from super().check(**kwargs)
        from django_rq.queues import get_queue_class
        from django_rq.settings import QUEUES

        for name in self.queues:
            if name in QUEUES and not issubclass(get_queue_class(QUEUES[name]), RetryQueue):
                yield Error(
                    f"RQ queue {name!r} does not retry jobs whose worker died",
                    hint="Set RQ_QUEUES[...]['QUEUE_CLASS'] = 'core.task_queue.RetryQueue'",
                    id="core.E101",
                )


class Worker(BaseWorker):
    """RQ's forking worker, noticing abandoned jobs within RQ_MAINTENANCE_INTERVAL seconds."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("maintenance_interval", settings.RQ_MAINTENANCE_INTERVAL)
        kwargs.setdefault("job_monitoring_interval", settings.RQ_JOB_MONITORING_INTERVAL)
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        # An idle worker waits on Redis this long, then runs its maintenance if it is due:
        # without the cap it would wait up to worker_ttl - 15 seconds (405 by default).
        return max(1, min(super().dequeue_timeout, self.maintenance_interval))

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        # RQ keeps a running job for 60 s after its last heartbeat; a dead worker's job is
        # taken up again that much sooner with a shorter grace.
        return super().get_heartbeat_ttl(job, working_time) - 60 + settings.RQ_ABANDONED_AFTER


class Scheduler(DjangoScheduler):
    """rq-scheduler that registers the periodic jobs (idempotently) as it starts."""

    def run(self, burst=False):
        from core.periodic import register_periodic_jobs

        register_periodic_jobs(self)
        return super().run(burst=burst)
