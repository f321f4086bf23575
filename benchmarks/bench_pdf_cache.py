"""A cached PDF against WhiteNoise serving a static file of the same size, both as WSGI calls.

The council page's PDF is rendered once (cold), then asked for again: the whole Django
stack (middleware, the city from the host, the view, the PDF cache on disk) answers it.
WhiteNoise, the static file server in the same middleware stack, serves a file of the
same number of bytes. Goal: the cached PDF in ≤ 2× WhiteNoise's time.
"""

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from whitenoise import WhiteNoise

GOAL = 2.0
RUNS = 30


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


def timed(app, path: str) -> tuple[float, bytes]:
    times, body = [], b""
    for _ in range(RUNS):
        start = time.perf_counter()
        status, body = call(app, path)
        times.append(time.perf_counter() - start)
        assert status.startswith("200"), (path, status)
    return statistics.median(times), body


def run():
    from tests.factories import CouncilFactory

    settings.MEDIA_ROOT = tempfile.mkdtemp()  # the PDF cache is kept in the default storage
    council = CouncilFactory(name="計測地域協働体")
    django_app = WSGIHandler()
    url = f"/councils/{council.pk}/pdf/"
    start = time.perf_counter()
    status, pdf = call(django_app, url)
    cold = time.perf_counter() - start
    assert status.startswith("200") and pdf.startswith(b"%PDF"), status

    static_root = Path(tempfile.mkdtemp())
    (static_root / "same-size.pdf").write_bytes(pdf)
    static_app = WhiteNoise(lambda environ, start_response: [], root=static_root, prefix="static/")

    static_seconds, static_body = timed(static_app, "/static/same-size.pdf")
    assert static_body == pdf
    times = []
    for _ in range(RUNS):
        cache.clear()  # else the anonymous page cache answers before the PDF cache
        start = time.perf_counter()
        status, body = call(django_app, url)
        times.append(time.perf_counter() - start)
        assert body == pdf
    pdf_seconds = statistics.median(times)
    page_cached, _ = timed(django_app, url)  # with the anonymous page cache in front

    print(f"PDF of {len(pdf) / 1024:.0f} KB")
    print(f"  {'first render':44} {cold * 1000:8.1f} ms")
    print(f"  {'cached PDF (page cache cleared)':44} {pdf_seconds * 1000:8.2f} ms")
    print(f"  {'cached PDF (page cache warm)':44} {page_cached * 1000:8.2f} ms")
    print(f"  {'WhiteNoise, static file of the same size':44} {static_seconds * 1000:8.2f} ms")
    for label, seconds in (("page cache cleared", pdf_seconds), ("page cache warm", page_cached)):
        ratio = seconds / static_seconds
        verdict = "meets" if ratio <= GOAL else "misses"
        print(
            f"  ratio cached PDF ({label}) / WhiteNoise: {ratio:.0f}×"
            f"  ({verdict} the goal ≤ {GOAL:.0f}×)"
        )
