"""Optional per-app modules (``<app>.demo``, ``<app>.portal``) found by name,
so the foundation lists what apps may add without importing apps that add nothing."""

import importlib
from collections.abc import Iterator
from types import ModuleType


def optional_modules(apps, name: str) -> Iterator[ModuleType]:
    """Each ``<app>.<name>`` module that exists, in the order of ``apps``."""
    for app in apps:
        try:
            yield importlib.import_module(f"{app}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.{name}":
                raise
