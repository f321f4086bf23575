"""A cached PDF against WhiteNoise serving a static file of the same size, over HTTP.

The council page's PDF is rendered once (cold). Then gunicorn (one sync worker, DEBUG off,
Redis as the cache, the benchmark's database) serves, on a free port of 127.0.0.1:

- the cached PDF as an anonymous visitor gets it: answered by ``CachedPdfMiddleware``
  (``reports/pdf_files.py``) from its record, ahead of the session, user and city middleware;
- the same PDF with a session cookie: the whole stack, the view answered by the page cache;
- the same PDF asked with ``If-None-Match`` (304);
- WhiteNoise, in the same app, serving a static file of the PDF's bytes.

A Python client (``http.client``, the whole body read) asks them in turn, ``RUNS`` rounds after
``WARMUP``, so that the load of a shared machine falls on each alike; gunicorn's sync worker closes the connection after each answer, so every
request opens one, for both. Goal: the cached PDF's median ≤ 2× WhiteNoise's.

``PDF_BENCH_CACHE_URL`` (default redis://127.0.0.1:6379/11, flushed first) names the cache.
Over HTTP it needs a database another process can open (PostgreSQL); on SQLite only the
in-process figures (WSGI calls, no socket) are printed.
"""

import http.client
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

GOAL = 2.0
RUNS = 300
WARMUP = 30
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STATIC_NAME = "bench-same-size.pdf"


def call(app, path: str) -> tuple[str, bytes]:
    """One WSGI request for ``path``: the status line and the whole body."""
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver", "wsgi.errors": sys.stderr}
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO()
    started = []

    def start_response(status, headers, exc_info=None):
        started.append(status)

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return started[0], body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def _timed(port: int, kinds: dict) -> tuple[dict, dict]:
    """``WARMUP`` then ``RUNS`` rounds, each asking every kind once in turn (so that the load of
    the machine falls on all of them alike): the seconds of each request and the last body, by
    kind. ``kinds``: name → (path, headers, status)."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = {name: [] for name in kinds}
    bodies = {}
    try:
        for n in range(WARMUP + RUNS):
            for name, (path, headers, status) in kinds.items():
                start = time.perf_counter()
                client.request("GET", path, headers={"Host": "127.0.0.1", **headers})
                response = client.getresponse()
                bodies[name] = response.read()
                elapsed = time.perf_counter() - start
                assert response.status == status, (path, response.status, bodies[name][:200])
                if n >= WARMUP:
                    times[name].append(elapsed)
    finally:
        client.close()
    return times, bodies


def _line(label: str, times: list[float]) -> str:
    median = statistics.median(times) * 1000
    p90 = statistics.quantiles(times, n=10)[-1] * 1000
    return f"  {label:46} median {median:6.2f} ms  p90 {p90:6.2f} ms  {len(times) / sum(times):6.0f} req/s"


def over_http(url: str, pdf: bytes) -> None:
    cache_url = os.environ.get("PDF_BENCH_CACHE_URL", "redis://127.0.0.1:6379/11")
    import redis

    redis.Redis.from_url(cache_url).flushdb()  # no record or host left from an earlier run
    folder = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": cache_url,
        "DEBUG": "false",
        "SECRET_KEY": "pdf-bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the PDF cache rendered above
        "LOG_LEVEL": "ERROR",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    (folder / "static" / STATIC_NAME).write_bytes(pdf)  # before start: WhiteNoise scans once
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(port)
        start = time.perf_counter()
        first, body = _timed_once(port, url)
        first_seconds = time.perf_counter() - start
        etag = first.getheader("ETag")
        times, bodies = _timed(
            port,
            {
                "fast": (url, {}, 200),
                "stack": (url, {"Cookie": "sessionid=none"}, 200),
                "304": (url, {"If-None-Match": etag}, 304),
                "static": (f"/static/{STATIC_NAME}", {}, 200),
            },
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert bodies["fast"] == bodies["stack"] == body and len(bodies["static"]) == len(pdf)
    print(
        f"over HTTP: gunicorn, 1 sync worker, DEBUG off, cache {cache_url}, "
        f"{RUNS} rounds of the four requests in turn; PDF of {len(body) / 1024:.0f} KB"
    )
    print(f"  {'first request (the stack, PDF cache on disk)':46} {first_seconds * 1000:6.1f} ms")
    print(_line("cached PDF, anonymous (the fast path)", times["fast"]))
    print(_line("cached PDF, session cookie (stack, page cache)", times["stack"]))
    print(_line("cached PDF, If-None-Match (304)", times["304"]))
    print(_line("WhiteNoise, static file of the same size", times["static"]))
    static = statistics.median(times["static"])
    ratio = statistics.median(times["fast"]) / static
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"  ratio cached PDF / WhiteNoise: {ratio:.2f}×  ({verdict} the goal ≤ {GOAL:.0f}×)")
    print(f"  ratio stack / WhiteNoise: {statistics.median(times['stack']) / static:.2f}×")


def _timed_once(port: int, path: str):
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        client.request("GET", path, headers={"Host": "127.0.0.1"})
        response = client.getresponse()
        body = response.read()
        assert response.status == 200 and body.startswith(b"%PDF"), response.status
        return response, body
    finally:
        client.close()


def in_process(url: str, pdf: bytes) -> None:
    """The same, as WSGI calls in this process (no socket), with the local-memory cache."""
    from whitenoise import WhiteNoise

    django_app = WSGIHandler()
    static_root = Path(tempfile.mkdtemp())
    (static_root / STATIC_NAME).write_bytes(pdf)
    static_app = WhiteNoise(lambda environ, start_response: [], root=static_root, prefix="static/")

    def timed(app, path, *, clear=False):
        times = []
        for _ in range(RUNS // 10):
            if clear:
                cache.clear()  # no record, no page: the view reads the PDF cache on disk
            start = time.perf_counter()
            status, body = call(app, path)
            times.append(time.perf_counter() - start)
            assert status.startswith("200") and len(body) == len(pdf), (path, status)
        return statistics.median(times)

    static = timed(static_app, f"/static/{STATIC_NAME}")
    cleared = timed(django_app, url, clear=True)
    call(django_app, url)
    fast = timed(django_app, url)
    print("in process (WSGI calls, no socket, local-memory cache)")
    print(f"  {'cached PDF, record and page cache cleared':46} {cleared * 1000:6.2f} ms")
    print(f"  {'cached PDF, the fast path':46} {fast * 1000:6.2f} ms")
    print(f"  {'WhiteNoise, static file of the same size':46} {static * 1000:6.2f} ms")


def run():
    from tests.factories import CouncilFactory

    settings.MEDIA_ROOT = tempfile.mkdtemp()  # the PDF cache is kept in the default storage
    council = CouncilFactory(name="計測地域協働体")
    url = f"/councils/{council.pk}/pdf/"
    start = time.perf_counter()
    status, pdf = call(WSGIHandler(), url)
    cold = time.perf_counter() - start
    assert status.startswith("200") and pdf.startswith(b"%PDF"), status
    print(f"PDF of {len(pdf) / 1024:.0f} KB; first render {cold * 1000:.0f} ms")
    in_process(url, pdf)
    if connection.vendor != "postgresql":
        print("over HTTP: skipped (needs PostgreSQL, which a second process can open)")
        return
    over_http(url, pdf)
