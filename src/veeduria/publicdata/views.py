"""The downloads page (``/es/datos/``, ``/en/data/``) and its files, from the current export set."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language

from veeduria.publicdata import cache, feeds, labels

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".jsonl": "application/jsonl; charset=utf-8",
    ".geojson": "application/geo+json",
    ".jsonld": "application/ld+json",
    ".sqlite": "application/vnd.sqlite3",
    ".json": "application/json",
    ".zip": "application/zip",
}


def _language() -> str:
    return "en" if (get_language() or "es")[:2] == "en" else "es"


#: seconds a client is asked to wait while the first export set is written
RETRY_AFTER = 30


def downloads(request: HttpRequest) -> HttpResponse:
    """Every file of the export set with what it holds, its format, records, size and SHA-256; while the data's
    current set is written, the previous one (and a note saying so), or a 503 when there is none yet."""
    found, fresh = cache.available_set(_language())
    context: dict[str, Any] = {"feeds": feeds.feed_links(), "fresh": fresh}
    if found is None:
        response = render(request, "portal/downloads.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    _folder, data = found
    files: list[dict[str, Any]] = sorted(data["files"], key=lambda f: labels.sort_key(f["name"]))
    for f in files:
        f["content"] = labels.content_label(f["name"])
        f["format_label"] = labels.format_label(f["format"])
        f["url"] = reverse("portal:download-file", kwargs={"name": f["name"]})
        f["sha256_parts"] = [f["sha256"][i : i + 16] for i in range(0, len(f["sha256"]), 16)]  # may wrap between
    context["files"] = files
    context["manifest"] = data
    context["created"] = dt.datetime.fromisoformat(data["created"])
    context["manifest_url"] = reverse("portal:download-file", kwargs={"name": "manifest.json"})
    response = render(request, "portal/downloads.html", context)
    if not fresh:  # replaced as soon as the current set is written, with no change of the data
        add_never_cache_headers(response)
    return response


def download_file(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    """One file of the export set the downloads page lists (or its ``manifest.json``), as an attachment."""
    found, fresh = cache.available_set(_language())
    if found is None:
        response = HttpResponse(status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    folder, data = found
    known = {f["name"]: f for f in data["files"]}
    if name != "manifest.json" and name not in known:
        raise Http404(name)
    path = folder / name
    suffix = path.suffix
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    sent = FileResponse(path.open("rb"), as_attachment=name != "manifest.json", filename=name)
    sent["Content-Type"] = content_type
    if name in known:
        sent["ETag"] = f'"{known[name]["sha256"]}"'
    if not fresh:
        add_never_cache_headers(sent)
    return sent
