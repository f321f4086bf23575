"""Secretary-portal pages of this app, under /portal/subsidies/ (namespace subsidies_portal)."""

app_name = "subsidies_portal"

urlpatterns = []
