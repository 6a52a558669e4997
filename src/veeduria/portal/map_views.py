"""The map: facilities, activity places and authorized places on the host country's departments."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def map_page(request: HttpRequest) -> HttpResponse:
    """The map page (drawn with Leaflet on the departments' outlines, no tile server)."""
    return render(request, "portal/map.html", {})


def department_page(request: HttpRequest, department: str) -> HttpResponse:
    """What happened in one department: facilities, activities and authorizations that name it."""
    return render(request, "portal/map_department.html", {"department": department})
