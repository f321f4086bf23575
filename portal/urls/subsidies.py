"""The council's subsidy applications, under /portal/subsidies/ (namespace subsidies_portal)."""

from django.urls import path

from ..views import subsidies as views

app_name = "subsidies_portal"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_new, name="new"),
    path("estimate/", views.application_estimate, name="estimate"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/confirm/", views.application_confirm, name="confirm"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<int:pk>/history/", views.application_history, name="history"),
    path("<int:pk>/change/", views.change_request, name="change"),
    path("<int:pk>/change/withdraw/", views.change_withdraw, name="change_withdraw"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/settlement.pdf", views.settlement_download, name="settlement"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/notices/<int:notice_pk>.pdf", views.notice_download, name="notice"),
]
