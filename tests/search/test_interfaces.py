"""The search page, the API and the command line: the same search, hostile input never a server error."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from veeduria.cli import main
from veeduria.search.service import search

HOSTILE = ['"', '"unbalanced', "AND OR NOT", "- + : ( ) ^ ~ *", "x" * 10_000, "a\x00b", "\x01\x02", "(a OR b)^2 ~ c:d"]


def test_search_page(corpus: dict[str, Any], client: Client) -> None:
    html = client.get("/es/buscar/", {"q": "Santa Lucia"}).content.decode()
    assert 'data-total="1"' in html and "/es/autorizaciones/rl-90001/" in html
    assert "<mark>Santa</mark> <mark>Lucía</mark>" in html
    assert 'data-facet="type"' in html and "?q=Santa+Lucia&amp;type=authorizations" in html
    en = client.get("/en/search/", {"q": "pucallpa"}).content.decode()
    assert "page 12" in en and "Convenio de cooperación (texto)" in en
    filtered = client.get("/es/buscar/", {"q": "training", "type": "activities", "year": "2019", "country": "usa"})
    assert (
        'data-total="1"' in filtered.content.decode() and "/es/actividades/ejercicio-2019/" in filtered.content.decode()
    )
    assert 'name="q"' in client.get("/es/").content.decode()  # the header's search box on every page


def test_search_page_bad_filters_are_named(corpus: dict[str, Any], client: Client) -> None:
    response = client.get("/es/buscar/", {"q": "training", "type": "nada", "year": "dos mil", "country": "XXX"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tipo desconocido: &#x27;nada&#x27;" in html and "Año inválido" in html and "País desconocido" in html
    assert 'data-total="2"' in html  # the bad filters are left out, the search still runs


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_queries_on_the_page(corpus: dict[str, Any], client: Client, raw: str) -> None:
    control = any(ord(c) < 32 for c in raw)  # refused before any view (veeduria.request_guard)
    for path in ("/es/buscar/", "/en/search/", "/es/autorizaciones/"):
        response = client.get(path, {"q": raw, "page": "-1"})
        assert response.status_code == (400 if control else 200), (path, raw[:20])


def test_list_pages_use_the_search(corpus: dict[str, Any], client: Client) -> None:
    html = client.get("/es/autorizaciones/", {"q": "santa lucia"}).content.decode()
    assert "1 registro" in html and "rl-90001" in html
    assert "0 registros" in client.get("/es/actividades/", {"q": "santa lucia"}).content.decode()


def test_api(corpus: dict[str, Any], client: Client) -> None:
    body = client.get("/api/v1/search", {"q": "cooperacion", "page_size": 1, "lang": "en"}).json()
    assert body["count"] >= 2 and body["pages"] == body["count"] and len(body["results"]) == 1
    assert set(body["facets"]) == {"type", "year", "country", "source_kind"}
    doc = client.get("/api/v1/search", {"q": "pucallpa"}).json()["results"][0]
    assert doc["type"] == "documents" and doc["page"] == 12 and "<mark>Pucallpa</mark>" in doc["snippet_html"]
    assert doc["url"] == f"/es/documentos/{corpus['document'].pk}/#p12"
    auth = client.get("/api/v1/search", {"q": "santa lucia", "lang": "en"}).json()["results"][0]
    assert auth["id"] == "rl-90001" and auth["url"] == "/en/authorizations/rl-90001/" and auth["page"] is None
    assert auth["title"] == "Legislative resolution authorizing the entry of foreign troops"
    assert client.get("/api/v1/search", {"q": "training", "country": "PER"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "status", "where"),
    [
        ({}, 422, "query.q"),
        ({"q": "x" * 10_000}, 422, "query.q"),
        ({"q": "a", "year": "abc"}, 422, "query.year"),
        ({"q": "a", "page": "0"}, 422, "query.page"),
        ({"q": "a", "page_size": "1000"}, 422, "query.page_size"),
        ({"q": "a", "source_kind": "rumour"}, 422, "query.source_kind"),
        ({"q": "a", "lang": "fr"}, 422, "query.lang"),
        ({"q": "a", "type": "nada"}, 422, "query.type"),
        ({"q": "a", "country": "a\x00b"}, 422, "query.country"),
    ],
)
def test_api_bad_parameters(
    corpus: dict[str, Any], client: Client, params: dict[str, str], status: int, where: str
) -> None:
    response = client.get("/api/v1/search", params)
    assert response.status_code == status
    error = response.json()["error"]
    assert where in error["message"] or any(d["where"] == where for d in error["details"])


@pytest.mark.parametrize("raw", [q for q in HOSTILE if len(q) <= 500])
def test_hostile_queries_on_the_api(corpus: dict[str, Any], client: Client, raw: str) -> None:
    response = client.get("/api/v1/search", {"q": raw})
    if any(ord(c) < 32 for c in raw):  # refused before any view, naming the parameter
        assert response.status_code == 422 and response.json()["error"]["details"][0]["where"] == "query.q"
    else:
        assert response.status_code == 200 and response.json()["count"] >= 0


@pytest.fixture
def english_cli(settings: Any) -> None:
    settings.CLI_LANGUAGE = "en"


def test_cli(corpus: dict[str, Any], capsys: Any) -> None:
    assert main(["search", "Santa", "Lucia"]) == 0
    out, err = capsys.readouterr()
    assert "authorizations  rl-90001" in out and "[Santa] [Lucía]" in out and "1 " in err
    assert (
        main(["search", "training", "--type", "activities", "--year", "2019", "--country", "USA", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 1 and data["results"][0]["id"] == "ejercicio-2019"
    assert main(["search", "pucallpa"]) == 0
    assert "p. 12" in capsys.readouterr().out


def test_cli_bad_filters_and_hostile_queries(corpus: dict[str, Any], capsys: Any, english_cli: None) -> None:
    assert main(["search", "a", "--type", "nada", "--year", "x", "--country", "ZZZ"]) == 1
    err = capsys.readouterr().err
    assert "Unknown type: 'nada'" in err and "Invalid year: 'x'" in err and "Unknown country: 'ZZZ'" in err
    for raw in HOSTILE:
        assert main(["search", raw]) == 0, raw[:20]
        capsys.readouterr()


def test_cli_reindex(corpus: dict[str, Any], capsys: Any, english_cli: None) -> None:
    assert main(["search", "reindex"]) == 0
    # two countries, the authorization, the published activity, the document's two pages
    assert "search index: 6 passages" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the tantivy index (SQLite deployments)")
def test_a_missing_or_corrupt_index_is_rebuilt(
    corpus: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    root = settings.SEARCH_DIR
    shutil.rmtree(root)
    assert client.get("/es/buscar/", {"q": "pucallpa"}).status_code == 200
    assert search("pucallpa").total == 1
    shutil.rmtree(root)
    with django_capture_on_commit_callbacks(execute=True):  # a change with no index to update: it is built
        corpus["activity"].name_es = "Maniobra anfibia"
        corpus["activity"].save()
    assert (root / "CURRENT").exists() and search("maniobra").total == 1
    current = root / (root / "CURRENT").read_text().strip()
    for f in current.iterdir():
        if f.suffix in {".idx", ".term", ".store", ".pos"} or f.name == "meta.json":
            f.write_bytes(b"garbage")
    from veeduria.search import service

    service._engines.clear()  # a fresh process opening the damaged index
    assert search("pucallpa").total == 1
