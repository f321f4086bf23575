"""What the machines around the portal ask of it: is it alive, is it ready, and what a visitor
sees while the database is away.

- ``/healthz``: the process answers (no database, no cache), for a liveness probe.
- ``/readyz``: the database, the cache and the task queue answer, for a load balancer; 503 with
  the names of what failed otherwise.
- ``server_error``: the 500 handler of every URL configuration; a database that cannot be
  reached, whichever layer noticed it, gives the Japanese 503 page with ``Retry-After``.

Both probes are answered by ``HealthCheckMiddleware``, the outermost, before the host is checked
or looked up: a probe sent to a bare IP address, at any host, needs neither the cache nor the
database. The same views are routed in every URL configuration too, so that they resolve by
name at each kind of host.
"""

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache

RQ_BACKENDS = ("core.task_queue.RQBackend", "django_tasks_rq.RQBackend")

logger = logging.getLogger(__name__)


@never_cache
@transaction.non_atomic_requests
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)


def queue_redis_url() -> str | None:
    """The Redis URL of the task queue when the tasks run on RQ, else none (nothing to ask)."""
    if settings.TASKS["default"]["BACKEND"] not in RQ_BACKENDS:
        return None
    url = getattr(settings, "RQ_URL", None)
    if not url:
        queues = getattr(settings, "RQ_QUEUES", {})
        url = queues.get("default", {}).get("URL")
    return url or "redis://127.0.0.1:6379/0"


def check_queue() -> None:
    url = queue_redis_url()
    if url is None:
        return
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


CHECKS = {"database": check_database, "cache": check_cache, "queue": check_queue}


@never_cache
@transaction.non_atomic_requests
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means "not ready", named in the answer
            logger.warning("readyz: %s failed: %s", name, exc)
            results[name] = f"error: {type(exc).__name__}"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answer the probes first: before the HTTPS redirect, the host check and the city look-up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached."""
    while exc is not None:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(request) -> HttpResponse:
    """The Japanese 503 page, rendered without the request: its context processors would ask
    the database (the user, the messages) that is away."""
    context = {"municipality": getattr(request, "municipality", None)}
    body = loader.get_template("503.html").render(context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.UNAVAILABLE_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request):
    """handler500: the 503 page while the database is away, Django's 500 page otherwise."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request)


class RequestLogFields:
    """Logging filter: put the request's method, path, status and host (the city's) on the
    record, for the JSON log lines (LOG_FORMAT=json)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            record.method = request.method
            record.path = request.path
            record.host = request.META.get("HTTP_HOST", "")
            city = getattr(request, "municipality", None)
            if city is not None:
                record.city = city.slug or str(city.pk)
        status = getattr(record, "status_code", None)
        if status is not None:
            record.status = status
        return True
