"""What a detail page shows (citations, disagreements, history, withdrawal) and that pages scale."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from veeduria.records import models as m
from veeduria.records.queries import home_counts, latest_authorizations, list_records, records_citing
from veeduria.records.registry import BY_KEY, RECORD_TYPES, RecordType

from .conftest import cite, make_authorization


def test_detail_shows_citations_disagreement_and_history(client: Client, dataset: dict[str, Any]) -> None:
    html = client.get("/es/autorizaciones/rl-32214/").content.decode()
    # citations per field and for the whole record, with locator, quote and source link
    assert 'href="/es/fuentes/el-peruano-2023/"' in html
    assert "cien efectivos" in html and "art. 1" in html and "Autorízase el ingreso" in html
    # press and leaked sources are visibly marked
    assert 'class="badge kind-press"' in html and "⚠ Prensa" in html
    assert 'class="badge kind-leak"' in html
    # disagreement: both values, the preferred one marked
    assert 'id="disagreements"' in html
    assert "<td>150</td>" in html.replace("\n", "") and "valor preferido" in html
    # children: personnel by service, items with quantities, places, periods
    assert "Marina" in html and "Fusil M4" in html and "<strong>60</strong>" in html and "Ancón" in html
    assert "un avión C-130" in html  # citation of the authorization's items
    # dates with their precision
    assert "mayo 2023" in html and "1 de junio de 2023" in html
    # revision history
    assert "carga inicial" in html and "loader" in html
    en = client.get("/en/authorizations/rl-32214/").content.decode()
    assert "May 2023" in en and "Joint exercises" in en and "Disagreements between sources" in en


def test_withdrawn_hidden_from_lists_but_retrievable(client: Client, dataset: dict[str, Any]) -> None:
    listing = client.get("/es/autorizaciones/").content.decode()
    assert "rl-32214" in listing and "rl-99999" not in listing
    assert "rl-99999" in client.get("/es/autorizaciones/?withdrawn=1").content.decode()
    response = client.get("/es/autorizaciones/rl-99999/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Registro retirado" in html and "Duplicado de rl-32214" in html
    assert "editora" in html  # the withdrawal is in the history
    assert "Withdrawn record" in client.get("/en/authorizations/rl-99999/").content.decode()
    assert list_records(BY_KEY["authorizations"], include_withdrawn=True).filter(pk="rl-99999").exists()


def test_filters(client: Client, dataset: dict[str, Any]) -> None:
    rt = BY_KEY["authorizations"]
    assert list(list_records(rt, year=2023).values_list("pk", flat=True)) == ["rl-32214"]
    assert not list_records(rt, year=2022).exists()
    assert list_records(rt, country="usa").count() == 1
    assert not list_records(rt, country="peru").exists()
    assert list_records(rt, kind="rl").count() == 1 and not list_records(rt, kind="rm").exists()
    assert list_records(rt, q="rl-32214").count() == 1
    assert list_records(BY_KEY["funding"], year="2023").count() == 1  # text fiscal year
    assert list_records(BY_KEY["facility_listings"], year=2019).count() == 1  # "FY2019"
    assert list_records(BY_KEY["facility_listings"], year=2020).count() == 0
    assert list_records(BY_KEY["personnel_counts"], year=2023).count() == 1  # integer year
    assert list_records(BY_KEY["activities"], year="nope").count() == 0
    html = client.get("/es/autorizaciones/?year=2022").content.decode()
    assert "rl-32214/" not in html and 'name="year"' in html


def test_query_functions(dataset: dict[str, Any]) -> None:
    counts = dict((rt.key, n) for rt, n in home_counts())
    assert counts["authorizations"] == 1 and counts["countries"] == 2
    assert [a.pk for a in latest_authorizations(3)] == ["rl-32214"]
    groups = {g.key: g for g in records_citing(dataset["press"])}
    assert list(groups) == ["authorizations"]
    assert [r.pk for r in groups["authorizations"].records] == ["rl-32214"]


def _many_authorizations(n: int, peru: m.Country, usa: m.Country, source: Any) -> None:
    start = m.Authorization.objects.filter(pk__startswith="rl-0").count()
    for i in range(start, start + n):
        auth = make_authorization(f"rl-{i:05d}", peru, usa, approved_on=dt.date(2010 + i % 10, 1, 1))
        m.AuthorizedPersonnel.objects.create(authorization=auth, country=usa, service="Army", count=i)
        m.AuthorizedItem.objects.create(authorization=auth, category="vessel", name="Ship", quantity=1)
        m.AuthorizedPlace.objects.create(authorization=auth, name="Lima")
        cite(auth, source, "personnel_total")
        activity = m.Activity.objects.create(id=f"act-{i}", kind="training", name_es=f"Curso {i}", host_country=peru)
        activity.countries.add(usa)
        dataset_auth = m.Authorization.objects.get(pk="rl-32214")
        dataset_auth.activities.add(activity)
        cite(dataset_auth, source, "number")


def _clones(obj: Any, n: int, source: Any, tag: str) -> None:
    """``n`` copies of ``obj`` (same relations, unique values made unique), each with a citation."""
    model = type(obj)
    m2m = {f.name: list(getattr(obj, f.name).all()) for f in model._meta.many_to_many}
    for i in range(n):
        clone = model._default_manager.get(pk=obj.pk)
        clone.pk = f"{obj.pk}-{tag}{i}"
        for f in model._meta.concrete_fields:
            if f.unique and not f.primary_key:
                setattr(clone, f.name, f"{tag[0].upper()}{i:02d}"[: f.max_length])
        clone.save(force_insert=True)
        for name, values in m2m.items():
            getattr(clone, name).set(values)
        cite(clone, source)


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.key)
def test_queries_bounded(
    client: Client, dataset: dict[str, Any], django_assert_max_num_queries: Any, rt: RecordType
) -> None:
    """List, detail, home and source pages: the same query bound with N and with 5N related records."""
    obj = next(o for o in dataset["records"] if isinstance(o, rt.model))
    urls = (
        f"/es/{rt.slug_es}/",
        f"/es/{rt.slug_es}/{obj.pk}/",
        f"/en/{rt.slug_en}/{obj.pk}/",
        "/es/",
        "/es/fuentes/el-peruano-2023/",
    )
    n, bound = 4, 30
    #: the home page and a facility's page also assess foreign presence (about 25 queries, whatever the size)
    bounds = {"/es/": 60, f"/es/{rt.slug_es}/{obj.pk}/": 60 if rt.key == "facilities" else bound}
    bounds[f"/en/{rt.slug_en}/{obj.pk}/"] = bounds[f"/es/{rt.slug_es}/{obj.pk}/"]
    #: a source's page lists what cites it: a couple of queries per record type, whatever the number of records
    bounds["/es/fuentes/el-peruano-2023/"] = 10 + 2 * len(RECORD_TYPES)
    counts: dict[int, list[int]] = {}
    for size in (n, 5 * n):
        _many_authorizations(size, dataset["peru"], dataset["usa"], dataset["official"])
        _clones(obj, size, dataset["official"], "a" if size == n else "b")
        assert rt.model._default_manager.count() > size
        counts[size] = []
        for url in urls:
            with django_assert_max_num_queries(bounds.get(url, bound)) as captured:
                assert client.get(url).status_code == 200
            counts[size].append(len(captured.captured_queries))
    assert counts[n] == counts[5 * n]


def test_ten_thousand_records_are_paginated(client: Client, dataset: dict[str, Any]) -> None:
    peru, usa = dataset["peru"], dataset["usa"]
    m.PersonnelCount.objects.bulk_create(
        m.PersonnelCount(
            id=f"pc-{i:05d}",
            host_country=peru,
            sending_country=usa,
            year=2000 + i % 20,
            month=1 + i % 12,
            service="Army",
            category="Active",
            count=i,
        )
        for i in range(10_000)
    )
    html = client.get("/es/personal/").content.decode()
    assert html.count("<tr>") == settings.PAGE_SIZE + 1  # header row + one page
    assert 'rel="next"' in html and "page=2" in html
    assert "10 001" in html or "10001" in html  # total count shown
    last = client.get("/es/personal/?page=9999").content.decode()
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_country_filter_lists_each_record_once(dataset: dict[str, Any]) -> None:
    """An activity hosted by a country that also takes part matches twice; it is listed once."""
    from veeduria.records import models as m
    from veeduria.records.queries import list_records
    from veeduria.records.registry import BY_KEY

    peru, usa = dataset["peru"], dataset["usa"]
    exercise = m.Activity.objects.create(id="ex-both", kind="exercise", name_es="Ejercicio", host_country=peru)
    exercise.countries.set([peru, usa])
    training = m.Activity.objects.create(
        id="tr-usa", kind="training", name_es="Curso", host_country=peru, provider_country=usa
    )
    ids = list(list_records(BY_KEY["activities"], country=peru.pk).values_list("pk", flat=True))
    assert ids.count("ex-both") == 1 and len(ids) == len(set(ids))
    by_provider = list(list_records(BY_KEY["activities"], country=usa.pk).values_list("pk", flat=True))
    assert training.pk in by_provider and by_provider.count("ex-both") == 1
