"""Downloads of the findings (/es/hallazgos.csv|json, /en/findings.csv|json): filters as on the findings page,
bad values refused with a 400 naming the parameter, formula cells neutralised, streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from veeduria.oversight import output, signals
from veeduria.oversight.models import Finding
from veeduria.oversight.queries import list_findings
from veeduria.portal import findings_export
from veeduria.records import models as m


@pytest.fixture
def stored(db: Any) -> dict[str, Any]:
    """Three findings about two activities (2021 with Colombia, 2023 with the United States), written directly."""
    with signals.suspended():
        per = m.Country.objects.create(id="per", iso3="PER", name_es="Perú", name_en="Peru")
        usa = m.Country.objects.create(id="usa", iso3="USA", name_es="Estados Unidos", name_en="United States")
        col = m.Country.objects.create(id="col", iso3="COL", name_es="Colombia", name_en="Colombia")
        m.Country.objects.create(id="chl", iso3="CHL", name_es="Chile", name_en="Chile")
        a21 = m.Activity.objects.create(
            id="ejercicio-2021",
            kind="exercise",
            name_es="Ejercicio 2021",
            host_country=per,
            start_date=dt.date(2021, 3, 1),
        )
        a21.countries.add(col)
        a23 = m.Activity.objects.create(
            id="ejercicio-2023",
            kind="exercise",
            name_es="Ejercicio 2023",
            host_country=per,
            start_date=dt.date(2023, 7, 1),
        )
        a23.countries.add(usa)
        auth = m.Authorization.objects.create(
            id="+rm-2023",
            instrument_type="rm",
            title_es='=HYPERLINK("http://example.invalid";"ver")',
            host_country=per,
        )
    made = [
        Finding.objects.create(
            activity=a21,
            rule="no_authorization",
            severity="violation",
            reason="no_auth",
            values={"foreign": ["col"], "requires": "legislative"},
        ),
        Finding.objects.create(
            activity=a23,
            authorization=auth,
            rule="outside_window",
            severity="undetermined",
            reason="window_imprecise",
            values={"activity_start": "2023-07-01", "activity_end": None, "window_start": None, "window_end": None},
        ),
        Finding.objects.create(
            activity=a23,
            rule="personnel_over_limit",
            severity="violation",
            reason="personnel_over",
            values={"limit": 10, "low": 12, "best": None, "high": None},
        ),
    ]
    return {"findings": made}


def _csv(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def _json(response: Any) -> dict[str, Any]:
    return json.loads(b"".join(response.streaming_content).decode("utf-8"))  # type: ignore[no-any-return]


def test_addresses_in_both_languages() -> None:
    for lang, base in (("es", "/es/hallazgos"), ("en", "/en/findings")):
        with translation.override(lang):
            assert reverse("portal:findings-export", kwargs={"fmt": "csv"}) == f"{base}.csv"
            assert reverse("portal:findings-export", kwargs={"fmt": "json"}) == f"{base}.json"


@pytest.mark.parametrize(
    ("url", "ctype", "filename"),
    [
        ("/es/hallazgos.csv", "text/csv; charset=utf-8", "hallazgos.csv"),
        ("/en/findings.csv", "text/csv; charset=utf-8", "findings.csv"),
        ("/es/hallazgos.json", "application/json; charset=utf-8", "hallazgos.json"),
        ("/en/findings.json", "application/json; charset=utf-8", "findings.json"),
    ],
)
def test_every_finding_streamed_with_type_and_filename(
    client: Client, stored: dict[str, Any], url: str, ctype: str, filename: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == ctype
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    if url.endswith(".csv"):
        got = _csv(response)
        assert [r["activity"] for r in got] == [f.activity_id for f in list_findings()]
        assert list(got[0]) == list(output.COLUMNS)
    else:
        data = _json(response)
        assert data["count"] == 3 == len(data["findings"])
        # the same document as the CLI's JSON (oversight.output.to_json)
        assert data == json.loads(output.to_json(output.rows(list_findings())))


def test_formula_cells_neutralised(client: Client, stored: dict[str, Any]) -> None:
    got = _csv(client.get("/es/hallazgos.csv?rule=outside_window"))
    assert len(got) == 1
    assert got[0]["authorization"] == "'+rm-2023"
    assert got[0]["explanation_es"].startswith("Las fechas de la actividad (2023-07-01 – ?)")
    assert '«=HYPERLINK("http://example.invalid";"ver")»' in got[0]["explanation_en"]
    # JSON carries the text as it is (it is not read by spreadsheets)
    data = _json(Client().get("/en/findings.json?rule=outside_window"))
    assert data["findings"][0]["authorization"] == "+rm-2023"


def test_explanations_written_from_the_stored_values(client: Client, stored: dict[str, Any]) -> None:
    """The explanation is written when read, from the reason and values, with today's country names."""
    got = {r["rule"]: r for r in _csv(client.get("/es/hallazgos.csv"))}
    assert "(países: Colombia;" in got["no_authorization"]["explanation_es"]
    assert "una resolución legislativa del Congreso" in got["no_authorization"]["explanation_es"]
    assert "(at least 12) than the 10 authorized" in got["personnel_over_limit"]["explanation_en"]
    m.Country.objects.filter(pk="col").update(name_es="República de Colombia")
    again = {r["rule"]: r for r in _csv(client.get("/es/hallazgos.csv"))}
    assert "(países: República de Colombia;" in again["no_authorization"]["explanation_es"]


