"""Rate limits per client address: the JSON API, and the public forms and costly pages of the portal.

Two limits, each ``REQUESTS/SECONDS`` from the settings (``RATE_LIMITS``; ``0`` or empty: none):

- ``api``: every request under ``/api/``;
- ``forms``: the search page, the rumour check, the list and findings downloads (``.csv``, ``.json``: every
  record of a list) and any request other than GET, HEAD or OPTIONS (a form sent), outside the admin.

Requests are counted in fixed windows of SECONDS; the one past the limit gets 429 with ``Retry-After`` (the seconds
until the window ends): the API's in its JSON error shape, the portal's as a small page in the reader's language.
Static files and the admin (whose logins django-axes throttles) are never counted. The middleware comes first, so
that a response kept by the response cache is counted too.

The client's address is ``REMOTE_ADDR``, or the last address of the header the settings name
(``CLIENT_IP_HEADER``, e.g. ``X-Real-IP`` set by the front server); an IPv6 address counts as its /64 network.
The counts are kept in a small SQLite file in the data directory (``RATE_LIMIT_STORE``), shared by every worker
process of the machine, or in Redis when that setting is a ``redis://`` URL.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
#: the environment variable of each limit, for messages
VARIABLES = {"api": "VEEDURIA_RATE_API", "forms": "VEEDURIA_RATE_FORMS"}
#: the portal's routes counted as forms (besides every form sent and every list download)
FORM_ROUTES = ("portal:search", "portal:check-rumour")
#: the methods that send nothing (any other one sends a form)
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: the longest client name counted (an address is shorter; anything else is cut)
MAX_KEY = 64
#: one request in this many also deletes the counts of windows that have ended
PRUNE_ONE_IN = 1000

#: the clock (seconds since the epoch)
now: Callable[[], float] = time.time


class Rate(NamedTuple):
    """At most ``requests`` per ``seconds``."""

    requests: int
    seconds: int


@lru_cache(maxsize=16)
def parse_rate(text: str, variable: str) -> Rate | None:
    """``"120/60"`` → 120 requests per 60 seconds; ``""`` or ``"0"`` → no limit; anything else is refused,
    naming ``variable``."""
    text = text.strip()
    if text in {"", "0"}:
        return None
    requests, slash, seconds = (part.strip() for part in text.partition("/"))
    if slash and _whole(requests) and _whole(seconds) and int(seconds) > 0:
        return Rate(int(requests), int(seconds)) if int(requests) else None
    raise ImproperlyConfigured(
        f"{variable}={text!r}: expected REQUESTS/SECONDS in whole numbers, e.g. 120/60, or 0 for no limit"
    )


def _whole(text: str) -> bool:
    return text.isascii() and text.isdigit()


def rate_of(bucket: str) -> Rate | None:
    """The limit of ``bucket`` (``api`` or ``forms``) from the settings, ``None`` when there is none."""
    return parse_rate(str(settings.RATE_LIMITS.get(bucket, "") or ""), VARIABLES.get(bucket, bucket))


def client_address(request: HttpRequest) -> str:
    """The client's address: the last one of the configured header (the one the front server added), else
    ``REMOTE_ADDR``. Also django-axes's (``AXES_CLIENT_IP_CALLABLE``)."""
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get(header, "").rpartition(",")[2].strip()
        if forwarded:
            return forwarded
    address = str(request.META.get("REMOTE_ADDR", ""))
    if address in LOOPBACK and not header and _PROXIED.intersection(request.META):
        _warn_behind_proxy()
    return address


#: the addresses of a front server on the same machine, and the headers such a server adds
LOOPBACK = frozenset({"127.0.0.1", "::1"})
_PROXIED = frozenset({"HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED"})


@lru_cache(maxsize=1)
def _warn_behind_proxy() -> None:
    """Once per process: behind a proxy, every reader would share the proxy's address and its limits."""
    logger.warning(
        "requests come through a proxy on this machine with a client address header, but "
        "VEEDURIA_CLIENT_IP_HEADER is not set: all readers share the proxy's address and its rate limits"
        " (docs/deployment.md)"
    )


