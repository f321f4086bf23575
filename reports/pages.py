"""One view class for every public page: HTML, the same content as an A4 PDF, and each
table as CSV and JSON.

A page subclass builds a ``Page`` (title, data date, tables, template context); the
formats are rendered from it here, so no page writes its own PDF or CSV code.
"""

import time
from dataclasses import dataclass, field
from datetime import date

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View

from core.pdf import cache_name, cached_pdf, claim_render, font_family, render_and_store
from core.security_log import client_ip
from core.tables import Table, csv_response, json_response, quote_filename

from .pdf_files import describe


@dataclass
class Page:
    title: str
    body_template: str
    context: dict = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    data_as_of: date | None = None
    filename: str = "page"
    json_data: object = None  # a page may give a richer JSON document than its tables

    @property
    def tables_by_slug(self) -> dict[str, Table]:
        return {t.slug: t for t in self.tables}

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise Http404("表が見つかりません。")


class PublicPage(View):
    """Subclasses implement ``get_page(request, **kwargs) -> Page`` and name the query
    parameters it reads in ``query_parameters``; the others are dropped before it runs, so
    that they make no other page, cache entry or PDF."""

    formats = ("pdf", "csv", "json")
    query_parameters: tuple[str, ...] = ()

    def get_page(self, request, **kwargs) -> Page:
        raise NotImplementedError

    def get(self, request, fmt=None, table=None, **kwargs):
        request.GET = _only(request.GET, self.query_parameters)
        page = self.get_page(request, **kwargs)
        page.data_as_of = page.data_as_of or timezone.localdate()
        context = {**page.context, "page": page, "tables": page.tables_by_slug}
        if fmt is None:
            return render(request, "reports/page.html", context)
        if fmt == "pdf":
            html = render_to_string(
                "reports/pdf_page.html",
                {**context, "pdf_font_family": font_family()},
                request=request,
            )
            pdf = cached_pdf(html)
            if pdf is None:
                if not request.user.is_authenticated:
                    retry_after = claim_render(client_address(request))
                    if retry_after:
                        return too_many_renders(request, retry_after)
                pdf = render_and_store(html)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f"inline; filename*=UTF-8''{quote_filename(page.filename)}.pdf"
            )
            name = cache_name(html)
            describe(response, name=name, pdf=pdf, last_modified=stored_time(name))
            return response
        if fmt == "csv":
            return csv_response(page.table(table), f"{page.filename}-{table}")
        if fmt == "json":
            if table == "all" and page.json_data is not None:
                return json_response(page.json_data, page.filename)
            return json_response(page.table(table).records(), f"{page.filename}-{table}")
        raise Http404("形式が見つかりません。")


def _only(query: QueryDict, names) -> QueryDict:
    kept = QueryDict(mutable=True)
    for name in names:
        if name in query:
            kept[name] = query[name]  # the last value, as QueryDict.get reads it
    kept._mutable = False
    return kept


def stored_time(name: str) -> float:
    """When the PDF ``name`` was stored (now, if the storage cannot say)."""
    try:
        return default_storage.get_modified_time(name).timestamp()
    except (OSError, NotImplementedError):
        return time.time()


def client_address(request) -> str:
    """The address anonymous PDF renders are counted by: the client's, behind the trusted
    proxies too (the one the login lockout counts by)."""
    return client_ip(request) or "unknown"


def too_many_renders(request, retry_after: int) -> HttpResponse:
    response = render(
        request, "reports/too_many_renders.html", {"retry_after": retry_after}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def public_paths(route: str, view, name: str) -> list:
    """URL patterns for a page and its PDF, CSV and JSON: route, route/pdf/, route/<t>.csv …"""
    from django.urls import path

    from .cache import cache_public

    cached = cache_public(view)
    return [
        path(route, cached, name=name),
        path(f"{route}pdf/", cached, {"fmt": "pdf"}, name=f"{name}_pdf"),
        path(f"{route}<slug:table>.csv", cached, {"fmt": "csv"}, name=f"{name}_csv"),
        path(f"{route}<slug:table>.json", cached, {"fmt": "json"}, name=f"{name}_json"),
    ]
