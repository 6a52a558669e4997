"""Pages that stay fast with many records (issue 12, bench/scale.py): related records capped on a record's page,
a list page's ids read first in a stable order (from an index for the activities' default order), and a list's
counts kept per data version."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from veeduria.evidence.revisions import record_change
from veeduria.records import models as m
from veeduria.records.queries import RELATED_LIMIT


def _activities(n: int, host: m.Country, prefix: str = "act") -> list[m.Activity]:
    """``n`` activities hosted by ``host``, two to a start date (so that the order needs its tie-breakers)."""
    return m.Activity.objects.bulk_create(
        m.Activity(
            id=f"{prefix}-{i:04d}",
            kind="training",
            name_es=f"Curso {i % 7}",
            host_country=host,
            start_date=dt.date(2000, 1, 1) + dt.timedelta(days=i // 2),
        )
        for i in range(n)
    )


def _ids_in_page(html: str) -> list[str]:
    """The activities linked from a page, in order, each once (a row links its first column and its title)."""
    return list(dict.fromkeys(re.findall(r'<a href="/es/actividades/([^/"]+)/"', html)))


def test_country_page_shows_the_first_related_records_and_links_to_all(client: Client, dataset: Any) -> None:
    chile = m.Country.objects.create(id="chile", iso3="CHL", name_es="Chile", name_en="Chile")
    _activities(RELATED_LIMIT + 5, chile)
    html = client.get(f"/es/paises/{chile.pk}/").content.decode()
    assert len(_ids_in_page(html)) == RELATED_LIMIT
    assert f'href="/es/actividades/?country={chile.pk}"' in html  # the rest: the list filtered by the country


def test_related_records_cost_the_same_queries_whatever_their_number(client: Client, dataset: Any) -> None:
    peru = dataset["peru"]
    url = f"/es/paises/{peru.pk}/"
    counts = []
    for n, prefix in ((RELATED_LIMIT + 1, "a"), (5 * RELATED_LIMIT, "b")):
        _activities(n, peru, prefix)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_list_pages_follow_the_default_order_without_gaps(client: Client, dataset: Any) -> None:
    _activities(130, dataset["peru"])
    published = m.Activity.objects.exclude(status="withdrawn")
    expected = list(published.order_by("-start_date", "name_es", "pk").values_list("pk", flat=True))
    seen: list[str] = []
    for page in range(1, -(-len(expected) // settings.PAGE_SIZE) + 1):
        seen += _ids_in_page(client.get(f"/es/actividades/?page={page}").content.decode())
    assert seen == expected


def test_a_deep_page_costs_the_queries_of_the_first(client: Client, dataset: Any) -> None:
    _activities(160, dataset["peru"])
    counts = []
    for page in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/es/actividades/?page={page}&sort=-host_country").content.decode()
        counts.append(len(queries.captured_queries))
        assert len(_ids_in_page(html)) > 0
    assert counts[0] == counts[1]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL chooses by its statistics")
def test_the_default_order_of_activities_is_read_from_an_index(dataset: Any) -> None:
    from veeduria.portal.views import IdsFirst
    from veeduria.records.registry import BY_KEY

    rt = BY_KEY["activities"]
    records = IdsFirst(rt, m.Activity.objects.exclude(status="withdrawn"), lambda: 0)
    sql, params = records.qs.values_list("pk", flat=True)[100:150].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING COVERING INDEX activity_list_order" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # no sort of the whole table


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL chooses by its statistics")
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_sorted_page_of_activities_scans_an_index_not_the_table(dataset: Any, lang: str) -> None:
    from veeduria.portal import list_sort
    from veeduria.portal.views import IdsFirst
    from veeduria.records.registry import BY_KEY

    rt = BY_KEY["activities"]
    published = m.Activity.objects.exclude(status="withdrawn")
    for field in list_sort.sortable(rt).values():
        for descending in (False, True):
            qs = list_sort.apply(published, rt, (field, descending), lang)
            sql, params = IdsFirst(rt, qs, lambda: 0).qs.values_list("pk", flat=True)[:50].query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX activity_list_" in plan, (field, descending, plan)


@override_settings(LIST_COUNTS_CACHE=True)
def test_list_counts_are_kept_until_the_data_changes(client: Client, dataset: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    peru = dataset["peru"]
    _activities(3, peru)
    url = "/es/actividades/?kind=training"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).content.decode()
    assert again.count('class="count"') == first.count('class="count"')
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    added = m.Activity.objects.create(id="act-new", kind="training", name_es="Nuevo", host_country=peru)
    record_change(added, None, author="test")  # a write through the one write path: a new data version
    total = m.Activity.objects.exclude(status="withdrawn").filter(kind="training").count()
    assert re.search(rf"\b{total} registros", client.get(url).content.decode())


def test_pages_read_from_the_end_match_the_pages_read_from_the_start(dataset: Any) -> None:
    """A page in the second half of a list is read backwards from its end: every page, in the default order and
    in each sortable column's both directions (unknown values included), is the slice of the list read forwards."""
    from veeduria.portal import list_sort
    from veeduria.portal.views import IdsFirst
    from veeduria.records.registry import BY_KEY

    rt = BY_KEY["activities"]
    made = _activities(37, dataset["peru"])
    for activity in made[::4]:
        activity.start_date = None  # unknown dates: last in either direction
        activity.host_country = None  # and unknown places
        activity.save()
    published = m.Activity.objects.exclude(status="withdrawn")
    sorts: list[tuple[str, bool] | None] = [None]
    sorts += [(field, descending) for field in list_sort.sortable(rt).values() for descending in (False, True)]
    for sort in sorts:
        qs = list_sort.apply(published, rt, sort, "es")
        total = published.count()
        records = IdsFirst(rt, qs, lambda total=total: total)  # type: ignore[misc]
        forwards = list(records.qs.values_list("pk", flat=True))
        for start in range(0, total, 5):
            page = [obj.pk for obj in records[start : start + 5]]
            assert page == forwards[start : start + 5], (sort, start)