def client_key(address: str) -> str:
    """What one client is counted as: its IPv4 address, or its IPv6 address's /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:MAX_KEY] or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


@lru_cache(maxsize=1)
def _exempt_prefixes() -> tuple[str, ...]:
    return (reverse("admin:index"), settings.STATIC_URL)


@lru_cache(maxsize=1)
def form_paths() -> frozenset[str]:
    """The addresses of :data:`FORM_ROUTES` in every language of the portal."""
    paths: set[str] = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths.update(reverse(route) for route in FORM_ROUTES)
    return frozenset(paths)


def _is_download(path: str) -> bool:
    """A list's or the findings' download (every record, streamed)."""
    if not path.endswith((".csv", ".json")):
        return False
    try:
        # the routes are in the language of the address (the locale middleware has not chosen it yet)
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            name = resolve(path).url_name or ""
    except Resolver404:
        return False
    return name.endswith("-export")


def bucket_of(request: HttpRequest) -> str | None:
    """The limit a request counts against: ``api``, ``forms`` or none."""
    path = request.path_info
    if path.startswith(API_PREFIX):
        return "api"
    if path.startswith(_exempt_prefixes()):
        return None
    if request.method not in READING_METHODS or path in form_paths() or _is_download(path):
        return "forms"
    return None


class Store(Protocol):
    def hit(self, key: str, expires: int) -> int:
        """Count one request of ``key`` in the window ending at ``expires``; the count so far in that window."""


class SqliteStore:
    """Counts in a SQLite file (write-ahead log, no fsync: counts may be lost in a power cut, never shared
    wrongly), one connection per thread and process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            self._prepare(connection)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    @staticmethod
    def _prepare(connection: sqlite3.Connection) -> None:
        """Write-ahead log and the table. Two processes opening a new file at once can get "database is locked"
        from the journal-mode change without SQLite's busy wait: retried for up to 5 s."""
        deadline = time.monotonic() + 5
        while True:
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=OFF")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS hits"
                    " (key TEXT PRIMARY KEY, expires INTEGER NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID"
                )
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01 + random.random() * 0.02)

    def hit(self, key: str, expires: int) -> int:
        connection = self._connection()
        (count,) = connection.execute(
            "INSERT INTO hits (key, expires, count) VALUES (?, ?, 1) ON CONFLICT (key) DO UPDATE SET"
            " count = CASE WHEN expires = excluded.expires THEN count + 1 ELSE 1 END, expires = excluded.expires"
            " RETURNING count",
            (key, expires),
        ).fetchone()
        if random.randrange(PRUNE_ONE_IN) == 0:
            connection.execute("DELETE FROM hits WHERE expires < ?", (int(now()),))
        return int(count)


class RedisStore:
    """Counts in Redis (the ``redis`` package): for several machines serving one site."""

    def __init__(self, url: str) -> None:
        try:
            import redis
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"VEEDURIA_RATE_STORE={url!r} needs the redis package: pip install 'veeduria[redis]'"
            ) from exc
        self.client = redis.Redis.from_url(url, socket_timeout=1)

    def hit(self, key: str, expires: int) -> int:
        name = f"veeduria:rate:{key}:{expires}"
        pipeline = self.client.pipeline()
        pipeline.incr(name)
        pipeline.expireat(name, expires + 1)
        count, _expired = pipeline.execute()
        return int(count)


@lru_cache(maxsize=4)
def store_at(location: str) -> Store:
    """The store of ``RATE_LIMIT_STORE``: a ``redis://`` URL, else a SQLite file's path."""
    if location.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(location)
    return SqliteStore(Path(location))


def retry_after(request: HttpRequest, bucket: str) -> int | None:
    """Count ``request`` against ``bucket``: ``None`` when it may pass, else the seconds until it may."""
    rate = rate_of(bucket)
    if rate is None:
        return None
    moment = now()
    expires = (int(moment) // rate.seconds + 1) * rate.seconds
    key = f"{bucket}:{client_key(client_address(request))}"
    try:
        count = store_at(str(settings.RATE_LIMIT_STORE)).hit(key, expires)
    except Exception:  # a broken store must not take the site down: the request passes, the failure is logged
        logger.exception("rate limit store %s failed; request not counted", settings.RATE_LIMIT_STORE)
        return None
    return max(1, math.ceil(expires - moment)) if count > rate.requests else None


def _api_refusal(bucket: str, seconds: int) -> HttpResponse:
    rate = rate_of(bucket)
    assert rate is not None
    message = (
        f"too many requests from this address: at most {rate.requests} every {rate.seconds} seconds;"
        f" retry in {seconds} seconds"
    )
    detail = {"where": "client", "message": message, "limit": rate.requests, "window_seconds": rate.seconds}
    body = {"error": {"status": 429, "code": "too_many_requests", "message": message, "details": [detail]}}
    return JsonResponse(body, status=429)


def _portal_refusal(request: HttpRequest, seconds: int) -> HttpResponse:
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        page = format_html(
            '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
            "<body><h1>{}</h1><p>{}</p></body></html>",
            language,
            _("Demasiadas solicitudes"),
            _("Demasiadas solicitudes"),
            _("Se enviaron demasiadas solicitudes desde su dirección. Vuelva a intentarlo en %(seconds)d segundos.")
            % {"seconds": seconds},
        )
    response = HttpResponse(page, status=429, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response["Content-Language"] = language
    return response


class RateLimitMiddleware:
    """Answers 429 to a client past its limit; passes the other requests on unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        for bucket in VARIABLES:
            rate_of(bucket)  # a wrong setting stops the server from starting, naming the variable

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bucket = bucket_of(request)
        seconds = retry_after(request, bucket) if bucket else None
        if seconds is None:
            return self.get_response(request)
        response = _api_refusal(bucket, seconds) if bucket == "api" else _portal_refusal(request, seconds)
        response["Retry-After"] = str(seconds)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
