"""Atom 1.0 feeds of new or changed authorizations, findings and fact-checks, per type and per country."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.test import Client

from veeduria.factchecks.models import Claim, Review
from veeduria.ingest.dataset import load_folder
from veeduria.oversight.models import Finding
from veeduria.records import models as m

from .conftest import date_revisions, edit_authorizations

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client: Client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # what Atom 1.0 requires of a feed and of each entry (RFC 4287, 4.1.1 and 4.1.2)
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return root


def entries(root: ET.Element) -> list[tuple[str, str]]:
    return [
        (e.findtext(f"{ATOM}title") or "", e.find(f"{ATOM}link").get("href", ""))  # type: ignore[union-attr]
        for e in root.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def changed(loaded: Path) -> Path:
    date_revisions("2024-01-10")

    def more(records: list[dict[str, object]]) -> None:
        records[0]["personnel_total"] = 30

    edit_authorizations(loaded, more)
    load_folder(loaded, author="test", reason="corrección del diario oficial")
    return loaded


@pytest.mark.django_db
def test_authorizations_feed_has_the_creation_and_the_change(changed: Path, client: Client) -> None:
    root = feed(client, "/es/feeds/autorizaciones/")
    titles = entries(root)
    assert [t for t, _link in titles] == [
        "Modificado: Autoriza el ingreso de personal militar",
        "Nuevo: Autoriza el ingreso de personal militar",
    ]
    assert all(link.endswith("/es/autorizaciones/rl-100/") for _t, link in titles)
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary is not None
    assert summary.text == "Cambió: personal autorizado (total). Motivo: corrección del diario oficial"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"


@pytest.mark.django_db
def test_english_feed(changed: Path, client: Client) -> None:
    root = feed(client, "/en/feeds/authorizations/")
    assert root.findtext(f"{ATOM}title") == "Veeduría: New or changed authorizations"
    assert entries(root)[0] == (
        "Changed: Authorizes the entry of military personnel",
        "http://testserver/en/authorizations/rl-100/",
    )


@pytest.mark.django_db
def test_per_country(changed: Path, client: Client) -> None:
    assert len(entries(feed(client, "/es/feeds/autorizaciones/FRN/"))) == 2
    assert len(entries(feed(client, "/es/feeds/autorizaciones/hst/"))) == 2  # the host country too, any case
    m.Country.objects.create(id="otro", iso3="OTR", name_es="Otro", name_en="Other")
    other = feed(client, "/es/feeds/autorizaciones/OTR/")
    assert entries(other) == [] and "(Otro)" in (other.findtext(f"{ATOM}title") or "")
    assert client.get("/es/feeds/autorizaciones/XXX/").status_code == 404
    assert client.get("/es/feeds/nada/").status_code == 404


@pytest.mark.django_db
def test_findings_feed(changed: Path, client: Client) -> None:
    activity = m.Activity.objects.create(
        id="ejercicio-1", kind="exercise", name_es="Ejercicio uno", name_en="Exercise one", host_country_id="hst"
    )
    activity.countries.add("frn")
    Finding.objects.create(activity=activity, rule="authorization", severity="undetermined", reason="no_framework")
    (entry,) = entries(feed(client, "/es/feeds/hallazgos/"))
    assert entry == ("No determinable: Ejercicio uno", "http://testserver/es/actividades/ejercicio-1/")
    assert len(entries(feed(client, "/en/feeds/findings/FRN/"))) == 1
    m.Country.objects.create(id="otro", iso3="OTR", name_es="Otro", name_en="Other")
    assert entries(feed(client, "/es/feeds/hallazgos/OTR/")) == []


@pytest.mark.django_db
def test_factchecks_feed(changed: Path, client: Client) -> None:
    from veeduria.evidence.revisions import record_change

    claim = Claim.objects.create(id="rumor-1", text="Hay una base extranjera", language="es")
    record_change(claim, None, author="test")
    review = Review.objects.create(
        id="rumor-1-r1",
        claim=claim,
        rating="false",
        verdict_es="Falso",
        explanation_es="No hay tal base.",
        reviewed_on=dt.date(2024, 2, 1),
        author="Veeduría",
    )
    review.authorizations.add("rl-100")
    record_change(review, None, author="test")
    titles = entries(feed(client, "/es/feeds/verificaciones/"))
    assert titles == [("Nuevo: Hay una base extranjera", "http://testserver/es/verificaciones/rumor-1/")] * 2
    assert len(entries(feed(client, "/es/feeds/verificaciones/FRN/"))) == 2
    m.Country.objects.create(id="otro", iso3="OTR", name_es="Otro", name_en="Other")
    assert entries(feed(client, "/es/feeds/verificaciones/OTR/")) == []
