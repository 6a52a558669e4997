"""Typed answers from the models' declarations, cursor pagination, updated_since, history and related records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from veeduria.api.schemas import public_fields
from veeduria.evidence.models import Source
from veeduria.ingest.dataset import load_folder
from veeduria.records.models import Authorization, Country
from veeduria.records.registry import RECORD_TYPES

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(mini_dataset: Path) -> Path:
    load_folder(mini_dataset)
    return mini_dataset


@pytest.fixture
def spec(client: Client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _ok_schema(spec: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    """The schema of the operation's success answer (200, or 201 for a creation)."""
    answers = spec["paths"][path][method]["responses"]
    content = answers.get("200", answers.get("201"))["content"]["application/json"]["schema"]
    return _resolve(spec, content)


def test_every_answer_is_typed(spec: dict[str, Any]) -> None:
    """No operation answers "any object": each 200, of a read or a write, names its properties or items."""
    untyped = []
    for path, methods in spec["paths"].items():
        for method in methods:
            schema = _ok_schema(spec, path, method)
            if not (schema.get("properties") or schema.get("items")):
                untyped.append(f"{method.upper()} {path}")
    assert untyped == []


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.key)
def test_record_schemas_come_from_the_model(spec: dict[str, Any], rt: Any) -> None:
    page = _ok_schema(spec, f"/api/v1/records/{rt.key}")
    record = _resolve(spec, page["properties"]["results"]["items"])
    names = {f.name for f in public_fields(rt.model)}
    assert names <= set(record["properties"])
    assert "editor_notes" not in record["properties"]
    assert set(record["required"]) >= names | {"type", "citations", "alternatives"}
    detail = _ok_schema(spec, f"/api/v1/records/{rt.key}/{{record_id}}")
    assert {"history", "related"} <= set(detail["properties"])


def test_types_enums_and_nullability(spec: dict[str, Any]) -> None:
    record = _resolve(spec, {"$ref": "#/components/schemas/Authorization"})
    props = record["properties"]
    assert props["instrument_type"]["enum"] == ["rl", "rm", "rs", "bill", "committee", "other"]
    assert {"type": "null"} in props["approved_on"]["anyOf"]
    assert props["foreign_countries"] == {**props["foreign_countries"], "type": "array"}
    assert props["type"]["const"] == "authorizations"
    params = {p["name"]: p for p in spec["paths"]["/api/v1/records/authorizations"]["get"]["parameters"]}
    assert {"year", "country", "kind", "q", "updated_since", "withdrawn", "cursor", "page", "page_size"} <= set(params)
    country_params = {p["name"] for p in spec["paths"]["/api/v1/records/countries"]["get"]["parameters"]}
    assert "kind" not in country_params and "year" not in country_params


def _walk(client: Client, url: str, page_size: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        params: dict[str, Any] = {"page_size": page_size, **({"cursor": cursor} if cursor else {})}
        body = client.get(url, params).json()
        seen += [r["id"] for r in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


def test_cursor_walks_every_record_once_in_id_order(client: Client, loaded: Path) -> None:
    for i in range(7):
        Country.objects.create(id=f"c{i}", iso3=f"C{i:02d}", name_es=f"País {i}", name_en=f"Country {i}")
    ids = sorted(Country.objects.values_list("pk", flat=True))
    assert _walk(client, "/api/v1/records/countries", 2) == ids
    first = client.get("/api/v1/records/countries", {"page_size": 2}).json()
    assert (first["count"], first["page"], first["pages"]) == (9, 1, 5)
    second = client.get("/api/v1/records/countries", {"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert second["page"] is None and [r["id"] for r in second["results"]] == ids[2:4]
    # a record added before the cursor's position shifts nothing after it
    Country.objects.create(id="a0", iso3="A00", name_es="Primero", name_en="First")
    again = client.get("/api/v1/records/countries", {"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert [r["id"] for r in again["results"]] == ids[2:4]
    assert _walk(client, "/api/v1/sources", 1) == sorted(Source.objects.values_list("pk", flat=True))


def test_updated_since(client: Client, loaded: Path) -> None:
    later = timezone.now() + dt.timedelta(seconds=5)
    url = "/api/v1/records/authorizations"
    assert client.get(url, {"updated_since": "2000-01-01"}).json()["count"] == 1
    assert client.get(url, {"updated_since": later.isoformat()}).json()["count"] == 0
    Authorization.objects.filter(pk="rl-100").update(updated_at=later + dt.timedelta(seconds=1))
    assert [r["id"] for r in client.get(url, {"updated_since": later.isoformat()}).json()["results"]] == ["rl-100"]
    assert client.get("/api/v1/sources", {"updated_since": later.isoformat()}).json()["count"] == 0


def test_history_and_related(client: Client, loaded: Path) -> None:
    from veeduria.evidence.revisions import record_change, snapshot

    auth = Authorization.objects.get(pk="rl-100")
    before = snapshot(auth)
    auth.editor_notes, auth.purpose_es = "a private note", "Capacitación"
    auth.save()
    record_change(auth, before, author="editor", reason="source re-read")
    body = client.get("/api/v1/records/authorizations/rl-100").json()
    assert [h["action"] for h in body["history"]] == ["update", "create"]
    update = body["history"][0]
    assert (update["author"], update["reason"]) == ("editor", "source re-read")
    assert update["changes"] == {"purpose_es": ["", "Capacitación"]}  # the editors' note is not public
    country = client.get("/api/v1/records/countries/frn").json()
    assert {"type": "authorizations", "field": "foreign_countries", "ids": ["rl-100"], "more": False} in country[
        "related"
    ]


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("2547-07-30T12:42:53.53+17:53", 0),  # a zone PostgreSQL does not take: read in UTC
        ("9999-12-31T23:00:00-05:00", 0),  # past the calendar's end in UTC
        ("0001-01-01T00:00:00+05:00", 1),
        ("2000-01-01", 1),
    ],
)
def test_updated_since_at_the_edges(client: Client, loaded: Path, value: str, count: int) -> None:
    response = client.get("/api/v1/records/authorizations", {"updated_since": value})
    assert response.status_code == 200 and response.json()["count"] == count


def test_updated_since_is_an_iso_date(client: Client, loaded: Path) -> None:
    response = client.get("/api/v1/records/authorizations", {"updated_since": "1700000000"})
    assert response.status_code == 422 and "query.updated_since" in response.json()["error"]["message"]


def test_detail_queries_do_not_grow_with_related_records(
    client: Client, loaded: Path, django_assert_max_num_queries: Any
) -> None:
    from veeduria.records.models import Actor

    Actor.objects.bulk_create(
        Actor(id=f"actor-{i:03d}", name_es=f"Actor {i}", kind="ministry", country_id="frn") for i in range(150)
    )
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/records/countries/frn").json()
    actors = next(r for r in body["related"] if r["type"] == "actors")
    assert (len(actors["ids"]), actors["more"], actors["ids"][0]) == (100, True, "actor-000")
    assert {"type": "authorizations", "field": "foreign_countries", "ids": ["rl-100"], "more": False} in body["related"]


def test_an_authorization_with_no_date_to_decide_from_is_listed(loaded: Path, client: Client) -> None:
    """Its date of the decision is unknown and its basis empty (a computed column): the list still answers, and
    the document allows the empty basis."""
    host = Country.objects.first()
    Authorization.objects.create(id="rl-sin-fechas", instrument_type="rl", title_es="Sin fechas", host_country=host)
    response = client.get("/api/v1/records/authorizations", {"page_size": 200})
    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["id"] == "rl-sin-fechas")
    assert row["decision_basis"] == "" and row["decision_date"] is None
