"""Record lists: facets with counts that add and remove filters, sortable columns, pagination keeping the state,
titles known in one language only marked, a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from veeduria.portal import list_sort
from veeduria.records import models as m
from veeduria.records.registry import RECORD_TYPES, RecordType

from .conftest import cite, make_authorization


@pytest.fixture
def more(dataset: dict[str, Any]) -> dict[str, Any]:
    """Two more authorizations: one of 2019 known in Spanish only, one of 2023 without a personnel figure."""
    peru, usa = dataset["peru"], dataset["usa"]
    old = make_authorization(
        "rl-30000",
        peru,
        usa,
        title_es="Resolución solo en castellano",
        title_en="",
        purpose_en="Training of the Peruvian Navy",
        approved_on=dt.date(2019, 2, 1),
        personnel_total=300,
    )
    cite(old, dataset["press"])
    make_authorization("rl-31000", peru, usa, approved_on=dt.date(2023, 9, 1), personnel_total=None)
    return dataset


def _facet_links(html: str, param: str) -> dict[str, tuple[str, int]]:
    """``{value: (href, count)}`` of the facet ``param``'s links."""
    links = {}
    for href, count in re.findall(r'<a href="(\?[^"]*)"[^>]*>.*?</a> <span class="count">(\d+)</span>', html):
        href = html_lib.unescape(href)
        match = re.search(rf"(?:[?&]){param}=([^&]*)", href)
        if match:
            links[match.group(1)] = (href, int(count))
    return links


def _row_ids(html: str, slug: str) -> list[str]:
    ids = re.findall(rf'<tr><td><a href="/\w\w/{slug}/([^/]+)/"', html)
    return ids


def test_facets_count_and_add_a_filter(client: Client, more: dict[str, Any]) -> None:
    html = client.get("/es/autorizaciones/").content.decode()
    years = _facet_links(html, "year")
    assert years["2023"][1] == 2 and years["2019"][1] == 1
    assert "2022" not in years  # only years that have records
    kinds = _facet_links(html, "kind")
    assert kinds["rl"][1] == 3
    countries = _facet_links(html, "country")
    assert countries["usa"][1] == 3
    sources = _facet_links(html, "source_kind")
    assert sources["official"][1] == 1 and sources["press"][1] == 2 and sources["leak"][1] == 1
    href = years["2019"][0]
    assert href == "?year=2019"
    html = client.get("/es/autorizaciones/" + href).content.decode()
    assert _row_ids(html, "autorizaciones") == ["rl-30000"]


def test_a_chosen_facet_links_to_its_removal_and_others_count_under_it(client: Client, more: dict[str, Any]) -> None:
    html = client.get("/es/autorizaciones/?year=2023&kind=rl").content.decode()
    years = _facet_links(html, "year")
    # the year facet counts under the other filters (kind), so the other years stay listed
    assert years["2019"][1] == 1
    selected = re.search(r'<li class="selected"><a href="([^"]*)" aria-current="true">', html)
    assert selected is not None
    assert html_lib.unescape(selected.group(1)) in ("?kind=rl", "?year=2023")  # a chosen choice removes itself
    sources = _facet_links(html, "source_kind")
    assert sources["press"][1] == 1  # rl-32214 only: rl-30000 is of 2019
    assert "?kind=rl" in {html_lib.unescape(h) for h in re.findall(r'href="(\?[^"]*)" aria-current', html)}


def test_department_and_source_kind_facets_filter(client: Client, more: dict[str, Any]) -> None:
    m.Facility.objects.filter(pk="base-ancon").update(department="Lima")
    m.Facility.objects.create(
        id="base-iquitos", name_es="Base de Iquitos", kind="base", department="Loreto", country=more["peru"]
    )
    html = client.get("/es/instalaciones/").content.decode()
    departments = _facet_links(html, "department")
    assert departments == {"Lima": ("?department=Lima", 1), "Loreto": ("?department=Loreto", 1)}
    html = client.get("/es/instalaciones/?department=Loreto").content.decode()
    assert _row_ids(html, "instalaciones") == ["base-iquitos"]
    html = client.get("/es/autorizaciones/?source_kind=press").content.decode()
    assert sorted(_row_ids(html, "autorizaciones")) == ["rl-30000", "rl-32214"]
    assert "department" not in _facet_links(client.get("/es/autorizaciones/").content.decode(), "department")


