"""Explanatory pages: methodology, glossary, about."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def methodology(request: HttpRequest) -> HttpResponse:
    """How records are sourced, the reliability scale, disagreements and precision, the presence criteria."""
    return render(request, "portal/methodology.html", {})


def glossary(request: HttpRequest) -> HttpResponse:
    """Programs, instrument types and external categories explained."""
    return render(request, "portal/glossary.html", {})


def about(request: HttpRequest) -> HttpResponse:
    """Who maintains the portal, the licences of code and data, how to correct an error."""
    return render(request, "portal/about.html", {})
