"""Secretary-portal pages of this app, under /portal/plans/ (namespace plans_portal)."""

app_name = "plans_portal"

urlpatterns = []
