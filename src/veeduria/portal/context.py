"""Template context shared by every portal page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def _other_language_url(request: HttpRequest, lang: str, current: str) -> str:
    """The same page in language ``lang``: the translated URL, or at least the other prefix."""
    full = request.get_full_path()
    url = translate_url(full, lang)
    if url == full and lang != current:
        prefix = f"/{current}/"
        url = f"/{lang}/{full[len(prefix) :]}" if full.startswith(prefix) else f"/{lang}/"
    return url


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The record types for the navigation bar and the links to this page in each language."""
    from veeduria.portal.display import list_url
    from veeduria.records.registry import RECORD_TYPES

    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    from veeduria.publicdata.feeds import feed_links

    try:
        nav = [(rt, list_url(rt)) for rt in RECORD_TYPES]
        feeds = feed_links()
    except Exception:  # outside the portal's URL configuration (e.g. the admin's own errors)
        nav, feeds = [], []
    languages = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "current": code == current,
            "url": _other_language_url(request, code, current),
        }
        for code, _name in settings.LANGUAGES
    ]
    return {"nav": nav, "languages": languages, "current_language": current, "site_feeds": feeds}
