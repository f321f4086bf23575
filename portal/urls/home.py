"""The secretary's dashboard, /portal/ (namespace portal)."""

from django.urls import path

from ..views import home

app_name = "portal"

urlpatterns = [
    path("", home.portal_home, name="home"),
]
