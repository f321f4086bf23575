"""The bare platform host: the list of cities served here, and the operators' admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import health
from core.views import LoginView, platform_home
from portal.forms.login import CityAuthenticationForm

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", platform_home, name="platform_home"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        LoginView.as_view(authentication_form=CityAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("core.otp_views")),
]

handler500 = health.server_error