def test_a_filter_checked_record_by_record_selects_what_the_collected_filter_selects(dataset: Any) -> None:
    """A common country, kind or source kind is checked record by record, a rare one collected (or looked up in an
    index) first: the two forms select the same records, for every type and value."""
    from django.http import QueryDict

    from veeduria.evidence.models import SourceKind
    from veeduria.portal import facets
    from veeduria.records.registry import RECORD_TYPES

    chile = m.Country.objects.create(id="chile", iso3="CHL", name_es="Chile", name_en="Chile")
    for activity in _activities(6, dataset["peru"]):
        activity.countries.add(chile, dataset["usa"])
    m.Activity.objects.filter(pk="act-0001").update(provider_country=chile, host_country=None)
    compared = 0
    for rt in RECORD_TYPES:
        kinds: Any = rt.model._meta.get_field(rt.kind_field).choices if rt.kind_field else []
        values = {
            "country": list(m.Country.objects.values_list("pk", flat=True)),
            "kind": [str(value) for value, _label in kinds],
            "source_kind": SourceKind.values,
        }
        for name, choices in values.items():
            if name not in facets.applicable(rt):
                continue
            for value in choices:
                selection = facets.Selection(rt, facets.parse(QueryDict(f"{name}={value}"), rt))
                by_row = set(selection.records(by_row={name}).values_list("pk", flat=True))
                collected = set(selection.records(by_row=set()).values_list("pk", flat=True))
                assert by_row == collected, (rt.key, name, value)
                compared += bool(by_row)
    assert compared >= 10  # the comparisons are not all of empty lists


def test_only_a_common_value_is_checked_record_by_record(dataset: Any) -> None:
    from django.http import QueryDict

    from veeduria.portal import facets
    from veeduria.records.registry import BY_KEY

    rt = BY_KEY["activities"]
    chile = m.Country.objects.create(id="chile", iso3="CHL", name_es="Chile", name_en="Chile")
    for activity in _activities(40, dataset["peru"]):
        activity.countries.add(dataset["usa"])
    m.Activity.objects.filter(pk="act-0001").update(provider_country=chile)
    assert facets.Selection(rt, facets.parse(QueryDict("country=usa"), rt)).by_row() == {"country"}
    assert facets.Selection(rt, facets.parse(QueryDict("country=chile"), rt)).by_row() == set()
    assert facets.Selection(rt, facets.parse(QueryDict("country=chile&kind=training"), rt)).by_row() == {"kind"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL chooses by its statistics")
def test_a_common_kind_is_not_looked_up_in_its_index(client: Client, dataset: Any) -> None:
    """The kind most activities have: a page reads the order's index and checks each row's kind, instead of
    fetching every row of that kind through the kind's index and sorting them all."""
    _activities(40, dataset["peru"])
    for url in ("/es/actividades/?kind=training&sort=place", "/api/v1/records/activities?kind=training"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        paging = [q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "'training'" in q["sql"]]
        assert paging, url
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {paging[0]}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "(kind=?)" not in plan, (url, plan)
    with CaptureQueriesContext(connection) as queries:
        client.get("/es/actividades/?kind=exercise")  # a rare kind: looked up in its index
    assert any("+" not in q["sql"] and "= 'exercise'" in q["sql"] for q in queries.captured_queries)
