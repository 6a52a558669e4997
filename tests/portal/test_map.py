"""The map: the host's divisions (outlines, names, addresses, lookup), where records lie, the map page (its
embedded data and its plain-HTML list) and the department pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from veeduria.portal import geo
from veeduria.portal.map_places import foreign_candidates, located
from veeduria.records import models as m

from .conftest import make_authorization

DATA_GEO = Path(__file__).resolve().parents[2] / "data" / "geo"


# ------------------------------------------------------------------------------------------------ divisions


def peru() -> geo.Divisions:
    return geo.load("PER", "per")


def test_peru_has_its_25_departments_with_their_accents() -> None:
    names = [d.name for d in peru().items]
    assert len(names) == 25
    assert {"Áncash", "San Martín", "Huánuco", "Madre de Dios", "Callao", "Lima"} <= set(names)
    assert peru().by_slug()["san-martin"].name == "San Martín"
    assert "MPL-2.0" in peru().attribution


def test_boundaries_file_and_licence_are_bundled() -> None:
    assert (DATA_GEO / "LICENSE-MPL-2.0").read_text().startswith("Mozilla Public License")
    assert "peru_departamental_simple.geojson" in (DATA_GEO / "boundaries.yaml").read_text()
    assert "MPL-2.0" in (DATA_GEO / "README.md").read_text()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Áncash", "ancash"),
        ("ANCASH", "ancash"),
        ("ancash", "ancash"),
        ("san-martin", "san-martin"),
        ("San Martín", "san-martin"),
        ("madre-de-dios", "madre-de-dios"),
        ("Provincia Constitucional del Callao", "callao"),
    ],
)
def test_a_department_is_found_with_accents_case_and_aliases_ignored(text: str, slug: str) -> None:
    found = peru().find(text)
    assert found is not None and found.slug == slug


@pytest.mark.parametrize("text", ["Iquitos", "Atlantis", "", "lima-callao"])
def test_an_unknown_name_finds_no_department(text: str) -> None:
    assert peru().find(text) is None


def test_place_texts_name_departments_as_oversight_splits_them() -> None:
    found = peru().named_in("Lima, Callao, Pucusana, Talara, Piura, Chiclayo")
    assert [d.name for d in found] == ["Lima", "Callao", "Piura"]
    assert [d.name for d in peru().named_in("Base Naval de Nanay, Iquitos")] == []


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (-6.496591, -76.37249, "San Martín"),
        (-12.05, -77.04, "Lima"),
        (-3.75, -73.25, "Loreto"),
        (-13.52, -71.97, "Cusco"),
    ],
)
def test_a_point_lies_in_the_department_whose_outline_contains_it(lat: float, lon: float, name: str) -> None:
    found = peru().containing(lat, lon)
    assert found is not None and found.name == name


def test_a_point_outside_the_country_lies_in_no_department() -> None:
    assert peru().containing(0.0, 0.0) is None
    assert peru().containing(-12.0, -80.0) is None  # at sea


def test_a_host_without_boundaries_has_no_divisions() -> None:
    assert geo.load("XXX", "").items == ()


def test_outline_coordinates_are_rounded() -> None:
    ring = peru().items[0].geometry["coordinates"][0]
    flat = ring[0] if isinstance(ring[0][0], list) else ring
    assert all(len(str(x).split(".")[-1]) <= geo.DECIMALS for point in flat for x in point)


# ----------------------------------------------------------------------------------------- placed records


@pytest.fixture
def placed(dataset: dict[str, Any]) -> dict[str, Any]:
    """The fixture records and: a facility with exact coordinates (Loreto), one known only to its department
    (Cusco), an activity of department precision (Cusco), one at a locality (Callao), and an authorization
    naming Áncash and the Loreto facility among its places."""
    peru_c, usa = dataset["peru"], dataset["usa"]
    loreto = m.Facility.objects.create(
        id="base-loreto",
        name_es="Base ribereña de prueba",
        name_en="Test riverine base",
        kind="base",
        country=peru_c,
        locality="Iquitos",
        latitude=-3.75,
        longitude=-73.25,
        coord_precision="exact",
    )
    m.FacilityUse.objects.create(
        id="loreto-usa", facility=loreto, user_country=usa, purpose_es="Entrenamiento", confirmed=True
    )
    m.Facility.objects.create(
        id="puesto-cusco",
        name_es="Puesto de prueba en el Cusco",
        kind="other",
        country=peru_c,
        department="Cusco",
        latitude=-13.5,
        longitude=-72.0,
        coord_precision="department",
    )
    cusco_act = m.Activity.objects.create(
        id="ejercicio-cusco",
        kind="exercise",
        name_es="Ejercicio andino de prueba",
        name_en="Test Andean exercise",
        host_country=peru_c,
        department="Cusco",
        place_precision="department",
        latitude=-13.5,
        longitude=-72.0,
    )
    cusco_act.countries.add(usa)
    callao_act = m.Activity.objects.create(
        id="visita-callao",
        kind="port_visit",
        name_es="Visita de prueba al Callao",
        host_country=peru_c,
        place="Callao",
        place_precision="locality",
        latitude=-12.06,
        longitude=-77.14,
    )
    callao_act.countries.add(usa)
    auth = make_authorization("rl-map", peru_c, usa, title_es="Resolución del mapa", title_en="Map resolution")
    m.AuthorizedPlace.objects.create(authorization=auth, name="Áncash")
    m.AuthorizedPlace.objects.create(authorization=auth, name="base ribereña", facility=loreto)
    return dataset


def _by_id(divs: geo.Divisions) -> dict[str, Any]:
    with translation.override("es"):
        return {r.id: r for r in located(divs)}


def test_records_lie_in_departments_from_field_coordinates_and_names(placed: dict[str, Any]) -> None:
    rows = _by_id(peru())
    assert [d.name for d in rows["base-loreto"].divisions] == ["Loreto"]  # its coordinates
    assert [d.name for d in rows["puesto-cusco"].divisions] == ["Cusco"]  # its field
    assert [d.name for d in rows["visita-callao"].divisions] == ["Callao"]
    assert [d.name for d in rows["base-ancon"].divisions] == []  # no department, no coordinates
    assert [d.name for d in rows["rl-32214"].divisions] == ["Lima"]  # its place's department
    assert sorted(d.name for d in rows["rl-map"].divisions) == ["Loreto", "Áncash"]


def test_a_department_precision_place_is_not_a_point(placed: dict[str, Any]) -> None:
    rows = _by_id(peru())
    assert rows["puesto-cusco"].points == []
    assert rows["ejercicio-cusco"].points == []
    assert rows["base-loreto"].points == [(-3.75, -73.25)]
    assert rows["visita-callao"].points == [(-12.06, -77.14)]
    assert rows["rl-map"].points == [(-3.75, -73.25)]  # at its facility


def test_facilities_carry_the_presence_category_of_their_assessment(placed: dict[str, Any]) -> None:
    rows = _by_id(peru())
    assert rows["base-loreto"].category == "temporary_use"
    assert rows["base-loreto"].foreign == "Estados Unidos"
    assert rows["puesto-cusco"].category == "none_documented"


def test_only_foreign_countries_with_evidence_at_a_facility_are_assessed(placed: dict[str, Any]) -> None:
    peru_c = placed["peru"]
    chile = m.Country.objects.create(id="chile", iso3="CHL", name_es="Chile", name_en="Chile")
    auth = make_authorization("rl-chile", peru_c, chile)
    m.AuthorizedPlace.objects.create(authorization=auth, name="Cusco")  # a place, not a facility
    assert foreign_candidates(peru_c) == {"USA"}
    visit = m.Activity.objects.create(id="visita-chile", kind="meeting", name_es="Visita chilena", host_country=peru_c)
    visit.countries.add(chile)
    visit.facilities.add(m.Facility.objects.get(pk="base-loreto"))
    assert foreign_candidates(peru_c) == {"USA", "CHL"}


def test_withdrawn_records_are_left_off_the_map(placed: dict[str, Any]) -> None:
    assert "rl-99999" not in _by_id(peru())
    m.Facility.objects.filter(pk="base-loreto").update(status="withdrawn")
    rows = _by_id(peru())
    assert "base-loreto" not in rows
    assert rows["rl-map"].points == []  # its place named the withdrawn facility
    assert [d.name for d in rows["rl-map"].divisions] == ["Áncash"]


# --------------------------------------------------------------------------------------------- the pages


def _map_data(html: str) -> dict[str, Any]:
    start = html.index('<script id="map-data" type="application/json">') + len(
        '<script id="map-data" type="application/json">'
    )
    return dict(json.loads(html[start : html.index("</script>", start)]))


def test_map_page_lists_departments_with_counts_without_javascript(client: Client, placed: dict[str, Any]) -> None:
    response = client.get("/es/mapa/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert '<a href="/es/mapa/loreto/">Loreto</a></th><td class="num">1</td><td class="num">0</td>' in html
    assert '<a href="/es/mapa/cusco/">Cusco</a></th><td class="num">1</td><td class="num">1</td>' in html
    assert '<a href="/es/mapa/ancash/">Áncash</a>' in html
    assert "vendor/leaflet/leaflet.js" in html and "portal/map.js" in html
    assert "Base naval de Ancón" in html  # listed among the records without a department
    assert "MPL-2.0" in html
    assert "Leyenda" in html and "base extranjera" in html


def test_map_data_draws_points_only_where_coordinates_exist(client: Client, placed: dict[str, Any]) -> None:
    data = _map_data(client.get("/es/mapa/").content.decode())
    assert len(data["divisions"]["features"]) == 25
    points = {(p["lat"], p["lon"]): p for p in data["points"]}
    assert set(points) == {(-3.75, -73.25), (-12.06, -77.14)}
    loreto = points[(-3.75, -73.25)]
    assert loreto["symbol"] == "temporary_use" and loreto["approximate"] is False
    assert [r["url"] for r in loreto["records"]] == ["/es/instalaciones/base-loreto/", "/es/autorizaciones/rl-map/"]
    assert points[(-12.06, -77.14)]["symbol"] == "activity" and points[(-12.06, -77.14)]["approximate"] is True
    props = {f["properties"]["name"]: f["properties"] for f in data["divisions"]["features"]}
    assert props["Cusco"]["url"] == "/es/mapa/cusco/"
    assert props["Cusco"]["summary"] == "1 instalación, 1 actividad"
    assert props["Cusco"]["shade"] == 1 and props["Puno"]["shade"] == 0


def test_map_page_in_english(client: Client, placed: dict[str, Any]) -> None:
    html = client.get("/en/map/").content.decode()
    assert "<h1>Map</h1>" in html
    assert '<a href="/en/map/cusco/">Cusco</a>' in html
    assert "Legend" in html and "foreign base" in html
    data = _map_data(html)
    props = {f["properties"]["name"]: f["properties"] for f in data["divisions"]["features"]}
    assert props["Cusco"]["summary"] == "1 facility, 1 activity"
    loreto = next(p for p in data["points"] if p["lat"] == -3.75)
    assert loreto["records"][0]["url"] == "/en/facilities/base-loreto/"


def test_department_page_lists_what_happened_there(client: Client, placed: dict[str, Any]) -> None:
    response = client.get("/es/mapa/cusco/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Lo ocurrido en Cusco</h1>" in html
    assert '<a href="/es/instalaciones/puesto-cusco/">' in html
    assert '<a href="/es/actividades/ejercicio-cusco/">' in html
    assert "Solo el departamento" in html
    assert "Ninguna autorización nombra este departamento" in html
    assert "base-loreto" not in html


def test_department_page_lists_authorizations_naming_it(client: Client, placed: dict[str, Any]) -> None:
    html = client.get("/es/mapa/ancash/").content.decode()
    assert '<a href="/es/autorizaciones/rl-map/">' in html
    assert "Áncash, base ribereña" in html
    lima = client.get("/es/mapa/lima/").content.decode()
    assert '<a href="/es/autorizaciones/rl-32214/">' in lima
    assert "rl-99999" not in lima


def test_department_page_in_english(client: Client, placed: dict[str, Any]) -> None:
    html = client.get("/en/map/loreto/").content.decode()
    assert "<h1>What happened in Loreto</h1>" in html
    assert '<a href="/en/facilities/base-loreto/">' in html
    assert "Exact coordinates" in html


@pytest.mark.parametrize("spelling", ["%C3%81ncash", "ANCASH", "Ancash"])
def test_other_spellings_lead_to_the_department_address(client: Client, placed: dict[str, Any], spelling: str) -> None:
    response = client.get(f"/es/mapa/{spelling}/")
    assert response.status_code == 301
    assert response["Location"] == "/es/mapa/ancash/"


@pytest.mark.parametrize("name", ["atlantis", "iquitos", "lima-callao"])
def test_an_unknown_department_is_not_found(client: Client, placed: dict[str, Any], name: str) -> None:
    assert client.get(f"/es/mapa/{name}/").status_code == 404


def test_map_page_without_records(client: Client, db: Any) -> None:
    response = client.get("/es/mapa/")
    assert response.status_code == 200
    assert len(_map_data(response.content.decode())["divisions"]["features"]) == 25
