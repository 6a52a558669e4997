"""The one search function, and keeping the index current (rebuild, update of changed records).

The engine follows the database: PostgreSQL full-text search on PostgreSQL, tantivy otherwise.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Protocol

from django.db import connection, transaction

from veeduria.search.passages import all_passages, passages_for
from veeduria.search.query import ParsedQuery, parse
from veeduria.search.results import FACETS, Filters, Page, Passage
from veeduria.search.tantivy_engine import IndexMissing, TantivyEngine

log = logging.getLogger(__name__)

#: results of one call at most (a list page's text filter keeps this many best matches)
LIST_CAP = 5000
#: pages reachable at most (deep pages of a common word are not useful and cost the most)
MAX_PAGE = 500


class Engine(Protocol):
    name: str

    def rebuild(self, passages: Iterable[Passage]) -> int: ...

    def replace(self, refs: Iterable[str], passages: Iterable[Passage]) -> None: ...

    def search(self, query: ParsedQuery, filters: Filters, *, offset: int, limit: int) -> Page: ...


_engines: dict[str, Engine] = {}


def engine() -> Engine:
    """The engine of the current database (one instance per kind and index directory)."""
    if connection.vendor == "postgresql":
        from veeduria.search.postgres_engine import PostgresEngine

        return _engines.setdefault("postgresql", PostgresEngine())
    from django.conf import settings

    key = f"tantivy:{settings.SEARCH_DIR}"
    if key not in _engines:
        _engines[key] = TantivyEngine()
    return _engines[key]


def search(
    query: str | ParsedQuery, filters: Filters | None = None, *, page: int = 1, limit: int = 20, lang: str = "es"
) -> Page:
    """Passages matching ``query`` (parsed safely, see :mod:`veeduria.search.query`), best first, with the facets'
    counts. ``lang`` only chooses the language of titles shown by callers (``Hit.title(lang)``)."""
    parsed = query if isinstance(query, ParsedQuery) else parse(query)
    filters = filters or Filters()
    limit = max(1, min(int(limit), LIST_CAP))
    page = max(1, min(int(page), MAX_PAGE))
    if not parsed:
        return Page(parsed, filters, 0, [], page, limit, {name: [] for name in FACETS})
    flush()
    current = engine()
    offset = (page - 1) * limit
    try:
        result = current.search(parsed, filters, offset=offset, limit=limit)
    except (IndexMissing, ValueError, OSError) as exc:
        if current.name != "tantivy":
            raise
        log.warning("search index unusable (%s): rebuilding it", exc)
        reindex()
        result = current.search(parsed, filters, offset=offset, limit=limit)
    result.page = page
    return result


def record_ids(query: str, type_key: str) -> list[str]:
    """The ids of the records of one type matching ``query``, best first (a list page's text filter)."""
    return [hit.record_id for hit in search(query, Filters(type=type_key), limit=LIST_CAP).hits]


def reindex() -> int:
    """Rebuild the index from scratch from the database; return the number of passages."""
    _pending().clear()
    return engine().rebuild(all_passages())


def update(refs: Iterable[str]) -> None:
    """Replace the passages of the records (``"type:id"``) with their current state, in one batch."""
    refs = sorted(set(refs))
    if not refs:
        return
    try:
        engine().replace(refs, passages_for(refs))
    except IndexMissing:  # nothing to update: build it whole (it holds these records' current state)
        reindex()


# -- changes waiting for their transaction's commit ---------------------------------------------------
_local = threading.local()


def _pending() -> set[str]:
    if not hasattr(_local, "refs"):
        _local.refs = set()
    return _local.refs  # type: ignore[no-any-return]


def mark(ref: str) -> None:
    """Note that a record changed; the index is updated when the transaction commits (or before the next
    search in this thread, whichever is first)."""
    pending = _pending()
    if not pending:
        transaction.on_commit(flush, robust=True)
    pending.add(ref)


def flush() -> None:
    """Apply the changes noted by :func:`mark`."""
    pending = _pending()
    if not pending:
        return
    refs = sorted(pending)
    pending.clear()
    try:
        update(refs)
    except (TimeoutError, OSError, ValueError) as exc:
        log.warning("search index not updated (%s); kept for the next try", exc)
        pending.update(refs)
