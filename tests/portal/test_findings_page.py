"""The findings page (filters with counts, table, pagination, downloads, no raw codes) and the oversight
sections of activity and authorization pages, with findings written through the model."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client

from veeduria.evidence.models import Citation
from veeduria.oversight.models import Finding
from veeduria.oversight.rules import RULES
from veeduria.portal.findings import RULE_LABELS
from veeduria.records import models as m


def _text(response: Any) -> str:
    page = response.content.decode()
    page = page[page.index("<main>") :]
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r" ([:,.;)])", r"\1", text)


@pytest.fixture
def findings(dataset: dict[str, Any]) -> dict[str, Any]:
    auth = dataset["authorization"]
    activity = auth.activities.get()
    col = m.Country.objects.create(id="col", iso3="COL", name_es="Colombia", name_en="Colombia")
    lone = m.Activity.objects.create(
        id="ejercicio-sin-permiso",
        kind="exercise",
        name_es="Ejercicio sin permiso",
        name_en="Exercise without permit",
        host_country=dataset["peru"],
        start_date=dt.date(2021, 3, 1),
    )
    lone.countries.add(col)
    citation = Citation.objects.filter(object_id=auth.pk, field="personnel_total").first()
    assert citation is not None
    over = Finding.objects.create(
        activity=activity,
        authorization=auth,
        rule="personnel_over_limit",
        severity="violation",
        reason="personnel_over",
        values={"limit": 100, "low": 120, "best": None, "window_start": "2023-06-01", "secret_code": "x"},
    )
    window = Finding.objects.create(
        activity=activity,
        authorization=auth,
        rule="outside_window",
        severity="undetermined",
        reason="window_imprecise",
        values={"activity_start": "2023-07-01", "missing": ["window", "armed"]},
    )
    none = Finding.objects.create(
        activity=lone,
        authorization=None,
        rule="no_authorization",
        severity="violation",
        reason="no_auth",
        values={"foreign": ["col"], "requires": "legislative", "instrument": "rm"},
    )
    return {"over": over, "window": window, "none": none, "lone": lone, "activity": activity, "auth": auth}


def test_every_rule_has_a_label() -> None:
    assert set(RULES) <= set(RULE_LABELS)


def test_findings_page_lists_with_counts(client: Client, findings: dict[str, Any]) -> None:
    response = client.get("/es/hallazgos/")
    assert response.status_code == 200
    text = _text(response)
    assert "3 hallazgos" in text
    assert "Incumplimiento (2)" in text and "No determinable (1)" in text and "Observación (0)" in text
    assert "Más personal que el autorizado (1)" in text and "Sin autorización (1)" in text
    assert "Participaron en la actividad más efectivos extranjeros (al menos 120) que los 100 autorizados por «" in text
    # readable evidence: labels and localised values, the source of the citation, linked records
    assert (
        "Personal autorizado: 100" in text
        and "Personal (mínimo): 120" in text
        and "Personal (mejor estimación): sin dato" in text
    )
    assert "Inicio del periodo autorizado: 1 de junio de 2023" in text
    assert "Inicio de la actividad: julio 2023" in text
    assert "Falta saber: el periodo autorizado, si el ingreso es con armas" in text
    assert "Países extranjeros: Colombia" in text and "Instrumento exigido: resolución legislativa" in text
    assert "El Peruano, 2023-05-20 (art. 1)" in text
    # never a raw code or JSON
    for raw in ("personnel_over_limit", "no_authorization", "secret_code", "legislative", "{", "COL,"):
        assert raw not in text, raw
    # violations first
    assert text.index("Participaron en la actividad más") < text.index("bastante precisas")
    assert 'href="/es/hallazgos.csv"' in response.content.decode()
    assert 'href="/es/hallazgos.json"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("severity=violation", ["Participaron en la actividad más", "ingreso que cubra"], ["bastante precisas"]),
        ("rule=outside_window", ["bastante precisas"], ["Participaron en la actividad más", "ingreso que cubra"]),
        ("year=2021", ["ingreso que cubra"], ["Participaron en la actividad más", "bastante precisas"]),
        ("country=COL", ["ingreso que cubra"], ["Participaron en la actividad más"]),
        (
            "country=usa&severity=undetermined",
            ["bastante precisas"],
            ["Participaron en la actividad más", "ingreso que cubra"],
        ),
    ],
)
def test_findings_filters(
    client: Client, findings: dict[str, Any], query: str, shown: list[str], hidden: list[str]
) -> None:
    text = _text(client.get(f"/es/hallazgos/?{query}"))
    for s in shown:
        assert s in text, s
    for s in hidden:
        assert s not in text, s


def test_findings_counts_follow_the_other_filters(client: Client, findings: dict[str, Any]) -> None:
    text = _text(client.get("/es/hallazgos/?year=2023"))
    assert "2 hallazgos" in text and "Incumplimiento (1)" in text and "No determinable (1)" in text
    assert "Sin autorización" not in text.split("Filtrar")[0]  # no rule option without findings


def test_findings_page_in_english_and_bad_filters(client: Client, findings: dict[str, Any]) -> None:
    text = _text(client.get("/en/findings/"))
    assert "More foreign personnel took part in the activity (at least 120) than the 100 authorized by «" in text
    assert "Participaron" not in text
    assert "Violation (2)" in text and "More personnel than authorized (1)" in text
    response = client.get("/en/findings/?severity=nonsense&year=abc&rule=zzz&country=%3Cx%3E")
    assert response.status_code == 200
    assert "No findings match these filters." in _text(response)


def test_findings_pagination(client: Client, findings: dict[str, Any], settings: Any) -> None:
    settings.PAGE_SIZE = 2
    first = client.get("/es/hallazgos/?severity=violation").content.decode()
    assert "página 1 de 1" not in first
    text = _text(client.get("/es/hallazgos/"))
    assert "página 1 de 2" in text
    second = _text(client.get("/es/hallazgos/?page=2"))
    assert "bastante precisas" in second and "Participaron en la actividad más" not in second


def test_activity_page_shows_its_legal_basis_and_findings(client: Client, findings: dict[str, Any]) -> None:
    text = _text(client.get(f"/es/actividades/{findings['activity'].pk}/"))
    assert "Base legal y hallazgos" in text
    assert "Autorizaciones que la cubren" in text and "Resolución rl-32214" in text
    assert "Participaron en la actividad más efectivos extranjeros (al menos 120) que los 100 autorizados por «" in text
    lone = _text(client.get(f"/en/activities/{findings['lone'].pk}/"))
    assert "Legal basis and findings" in lone
    assert "No authorization was found that covers this activity." in lone
    assert "The database holds no entry authorization covering the activity (countries: Colombia;" in lone


def test_activity_without_foreign_presence_has_no_section(client: Client, findings: dict[str, Any]) -> None:
    home = m.Activity.objects.create(
        id="curso-local", kind="training", name_es="Curso local", host_country=findings["auth"].host_country
    )
    assert "Base legal y hallazgos" not in _text(client.get(f"/es/actividades/{home.pk}/"))


def test_authorization_page_shows_its_coverage(client: Client, findings: dict[str, Any]) -> None:
    text = _text(client.get(f"/es/autorizaciones/{findings['auth'].pk}/"))
    assert "Cobertura" in text
    assert "Resolute Sentinel 2023" in text
    assert (
        "Participaron en la actividad más efectivos extranjeros (al menos 120) que los 100 autorizados por «" in text
        and "no son lo bastante precisas" in text
    )
    english = _text(client.get(f"/en/authorizations/{findings['auth'].pk}/"))
    assert "Coverage" in english and "More foreign personnel took part in the activity (at least 120)" in english


def test_downloads_keep_the_filters_of_the_page(client: Client, findings: dict[str, Any]) -> None:
    html = client.get("/es/hallazgos/?severity=violation&year=2023&country=usa&page=1").content.decode()
    assert 'href="/es/hallazgos.csv?severity=violation&amp;year=2023&amp;country=USA"' in html
    assert 'href="/es/hallazgos.json?severity=violation&amp;year=2023&amp;country=USA"' in html
    assert 'href="/en/findings.csv"' in client.get("/en/findings/").content.decode()
