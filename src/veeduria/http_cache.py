"""HTTP caching of the public data: ETag and Last-Modified from the data version, conditional GET (304),
Cache-Control, and compression of compressible responses.

The data version is read in one query of index look-ups: the newest revision (every write of a record or a
source records one), the newest finding (every recomputation stores new rows), the newest document and its latest
extraction. The ETag also holds the code version (a deployment changes it), the day (pages that speak of "today"),
the language and the full path. Anonymous GET and HEAD requests are answered 304 before any view runs when the
client's validator is current. Editors (logged in), the admin, and responses carrying a CSRF token or a cookie
are ``private, no-store``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotModified
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags, parse_http_date_safe

import veeduria
from veeduria.documents.models import Document
from veeduria.evidence.models import Revision
from veeduria.oversight.models import Finding

#: seconds a public response may be reused without asking again (``HTTP_CACHE_MAX_AGE`` in the settings)
DEFAULT_MAX_AGE = 60
SAFE_METHODS = ("GET", "HEAD")
#: content types worth compressing (images, PDFs and archives are compressed already)
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/geo+json",
    "application/jsonl",
    "application/x-ndjson",
    "application/javascript",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "image/svg+xml",
)


class DataVersion(NamedTuple):
    """What changes whenever the public data does: an opaque tag and the time of the latest change."""

    tag: str
    modified: dt.datetime


def _aware(value: object) -> dt.datetime | None:
    """A timestamp read by a raw query (a string on SQLite, a datetime on PostgreSQL), in UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


@lru_cache(maxsize=1)
def code_version() -> tuple[str, dt.datetime]:
    """The installed code, templates and translations: the package version and the newest file's time."""
    newest = 0.0
    for folder, _dirs, files in os.walk(Path(veeduria.__file__).parent):
        for name in files:
            if not name.endswith((".pyc", ".sqlite3")):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return f"{veeduria.__version__}:{newest:.0f}", dt.datetime.fromtimestamp(int(newest), dt.UTC)


def _latest_sql() -> str:
    quote = connection.ops.quote_name
    revisions, findings, documents = (quote(m._meta.db_table) for m in (Revision, Finding, Document))
    return (
        f"SELECT (SELECT MAX(id) FROM {revisions}),"
        f" (SELECT created_at FROM {revisions} ORDER BY id DESC LIMIT 1),"
        f" (SELECT MAX(id) FROM {findings}),"
        f" (SELECT computed_at FROM {findings} ORDER BY id DESC LIMIT 1),"
        f" (SELECT MAX(id) FROM {documents}),"
        f" (SELECT MAX(extracted_at) FROM {documents}),"
        f" (SELECT added_at FROM {documents} ORDER BY id DESC LIMIT 1)"
    )


def data_version() -> DataVersion:
    """The version of the public data, read in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_latest_sql())
        row = cursor.fetchone()
    code, code_time = code_version()
    times = [t for t in (_aware(row[1]), _aware(row[3]), _aware(row[5]), _aware(row[6])) if t is not None]
    tag = "|".join([code, *(str(v) for v in row)])
    return DataVersion(tag, max([code_time, *times]))


_VERSION_ATTR = "_veeduria_data_version"


def request_data_version(request: HttpRequest) -> DataVersion:
    """The data version read once per request (the response cache and the validators share it)."""
    version: DataVersion | None = getattr(request, _VERSION_ATTR, None)
    if version is None:
        version = data_version()
        setattr(request, _VERSION_ATTR, version)
    return version


def etag_for(request: HttpRequest, version: DataVersion) -> str:
    """The ETag of the response to ``request`` at ``version`` (quoted)."""
    today = timezone.localdate().isoformat()
    language = getattr(request, "LANGUAGE_CODE", "")
    key = "\n".join((version.tag, today, language, request.get_full_path()))
    return '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'


def _weak(tag: str) -> str:
    return tag.removeprefix("W/")


def not_modified(request: HttpRequest, etag: str, version: DataVersion) -> bool:
    """Whether the client's copy is current: its If-None-Match (weak comparison) when it sends one, else its
    If-Modified-Since."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = parse_etags(if_none_match)
        return "*" in tags or _weak(etag) in {_weak(t) for t in tags}
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(version.modified.timestamp()) <= since


@lru_cache(maxsize=1)
def admin_prefix() -> str:
    """The admin's address prefix (never cached)."""
    return reverse("admin:index")


def has_session(request: HttpRequest) -> bool:
    """A session (an editor who logged in) or pending messages make the response someone's own."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def _max_age() -> int:
    return int(getattr(settings, "HTTP_CACHE_MAX_AGE", DEFAULT_MAX_AGE))


def _public_headers(response: HttpResponseBase, etag: str, version: DataVersion) -> None:
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(version.modified.timestamp())
    response.headers["Cache-Control"] = f"public, max-age={_max_age()}, must-revalidate"
    # Cookie: a copy kept for an anonymous reader is never shown to an editor who logs in (nor theirs to others)
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))


class HttpCacheMiddleware:
    """Validators and Cache-Control on responses; 304 for anonymous requests whose copy is current.

    Placed after ``LocaleMiddleware`` (the language is known) and before the session's user is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith(admin_prefix()):
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response
        if request.method not in SAFE_METHODS or has_session(request):
            return self._private(self.get_response(request))
        version = request_data_version(request)
        etag = etag_for(request, version)
        if not_modified(request, etag, version):
            answer = HttpResponseNotModified()
            _public_headers(answer, etag, version)
            return answer
        response = self.get_response(request)
        if self._shareable(request, response):
            _public_headers(response, etag, version)
        elif response.cookies or "Cookie" in response.headers.get("Vary", ""):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _private(response: HttpResponseBase) -> HttpResponseBase:
        if "Cache-Control" not in response.headers or "public" in response.headers["Cache-Control"]:
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _shareable(request: HttpRequest, response: HttpResponseBase) -> bool:
        """A successful answer, the same for every anonymous reader, that the view left to us."""
        user = getattr(request, "user", None)
        return (
            response.status_code == 200
            and not (user is not None and user.is_authenticated)
            and not response.cookies
            and "Cookie" not in response.headers.get("Vary", "")
            and "Cache-Control" not in response.headers
        )


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation) for text, JSON, XML and SVG only."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.headers.get("Content-Type", "").lower()
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)


__all__ = [
    "CompressionMiddleware",
    "DataVersion",
    "HttpCacheMiddleware",
    "admin_prefix",
    "code_version",
    "data_version",
    "etag_for",
    "has_session",
    "not_modified",
    "request_data_version",
]
