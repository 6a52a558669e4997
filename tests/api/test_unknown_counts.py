"""An unknown personnel count is null in the API and in ``export``, never 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from veeduria.ingest.importers import run_import
from veeduria.records.export import iter_records

pytestmark = pytest.mark.django_db

QUARTER = Path(__file__).resolve().parents[2] / "data" / "external" / "peru-us" / "troopdata_rebuild_quarter_PER.csv"
PK = "dmdc-per-2023-03-total-active-duty"  # a quarter without a DMDC report


def test_unknown_count_is_null_in_api_and_export(client: Client) -> None:
    run_import("dmdc", QUARTER, country="PER")
    record = client.get(f"/api/v1/records/personnel_counts/{PK}").json()
    assert record["count"] is None and record["incomplete"] is False
    listed = client.get("/api/v1/records/personnel_counts", {"year": 2023, "page_size": 200}).json()["results"]
    assert [r["count"] for r in listed if r["id"] == PK] == [None]
    exported = [json.loads(json.dumps(r)) for r in iter_records(types=["personnel_counts"]) if r["id"] == PK]
    assert exported and exported[0]["count"] is None
