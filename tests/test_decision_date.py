"""Every authorization has a date of the decision (approval, else publication, else window start) that sorts
the lists, drives the year filter and the home page's latest list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.conftest import BUNDLED
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.importers import run_import
from veeduria.records import queries
from veeduria.records.models import Authorization
from veeduria.records.registry import BY_KEY

REGISTER = BUNDLED.parent / "external" / "peru-congress" / "Normas-LE-XX-XXI.xlsx"


@pytest.fixture
def authorizations(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"
    load_folder(BUNDLED)
    run_import("congress-register", REGISTER)


def test_date_of_decision_prefers_approval_then_publication_then_window(db: Any) -> None:
    from veeduria.records.models import Country

    per = Country.objects.create(id="per", iso3="PER", name_es="Perú", name_en="Peru")
    cases = [
        ({"approved_on": dt.date(2023, 5, 19), "published_on": dt.date(2023, 5, 31)}, "2023-05-19", "approved"),
        ({"published_on": dt.date(2018, 4, 5), "published_precision": "day"}, "2018-04-05", "published"),
        ({"window_start": dt.date(2012, 11, 1), "window_start_precision": "month"}, "2012-11-01", "window_start"),
        ({}, None, ""),
    ]
    for i, (values, expected, basis) in enumerate(cases):
        Authorization.objects.create(id=f"a{i}", instrument_type="rl", title_es="x", host_country=per, **values)
        a = Authorization.objects.get(pk=f"a{i}")
        assert (a.decision_date.isoformat() if a.decision_date else None, a.decision_basis) == (expected, basis)
    assert Authorization.objects.get(pk="a2").decision_precision == "month"
    assert Authorization.objects.get(pk="a3").decision_precision == "unknown"


def test_every_year_filter_finds_that_years_authorizations(authorizations: None) -> None:
    rt = BY_KEY["authorizations"]
    by_year: dict[int, set[str]] = {}
    for pk, day in Authorization.objects.values_list("pk", "decision_date"):
        if day is not None:
            by_year.setdefault(day.year, set()).add(pk)
    assert {2019, 2020, 2022} <= set(by_year)  # known from the register's publication dates only
    for year, ids in by_year.items():
        found = set(queries.list_records(rt, year=year).values_list("pk", flat=True))
        assert found == ids, year
    dated = sum(len(v) for v in by_year.values())
    assert dated >= Authorization.objects.count() - 3  # only records with no date at all are left out


def test_home_lists_the_latest_decisions(authorizations: None, client: Client) -> None:
    newest = Authorization.objects.exclude(decision_date=None).order_by("-decision_date").first()
    assert newest is not None
    latest = queries.latest_authorizations(8)
    assert latest[0].decision_date == newest.decision_date
    assert [a.decision_date for a in latest] == sorted((a.decision_date for a in latest), reverse=True)
    page = client.get("/es/").content.decode()
    assert f'href="/es/autorizaciones/{latest[0].pk}/"' in page
    assert "fecha de la decisión" in page
    basis = [a for a in latest if a.decision_basis == "window_start"]
    assert basis, "the bundled data has a recent authorization known by its window only (RL 32214)"
    assert basis[0].get_decision_basis_display() == "inicio del periodo autorizado"
    assert "inicio del periodo autorizado" in page  # the date says which date it is
