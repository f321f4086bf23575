"""/portal/: the dashboard (namespace ``portal``) and each part under its own prefix and
namespace (``subsidies_portal``, ``plans_portal``), the names e-mails and templates use."""

from django.urls import include, path

urlpatterns = [
    path("", include("portal.urls.home")),
    path("subsidies/", include("portal.urls.subsidies")),
    path("plans/", include("portal.urls.plans")),
]
