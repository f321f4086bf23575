"""A host that no city claims and that is not the platform's: every path is a Japanese 404."""

from django.http import Http404
from django.urls import path, re_path

from core import health


def unknown_host(request, path=""):
    raise Http404("このアドレスで公開している自治体はありません。")


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    re_path(r"^(?P<path>.*)$", unknown_host),
]

handler500 = health.server_error
