"""Fixtures for the queue tests: uploads in a temporary folder, and RQ on Redis DB 3.

Tests that need Redis take ``rq_redis``; they skip when Redis is unreachable (the SQLite run
of CI has none). Only DB 3 is flushed, before and after each of them.
"""

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/3"
RQ_BACKEND = {"default": {"BACKEND": "core.task_queue.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rq_redis(settings):
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    connection.flushdb()
    settings.RQ_QUEUES = {
        "default": {**settings.RQ_QUEUES["default"], "URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}
    }
    yield connection
    connection.flushdb()


@pytest.fixture
def rq_backend(settings, rq_redis):
    """Jobs go to RQ (Redis DB 3) instead of running inline."""
    settings.TASKS = RQ_BACKEND
    return rq_redis


def run_worker_burst():
    """Run every queued job in this process (RQ's SimpleWorker, which does not fork), so
    the job sees the test's database transaction."""
    from django_rq import get_worker
    from rq.worker import SimpleWorker

    return get_worker("default", worker_class=SimpleWorker).work(burst=True)
