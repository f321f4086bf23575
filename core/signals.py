"""Signals the domain apps send, so the layers above them can react without being imported.

``public_content_changed`` means something citizens see was published or changed; services
send it once their transaction has committed (``announce_public_change``), and the public
pages (``reports``) clear their cache on it.
"""

from django.db import transaction
from django.dispatch import Signal

public_content_changed = Signal()


def announce_public_change(sender, *, robust: bool = False) -> None:
    """Send ``public_content_changed`` from ``sender`` when the current transaction commits."""
    transaction.on_commit(lambda: public_content_changed.send(sender=sender), robust=robust)
