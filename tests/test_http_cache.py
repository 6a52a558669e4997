"""HTTP caching: validators from the data version, 304 on a repeat, Cache-Control, compression."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils.http import http_date

from veeduria.evidence.revisions import withdraw
from veeduria.http_cache import CompressionMiddleware, data_version
from veeduria.ingest.dataset import load_folder
from veeduria.oversight import engine
from veeduria.oversight.models import Finding
from veeduria.records.models import Authorization

pytestmark = pytest.mark.django_db

PAGES = (
    "/es/",
    "/en/authorizations/rl-100/",
    "/api/v1/records/authorizations/rl-100",
    "/api/v1/records/countries",
    "/es/hallazgos.csv",  # a download
    "/en/findings.json",
)


@pytest.fixture
def loaded(mini_dataset: Path) -> Path:
    load_folder(mini_dataset)
    return mini_dataset


@pytest.mark.parametrize("url", PAGES)
def test_repeat_with_the_etag_is_304_without_running_the_view(
    client: Client, loaded: Path, url: str, django_assert_max_num_queries: Any
) -> None:
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
    with django_assert_max_num_queries(1):  # the data version, nothing else
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert (again.headers["ETag"], again.headers["Cache-Control"]) == (etag, first.headers["Cache-Control"])
    assert {"Accept-Encoding", "Cookie"} <= {v.strip() for v in again.headers["Vary"].split(",")}
    assert {"Accept-Encoding", "Cookie"} <= {v.strip() for v in first.headers["Vary"].split(",")}
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304  # weak comparison
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_change_in_the_data_changes_the_etag(client: Client, loaded: Path) -> None:
    url = "/api/v1/records/authorizations/rl-100"
    etag = client.get(url).headers["ETag"]
    assert client.get(url).headers["ETag"] == etag  # stable while nothing changes
    withdraw(Authorization.objects.get(pk="rl-100"), reason="duplicate", author="t")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["status"] == "withdrawn"


ACTIVITY = """\
- id: act-outside
  kind: exercise
  name_es: Fuera de plazo
  host_country: hst
  start_date: 2024-03-10
  end_date: 2024-03-12
  place: Lima
  place_precision: locality
  personnel_best: 10
  countries: [frn]
  citations: [{source: src-official}]
"""


def test_a_findings_recomputation_changes_the_version(mini_dataset: Path, settings: Any) -> None:
    settings.HOST_COUNTRY = "HST"
    (mini_dataset / "activities.yaml").write_text(ACTIVITY, encoding="utf-8")
    load_folder(mini_dataset)
    engine.recompute_all()
    assert Finding.objects.exists()
    before = data_version()
    assert data_version() == before
    engine.recompute_all()  # the same records: the findings are stored again
    assert data_version().tag != before.tag


def test_each_path_and_language_has_its_own_etag(client: Client, loaded: Path) -> None:
    tags = {client.get(url).headers["ETag"] for url in ("/es/", "/en/", "/api/v1/records/countries?page_size=1")}
    assert len(tags) == 3


def test_if_modified_since(client: Client, loaded: Path) -> None:
    first = client.get("/es/")
    modified = first.headers["Last-Modified"]
    assert client.get("/es/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get("/es/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_admin_and_editors_are_never_cached(client: Client, loaded: Path) -> None:
    anonymous = client.get("/es/")
    editor = User.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(editor)
    for url in ("/admin/", "/admin/records/authorization/", "/es/", "/api/v1/records/countries"):
        response = client.get(url, HTTP_IF_NONE_MATCH=anonymous.headers["ETag"])
        assert response.status_code == 200, url
        assert "ETag" not in response.headers, url
        cache_control = response.headers["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


def test_a_form_with_a_csrf_token_is_private(client: Client, loaded: Path) -> None:
    response = client.get("/es/verificaciones/comprobar/")
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


def test_errors_and_posts_carry_no_validators(client: Client, loaded: Path) -> None:
    missing = client.get("/api/v1/records/authorizations/nope")
    assert missing.status_code == 404 and "ETag" not in missing.headers
    posted = client.post("/api/v1/records/countries")  # a write without a token
    assert posted.status_code == 401 and "ETag" not in posted.headers
    put = client.put("/api/v1/records/countries")
    assert put.status_code == 405 and "ETag" not in put.headers


@pytest.mark.parametrize("url", ["/es/", "/api/v1/records/countries"])
def test_gzip_when_asked(client: Client, loaded: Path, url: str) -> None:
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed.headers["Vary"]
    # the compressed and the plain copies validate each other (a weak ETag)
    assert packed.headers["ETag"] == "W/" + plain.headers["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=packed.headers["ETag"]).status_code == 304


def test_the_api_says_it_varies_by_language(client: Client, loaded: Path) -> None:
    assert "Accept-Language" in client.get("/api/v1/records/countries").headers["Vary"]
    assert "Accept-Language" in client.get("/").headers["Vary"]  # the redirect to /es/ or /en/


@pytest.mark.parametrize(("content_type", "compressed"), [("application/pdf", False), ("text/csv", True)])
def test_only_compressible_types_are_compressed(content_type: str, compressed: bool) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"a" * 5000, content_type=content_type)

    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    response = CompressionMiddleware(view)(request)
    assert (response.headers.get("Content-Encoding") == "gzip") is compressed
