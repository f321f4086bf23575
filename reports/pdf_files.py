"""Cached public PDFs answered ahead of the middleware stack, straight from the storage.

A public page's PDF (``…/pdf/``) that an anonymous visitor has had once is recorded in the
shared cache (Redis in production) under its host and full path, with the city it was made for,
the version of the host names and both generations of the public page cache (``reports.cache``)
it was made under: the stored file's name, its ETag and what the headers say. ``CachedPdfMiddleware`` comes right after the security headers (HSTS, nosniff, the CSP,
the Permissions-Policy) and WhiteNoise, and answers such a request from that record: the city
from the host and the record from the cache, with no session, no user, no URL resolution and
no query, and the file streamed from the default storage (``sendfile`` on a local disk).

Correctness is the page cache's: publishing or unpublishing anything in a city bumps its
generation, so every record made before is never used again (a council or plan unpublished
after its PDF was cached is not served); a record is kept per host, and any change of a city or
a host name makes every record stale, so another city's host never gets it. Only requests with no session cookie are answered here;
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

from .cache import SHARED_GENERATION_KEY, city_generations, generation_key

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


def record_key(host: str, full_path: str) -> str:
    from core.cities import host_name

    path = hashlib.sha256(full_path.encode()).hexdigest()
    return f"public-pdfs:{host_name(host)}:{path}"


class CachedPdfMiddleware:
    """Answer a recorded public PDF before the rest of the stack; record the ones it serves.

    A record is found by host and path and says which city, host version (``core.cities``)
    and generations it was made under: it is used only while all of them are still current,
    which takes one round trip to the cache (the record, the shared numbers and the city's
    generation)."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Host → (city, host version) of the last record used here: only a guess of which
        # city's generation to fetch with the record, checked against the cache every time.
        self.cities: dict[str, tuple[int, int]] = {}

    def current_record(self, key: str, host: str) -> dict | None:
        """The record at ``key`` if it is current, in one round trip when the city of ``host``
        was guessed right, else two."""
        from core.cities import hosts_version_key

        guess = self.cities.get(host)
        keys = [key, SHARED_GENERATION_KEY, hosts_version_key()]
        if guess is not None:
            keys.append(generation_key(guess[0]))
        found = cache.get_many(keys)
        record = found.get(key)
        if (
            record is None
            or record["hosts"] != found.get(hosts_version_key())
            or record["shared"] != found.get(SHARED_GENERATION_KEY)
        ):
            return None
        own_key = generation_key(record["city"])
        own = found[own_key] if own_key in found else cache.get(own_key)
        if record["own"] != own:
            return None
        if len(self.cities) > 10_000:
            self.cities.clear()
        self.cities[host] = (record["city"], record["hosts"])
        return record

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or not is_pdf_path(request.path_info)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # the stack answers it (400)
        from core.cities import city_for_host, host_name, hosts_version_key

        key = record_key(host, request.get_full_path())
        record = self.current_record(key, host_name(host))
        if record is not None:
            response = answer(request, record)
            if response is not None:
                return response
            cache.delete(key)  # the file was evicted: the stack renders it again
        # What the record will say is read before the view runs, as the page cache does.
        hosts = cache.get(hosts_version_key())
        city = city_for_host(host)
        if city is None:
            return self.get_response(request)
        shared, own = city_generations(city.pk)
        response = self.get_response(request)
        described = getattr(response, "public_pdf", None)
        if (
            described is not None
            and hosts is not None
            and request.method == "GET"
            and response.status_code == 200
            and getattr(getattr(request, "municipality", None), "pk", None) == city.pk
            and not getattr(getattr(request, "user", None), "is_authenticated", True)
        ):
            record = {**described, "city": city.pk, "hosts": hosts, "shared": shared, "own": own}
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
