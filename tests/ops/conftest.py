"""The subsidies fixtures (a programme, two councils, uploads in a temporary directory) for
the upload tests."""

from tests.subsidies.conftest import private_media, world  # noqa: F401
