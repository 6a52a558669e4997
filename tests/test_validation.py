"""Hostile values in dataset files are refused by ``check`` and ``load`` (file, record and field named, nothing
written); extreme values that are valid are stored and every page, the API and ``export`` still answer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from veeduria.cli import main
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.validate import DatasetInvalid, validate_folder
from veeduria.records import models as m
from veeduria.records.export import write_jsonl

pytestmark = pytest.mark.django_db

AGREEMENT = """- id: agr-1
  kind: fms_case
  title_es: Venta de prueba
  parties: [hst, frn]
  signed_on: 2020-03-01
  effective_on: 2020-03-15
  ends_on: 2025-03-01
  estimated_cost: 74000000
  currency: USD
  citations: [{source: src-official}]
"""
ACTIVITY = """- id: act-1
  kind: exercise
  name_es: Ejercicio de prueba
  host_country: hst
  countries: [hst, frn]
  start_date: 2023-06-12
  end_date: 2023-06
  personnel_low: 10
  personnel_best: 20
  personnel_high: 30
  latitude: -12.05
  longitude: -77.04
  citations: [{source: src-official}]
"""


def _write(folder: Path, agreement: str = AGREEMENT, activity: str = ACTIVITY) -> None:
    (folder / "agreements.yaml").write_text(agreement, encoding="utf-8")
    (folder / "activities.yaml").write_text(activity, encoding="utf-8")


def _errors(folder: Path) -> str:
    with pytest.raises(DatasetInvalid) as info:
        validate_folder(folder)
    return "\n".join(info.value.errors)


def test_valid_files_load(mini_dataset: Path) -> None:
    _write(mini_dataset)
    load_folder(mini_dataset)
    act = m.Activity.objects.get(pk="act-1")
    assert (act.end_date.isoformat(), act.end_precision) == ("2023-06-01", "month")  # same month as the start: ok
    assert m.Agreement.objects.get(pk="agr-1").estimated_cost == 74000000


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "estimated_cost: 74000000",
            "estimated_cost: 1e30",
            "agreements.yaml:1: record 'agr-1': field 'estimated_cost': 1e30 has more than 16 digits before the "
            "decimal point",
        ),
        ("estimated_cost: 74000000", "estimated_cost: 1.0e+30", "field 'estimated_cost': 1.0E+30 has more than 16"),
        ("estimated_cost: 74000000", "estimated_cost: .nan", "field 'estimated_cost': nan is not a finite number"),
        ("estimated_cost: 74000000", "estimated_cost: .inf", "field 'estimated_cost': inf is not a finite number"),
        ("estimated_cost: 74000000", "estimated_cost: -.inf", "field 'estimated_cost': -inf is not a finite number"),
        ("estimated_cost: 74000000", "estimated_cost: 12.345", "field 'estimated_cost': 12.345 has more than 2"),
        (
            "estimated_cost: 74000000",
            "estimated_cost: 1234567890123456.78",  # as written, not as a float would round it
            "field 'estimated_cost': 1234567890123456.78 has more than 15 significant digits",
        ),
        ("ends_on: 2025-03-01", "ends_on: 2020-03-10", "field 'ends_on': 2020-03-10 is before 'effective_on'"),
        ("ends_on: 2025-03-01", "ends_on: 2019", "field 'ends_on': 2019-01-01 is before 'signed_on' (2020-03-01)"),
        ("currency: USD", "currency: DOLLARS", "field 'currency': longer than 3 characters"),
    ],
)
def test_hostile_agreement(mini_dataset: Path, old: str, new: str, expected: str) -> None:
    _write(mini_dataset, AGREEMENT.replace(old, new))
    assert expected in _errors(mini_dataset)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("end_date: 2023-06", "end_date: 2023-05", "field 'end_date': 2023-05-01 is before 'start_date' (2023-06-12)"),
        ("end_date: 2023-06", "end_date: 2023-06-11", "field 'end_date': 2023-06-11 is before 'start_date'"),
        ("personnel_low: 10", "personnel_low: 25", "field 'personnel_best': 20 is less than 'personnel_low' (25)"),
        ("personnel_high: 30", "personnel_high: 15", "field 'personnel_high': 15 is less than 'personnel_best'"),
        ("personnel_high: 30", "personnel_high: 2147483648", "2147483648 is out of range (0 to 2147483647)"),
        ("latitude: -12.05", "latitude: -91", "field 'latitude': -91.0 is out of range (-90 to 90)"),
        ("longitude: -77.04", "longitude: 180.5", "field 'longitude': 180.5 is out of range (-180 to 180)"),
        ("longitude: -77.04", "longitude: .nan", "field 'longitude': nan is not a finite number"),
        ("kind: exercise", "kind: invasion", "field 'kind': 'invasion' is not one of"),
        ("name_es: Ejercicio de prueba", 'name_es: "a\\0b"', "field 'name_es': contains a NUL character"),
    ],
)
def test_hostile_activity(mini_dataset: Path, old: str, new: str, expected: str) -> None:
    _write(mini_dataset, activity=ACTIVITY.replace(old, new))
    message = _errors(mini_dataset)
    assert "activities.yaml:1: record 'act-1'" in message
    assert expected in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("window_end: 2023-12-31", "window_end: 2023-05-31", "field 'window_end': 2023-05-31 is before"),
        ("{start: 2023-06-01, end: 2023-09-30}", "{start: 2023-06-01, end: 2023-05-30}", "periods[1]: field 'end'"),
        ("{country: frn, service: Special Forces, count: 25}", "{country: frn, count: 5000000000}", "personnel[1]"),
        ("value: 77, source: src-press-b", "value: .nan, source: src-press-b", "alternatives[2]: field 'value': nan"),
        ("value: 77, source: src-press-b", "value: 3000000000, source: src-press-b", "alternatives[2]: field 'val"),
        ("vote_for: 76\n", "vote_for: 2.5\n", "field 'vote_for': a whole number is expected, got 2.5"),
    ],
)
def test_hostile_authorization(mini_dataset: Path, old: str, new: str, expected: str) -> None:
    path = mini_dataset / "authorizations.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    message = _errors(mini_dataset)
    assert "authorizations.yaml:1: record 'rl-100'" in message
    assert expected in message


@pytest.mark.parametrize("value", ["1e30", ".nan", ".inf"])
def test_load_refuses_and_writes_nothing(mini_dataset: Path, value: str) -> None:
    load_folder(mini_dataset)
    before = m.Agreement.objects.count(), m.Authorization.objects.get(pk="rl-100").personnel_total
    _write(mini_dataset, AGREEMENT.replace("estimated_cost: 74000000", f"estimated_cost: {value}"))
    path = mini_dataset / "authorizations.yaml"
    path.write_text(path.read_text().replace("personnel_total: 25", "personnel_total: 30"))
    with pytest.raises(DatasetInvalid) as info:
        load_folder(mini_dataset)
    assert "agreements.yaml:1: record 'agr-1': field 'estimated_cost'" in info.value.errors[0]
    assert (m.Agreement.objects.count(), m.Authorization.objects.get(pk="rl-100").personnel_total) == before


def test_check_command_names_file_record_and_field(mini_dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(mini_dataset, AGREEMENT.replace("estimated_cost: 74000000", "estimated_cost: .nan"))
    assert main(["check", str(mini_dataset)]) != 0
    err = capsys.readouterr().err
    assert "agreements.yaml:1: registro 'agr-1': campo 'estimated_cost': nan no es un número finito" in err


EXTREME_AGREEMENT = AGREEMENT.replace("estimated_cost: 74000000", "estimated_cost: 9999999999999990.00").replace(
    "title_es: Venta de prueba", "title_es: " + "V" * 500
)
EXTREME_ACTIVITY = (
    ACTIVITY.replace("personnel_low: 10", "personnel_low: 2147483647")
    .replace("personnel_best: 20", "personnel_best: 2147483647")
    .replace("personnel_high: 30", "personnel_high: 2147483647")
    .replace("latitude: -12.05", "latitude: -90")
    .replace("longitude: -77.04", "longitude: 180")
    .replace("  citations:", "  cost: -9999999999999.99\n  currency: USD\n  citations:")
)


def test_extreme_valid_values_are_served(mini_dataset: Path, client: Client) -> None:
    """The largest values the rules allow are stored, and pages, the API and the export answer with them."""
    _write(mini_dataset, EXTREME_AGREEMENT, EXTREME_ACTIVITY)
    load_folder(mini_dataset)
    assert m.Activity.objects.get(pk="act-1").personnel_best == 2147483647
    urls = []
    for lang in ("es", "en"):
        with translation.override(lang):
            urls += [reverse("portal:home"), reverse("portal:figures")]
            for key, pk in (("agreements", "agr-1"), ("activities", "act-1")):
                urls += [reverse(f"portal:{key}-list"), reverse(f"portal:{key}-detail", args=[pk])]
    urls += [f"/api/v1/records/{k}" for k in ("agreements", "activities")]
    urls += ["/api/v1/records/agreements/agr-1", "/api/v1/records/activities/act-1", "/api/v1/types"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    api = client.get("/api/v1/records/agreements/agr-1").json()
    assert "9999999999999990" in json.dumps(api)
    out = io.StringIO()
    write_jsonl(out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert any(r.get("id") == "act-1" for r in lines)
