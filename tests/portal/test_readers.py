"""What readers see: disagreements and history as readable values, codes as labels, the reliability page that
every badge links to, editors' notes kept out of pages, the API and the export, limits beside participation."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.test import Client

from veeduria.evidence.revisions import record_change, snapshot
from veeduria.records import models as m
from veeduria.records.export import write_jsonl

from .conftest import alternative, cite

SECRET = "NOTA-INTERNA-XYZ"


def _text(html: str, section_id: str) -> str:
    """The visible text of the section with ``id=section_id`` (tags removed)."""
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert match, section_id
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_disagreements_shown_as_readable_values(client: Client, dataset: dict[str, Any]) -> None:
    auth, press, official = dataset["authorization"], dataset["press"], dataset["official"]
    alternative(auth, press, "host_country", "usa")
    alternative(auth, press, "foreign_countries", ["usa", "peru"])
    alternative(auth, press, "approved_on", "2023-05")
    alternative(auth, official, "published_on", "2023-05-20")
    alternative(auth, press, "instrument_type", "rs")
    alternative(auth, press, "armed", False)
    alternative(auth, press, "personnel", [{"country": "usa", "service": "Ejército", "count": 1098}])
    alternative(auth, press, "vote_for", 1234)
    html = client.get("/es/autorizaciones/rl-32214/").content.decode()
    text = _text(html, "disagreements")
    for raw in ("{", "}", "[", "]", '"usa"', "'country'", "True", "False"):
        assert raw not in text, raw
    assert "Estados Unidos" in text and "Perú" in text  # ids → names
    assert 'href="/es/paises/usa/"' in html  # with a link
    assert "mayo 2023" in text and "20 de mayo de 2023" in text  # dates with their precision
    assert "Resolución Suprema" in text  # choice code → label
    assert "efectivos: 1.098" in text or "efectivos: 1\xa0098" in text  # child rows, localised number
    assert re.search(r"1[.\xa0 ]234", text)
    assert "El Peruano, 2023-05-20" in text and "kind-press" in html  # the source with its kind badge
    en = _text(client.get("/en/authorizations/rl-32214/").content.decode(), "disagreements")
    assert "United States" in en and "May 2023" in en and "Supreme Resolution" in en and "1,098" in en


def test_history_is_a_readable_summary(client: Client, dataset: dict[str, Any]) -> None:
    auth = dataset["authorization"]
    before = snapshot(auth)
    auth.approved_on = dt.date(2023, 5, 19)
    auth.approved_precision = "day"
    auth.instrument_type = "rs"
    auth.editor_notes = SECRET
    auth.save()
    auth.foreign_countries.add(dataset["peru"])
    record_change(auth, before, author="editora", reason="corrección")
    html = client.get("/es/autorizaciones/rl-32214/").content.decode()
    history = re.search(r'<table class="records history">(.*?)</table>', html, re.S)
    assert history
    text = re.sub(r"<[^>]+>", " ", history.group(1))
    assert "Aprobada" in text and "mayo 2023" in text and "19 de mayo de 2023" in text
    assert "Resolución Legislativa" in text and "Resolución Suprema" in text
    assert "Perú" in text and "Estados Unidos" in text
    for raw in ("[", "{", "2023-05-19", '"rs"', "notas para editores"):
        assert raw not in text, raw
    assert SECRET not in html


def test_codes_shown_as_labels(client: Client, dataset: dict[str, Any]) -> None:
    count = m.PersonnelCount.objects.create(
        id="dmdc-per-2024-air-force",
        host_country=dataset["peru"],
        sending_country=dataset["usa"],
        year=2024,
        month=12,
        service="air_force",
        category="active_duty",
        count=4,
    )
    cite(count, dataset["official"])
    listing = client.get("/es/personal/").content.decode()
    assert "Fuerza Aérea" in listing and "servicio activo" in listing
    assert ">air_force<" not in listing and "active_duty" not in re.sub(r'href="[^"]*"', "", listing)
    detail = client.get("/en/personnel/dmdc-per-2024-air-force/").content.decode()
    assert "Air Force" in detail and "active duty" in detail
    assert "air_force" not in re.sub(r'(href|id)="[^"]*"', "", detail).replace("dmdc-per-2024-air-force", "")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/es/metodo/fiabilidad/", ["Cita verificada", "No significa que lo que afirma la fuente sea cierto"]),
        ("/en/method/reliability/", ["Citation checked", "It does not mean that what the source claims is true"]),
    ],
)
def test_reliability_page_in_both_languages(client: Client, db: Any, url: str, words: list[str]) -> None:
    html = client.get(url).content.decode()
    for word in words:
        assert word in html
    for code in ("confirmed", "partly", "weak", "unverified"):
        assert f'id="rel-{code}"' in html
    for kind in ("official", "press", "dataset", "repository", "leak", "weak"):
        assert f'id="kind-{kind}"' in html


def test_every_badge_links_to_its_definition(client: Client, dataset: dict[str, Any]) -> None:
    definitions = client.get("/es/metodo/fiabilidad/").content.decode()
    anchors = set(re.findall(r'id="((?:rel|kind)-[a-z]+)"', definitions))
    for url in ("/es/autorizaciones/rl-32214/", "/es/fuentes/diario-x/", "/es/autorizaciones/", "/es/fuentes/"):
        html = client.get(url).content.decode()
        badges = re.findall(r'<(\w+) class="badge (?:rel|kind)-[^"]*"([^>]*)>', html)
        assert badges, url
        for tag, attrs in badges:
            assert tag == "a", (url, attrs)
            target = re.search(r'href="/es/metodo/fiabilidad/#([^"]+)"', attrs)
            assert target and target.group(1) in anchors, (url, attrs)
    assert "Confirmado<" not in client.get("/es/autorizaciones/rl-32214/").content.decode()


def test_editor_notes_never_shown(client: Client, dataset: dict[str, Any]) -> None:
    auth, source = dataset["authorization"], dataset["press"]
    m.Authorization.objects.filter(pk=auth.pk).update(editor_notes=SECRET)
    type(source).objects.filter(pk=source.pk).update(editor_notes=SECRET)
    pages = [
        "/es/autorizaciones/rl-32214/",
        "/en/authorizations/rl-32214/",
        "/es/autorizaciones/",
        "/es/fuentes/diario-x/",
        "/es/fuentes/",
        "/api/v1/records/authorizations/rl-32214",
        "/api/v1/records/authorizations",
        "/api/v1/sources/diario-x",
        "/api/v1/sources",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body and "editor_notes" not in body and "notas para editores" not in body, url
    out = io.StringIO()
    write_jsonl(out, include_sources=True, include_withdrawn=True)
    assert SECRET not in out.getvalue()
    assert all("editor_notes" not in json.loads(line) for line in out.getvalue().splitlines())


def test_statement_page(client: Client, dataset: dict[str, Any]) -> None:
    html = client.get("/es/declaraciones/mindef-2022-12-31/").content.decode()
    assert "Estados Unidos no tiene una sola base militar" in html and "31 de diciembre de 2022" in html
    assert "español" in html  # the quote's language as a label, not "es"
    assert "Resolución rl-32214" in html  # the authorization it refers to
    en = client.get("/en/statements/mindef-2022-12-31/").content.decode()
    assert "Mindef: the US has no bases in Peru" in en and "Spanish" in en


def test_limit_and_participation_side_by_side(client: Client, dataset: dict[str, Any]) -> None:
    activity = m.Activity.objects.get(pk="resolute-sentinel-2023")
    activity.personnel_best = None
    activity.personnel_low = 1500
    activity.save()
    auth_page = _text(client.get("/es/autorizaciones/rl-32214/").content.decode(), "limits")
    assert "Resolute Sentinel 2023" in auth_page and "al menos 1.500" in auth_page.replace("\xa0", ".")
    assert "participación informada" in auth_page
    activity_page = _text(client.get("/es/actividades/resolute-sentinel-2023/").content.decode(), "limits")
    assert "Estados Unidos Ejército: 60" in activity_page and "límite autorizado" in activity_page.lower()
    en = _text(client.get("/en/activities/resolute-sentinel-2023/").content.decode(), "limits")
    assert "authorized limit" in en.lower() and "participation" in en.lower()


def test_history_shows_notes_in_the_readers_language(client: Client, dataset: dict[str, Any]) -> None:
    auth = dataset["authorization"]
    before = snapshot(auth)
    auth.notes_es, auth.notes_en = "nota nueva en castellano", "new note in English"
    auth.save()
    record_change(auth, before, author="editora", reason="notas")
    es = client.get("/es/autorizaciones/rl-32214/").content.decode()
    assert "nota nueva en castellano" in es and "new note in English" not in es.split('class="records history"')[1]
    en = client.get("/en/authorizations/rl-32214/").content.decode()
    assert "new note in English" in en.split('class="records history"')[1]
