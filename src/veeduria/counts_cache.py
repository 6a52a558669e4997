"""Counts over many records kept per data version, shared by the server's workers and the commands.

A count of 500,000 activities costs most of a second; a page should not pay it on every request. What
``kept(what, compute)`` computes is stored in the ``counts`` cache (files in the data directory, so every worker
process and the command that changed the data see it) under the data version: a change of the data makes new
keys, and the old ones expire. ``veeduria load`` and ``veeduria import`` count again as they finish
(``veeduria.portal.warm_counts``), so the first reader after a change does not wait; after an edit in the admin,
the first reader of each page counts. ``settings.LIST_COUNTS_CACHE`` false (the tests, whose data versions repeat
from one test to the next) computes every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

from veeduria.http_cache import data_version

T = TypeVar("T")
#: how long counts stay (their key holds the data version: a change of the data makes new ones)
SECONDS = 24 * 3600


def enabled() -> bool:
    return bool(getattr(settings, "LIST_COUNTS_CACHE", True))


def kept(what: str, compute: Callable[[], T], version: str | None = None) -> T:
    """``compute()``, kept under ``what`` and the data version (``version``, else read now)."""
    if not enabled():
        return compute()
    tag = version if version is not None else data_version().tag
    key = "counts:" + hashlib.blake2b(f"{tag}|{what}".encode(), digest_size=16).hexdigest()
    store = caches["counts"]
    value: Any = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value, SECONDS)
    return value  # type: ignore[no-any-return]
