"""The browser tests' check that no request leaves the machine (no CDN, no font or tile server, no tracker)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def requests_leaving(page: Any) -> list[str]:
    """A list that fills with the address of every request of ``page`` to a host other than this machine."""
    outside: list[str] = []

    def note(request: Any) -> None:
        url = str(request.url)
        if url.startswith(("data:", "blob:", "about:")):
            return
        if urlparse(url).hostname not in LOCAL_HOSTS:
            outside.append(url)

    page.on("request", note)
    return outside
