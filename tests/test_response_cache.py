"""The response cache: a kept response is the made one byte for byte; a write makes the next GET fresh; never for
editors, sessions, errors or cookies; bounded in memory and on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from veeduria import response_cache
from veeduria.evidence.revisions import withdraw
from veeduria.ingest.dataset import load_folder
from veeduria.records.models import Authorization
from veeduria.response_cache import MemoryLRU, Stored, keepable

pytestmark = pytest.mark.django_db

URLS = (
    "/api/v1/records/authorizations?page_size=100",
    "/api/v1/records/authorizations/rl-100",
    "/api/v1/records/authorizations?q=lima",
    "/es/autorizaciones/rl-100/",
    "/en/authorizations/rl-100/",
    "/es/hallazgos.csv",
)
DETAIL = "/api/v1/records/authorizations/rl-100"


@pytest.fixture
def cache_on(tmp_path: Path) -> Iterator[Path]:
    """The cache switched on, its shared store in a folder of the test's own (3 entries at most)."""
    store = tmp_path / "responses"
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "responses": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(store),
            "OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3},
        },
    }
    with override_settings(RESPONSE_CACHE=True, CACHES=caches):
        response_cache.clear()
        yield store
        response_cache.clear()


@pytest.fixture
def loaded(mini_dataset: Path) -> Path:
    load_folder(mini_dataset)
    return mini_dataset


def _snap(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body (a streamed one read to its end)."""
    body = b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    return response.status_code, list(response.headers.items()), body


def _same(a: Any, b: Any) -> None:
    assert _snap(a) == _snap(b)


@pytest.mark.parametrize("url", URLS)
def test_a_kept_response_is_the_made_one_byte_for_byte(
    client: Client, loaded: Path, cache_on: Path, url: str, django_assert_max_num_queries: Any
) -> None:
    with override_settings(RESPONSE_CACHE=False):
        made = _snap(client.get(url))
    assert made[0] == 200
    first = _snap(client.get(url))  # (a download is kept once it has been streamed)
    assert made == first
    with django_assert_max_num_queries(1):  # the data version, nothing else: the view did not run
        kept = client.get(url)
    assert _snap(kept) == first
    response_cache.memory().clear()  # another worker process: read from the shared store
    with django_assert_max_num_queries(1):
        shared = client.get(url)
    assert _snap(shared) == first


def test_compressed_and_plain_are_kept_apart(client: Client, loaded: Path, cache_on: Path) -> None:
    plain = client.get(DETAIL)
    gzipped = client.get(DETAIL, HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    _same(gzipped, client.get(DETAIL, HTTP_ACCEPT_ENCODING="gzip"))
    _same(plain, client.get(DETAIL))


def test_the_language_is_part_of_the_key(client: Client, loaded: Path, cache_on: Path) -> None:
    spanish = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert spanish.status_code == english.status_code == 302
    assert spanish.headers["Location"] != english.headers["Location"]  # redirects are made each time
    es_page = client.get("/api/v1/types", HTTP_ACCEPT_LANGUAGE="es")
    en_page = client.get("/api/v1/types", HTTP_ACCEPT_LANGUAGE="en")
    assert es_page.headers["Content-Language"] == "es" and en_page.headers["Content-Language"] == "en"


def test_a_write_makes_the_next_get_fresh(client: Client, loaded: Path, cache_on: Path) -> None:
    assert client.get(DETAIL).json()["status"] == "published"
    assert client.get(DETAIL).json()["status"] == "published"  # kept
    withdraw(Authorization.objects.get(pk="rl-100"), reason="duplicate", author="t")
    assert client.get(DETAIL).json()["status"] == "withdrawn"
    page = client.get("/api/v1/records/authorizations?page_size=100").json()
    assert "rl-100" not in [r["id"] for r in page["results"]]


def test_never_for_an_editor_or_a_session(
    client: Client, loaded: Path, cache_on: Path, django_assert_max_num_queries: Any
) -> None:
    client.get(DETAIL)
    client.get(DETAIL)  # kept for anonymous readers
    editor = User.objects.create_user("ed", password="a long enough password")
    client.force_login(editor)
    stored = len(response_cache.memory())
    answer = client.get(DETAIL)
    assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]
    assert "public" not in answer.headers["Cache-Control"]
    client.get("/es/autorizaciones/rl-100/")
    assert len(response_cache.memory()) == stored  # nothing kept for the editor
    other = Client()
    other.cookies["sessionid"] = "not-a-session"
    assert "no-store" in other.get(DETAIL).headers["Cache-Control"]
    assert len(response_cache.memory()) == stored


def test_never_for_errors_posts_or_conditional_requests(client: Client, loaded: Path, cache_on: Path) -> None:
    assert client.get("/api/v1/records/authorizations/none-such").status_code == 404
    assert client.post(DETAIL).status_code == 405
    etag = client.get(DETAIL).headers["ETag"]
    assert len(response_cache.memory()) == 1
    assert client.get(DETAIL, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.set_cookie("csrftoken", "x"),
        lambda r: r.headers.__setitem__("Vary", "Cookie, Accept"),
        lambda r: r.headers.__setitem__("Cache-Control", "private, no-store"),
        lambda r: setattr(r, "status_code", 500),
        lambda r: setattr(r, "content", b"x" * (response_cache.MAX_ENTRY_BYTES + 1)),
    ],
    ids=["cookie", "vary", "private", "error", "too-big"],
)
def test_what_is_not_kept(change: Any) -> None:
    request = RequestFactory().get("/api/v1/types")
    response = HttpResponse(b"[]", content_type="application/json")
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    assert keepable(request, response) is not None
    change(response)
    assert keepable(request, response) is None


def test_bounded_in_memory_and_on_disk(client: Client, loaded: Path, cache_on: Path) -> None:
    lru = MemoryLRU(max_bytes=250)
    for n in range(10):
        lru.put(str(n), Stored(200, (("Content-Type", "text/plain"),), b"x" * 80))
    assert lru.bytes <= 250 and len(lru) == 2 and lru.get("9") is not None and lru.get("0") is None
    for size in range(1, 9):
        assert client.get(f"/api/v1/records/authorizations?page_size={size}").status_code == 200
    assert len(list(cache_on.glob("*.djcache"))) <= 3  # MAX_ENTRIES of the shared store
