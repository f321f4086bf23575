"""Settings for the fault scripts' processes (benchmarks/faults_*.py): the project's, with jobs
on RQ, an abandoned job noticed within seconds, and one periodic job that ticks every minute."""

from config.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "core.task_queue.RQBackend", "QUEUES": ["default"]}}
RQ_MAINTENANCE_INTERVAL = 1
RQ_ABANDONED_AFTER = 2
RQ_JOB_MONITORING_INTERVAL = 1
PERIODIC_JOBS = [("faults_tick", "* * * * *", "benchmarks.faults_periodic.tick")]
