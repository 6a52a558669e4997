"""The JSON API: the same records as the export, paginated lists, one error shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from veeduria.evidence.revisions import withdraw
from veeduria.ingest.dataset import load_folder
from veeduria.records.export import iter_records
from veeduria.records.models import Authorization, Country

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(mini_dataset: Path) -> Path:
    load_folder(mini_dataset)
    return mini_dataset


def get(client: Client, url: str, **params: Any) -> tuple[int, Any]:
    response = client.get(url, params)
    return response.status_code, response.json()


def test_types_with_counts(client: Client, loaded: Path) -> None:
    status, body = get(client, "/api/v1/types")
    assert status == 200
    counts = {t["type"]: t["count"] for t in body}
    assert counts["authorizations"] == 1 and counts["countries"] == 2
    assert {t["label_en"] for t in body} >= {"Authorizations", "Countries"}


def test_detail_agrees_with_the_export(client: Client, loaded: Path) -> None:
    """The API's serialisation is its own (typed, with history and related records) but says the same values."""
    status, body = get(client, "/api/v1/records/authorizations/rl-100")
    assert status == 200
    exported = next(r for r in iter_records(types=["authorizations"]))
    for key, value in exported.items():
        if key != "citations":
            assert body[key] == value, key
    citations = [{k: v for k, v in c.items() if v is not None} for c in body["citations"]]
    assert citations == exported["citations"]
    assert body["citations"][0]["source"]["id"] == "src-official"
    assert {a["value"] for a in body["alternatives"]} == {76, 77}
    assert body["decision_date"] == "2023-05-19" and "editor_notes" not in body
    assert [h["action"] for h in body["history"]] == ["create"]


def test_list_filters_and_pagination(client: Client, loaded: Path) -> None:
    status, body = get(client, "/api/v1/records/countries", page_size=1)
    assert status == 200
    assert (body["count"], body["pages"], len(body["results"])) == (2, 2, 1)
    _, second = get(client, "/api/v1/records/countries", page_size=1, page=2)
    assert {body["results"][0]["id"], second["results"][0]["id"]} == {"hst", "frn"}
    _, by_year = get(client, "/api/v1/records/authorizations", year=2023, kind="rl", country="frn")
    assert [r["id"] for r in by_year["results"]] == ["rl-100"]
    _, other_year = get(client, "/api/v1/records/authorizations", year=2020)
    assert other_year["count"] == 0 and other_year["results"] == []


def test_withdrawn_records_hidden_from_lists_but_retrievable(client: Client, loaded: Path) -> None:
    withdraw(Authorization.objects.get(pk="rl-100"), reason="duplicate", author="t")
    _, listed = get(client, "/api/v1/records/authorizations")
    assert listed["count"] == 0
    _, everything = get(client, "/api/v1/records/authorizations", withdrawn=True)
    assert everything["count"] == 1
    status, body = get(client, "/api/v1/records/authorizations/rl-100")
    assert status == 200 and (body["status"], body["withdrawn_reason"]) == ("withdrawn", "duplicate")


def test_list_queries_bounded(client: Client, loaded: Path, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        Country.objects.create(id=f"c{i}", iso3=f"C{i:02d}", name_es=f"País {i}", name_en=f"Country {i}")
    with django_assert_max_num_queries(8):
        status, body = get(client, "/api/v1/records/countries", page_size=30)
    assert status == 200 and len(body["results"]) == 30


def test_sources(client: Client, loaded: Path) -> None:
    _, body = get(client, "/api/v1/sources", kind="press")
    assert {s["id"] for s in body["results"]} == {"src-press-a", "src-press-b"}
    status, source = get(client, "/api/v1/sources/src-press-b")
    assert status == 200 and source["cited_by"] == {"authorizations": ["rl-100"]}


@pytest.mark.parametrize(
    ("url", "params", "status", "code", "says"),
    [
        ("/api/v1/records/bases", {}, 404, "unknown_type", "unknown record type 'bases'"),
        ("/api/v1/records/authorizations/rl-999", {}, 404, "not_found", "no authorizations record with id 'rl-999'"),
        ("/api/v1/records/authorizations", {"year": "abc"}, 422, "invalid_parameter", "query.year"),
        ("/api/v1/records/authorizations", {"page_size": 1000}, 422, "invalid_parameter", "query.page_size"),
        ("/api/v1/records/authorizations", {"page": 0}, 422, "invalid_parameter", "query.page"),
        ("/api/v1/records/authorizations", {"kind": "law"}, 422, "invalid_parameter", "query.kind"),
        ("/api/v1/records/authorizations", {"cursor": "nope"}, 422, "invalid_parameter", "query.cursor"),
        ("/api/v1/records/authorizations", {"cursor": "abc"}, 422, "invalid_parameter", "query.cursor"),
        ("/api/v1/records/authorizations", {"updated_since": "May"}, 422, "invalid_parameter", "query.updated_since"),
        ("/api/v1/records/bases/x", {}, 404, "unknown_type", "unknown record type 'bases'"),
        ("/api/v1/records/authorizations", {"page": 5}, 404, "no_such_page", "page 5 is past the last page (1)"),
        ("/api/v1/sources", {"kind": "rumour"}, 422, "invalid_parameter", "query.kind"),
        ("/api/v1/sources/nope", {}, 404, "not_found", "no source with id 'nope'"),
    ],
)
def test_errors_have_one_shape(
    client: Client, loaded: Path, url: str, params: dict[str, Any], status: int, code: str, says: str
) -> None:
    got, body = get(client, url, **params)
    assert got == status
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert (body["error"]["status"], body["error"]["code"]) == (status, code)
    assert says in body["error"]["message"]


def test_openapi_document(client: Client) -> None:
    status, spec = get(client, "/api/v1/openapi.json")
    assert status == 200
    assert {"/api/v1/types", "/api/v1/records/authorizations", "/api/v1/records/authorizations/{record_id}"} <= set(
        spec["paths"]
    )


def test_pages_read_from_the_end_are_the_pages_read_from_the_start(client: Any, db: Any) -> None:
    """A page in the second half of a list is read backwards from its end: every page, by number, holds what
    the list read forwards holds there, and says whether more follow."""
    from veeduria.records.models import Country

    Country.objects.bulk_create(Country(id=f"c{i:03d}", iso3=f"Z{i:02d}", name_es=f"País {i}") for i in range(23))
    forwards = list(Country.objects.exclude(status="withdrawn").order_by("pk").values_list("pk", flat=True))
    seen: list[str] = []
    for page in range(1, 6):
        body = client.get(f"/api/v1/records/countries?page_size=5&page={page}").json()
        ids = [r["id"] for r in body["results"]]
        assert ids == forwards[(page - 1) * 5 : page * 5], page
        assert (body["next_cursor"] is not None) == (page < 5), page
        seen += ids
    assert seen == forwards
