"""Foreign presence vs cooperation abroad: one definition for every page, count and chart.

An activity took place in ``host_country`` (empty: unknown); who took part is ``countries`` (and
``provider_country`` for training). For a host country ``host`` (ISO3):

- **foreign presence**: it took place in ``host`` and at least one participating or providing country is not
  ``host`` (foreign forces in the country);
- **host personnel abroad**: it took place in another country and ``host`` took part or provided it (e.g. the
  host's officers trained in the United States): cooperation, not presence;
- **place unknown**: ``host`` took part or provided it, and where it took place is not known.

Withdrawn records are left out, as on every public list.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Exists, OuterRef, Q, QuerySet

from veeduria.evidence.models import Status
from veeduria.records.models import Activity

Where = Literal["host", "abroad", "unknown"]
#: the values of the activities list's ``where`` filter, in display order
WHERE_VALUES: tuple[Where, ...] = ("host", "abroad", "unknown")

_Links = Activity.countries.through


def _activities() -> QuerySet[Activity]:
    return Activity.objects.exclude(status=Status.WITHDRAWN)


def _involving(host: str) -> Q:
    """``host`` takes part in the activity or provides it: checked row by row (an index look-up each), so that
    a list's first page reads only the rows it shows."""
    taking_part = _Links.objects.filter(activity_id=OuterRef("pk"), country__iso3=host)
    return Q(Exists(taking_part)) | Q(provider_country__iso3=host)


def foreign_presence(host: str) -> QuerySet[Activity]:
    """Activities that took place in ``host`` with at least one participating or providing country other
    than ``host``."""
    foreign = _Links.objects.filter(activity_id=OuterRef("pk")).exclude(country__iso3=host)
    other_provider = Q(provider_country__isnull=False) & ~Q(provider_country__iso3=host)
    return _activities().filter(host_country__iso3=host).filter(Q(Exists(foreign)) | other_provider)


def host_personnel_abroad(host: str) -> QuerySet[Activity]:
    """Activities that took place in another country, in which ``host`` took part or that it provided."""
    elsewhere = _activities().filter(host_country__isnull=False).exclude(host_country__iso3=host)
    return elsewhere.filter(_involving(host))


def location_unknown(host: str) -> QuerySet[Activity]:
    """Activities in which ``host`` took part or that it provided, whose place is not known."""
    return _activities().filter(host_country__isnull=True).filter(_involving(host))


def by_where(host: str, where: str) -> QuerySet[Activity] | None:
    """The activities of one ``where`` value (``host``, ``abroad``, ``unknown``); ``None`` for another value."""
    if where == "host":
        return foreign_presence(host)
    if where == "abroad":
        return host_personnel_abroad(host)
    if where == "unknown":
        return location_unknown(host)
    return None


def counts(host: str) -> dict[Where, int]:
    """How many activities of each kind of place, for ``host`` (kept per data version)."""
    from veeduria import counts_cache

    def count() -> dict[Where, int]:
        return {
            "host": foreign_presence(host).count(),
            "abroad": host_personnel_abroad(host).count(),
            "unknown": location_unknown(host).count(),
        }

    return counts_cache.kept(f"presence|{host}", count)
