"""Template filters: the visible names of reliability codes and stored codes (see ``portal.labels``)."""

from __future__ import annotations

from django import template

from veeduria.portal import labels

register = template.Library()


@register.filter
def reliability_label(code: str) -> str:
    """``confirmed`` → "Cita verificada" / "Citation checked"."""
    return labels.reliability_label(code)
