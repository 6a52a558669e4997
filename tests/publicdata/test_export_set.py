"""The export set written from a real database: every file, its manifest, the SQLite snapshot."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from veeduria.evidence.models import Source
from veeduria.evidence.revisions import withdraw
from veeduria.publicdata.bundle import ExportSet
from veeduria.publicdata.streams import Selection
from veeduria.records import models as m
from veeduria.records.registry import RECORD_TYPES

from .conftest import add_facility


def write_set(folder: Path, selection: Selection | None = None, language: str = "es") -> dict[str, Any]:
    return ExportSet(folder, selection or Selection(), language).write()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def exported(loaded: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    auth = m.Authorization.objects.get(pk="rl-100")
    auth.editor_notes = "SECRETO-EDITORIAL"
    auth.title_es = '=HYPERLINK("http://example.org")'
    auth.save()
    add_facility(latitude=-12.05, longitude=-77.04, locality="Lima")
    add_facility(id="base-y", name_es="Base Y")  # no coordinates: not in the GeoJSON
    folder = tmp_path / "set"
    return folder, write_set(folder)


@pytest.mark.django_db
def test_manifest_counts_sizes_and_checksums_match_the_files(exported: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = exported
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == manifest
    names = {f["name"] for f in manifest["files"]}
    for rt in RECORD_TYPES:
        assert {f"{rt.key}.csv", f"{rt.key}.jsonl"} <= names
    assert {"sources.csv", "citations.csv", "findings.csv", "documents.csv", "facilities.geojson"} <= names
    assert {"claim-reviews.jsonld", "veeduria.sqlite", "authorizations-places.csv", "dataset.zip"} <= names
    for f in manifest["files"]:
        data = (folder / f["name"]).read_bytes()
        assert f["bytes"] == len(data)
        assert f["sha256"] == hashlib.sha256(data).hexdigest()
        if f["format"] == "jsonl":
            assert f["records"] == len(data.splitlines())
        elif f["format"] == "csv":
            assert f["records"] == len(csv_rows(folder / f["name"]))
    assert manifest["generator"].startswith("veeduria ")
    assert manifest["as_of"] is None and manifest["created"]


@pytest.mark.django_db
def test_manifest_lists_the_licence_and_source_of_each_bundled_data_set(exported: tuple[Path, Any]) -> None:
    datasets = exported[1]["datasets"]
    curated = next(d for d in datasets if d.get("folder") == "data/peru-us/")
    assert "CC BY-SA 4.0" in curated["licence"]
    congress = next(d for d in datasets if d.get("file", "").endswith("Normas-LE-XX-XXI.xlsx"))
    assert congress["licence"] == "CC BY-SA 4.0" and congress["url"].startswith("https://github.com/")
    assert all(d["licence"] for d in datasets)


@pytest.mark.django_db
def test_counts_match_the_database(exported: tuple[Path, dict[str, Any]]) -> None:
    _folder, manifest = exported
    records = {f["name"]: f["records"] for f in manifest["files"]}
    for rt in RECORD_TYPES:
        assert records[f"{rt.key}.jsonl"] == rt.model._default_manager.filter(status="published").count(), rt.key
    assert records["sources.jsonl"] == Source.objects.count() == 3
    assert records["authorizations.jsonl"] == 1 and records["countries.csv"] == 2
    assert records["citations.csv"] == 2 + 2  # the authorization's two, one per country
    assert records["alternative-values.csv"] == 2
    assert records["facilities.geojson"] == 1


@pytest.mark.django_db
def test_csv_is_readable_and_spreadsheet_safe(exported: tuple[Path, Any]) -> None:
    folder = exported[0]
    (row,) = csv_rows(folder / "authorizations.csv")
    assert row["Título (es)"] == '\'=HYPERLINK("http://example.org")'
    assert row["Personal autorizado (total)"] == "25"
    assert row["Votos a favor"] == "76"
    assert row["Con armas de guerra"] == "true"
    assert row["Fuentes citadas"] == "src-official; src-press-a"
    assert row["Países extranjeros"] == "frn"  # by id
    facilities = {r["Id"]: r for r in csv_rows(folder / "facilities.csv")}
    assert facilities["base-y"]["Latitud"] == ""  # unknown stays empty, never 0
    assert facilities["base-y"]["Tipo"] == "base"
    (place,) = csv_rows(folder / "authorizations-places.csv")
    assert place == {"Autorización": "rl-100", "Lugar": "Lima", "Departamento": "Lima", "Instalación": ""}


@pytest.mark.django_db
def test_no_editors_notes_anywhere(exported: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = exported
    for f in manifest["files"]:
        assert b"SECRETO-EDITORIAL" not in (folder / f["name"]).read_bytes(), f["name"]
        assert b"editor_notes" not in (folder / f["name"]).read_bytes(), f["name"]


@pytest.mark.django_db
def test_jsonl_is_the_export_form_with_source_briefs(exported: tuple[Path, Any]) -> None:
    (auth,) = jsonl(exported[0] / "authorizations.jsonl")
    assert auth["type"] == "authorizations" and auth["id"] == "rl-100"
    assert auth["citations"][0]["source"] == {
        "id": "src-official",
        "title": "Official register page",
        "url": "https://example.org/official",
        "kind": "official",
        "reliability": "confirmed",
    }
    assert auth["places"] == [{"name": "Lima", "department": "Lima", "facility": None}]


@pytest.mark.django_db
def test_geojson_points_are_longitude_latitude(exported: tuple[Path, Any]) -> None:
    data = json.loads((exported[0] / "facilities.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["id"] == "base-x"
    assert feature["geometry"] == {"type": "Point", "coordinates": [-77.04, -12.05]}
    assert feature["properties"]["name_es"] == "Base X"


@pytest.mark.django_db
def test_sqlite_snapshot_holds_the_same_rows(exported: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = exported
    db = sqlite3.connect(folder / "veeduria.sqlite")
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"authorizations", "authorizations_places", "citations", "sources", "findings"} <= tables
        assert not {"auth_user", "django_session", "evidence_revision"} & tables
        assert db.execute("SELECT personnel_total, armed FROM authorizations").fetchall() == [(25, 1)]
        assert db.execute("SELECT latitude FROM facilities WHERE id = 'base-y'").fetchone() == (None,)
        for f in manifest["files"]:
            if f["format"] == "csv":
                table = f["name"][:-4].replace("-", "_")
                assert db.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (f["records"],)
        header = db.execute(
            "SELECT header FROM _columns WHERE table_name = 'authorizations' AND column_name = 'vote_for'"
        ).fetchone()
        assert header == ("Votos a favor",)
    finally:
        db.close()


@pytest.mark.django_db
def test_withdrawn_records_only_when_asked(loaded: Path, tmp_path: Path) -> None:
    withdraw(m.Authorization.objects.get(pk="rl-100"), reason="duplicado", author="test")
    plain = write_set(tmp_path / "a")
    assert {f["name"]: f["records"] for f in plain["files"]}["authorizations.jsonl"] == 0
    flagged = write_set(tmp_path / "b", Selection(include_withdrawn=True))
    assert {f["name"]: f["records"] for f in flagged["files"]}["authorizations.jsonl"] == 1
    assert flagged["include_withdrawn"] is True
    (row,) = csv_rows(tmp_path / "b" / "authorizations.csv")
    assert row["Estado"] == "Retirado" and row["Motivo del retiro"] == "duplicado"


@pytest.mark.django_db
def test_english_headers(loaded: Path, tmp_path: Path) -> None:
    write_set(tmp_path / "en", language="en")
    with (tmp_path / "en" / "authorizations.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert "Votes in favour" in header or "Votes for" in header, header
