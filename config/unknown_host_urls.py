"""A host that no city claims and that is not the platform's: every path is a 404."""

urlpatterns = []
