"""The open-data routes, included in the portal's (namespace ``portal``): the downloads page and its files, and
the Atom feeds, each path in the active language (``/es/datos/``, ``/en/data/``; ``/es/feeds/hallazgos/``…)."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.utils.functional import lazy
from django.utils.translation import get_language

from veeduria.publicdata import views
from veeduria.publicdata.feeds import KINDS, changes_feed


def _in_language(es: str, en: str) -> str:
    return en if (get_language() or "es")[:2] == "en" else es


_route = lazy(_in_language, str)


def patterns() -> list[URLPattern]:
    out = [
        path(_route("datos/", "data/"), views.downloads, name="downloads"),
        path(_route("datos/<str:name>", "data/<str:name>"), views.download_file, name="download-file"),
    ]
    for kind, (es, en) in KINDS.items():
        out += [
            path(_route(f"feeds/{es}/", f"feeds/{en}/"), changes_feed, {"kind": kind}, name="feed"),
            path(
                _route(f"feeds/{es}/<str:country>/", f"feeds/{en}/<str:country>/"),
                changes_feed,
                {"kind": kind},
                name="feed-country",
            ),
        ]
    return out
