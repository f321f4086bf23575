from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import health
from core.views import LoginView, PasswordChangeView
from portal.forms.login import CityAuthenticationForm
from portal.views.home import after_login

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        LoginView.as_view(
            authentication_form=CityAuthenticationForm, redirect_authenticated_user=False
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("core.otp_views")),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/after-login/", after_login, name="after_login"),
    path("portal/", include("portal.urls")),
    path("", include("reports.urls")),
]

# MEDIA_ROOT is never served directly, not even with DEBUG: attachments, notices and
# reports are served by views that check who may see them.

handler500 = health.server_error
