from django.urls import path

from . import plan_views, transparency, verify, views
from .cache import cache_public
from .pages import public_paths

app_name = "public"

urlpatterns = [
    *public_paths("", views.HomePage.as_view(), "home"),
    *public_paths("councils/", views.CouncilListPage.as_view(), "council_list"),
    *public_paths("councils/<int:pk>/", views.CouncilPage.as_view(), "council"),
    *public_paths("civic-centres/", views.CivicCentrePage.as_view(), "civic_centres"),
    *public_paths("plans/", plan_views.PlanListPage.as_view(), "plans"),
    *public_paths("plans/<int:pk>/", plan_views.PlanPage.as_view(), "plan"),
    *public_paths(
        "plans/<int:pk>/progress/", plan_views.PlanProgressPage.as_view(), "plan_progress"
    ),
    *public_paths(
        "plans/<int:pk>/progress/<str:period>/",
        plan_views.PlanProgressPage.as_view(),
        "plan_progress_period",
    ),
    *public_paths("plans/<int:pk>/rollup/", plan_views.PlanRollupPage.as_view(), "plan_rollup"),
    *public_paths(
        "plans/<int:pk>/indicators/", plan_views.PlanIndicatorsPage.as_view(), "plan_indicators"
    ),
    path("subsidies/360giving.json", cache_public(transparency.giving360_view), name="giving360"),
    *public_paths("subsidies/", transparency.TransparencyPage.as_view(), "transparency"),
    path("notices/verify/", verify.notice_verify, name="notice_verify"),
    path("report/city.pdf", views.city_report, name="city_report_latest"),
    path("report/<int:pk>/city.pdf", views.city_report, name="city_report"),
]
