"""Query parameters shared by the lists: ``updated_since`` as an ISO 8601 date or date and time only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.utils import timezone
from pydantic import BeforeValidator, Field

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _iso_only(value: Any) -> Any:
    """Refuse what pydantic would otherwise read as a date (a bare number: seconds since 1970)."""
    if isinstance(value, str) and not _ISO.match(value.strip()):
        raise ValueError("an ISO 8601 date (2024-05-01) or date and time (2024-05-01T12:00:00Z)")
    return value


UpdatedSince = Annotated[
    dt.datetime | None,
    BeforeValidator(_iso_only),
    Field(description="only what changed at or after this time: ISO 8601, UTC when without a zone"),
]


def since(value: dt.datetime | None) -> dt.datetime | None:
    """``updated_since`` in UTC (taken as UTC when it came without a time zone; the ends of the calendar when the
    zone moves it past them)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        return (dt.datetime.max if value.year > 1 else dt.datetime.min).replace(tzinfo=dt.UTC)
