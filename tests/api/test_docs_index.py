"""The API's index at /api/v1/ and its documentation page served from vendored files (no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_index_lists_every_endpoint(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["openapi"] == "/api/v1/openapi.json" and body["docs"] == "/api/v1/docs"
    spec = client.get("/api/v1/openapi.json").json()
    listed = {(e["method"], e["url"]) for e in body["endpoints"]}
    documented = {(m.upper(), url) for url, ops in spec["paths"].items() for m in ops}
    assert listed == documented and ("GET", "/api/v1/types") in listed
    assert all(e["name"] and e["url"].startswith("/api/v1/") for e in body["endpoints"])
    types = next(e for e in body["endpoints"] if e["url"] == "/api/v1/types")
    assert types["name"] == "Record types with their published counts"
    assert "/api/v1/" not in spec["paths"]  # the index is not an endpoint of its own document


def test_docs_page_uses_only_vendored_files(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "//" not in re.sub(r"<!--.*?-->", "", html).replace("://", "")
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert f"{settings.STATIC_URL}vendor/swagger-ui/swagger-ui-bundle.js" in assets
    for asset in assets:
        assert asset.startswith("/"), asset  # same host
        if asset.startswith(settings.STATIC_URL):
            assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset
    assert '"validatorUrl": null' in html and '"url": "/api/v1/openapi.json"' in html


def test_vendored_swagger_keeps_its_licence() -> None:
    folder = Path(finders.find("vendor/swagger-ui/swagger-ui-bundle.js") or "").parent
    assert "Apache License" in (folder / "LICENSE").read_text()
    readme = Path(finders.find("vendor/README.md") or "").read_text()
    assert "swagger-ui-dist" in readme
