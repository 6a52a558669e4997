"""Control characters in the address or a parameter: 400 on the portal, 422 in the API's error shape, never a
server error (PostgreSQL refuses a NUL in a compared text), on every list and search of both."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from veeduria.records.registry import RECORD_TYPES

pytestmark = pytest.mark.django_db
HOSTILE = ["\x00", "a\x00b", "\x1b[31m", "\x7f"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["q", "country", "kind", "year", "sort"])
def test_portal_lists_refuse_control_characters(client: Client, name: str, value: str) -> None:
    for rt in RECORD_TYPES:
        response = client.get(f"/es/{rt.slug_es}/", {name: value})
        assert response.status_code == 400, (rt.key, name, response.status_code)
        assert f"El parámetro '{name}' contiene un carácter de control" in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_search_and_english_pages(client: Client, value: str) -> None:
    assert client.get("/es/buscar/", {"q": value}).status_code == 400
    response = client.get("/en/search/", {"q": value})
    assert response.status_code == 400
    assert "The parameter 'q' holds a control character" in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["q", "country", "kind"])
def test_api_answers_422_in_its_error_shape(client: Client, name: str, value: str) -> None:
    for rt in RECORD_TYPES[:3]:
        response = client.get(f"/api/v1/records/{rt.key}", {name: value})
        assert response.status_code == 422
        body: Any = response.json()
        assert body["error"]["code"] == "invalid_parameter"
        assert body["error"]["details"][0]["where"] == f"query.{name}"


def test_tab_and_newline_pass(client: Client) -> None:
    """Tabs and line breaks are ordinary text in a search."""
    assert client.get("/es/buscar/", {"q": "base\tnaval\n"}).status_code == 200