@pytest.mark.parametrize(
    ("query", "expected", "filename"),
    [
        ("severity=violation", ["no_authorization", "personnel_over_limit"], "hallazgos-violation.csv"),
        ("rule=outside_window", ["outside_window"], "hallazgos-outside-window.csv"),
        ("year=2021", ["no_authorization"], "hallazgos-2021.csv"),
        ("country=usa", ["outside_window", "personnel_over_limit"], "hallazgos-usa.csv"),
        ("country=USA&severity=violation&year=2023", ["personnel_over_limit"], "hallazgos-violation-2023-usa.csv"),
        ("country=CHL", [], "hallazgos-chl.csv"),
        ("severity=&rule=&year=&country=", ["no_authorization", "outside_window", "personnel_over_limit"], None),
    ],
)
def test_filters_as_on_the_page(
    client: Client, stored: dict[str, Any], query: str, expected: list[str], filename: str | None
) -> None:
    response = client.get(f"/es/hallazgos.csv?{query}")
    assert response.status_code == 200
    assert sorted(r["rule"] for r in _csv(response)) == expected
    if filename:
        assert filename in response["Content-Disposition"]
    data = _json(client.get(f"/en/findings.json?{query}"))
    assert data["count"] == len(expected) == len(data["findings"])


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("severity=grave", "severity"),
        ("severity=VIOLATION", "severity"),
        ("rule=no_such_rule", "rule"),
        ("year=abc", "year"),
        ("year=20211", "year"),
        ("year=-1", "year"),
        ("country=XX", "country"),
        ("country=ZZZ", "country"),
        ("country=U%27SA", "country"),
    ],
)
def test_bad_parameter_is_400_naming_it(client: Client, stored: dict[str, Any], query: str, name: str) -> None:
    for url, said in (("/es/hallazgos.csv", "Parámetro «"), ("/en/findings.json", "Invalid parameter «")):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        text = response.content.decode()
        assert f"{said}{name}»" in text, text
        assert response["Content-Type"].startswith("text/plain")


def test_page_links_to_the_downloads(client: Client, stored: dict[str, Any]) -> None:
    page = client.get("/en/findings/").content.decode()
    assert 'href="/en/findings.csv"' in page and 'href="/en/findings.json"' in page


def test_large_result_streamed_in_chunks(
    client: Client, stored: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """More findings than one read chunk: every row arrives once, in order, in several pieces."""
    monkeypatch.setattr(findings_export, "CHUNK", 2)
    activity = stored["findings"][0].activity
    Finding.objects.bulk_create(
        Finding(
            activity=activity, rule="limits_unknown", severity="notice", reason="before_framework", values={"since": i}
        )
        for i in range(1200)
    )
    response = client.get("/es/hallazgos.csv")
    pieces = list(response.streaming_content)  # type: ignore[attr-defined]
    assert len(pieces) > 2
    got = list(csv.DictReader(io.StringIO(b"".join(pieces).decode())))
    assert len(got) == 1203
    wanted = [
        f"La actividad es anterior al marco legal registrado (vigente desde {i}): no se evalúa." for i in range(1200)
    ]
    assert [r["explanation_es"] for r in got if r["rule"] == "limits_unknown"] == wanted
    assert _json(client.get("/es/hallazgos.json"))["count"] == 1203
