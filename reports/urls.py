from django.urls import path

from . import views
from .pages import public_paths

app_name = "public"

urlpatterns = [
    *public_paths("", views.HomePage.as_view(), "home"),
    *public_paths("councils/", views.CouncilListPage.as_view(), "council_list"),
    *public_paths("councils/<int:pk>/", views.CouncilPage.as_view(), "council"),
    *public_paths("civic-centres/", views.CivicCentrePage.as_view(), "civic_centres"),
    path("report/city.pdf", views.city_report, name="city_report_latest"),
    path("report/<int:pk>/city.pdf", views.city_report, name="city_report"),
]
