"""The council's community plan and progress, under /portal/plans/ (namespace plans_portal)."""

from django.urls import path

from ..views import plans as views

app_name = "plans_portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/issues/", views.plan_issues, name="plan_issues"),
    path("<int:pk>/policies/", views.plan_policies, name="plan_policies"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("<int:pk>/progress/", views.progress_period, name="progress_choose"),
    path("<int:pk>/progress/<str:period>/", views.progress_period, name="progress"),
    path("items/<int:pk>/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/progress/<str:period>/", views.entry_edit, name="entry"),
]
