"""CSV and JSON downloads of a record list: exactly what the list shows (filters, order, every page), readable
headers, unknown empty, spreadsheet-safe cells, bad parameters refused with a 400."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.test import Client

from veeduria.publicdata.csv_safe import neutralise as safe

from .conftest import cite, make_authorization


@pytest.fixture
def more(dataset: dict[str, Any]) -> dict[str, Any]:
    peru, usa = dataset["peru"], dataset["usa"]
    formula = make_authorization(
        "rl-30000",
        peru,
        usa,
        title_es='=HYPERLINK("http://example.org","clic")',
        title_en="",
        approved_on=dt.date(2019, 2, 1),
        approved_precision="year",
        personnel_total=300,
    )
    cite(formula, dataset["press"])
    make_authorization("rl-31000", peru, usa, approved_on=dt.date(2023, 9, 1), personnel_total=None)
    return dataset


def _body(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def _csv(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(_body(response))))


def _list_ids(client: Client, url: str) -> list[str]:
    ids = []
    page = 1
    while True:
        html = client.get(f"{url}&page={page}").content.decode()
        ids += re.findall(r'<tr><td><a href="/\w\w/[\w-]+/([^/]+)/"', html)
        if 'rel="next"' not in html:
            return ids
        page += 1


def test_csv_holds_every_page_in_the_list_order(client: Client, more: dict[str, Any], settings: Any) -> None:
    settings.PAGE_SIZE = 1
    query = "?kind=rl&sort=-personnel_total"
    shown = _list_ids(client, "/es/autorizaciones/" + query)
    assert shown == ["rl-30000", "rl-32214", "rl-31000"]
    rows = _csv(client, "/es/autorizaciones.csv" + query)
    assert [r[0] for r in rows[1:]] == shown
    header = rows[0]
    assert header[:5] == ["Identificador", "Tipo de instrumento", "Número", "Número de proyecto", "Título"]
    assert header[-3:] == ["Fiabilidad", "Retirado", "Dirección"]
    html = client.get("/es/autorizaciones/" + query).content.decode()
    assert 'href="/es/autorizaciones.csv?kind=rl&amp;sort=-personnel_total"' in html
    assert 'href="/es/autorizaciones.json?kind=rl&amp;sort=-personnel_total"' in html


def test_csv_cells_readable_safe_unknown_empty(client: Client, more: dict[str, Any]) -> None:
    rows = _csv(client, "/es/autorizaciones.csv?sort=number")
    header, data = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert "rl-99999" not in data  # withdrawn records are left out, like the list
    formula = data["rl-30000"]
    assert formula["Título"].startswith("'=HYPERLINK")
    assert formula["Fecha de la decisión"] == "2019"  # a date to its precision
    assert data["rl-32214"]["Fecha de la decisión"] == "2023-05"
    assert data["rl-32214"]["Tipo de instrumento"] == "Resolución Legislativa"
    assert data["rl-32214"]["Fiabilidad"] == "Cita verificada"
    assert data["rl-31000"]["Personal autorizado (total)"] == ""
    assert data["rl-32214"]["Personal autorizado (total)"] == "100"
    assert data["rl-32214"]["Dirección"] == "http://testserver/es/autorizaciones/rl-32214/"
    assert header == rows[0]


def test_json_matches_the_list(client: Client, more: dict[str, Any]) -> None:
    response = client.get("/en/authorizations.json?year=2023&sort=personnel_total")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="authorizations.json"' in response["Content-Disposition"]
    doc = json.loads(_body(response))
    assert doc["count"] == 2
    assert doc["query"] == {"year": "2023", "sort": "personnel_total"}
    assert [c["key"] for c in doc["columns"]][:5] == ["id", "instrument_type", "number", "bill_number", "title"]
    assert {"key": "title", "label": "Title"} in doc["columns"]
    records = doc["records"]
    assert [r["id"] for r in records] == ["rl-32214", "rl-31000"]
    assert records[0]["personnel_total"] == 100 and records[1]["personnel_total"] is None
    assert records[0]["title"] == "Resolution rl-32214"
    assert records[0]["withdrawn"] is False
    assert records[0]["url"] == "http://testserver/en/authorizations/rl-32214/"


def test_facets_text_and_withdrawn_apply(client: Client, more: dict[str, Any]) -> None:
    rows = _csv(client, "/es/autorizaciones.csv?source_kind=press")
    assert sorted(r[0] for r in rows[1:]) == ["rl-30000", "rl-32214"]
    rows = _csv(client, "/es/autorizaciones.csv?withdrawn=1&year=2023")
    withdrawn = {r[0]: r[-2] for r in rows[1:]}
    assert withdrawn["rl-99999"] == "sí" and withdrawn["rl-32214"] == "no"
    doc = json.loads(_body(client.get("/es/actividades.json?where=host")))
    assert [r["id"] for r in doc["records"]] == ["resolute-sentinel-2023"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/es/autorizaciones.csv?sort=nonsense", "Orden «nonsense» desconocido"),
        ("/en/authorizations.json?sort=-foreign_countries", "Unknown sort order"),
        ("/es/actividades.csv?where=moon", "Filtro «lugar» desconocido"),
    ],
)
def test_bad_parameters_are_a_400(client: Client, dataset: dict[str, Any], url: str, words: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert words in response.content.decode()


def test_every_record_type_downloads(client: Client, dataset: dict[str, Any]) -> None:
    from django.urls import reverse

    from veeduria.records.registry import RECORD_TYPES

    for rt in RECORD_TYPES:
        for fmt in ("csv", "json"):
            response = client.get(reverse(f"portal:{rt.key}-export", kwargs={"fmt": fmt}))
            assert response.status_code == 200, (rt.key, fmt)
            body = _body(response)
            if fmt == "json":
                assert json.loads(body)["count"] >= 1
            else:
                assert len(list(csv.reader(io.StringIO(body)))) >= 2


@pytest.mark.parametrize("value", ["=1+1", "+1+A1", "-1-A1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(value: str) -> None:
    assert safe(value) == "'" + value
    assert safe("Lima") == "Lima" and safe(12) == "12"
