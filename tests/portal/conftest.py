"""The subsidies fixtures (a programme and two councils, uploads in a temporary
directory) for the portal's application pages."""

from tests.subsidies.conftest import private_media, world  # noqa: F401
