"""A cache of whole responses to anonymous GET requests of public data (API JSON, pages, downloads).

A response is kept only when :class:`veeduria.http_cache.HttpCacheMiddleware` declared it shareable (a 200 that is
the same for every anonymous reader: ``Cache-Control: public``, no cookie set, no ``Vary`` on anything but the
encoding, the cookie and the language) and it is not streamed. Its key holds the data version (every write changes
it, so a write makes the next request fresh), the day, the method, the scheme, host and full path with its query,
the negotiated language and the content encoding. Requests with a session or messages cookie (an editor), an
``Authorization`` header, a conditional header (answered 304 further in) and the admin are never served from it.

Two levels: a small in-process LRU (``RESPONSE_CACHE_MEMORY_MB`` per process) in front of Django's cache
``responses`` (by default files in the data directory, shared by the server's worker processes, at most
``RESPONSE_CACHE_ENTRIES`` entries). ``VEEDURIA_RESPONSE_CACHE=0`` turns it off. Placed first among the middlewares,
after the rate limit only: a hit skips everything else, the compression too (the compressed bytes are kept).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import NamedTuple, cast

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language_from_request

from veeduria.http_cache import admin_prefix, has_session, request_data_version

#: the name of the shared cache in ``settings.CACHES``
CACHE_ALIAS = "responses"
#: the largest body kept (bigger responses, such as large downloads, are made each time)
MAX_ENTRY_BYTES = 1024 * 1024
#: the headers a kept response may vary on: the key holds each of them
_VARY_KEYED = {"accept-encoding", "cookie", "accept-language"}
_GZIP = re.compile(r"\bgzip\b")
_COMMA = re.compile(r"\s*,\s*")


class Stored(NamedTuple):
    """A kept response: status, headers in order, body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def response(self) -> HttpResponse:
        return HttpResponse(self.body, status=self.status, headers=dict(self.headers))

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(n) + len(v) for n, v in self.headers)


class MemoryLRU:
    """An LRU of kept responses bounded by the bytes they hold; safe across threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Stored | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, item: Stored) -> None:
        if item.size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._items[key] = item
            self.bytes += item.size
            while self.bytes > self.max_bytes:
                _key, dropped = self._items.popitem(last=False)
                self.bytes -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)


_memory: MemoryLRU | None = None


def memory() -> MemoryLRU:
    """This process's LRU (made on first use, with the size of the settings of that moment)."""
    global _memory
    max_bytes = int(settings.RESPONSE_CACHE_MEMORY_MB * 1024 * 1024)
    if _memory is None or _memory.max_bytes != max_bytes:
        _memory = MemoryLRU(max_bytes)
    return _memory


def clear() -> None:
    """Forget every kept response (both levels)."""
    memory().clear()
    caches[CACHE_ALIAS].clear()


def _wanted(request: HttpRequest) -> bool:
    meta = request.META
    return (
        settings.RESPONSE_CACHE
        and request.method == "GET"
        and "HTTP_AUTHORIZATION" not in meta
        and "HTTP_IF_NONE_MATCH" not in meta
        and "HTTP_IF_MODIFIED_SINCE" not in meta
        and not has_session(request)
        and not request.path.startswith(admin_prefix())
    )


def cache_key(request: HttpRequest) -> str:
    """The key of ``request``'s response: data version, day, method, scheme, host, path with query, language and
    encoding."""
    encoding = "gzip" if _GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""
    parts = (
        request_data_version(request).tag,
        timezone.localdate().isoformat(),
        request.method or "",
        request.scheme or "",
        request.META.get("HTTP_HOST", ""),
        request.get_full_path(),
        get_language_from_request(request, check_path=True),
        encoding,
    )
    return "response:" + hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()


def shareable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether ``response`` may be kept: a public 200 for an anonymous reader, setting no cookie, varying on nothing
    the key does not hold."""
    if response.status_code != 200 or response.cookies:
        return False
    if "public" not in response.headers.get("Cache-Control", ""):
        return False
    vary = {v.strip().lower() for v in _COMMA.split(response.headers.get("Vary", "")) if v.strip()}
    if not vary <= _VARY_KEYED:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def keepable(request: HttpRequest, response: HttpResponseBase) -> Stored | None:
    """What to keep of a complete ``response``: only a shareable one of at most :data:`MAX_ENTRY_BYTES`."""
    if response.streaming or not shareable(request, response):
        return None
    body = bytes(response.content)  # type: ignore[attr-defined]
    if len(body) > MAX_ENTRY_BYTES:
        return None
    return Stored(response.status_code, tuple(response.headers.items()), body)


def _keep_while_streaming(response: StreamingHttpResponse, keep: Callable[[Stored], None]) -> None:
    """Stream ``response`` as before, keeping its bytes if it ends within :data:`MAX_ENTRY_BYTES` (a download)."""
    status, headers = response.status_code, tuple(response.headers.items())
    chunks = cast(Iterator[bytes], response.streaming_content)

    def tee() -> Iterator[bytes]:
        kept: list[bytes] | None = []
        size = 0
        for chunk in chunks:
            if kept is not None:
                size += len(chunk)
                if size <= MAX_ENTRY_BYTES:
                    kept.append(bytes(chunk))
                else:
                    kept = None
            yield chunk
        if kept is not None:
            keep(Stored(status, headers, b"".join(kept)))

    response.streaming_content = tee()


class ResponseCacheMiddleware:
    """Answers an anonymous GET from the kept response when there is one; keeps the shareable ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _wanted(request):
            return self.get_response(request)
        key = cache_key(request)
        lru = memory()
        item = lru.get(key)
        if item is None:
            item = caches[CACHE_ALIAS].get(key)
            if item is not None:
                lru.put(key, item)
        if item is not None:
            return item.response()
        response = self.get_response(request)

        def keep(item: Stored) -> None:
            lru.put(key, item)
            caches[CACHE_ALIAS].set(key, item)

        if isinstance(response, StreamingHttpResponse) and not response.is_async and shareable(request, response):
            _keep_while_streaming(response, keep)
        else:
            kept = keepable(request, response)
            if kept is not None:
                keep(kept)
        return response


__all__ = [
    "CACHE_ALIAS",
    "MemoryLRU",
    "ResponseCacheMiddleware",
    "Stored",
    "cache_key",
    "clear",
    "keepable",
    "shareable",
]
