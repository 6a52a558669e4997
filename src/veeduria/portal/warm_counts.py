"""Count again, after a command changed the data, what pages keep per data version (``veeduria.counts_cache``):
the home page's counts, every list's count and facets without filters and the figures page's charts (both
languages), so that the first reader does not wait for counts over every record."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict

from veeduria import counts_cache


def warm_counts() -> int:
    """Compute the kept counts at the current data version; the number of lists counted (0 when counts are not
    kept)."""
    if not counts_cache.enabled():
        return 0
    from django.utils import translation

    from veeduria.portal import facets, figures
    from veeduria.records import presence, queries
    from veeduria.records.registry import RECORD_TYPES

    presence.counts(settings.HOST_COUNTRY)
    queries.home_counts()
    empty = QueryDict("")
    for rt in RECORD_TYPES:
        selection = facets.Selection(rt, facets.parse(empty, rt))
        selection.count()
        facets.facets(selection, empty)
    for lang in ("es", "en"):
        with translation.override(lang):
            for group in figures.GROUPS:
                figures.charts(group, None)
    return len(RECORD_TYPES)
