"""Template context shared by every portal page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The record types for the navigation bar."""
    from veeduria.records.registry import RECORD_TYPES

    return {"record_types": RECORD_TYPES}