def test_sort_by_a_column_both_ways_unknown_last(client: Client, more: dict[str, Any]) -> None:
    html = client.get("/es/autorizaciones/?sort=personnel_total").content.decode()
    assert _row_ids(html, "autorizaciones") == ["rl-32214", "rl-30000", "rl-31000"]
    html = client.get("/es/autorizaciones/?sort=-personnel_total").content.decode()
    assert _row_ids(html, "autorizaciones") == ["rl-30000", "rl-32214", "rl-31000"]
    assert 'aria-sort="descending"' in html
    # the header of the sorted column links to the other direction, keeping the filters
    html = client.get("/es/autorizaciones/?year=2023&sort=personnel_total").content.decode()
    assert 'href="?year=2023&amp;sort=-personnel_total"' in html


def test_sort_by_title_follows_the_language(client: Client, more: dict[str, Any]) -> None:
    m.Authorization.objects.filter(pk="rl-31000").update(title_es="A primera", title_en="Z last")
    es = _row_ids(client.get("/es/autorizaciones/?sort=title").content.decode(), "autorizaciones")
    en = _row_ids(client.get("/en/authorizations/?sort=title").content.decode(), "authorizations")
    assert es[0] == "rl-31000"
    assert en[-1] == "rl-31000"


def test_unknown_sort_is_ignored_with_a_notice(client: Client, more: dict[str, Any]) -> None:
    response = client.get("/es/autorizaciones/?sort=nonsense")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Orden «nonsense» desconocido" in html and "personnel_total" in html
    response = client.get("/en/authorizations/?sort=-foreign_countries")  # a many-to-many column
    assert response.status_code == 200
    assert "Unknown sort order" in response.content.decode()


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.key)
def test_every_sortable_column_sorts(client: Client, dataset: dict[str, Any], rt: RecordType, settings: Any) -> None:
    from django.urls import reverse
    from django.utils import translation

    for lang in ("es", "en"):
        with translation.override(lang):
            url = reverse(f"portal:{rt.key}-list")
        for name in list_sort.sortable(rt):
            for value in (name, f"-{name}"):
                response = client.get(url, {"sort": value})
                assert response.status_code == 200, (url, value)
                assert 'class="error" role="alert"' not in response.content.decode()


def test_pagination_keeps_filters_and_sort(client: Client, more: dict[str, Any], settings: Any) -> None:
    settings.PAGE_SIZE = 1
    html = client.get("/es/autorizaciones/?kind=rl&sort=-personnel_total").content.decode()
    assert 'href="?kind=rl&amp;sort=-personnel_total&amp;page=2"' in html
    html2 = client.get("/es/autorizaciones/?kind=rl&sort=-personnel_total&page=2").content.decode()
    assert _row_ids(html, "autorizaciones") == ["rl-30000"]
    assert _row_ids(html2, "autorizaciones") == ["rl-32214"]
    # the filter form keeps the sort and the facets it has no field for
    html = client.get("/es/instalaciones/?department=Lima&sort=kind").content.decode()
    assert '<input type="hidden" name="department" value="Lima">' in html
    assert '<input type="hidden" name="sort" value="kind">' in html


def test_a_title_in_one_language_is_marked(client: Client, more: dict[str, Any]) -> None:
    html = client.get("/en/authorizations/").content.decode()
    assert (
        '<a href="/en/authorizations/rl-30000/" lang="es">Resolución solo en castellano</a> '
        '<span class="only-in">(Spanish only)</span>'
    ) in html
    html = client.get("/en/authorizations/rl-30000/").content.decode()
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert h1 is not None
    assert '<span lang="es">Resolución solo en castellano</span>' in h1.group(1)
    assert "(Spanish only)" in h1.group(1)
    assert "Training of the Peruvian Navy" in html.split("</h1>")[1].split("<section")[0]
    # a title known in both languages is not marked
    html = client.get("/en/authorizations/rl-32214/").content.decode()
    assert "(Spanish only)" not in html
    html = client.get("/es/autorizaciones/rl-30000/").content.decode()
    assert "solo en español" not in html


