"""The secretary's dashboard, /portal/ (namespace portal)."""

from django.urls import path

from ..views import home, notifications

app_name = "portal"

urlpatterns = [
    path("", home.portal_home, name="home"),
    path("notifications/", notifications.notice_settings, name="notice_settings"),
    path("notifications/confirm/", notifications.notice_confirm, name="notice_confirm"),
]
