"""Generation numbers in the shared cache: a cached thing's key carries the generations it
depends on, so bumping one makes every entry built under the old number unreachable (they
expire by themselves) without scanning the cache.

With several web servers the cache is Redis: a bump is one atomic ``INCR`` on the shared key,
so it reaches every server at its next request. A generation key that is lost (evicted, or the
cache flushed) starts again from the clock, never from 1, so that entries cached under an
earlier generation can never come back.

The public pages (``reports.cache``), the rows of each council (``councils.freshness``: the
secretary's access and dashboard) keep their generations here.
"""

import time

from django.core.cache import cache
from django.db import transaction


def user_key(user_id) -> str:
    """The generation of a user's row: bumped by every save or delete of it (``core.apps``)."""
    return f"user-{user_id}:generation"


def _fresh() -> int:
    """A generation above every one used before: the clock in microseconds (bumps add 1)."""
    return time.time_ns() // 1000


def current(*keys: str) -> list[int]:
    """The generations stored at ``keys`` (one round trip), starting any missing one."""
    generations, _ = read(keys)
    return generations


def read(keys, also=()) -> tuple[list[int], dict]:
    """The generations at ``keys``, starting any missing one, and whatever is cached at
    ``also`` (a dict of those found), in one round trip."""
    found = cache.get_many([*keys, *also])
    for key in keys:
        if key not in found:
            cache.add(key, _fresh(), timeout=None)  # the first server to ask wins
            found[key] = cache.get(key)
    return [found[key] for key in keys], {key: found[key] for key in also if key in found}


def bump(key: str) -> None:
    """Move the generation at ``key`` on: whatever was cached under it is no longer found."""
    try:
        cache.incr(key)
    except ValueError:  # lost: any fresh value is above every entry's generation
        if not cache.add(key, _fresh(), timeout=None):
            cache.incr(key)


def bump_for_change(key: str) -> None:
    """Bump ``key`` for a change being written: at once, so that the change's own transaction
    reads it afresh, and again once that transaction commits, so that an entry another
    request cached from the old rows in between is not found either."""
    bump(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump(key))
