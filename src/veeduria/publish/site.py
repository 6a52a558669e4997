"""Crawl the anonymous site in process (Django's test client) and write it as static files, incrementally.

A URL ending in ``/`` is written as ``path/index.<ext>``; an extensionless path as ``path.<ext>``; a list page
``?page=N`` as ``path/page-N.<ext>`` and the links to it in the published HTML rewritten; any other query-string
link, and the dynamic pages (search, forms, admin), point to the dynamic site (``--base-url``)."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.test import Client, override_settings
from django.utils.translation import gettext as _

MANIFEST = ".veeduria-publish.json"
PREFIXES = ("/es/", "/en/", "/api/v1/")
DYNAMIC = (
    "/es/buscar/",
    "/en/search/",
    "/es/verificaciones/comprobar/",
    "/en/fact-checks/check/",
    "/admin/",
    "/i18n/",
    "/api/v1/search",
    "/api/v1/claims/match",
)
EXTENSIONS = {"text/html": ".html", "application/json": ".json", "application/atom+xml": ".atom"}
LINK = re.compile(r'(\b(?:href|src|action|data-[a-z-]+)=")(/[^"]*)(")')


@dataclass
class Report:
    pages: int = 0
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _page(query: str) -> str | None:
    pairs = parse_qsl(query, keep_blank_values=True)
    if len(pairs) == 1 and pairs[0][0] == "page" and pairs[0][1].isdigit():
        return pairs[0][1]
    return None


def file_for(url: str, content_type: str = "text/html") -> str:
    """The file (relative to DIR) where the response of ``url`` is written."""
    parts = urlsplit(url)
    path, ext = parts.path, EXTENSIONS.get(content_type.split(";")[0].strip())
    ext = ext or mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".bin"
    page = _page(parts.query)
    if page is not None:
        return f"{path.rstrip('/')}/page-{page}{ext}".lstrip("/")
    if path.endswith("/"):
        return f"{path}index{ext}".lstrip("/")
    if Path(path).suffix:
        return path.lstrip("/")
    return f"{path}{ext}".lstrip("/")


def published(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith(PREFIXES) or parts.path.startswith(DYNAMIC):
        return False
    return not parts.query or _page(parts.query) is not None


def _rewrite(html: str, base_url: str, found: Callable[[str], None]) -> str:
    def one(match: re.Match[str]) -> str:
        url = match.group(2).replace("&amp;", "&")
        target, _hash, fragment = url.partition("#")
        if target.startswith("/static/") or not target:
            return match.group(0)
        if not published(target):
            return match.group(1) + base_url + match.group(2) + match.group(3)
        found(target)
        query = urlsplit(target).query
        if query:
            new = "/" + file_for(target) + (f"#{fragment}" if fragment else "")
            return match.group(1) + new + match.group(3)
        return match.group(0)

    return LINK.sub(one, html)


def _json_links(data: object, found: Callable[[str], None]) -> None:
    if isinstance(data, dict):
        pages = data.get("pages")
        if isinstance(pages, int) and data.get("page") == 1:
            found(f"{data.get('__url__')}?page=1")
        for value in data.values():
            _json_links(value, found)
    elif isinstance(data, list):
        for value in data:
            _json_links(value, found)
    elif isinstance(data, str) and data.startswith("/api/v1/") and "{" not in data:
        found(data)


def _seeds() -> list[str]:
    from django.urls import reverse
    from django.utils import translation

    from veeduria.records.registry import RECORD_TYPES

    seeds = ["/api/v1/"]
    for lang in ("es", "en"):
        with translation.override(lang):
            seeds += [reverse("portal:home"), *(reverse(f"portal:{rt.key}-list") for rt in RECORD_TYPES)]
    return seeds


def crawl(base_url: str, progress: Callable[[int], None] | None = None) -> tuple[dict[str, bytes], list[str]]:
    """Every published file (path relative to DIR → content) and the URLs that failed."""
    from veeduria.publicdata.cache import current_set

    for lang in ("es", "en"):
        current_set(lang)
    host = urlsplit(base_url).netloc or "localhost"
    out: dict[str, bytes] = {}
    failed: list[str] = []
    seen: set[str] = set()
    queue: deque[str] = deque()

    def found(url: str) -> None:
        url = url.partition("#")[0]
        if url not in seen and published(url):
            seen.add(url)
            queue.append(url)

    for seed in _seeds():
        found(seed)
    # the crawl is one client asking for every page: no rate limit applies to it
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, host.split(":")[0]], RATE_LIMITS={}):
        client = Client(HTTP_HOST=host)
        while queue:
            url = queue.popleft()
            response = client.get(url, secure=base_url.startswith("https"))
            if response.status_code in (301, 302):
                found(response["Location"])
                continue
            if response.status_code != 200:
                failed.append(f"{url} {response.status_code}")
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
            kind = response.get("Content-Type", "application/octet-stream")
            if kind.startswith("text/html"):
                body = _rewrite(body.decode(), base_url, found).encode()
            elif kind.startswith("application/json") and url.startswith("/api/"):
                data = json.loads(body)
                if isinstance(data, dict) and isinstance(data.get("pages"), int):
                    path = urlsplit(url).path
                    for n in range(1, data["pages"] + 1):
                        found(f"{path}?page={n}")
                    for row in data.get("results", data.get("items", [])) or []:
                        if isinstance(row, dict) and "id" in row:
                            found(f"{path}/{row['id']}")
                _json_links(data, found)
            out[file_for(url, kind)] = body
            if progress:
                progress(len(out))
    out.update(_static_files())
    return out, failed


def _static_files() -> dict[str, bytes]:
    from django.contrib.staticfiles import finders

    files: dict[str, bytes] = {}
    for finder in finders.get_finders():
        for name, storage in finder.list([]):
            if not name.startswith("admin/") and f"static/{name}" not in files:
                files[f"static/{name}"] = Path(storage.path(name)).read_bytes()
    return files


def publish(folder: Path, base_url: str | None = None, progress: bool | None = None) -> Report:
    """Write the site into ``folder``: only files whose SHA-256 changed; files no longer produced deleted."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    tty = sys.stderr.isatty() if progress is None else progress
    show = (lambda n: print("\r" + _("%(n)d archivos") % {"n": n}, end="", file=sys.stderr)) if tty else None
    files, failed = crawl(base, show)
    if tty:
        print(file=sys.stderr)
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    report = Report(pages=len(files), failed=failed)
    new: dict[str, str] = {}
    for name, body in sorted(files.items()):
        digest = hashlib.sha256(body).hexdigest()
        new[name] = digest
        target = folder / name
        if old.get(name) != digest or not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            report.written.append(name)
    for name in sorted(set(old) - set(new)):
        (folder / name).unlink(missing_ok=True)
        report.deleted.append(name)
    manifest_path.write_text(json.dumps(new, indent=0, sort_keys=True))
    return report
