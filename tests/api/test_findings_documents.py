"""``/api/v1/findings`` and ``/api/v1/documents``: typed from their models, filtered, paged by cursor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.documents.fixtures import cited_resolution
from veeduria.ingest.dataset import load_folder
from veeduria.oversight import engine
from veeduria.oversight.models import Finding

pytestmark = pytest.mark.django_db

ACTIVITIES = "\n".join(
    f"""- id: act-{i}
  kind: exercise
  name_es: Ejercicio {i}
  host_country: hst
  start_date: 2024-03-1{i}
  end_date: 2024-03-1{i}
  place: Lima
  place_precision: locality
  personnel_best: 10
  countries: [frn]
  citations: [{{source: src-official, quote: "ejercicio {i}"}}]
"""
    for i in range(3)
)


@pytest.fixture
def findings(mini_dataset: Path, settings: Any) -> list[Finding]:
    settings.HOST_COUNTRY = "HST"
    (mini_dataset / "activities.yaml").write_text(ACTIVITIES, encoding="utf-8")
    load_folder(mini_dataset)
    engine.recompute_all()
    return list(Finding.objects.order_by("pk"))


def test_findings_list_detail_and_filters(client: Client, findings: list[Finding]) -> None:
    assert len(findings) >= 3
    body = client.get("/api/v1/findings").json()
    assert body["count"] == len(findings)
    first = body["results"][0]
    assert first["id"] == findings[0].pk and first["activity"] == findings[0].activity_id
    assert first["severity"] in {"violation", "undetermined", "notice"}
    assert first["explanation_es"] and first["explanation_en"] and first["explanation_es"] != first["explanation_en"]
    assert first["citations"][0]["source"]["id"] == "src-official"
    assert client.get(f"/api/v1/findings/{findings[0].pk}").json() == first
    only = client.get("/api/v1/findings", {"activity": "act-1"}).json()["results"]
    assert {f["activity"] for f in only} == {"act-1"}
    assert client.get("/api/v1/findings", {"year": 2023}).json()["count"] == 0
    assert client.get("/api/v1/findings", {"country": "FRN"}).json()["count"] == len(findings)
    assert client.get("/api/v1/findings", {"country": "USA"}).json()["count"] == 0
    walked, cursor = [], None
    while True:
        page = client.get("/api/v1/findings", {"page_size": 1, **({"cursor": cursor} if cursor else {})}).json()
        walked += [f["id"] for f in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == [f.pk for f in findings]


@pytest.mark.parametrize(
    ("params", "where"),
    [({"severity": "grave"}, "query.severity"), ({"rule": "x"}, "query.rule"), ({"country": "U1"}, "query.country")],
)
def test_findings_bad_filters_name_the_parameter(client: Client, params: dict[str, Any], where: str) -> None:
    response = client.get("/api/v1/findings", params)
    assert response.status_code == 422 and where in response.json()["error"]["message"]


def test_documents_list_and_detail(client: Client, tmp_path: Path, settings: Any) -> None:
    settings.DATA_DIR = tmp_path / "var"
    c = cited_resolution()
    body = client.get("/api/v1/documents").json()
    assert body["count"] == 1
    doc = body["results"][0]
    assert (doc["id"], doc["sha256"], doc["kind"], doc["page_count"], doc["pages_extracted"]) == (
        c.document.pk,
        c.document.sha256,
        "pdf",
        3,
        3,
    )
    assert doc["source"] == c.source.pk and "error" not in doc
    assert doc["url_es"] == f"/es/documentos/{c.document.pk}/" and doc["url_en"] == f"/en/documents/{c.document.pk}/"
    original = client.get(doc["file_url"])
    assert original.status_code == 200
    assert b"".join(original.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    detail = client.get(f"/api/v1/documents/{c.document.pk}").json()
    assert [p["number"] for p in detail["pages"]] == [1, 2, 3]
    assert "Autorízase el ingreso de 100 efectivos" in detail["pages"][1]["text"]
    assert detail["cited_by"] == {"authorizations": [c.authorization.pk]}
    assert client.get("/api/v1/documents", {"q": "32214"}).json()["count"] == 1
    assert client.get("/api/v1/documents", {"kind": "html"}).json()["count"] == 0
    assert client.get("/api/v1/documents/999").status_code == 404
