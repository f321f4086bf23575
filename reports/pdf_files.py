"""Cached public PDFs answered ahead of the middleware stack, straight from the storage.

A public page's PDF (``…/pdf/``) that an anonymous visitor has had once is recorded in the
shared cache (Redis in production) under its city, both generations of the public page cache
(``reports.cache``) and its full path: the stored file's name, its ETag and what the headers
say. ``CachedPdfMiddleware`` comes right after the security headers (HSTS, nosniff, the CSP,
the Permissions-Policy) and WhiteNoise, and answers such a request from that record: the city
from the host and the record from the cache, with no session, no user, no URL resolution and
no query, and the file streamed from the default storage (``sendfile`` on a local disk).

Correctness is the page cache's: publishing or unpublishing anything in a city bumps its
generation, so every record made before is never read again (a council or plan unpublished
after its PDF was cached is not served); the key carries the city found for the host, so
another city's host never reads it. Only requests with no session cookie are answered here;
everything else, and every miss, goes through the whole stack, where the anonymous render
limit (``core.pdf.claim_render``) still guards the renders (a file served from here renders
nothing).
"""

import hashlib
from email.utils import formatdate

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.utils.cache import get_conditional_response

from .cache import pdf_file_key

CACHE_CONTROL = "public, max-age=60"  # as the page cache sends its pages
VARY = "Accept-Language, Cookie"  # as the whole stack's answer says


def pdf_etag(pdf: bytes) -> str:
    return f'"{hashlib.sha256(pdf).hexdigest()[:32]}"'


def describe(response, *, name: str, pdf: bytes, last_modified: float) -> None:
    """Give a PDF response of the whole stack its validators, and what the middleware needs
    to record it (``response.public_pdf``)."""
    etag = pdf_etag(pdf)
    response["ETag"] = etag
    response["Last-Modified"] = formatdate(last_modified, usegmt=True)
    response.public_pdf = {
        "name": name,
        "etag": etag,
        "last_modified": int(last_modified),
        "size": len(pdf),
        "disposition": response["Content-Disposition"],
    }


def is_pdf_path(path: str) -> bool:
    return path.endswith("/pdf/")


class CachedPdfMiddleware:
    """Answer a recorded public PDF before the rest of the stack; record the ones it serves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or not is_pdf_path(request.path_info)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        from core.cities import city_for_host

        try:
            city = city_for_host(request.get_host())
        except DisallowedHost:
            return self.get_response(request)  # the stack answers it (400)
        if city is None:
            return self.get_response(request)
        key = pdf_file_key(city.pk, request.get_full_path())  # generations read before the view
        entry = cache.get(key)
        if entry is not None:
            response = answer(request, entry)
            if response is not None:
                return response
            cache.delete(key)  # the file was evicted: render it again below
        response = self.get_response(request)
        record = getattr(response, "public_pdf", None)
        if (
            record is not None
            and request.method == "GET"
            and response.status_code == 200
            and getattr(getattr(request, "municipality", None), "pk", None) == city.pk
            and not getattr(getattr(request, "user", None), "is_authenticated", True)
        ):
            cache.set(key, record, settings.PUBLIC_CACHE_SECONDS)
        return response


def answer(request, entry: dict) -> HttpResponse | None:
    """The response for ``entry``: 304 when the visitor's copy is current, the headers alone
    to HEAD, else the file; None when the file is gone from the storage."""
    response = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"]
    )
    if response is None and request.method == "HEAD":
        response = HttpResponse(content_type="application/pdf")
        response["Content-Length"] = str(entry["size"])
    elif response is None:
        try:
            stored = default_storage.open(entry["name"], "rb")
        except OSError:  # FileNotFoundError included
            return None
        response = FileResponse(stored, content_type="application/pdf")  # with its length
    if response.status_code == 200:
        response["Content-Disposition"] = entry["disposition"]
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = formatdate(entry["last_modified"], usegmt=True)
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = VARY
    response["Content-Language"] = settings.LANGUAGE_CODE  # the only language the site has
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response