def test_list_queries_do_not_grow_with_records(client: Client, more: dict[str, Any]) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/es/autorizaciones/?sort=title&source_kind=press").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        auth = make_authorization(f"rl-4000{i}", more["peru"], more["usa"], approved_on=dt.date(2015 + i, 1, 1))
        cite(auth, more["press"])
    assert count() == before


def test_an_empty_text_sorts_last(client: Client, more: dict[str, Any]) -> None:
    m.Authorization.objects.filter(pk="rl-31000").update(number="")
    for sort in ("number", "-number"):
        ids = _row_ids(client.get(f"/es/autorizaciones/?sort={sort}").content.decode(), "autorizaciones")
        assert ids[-1] == "rl-31000", sort


def test_a_chosen_value_without_records_can_be_removed(client: Client, more: dict[str, Any]) -> None:
    response = client.get("/es/instalaciones/?department=" + "X" * 200 + "&kind=base")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No hay registros con estos filtros." in html
    chosen = re.findall(r'<li class="selected"><a href="([^"]*)" aria-current="true">(.*?)</a>', html, re.S)
    department = [(href, text) for href, text in chosen if "XXX" in text]
    assert len(department) == 1
    assert html_lib.unescape(department[0][0]) == "?kind=base"
    assert "X" * 60 in department[0][1] and "X" * 61 not in department[0][1]


def test_a_decision_date_taken_from_another_date_says_which(dataset: dict[str, Any], client: Client) -> None:
    """Without an approval or publication date, the date of the decision is the start of the authorized period:
    the list and the record page say so beside the date (it is not when anyone decided)."""
    make_authorization("rl-32999", dataset["peru"], dataset["usa"], approved_on=None, window_start=dt.date(2025, 1, 1))
    for url in ("/es/autorizaciones/", "/es/autorizaciones/rl-32999/"):
        body = client.get(url).content.decode()
        assert "1 de enero de 2025 (inicio del periodo autorizado)" in body, url
    body = client.get("/en/authorizations/").content.decode()
    assert "(start of the authorized period)" in body, re.findall(r"[^>]{0,40}2025[^<]{0,60}", body)


@pytest.mark.parametrize("year", ["-1", "0", "10000", "99999999999999999999999"])
def test_a_year_no_date_can_hold_lists_nothing(dataset: dict[str, Any], client: Client, year: str) -> None:
    """Years outside what a date can hold match no record, on every list (a date-year list raised an error)."""
    for rt in RECORD_TYPES:
        response = client.get(f"/es/{rt.slug_es}/", {"year": year})
        assert response.status_code == 200, (rt.key, year)


def test_authorized_personnel_total_and_spanish_names(dataset: dict[str, Any], client: Client) -> None:
    """No service with a figure: the total is unknown, never "≥ 0"; one with a figure: at least that. Service and
    item names, stored as the Spanish source gives them, are marked as Spanish on English pages."""
    auth = make_authorization("rl-32888", dataset["peru"], dataset["usa"], personnel_total=None)
    m.AuthorizedPersonnel.objects.create(authorization=auth, country=dataset["usa"], service="Fuerzas Especiales")
    m.AuthorizedItem.objects.create(authorization=auth, category="weapon", name="fusil M4", quantity=14)
    html = client.get("/en/authorizations/rl-32888/").content.decode()
    assert "≥ 0" not in html and "no service or group has a figure" in html
    assert '<td lang="es">Fuerzas Especiales</td>' in html and '<span lang="es">fusil M4</span>' in html
    assert "Names as the source gives them, in Spanish." in html
    m.AuthorizedPersonnel.objects.create(authorization=auth, country=dataset["usa"], service="Marina", count=30)
    html = client.get("/es/autorizaciones/rl-32888/").content.decode()
    assert "≥ 30" in html and "suma de partes incompletas" in html
    assert "Nombres como los da la fuente" not in html
