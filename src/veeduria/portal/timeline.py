"""The timeline: authorized windows and periods, activities and exercises on one time axis."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def timeline_page(request: HttpRequest) -> HttpResponse:
    """Authorizations against the activities they could cover, filterable by country, kind and year."""
    return render(request, "portal/timeline.html", {})
