"""The timeline (/es/cronologia/): dates drawn with their precision, the axis, grouping under authorizations, the
gap and its finding, filters (invalid values ignored with a message), both languages, bounded queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from veeduria.oversight.models import Finding
from veeduria.portal.timeline_scale import Axis, span_of
from veeduria.records import models as m

from .conftest import make_authorization

D = dt.date


# ---------------------------------------------------------------- spans and axis


def test_a_month_precision_date_is_its_whole_month_and_uncertain() -> None:
    span = span_of(D(2023, 7, 1), "month", None, "day")
    assert span is not None
    assert (span.start, span.end) == (D(2023, 7, 1), D(2023, 8, 1))
    assert not span.certain and span.open_end and not span.point


def test_an_exact_day_without_end_is_a_point() -> None:
    span = span_of(D(2023, 7, 14), "day", None, "day")
    assert span is not None and span.point
    assert (span.start, span.end) == (D(2023, 7, 14), D(2023, 7, 15))


def test_imprecise_edges_fade_over_their_unit() -> None:
    span = span_of(D(2023, 1, 1), "year", D(2024, 3, 1), "month")
    assert span is not None and span.certain
    # surely from the end of 2023 to the start of March 2024; maybe over 2023 and over March 2024
    assert (span.start, span.solid_start, span.solid_end, span.end) == (
        D(2023, 1, 1),
        D(2024, 1, 1),
        D(2024, 3, 1),
        D(2024, 4, 1),
    )


def test_exact_dates_are_solid_including_the_last_day() -> None:
    span = span_of(D(2023, 6, 1), "day", D(2023, 6, 30), "day")
    assert span is not None
    assert (span.start, span.solid_start, span.solid_end, span.end) == (
        D(2023, 6, 1),
        D(2023, 6, 1),
        D(2023, 7, 1),
        D(2023, 7, 1),
    )
    assert span_of(None, "day", None, "day") is None


def test_the_axis_gives_every_year_or_month_the_same_width() -> None:
    years = Axis(2020, 2023)
    assert [u.label for u in years.units] == ["2020", "2021", "2022", "2023"]
    assert years.x(D(2020, 1, 1)) == 0 and years.x(D(2022, 1, 1)) == 500 and years.x(D(2030, 1, 1)) == 1000
    assert years.x(D(2019, 5, 1)) == 0  # clamped
    months = Axis(2023, 2023)
    assert months.months and len(months.units) == 12
    assert months.x(D(2023, 3, 1)) == pytest.approx(2000 / 12)  # February is as wide as January
    assert months.segment(D(2022, 1, 1), D(2022, 6, 1)) is None
    crowded = Axis(1980, 2026)
    assert [u.label for u in crowded.units if not u.minor][:2] == ["1980", "1985"]


# ---------------------------------------------------------------- the page


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response


def _row_of(html: str, href: str) -> str:
    """The text of the row (``li.tl-item``) whose title links to ``href``, up to its drawing's end."""
    match = re.search(
        r'<li class="tl-item[^"]*">\s*<p class="tl-text">.*?</svg>', html[html.index(f'href="{href}"') - 400 :], re.S
    )
    assert match, href
    return match.group(0)


def test_the_page_shows_authorizations_and_activities_linked_to_their_pages(
    client: Client, dataset: dict[str, Any]
) -> None:
    html = _get(client, "/es/cronologia/").content.decode()
    assert "<h1>Cronología: Perú</h1>" in html
    assert 'href="/es/autorizaciones/rl-32214/"' in html
    assert 'href="/es/actividades/resolute-sentinel-2023/"' in html
    assert "rl-99999" not in html  # withdrawn
    assert "1 de junio de 2023 – 31 de diciembre de 2023" in html  # the window in words
    # drawn as SVG hidden from screen readers (the row's text says the same)
    assert '<svg class="tl-bar" viewBox="0 0 1000 14" preserveAspectRatio="none" aria-hidden="true"' in html


def test_activities_are_drawn_under_the_authorization_they_were_checked_against(
    client: Client, dataset: dict[str, Any]
) -> None:
    rows = _get(client, "/es/cronologia/").context["rows"]
    auth_row = next(r for r in rows if r.item.key == "authorization:rl-32214")
    assert [c.item.key for c in auth_row.children] == ["activity:resolute-sentinel-2023"]
    assert all(not r.item.key.startswith("activity:resolute") for r in rows)


def test_a_month_precision_activity_is_drawn_as_its_whole_month(client: Client, dataset: dict[str, Any]) -> None:
    html = _get(client, "/es/cronologia/?year=2023").content.decode()
    row = _row_of(html, "/es/actividades/resolute-sentinel-2023/")
    assert "julio 2023" in row
    # July is the seventh of twelve equal months: x = 6/12, width 1/12, pale and dashed (uncertain)
    assert '<rect x="500.00" y="3" width="83.33" height="8" class="c-exercise fuzzy"/>' in row
    # over the band of its authorization's window (June to December)
    assert '<rect x="416.67" y="0" width="583.33" height="14" class="band"/>' in row


def test_an_activity_outside_its_window_is_drawn_as_a_warning_with_its_finding_linked(
    client: Client, dataset: dict[str, Any]
) -> None:
    auth = dataset["authorization"]
    late = m.Activity.objects.create(
        id="late-visit",
        kind="port_visit",
        name_es="Visita tardía",
        host_country=dataset["peru"],
        start_date=D(2023, 12, 1),
        end_date=D(2024, 1, 31),
    )
    late.countries.add(dataset["usa"])
    Finding.objects.create(activity=late, authorization=auth, rule="outside_window", severity="violation", reason="x")
    html = _get(client, "/es/cronologia/?year=2024").content.decode()
    row = _row_of(html, "/es/actividades/late-visit/")
    assert 'class="tl-item k-port_visit is-outside"' in row
    assert 'href="/es/actividades/late-visit/#legal-basis"' in row
    assert "Hallazgo: fuera del periodo autorizado" in row
    assert 'class="c-warn"' in row
    # January 2024 lies after the window (which ended with 2023): surely outside, in red
    assert '<rect x="0.00" y="1" width="83.33" height="12" class="out"/>' in row
    rows = _get(client, "/es/cronologia/").context["rows"]
    auth_row = next(r for r in rows if r.item.key == "authorization:rl-32214")
    assert "activity:late-visit" in [c.item.key for c in auth_row.children]


def test_an_authorization_without_window_is_drawn_at_its_decision(client: Client, dataset: dict[str, Any]) -> None:
    make_authorization(
        "rl-30000", dataset["peru"], dataset["usa"], approved_on=D(2021, 3, 9), window_start=None, window_end=None
    )
    html = _get(client, "/es/cronologia/?year=2021").content.decode()
    row = _row_of(html, "/es/autorizaciones/rl-30000/")
    assert "periodo autorizado no indicado; decisión: mayo 2021" not in row  # the fixture's precision is "month"
    assert "periodo autorizado no indicado; decisión: marzo 2021" in row
    assert 'class="c-decision fuzzy"' in row


def test_undated_items_are_listed_apart(client: Client, dataset: dict[str, Any]) -> None:
    undated = m.Activity.objects.create(
        id="sin-fecha", kind="meeting", name_es="Reunión sin fecha", host_country=dataset["peru"]
    )
    undated.countries.add(dataset["usa"])
    html = _get(client, "/es/cronologia/").content.decode()
    section = html[html.index("Sin fecha conocida") :]
    assert 'href="/es/actividades/sin-fecha/"' in section
    assert "fecha desconocida" in section


# ---------------------------------------------------------------- filters


@pytest.fixture
def more(dataset: dict[str, Any]) -> dict[str, Any]:
    colombia = m.Country.objects.create(id="colombia", iso3="COL", name_es="Colombia", name_en="Colombia")
    visit = m.Activity.objects.create(
        id="gloria-2022",
        kind="port_visit",
        name_es="Visita del buque Gloria",
        host_country=dataset["peru"],
        start_date=D(2022, 10, 27),
        end_date=D(2022, 11, 2),
    )
    visit.countries.add(colombia)
    abroad = m.Activity.objects.create(
        id="unitas-2022-abroad",
        kind="exercise",
        name_es="UNITAS 2022 en Brasil",
        host_country=dataset["usa"],
        start_date=D(2022, 9, 1),
        start_precision="month",
    )
    abroad.countries.add(dataset["peru"])
    course = m.Activity.objects.create(
        id="course-abroad",
        kind="training",
        name_es="Curso en EE. UU.",
        host_country=dataset["usa"],
        start_date=D(2022, 9, 1),
    )
    course.countries.add(dataset["peru"])
    return {**dataset, "colombia": colombia}


def _keys(response: Any) -> set[str]:
    keys = set()
    for row in response.context["rows"]:
        keys.add(row.item.key)
        keys.update(c.item.key for c in row.children)
    return keys


def test_exercises_abroad_are_shown_but_not_other_activities_abroad(client: Client, more: dict[str, Any]) -> None:
    keys = _keys(_get(client, "/es/cronologia/"))
    assert {"activity:gloria-2022", "activity:unitas-2022-abroad"} <= keys
    assert "activity:course-abroad" not in keys


def test_filter_by_kind(client: Client, more: dict[str, Any]) -> None:
    only_auths = _keys(_get(client, "/es/cronologia/?kind=authorization"))
    assert only_auths == {"authorization:rl-32214"}
    response = _get(client, "/es/cronologia/?kind=exercise&kind=port_visit")
    assert _keys(response) == {
        "activity:resolute-sentinel-2023",
        "activity:gloria-2022",
        "activity:unitas-2022-abroad",
    }
    html = response.content.decode()
    # its authorization is not a row, but the activity still names it and is drawn over its window
    row = _row_of(html, "/es/actividades/resolute-sentinel-2023/")
    assert 'class="tl-via"' in row and 'href="/es/autorizaciones/rl-32214/"' in row
    assert 'class="band"' in row
    assert 'name="kind" value="exercise" checked' in html


def test_filter_by_country(client: Client, more: dict[str, Any]) -> None:
    assert _keys(_get(client, "/es/cronologia/?country=col")) == {"activity:gloria-2022"}
    usa = _keys(_get(client, "/es/cronologia/?country=USA"))
    assert "activity:gloria-2022" not in usa and "authorization:rl-32214" in usa
    html = _get(client, "/es/cronologia/").content.decode()
    assert '<option value="COL">Colombia (1)</option>' in html


def test_filter_by_year_keeps_what_overlaps_it_and_links_the_next_years(client: Client, more: dict[str, Any]) -> None:
    response = _get(client, "/es/cronologia/?year=2022&kind=port_visit")
    assert _keys(response) == {"activity:gloria-2022"}
    html = response.content.decode()
    assert "Meses de 2022." in html
    assert 'href="?kind=port_visit&amp;year=2021"' in html and 'href="?kind=port_visit&amp;year=2023"' in html
    assert _keys(_get(client, "/es/cronologia/?year=1990")) == set()
    assert (
        "No hay autorizaciones ni actividades con estos filtros."
        in _get(client, "/es/cronologia/?year=1990").content.decode()
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "El año «abc» no es válido; se muestran todos los años."),
        ("year=99999999999999999999999", "no es válido"),
        ("year=%D9%A1%D9%A2", "no es válido"),
        ("kind=bases", "El tipo «bases» no existe; se ignora."),
        ("country=XYZ", "«XYZ» no es un país de esta cronología; se muestran todos los países."),
        ("country=%3Cscript%3E", "«&lt;script&gt;» no es un país"),
        ("host=ZZZ", "«ZZZ» no es un país conocido; se muestra el país anfitrión."),
    ],
)
def test_invalid_values_are_ignored_with_a_message(
    client: Client, more: dict[str, Any], query: str, message: str
) -> None:
    response = _get(client, f"/es/cronologia/?{query}")
    html = response.content.decode()
    assert 'role="status"' in html and message in html
    assert "authorization:rl-32214" in _keys(response)  # nothing filtered
    assert "<script>" not in html.split("<main", 1)[1]


def test_another_host_country(client: Client, more: dict[str, Any]) -> None:
    response = _get(client, "/es/cronologia/?host=usa")
    assert "<h1>Cronología: Estados Unidos</h1>" in response.content.decode()
    assert "activity:course-abroad" in _keys(response)  # Peruvians trained in the United States: presence there
    assert "authorization:rl-32214" not in _keys(response)


# ---------------------------------------------------------------- English, queries


def test_english(client: Client, more: dict[str, Any]) -> None:
    html = _get(client, "/en/timeline/?year=2023").content.decode()
    assert "<h1>Timeline: Peru</h1>" in html
    assert 'href="/en/authorizations/rl-32214/"' in html and 'href="/en/activities/resolute-sentinel-2023/"' in html
    assert "June 1, 2023 – Dec. 31, 2023" in html
    assert "How to read the timeline" in html and "Months of 2023." in html
    assert "Joint exercise" in html
    bad = _get(client, "/en/timeline/?year=abc").content.decode()
    assert "The year “abc” is not valid; all years are shown." in bad


def test_queries_do_not_grow_with_the_items(client: Client, more: dict[str, Any]) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _get(client, "/es/cronologia/")
        return len(queries)

    before = count()
    for i in range(30):
        act = m.Activity.objects.create(
            id=f"extra-{i}",
            kind="exercise",
            name_es=f"Ejercicio {i}",
            host_country=more["peru"],
            start_date=D(2020, 1, 1) + dt.timedelta(days=i),
        )
        act.countries.add(more["usa"])
        Finding.objects.create(activity=act, rule="no_authorization", severity="notice", reason="x")
        make_authorization(f"rl-x{i}", more["peru"], more["usa"], window_start=D(2019, 1, 1) + dt.timedelta(days=i))
    assert count() == before
    assert before <= 14


def test_an_empty_database_gives_an_empty_page(client: Client, db: Any) -> None:
    html = _get(client, "/es/cronologia/?year=2023&country=USA").content.decode()
    assert "<h1>Cronología</h1>" in html
    assert "No hay autorizaciones ni actividades con estos filtros." in html


def test_every_year_is_one_link_away(client: Client, more: dict[str, Any]) -> None:
    html = _get(client, "/es/cronologia/?kind=exercise").content.decode()
    nav = html[html.index('<nav class="tl-years"') :].split("</nav>", 1)[0]
    assert '<a href="?kind=exercise&amp;year=2022">2022</a>' in nav and ">2023</a>" in nav
    current = _get(client, "/es/cronologia/?year=2022").content.decode()
    assert '<a href="?year=2022" aria-current="page">2022</a>' in current


def test_the_scope_read_in_two_queries_is_the_scope_as_one(dataset: Any) -> None:
    """The timeline's activities (foreign forces at home; the host's exercises abroad or at an unknown place),
    read as two indexed queries, are those of the one OR that reads every activity."""
    from veeduria.portal.timeline_items import activity_scope
    from veeduria.records import presence

    peru, usa = dataset["peru"], dataset["usa"]
    abroad = m.Activity.objects.create(id="ex-abroad", kind="exercise", name_es="Ejercicio", host_country=usa)
    abroad.countries.add(peru)
    m.Activity.objects.create(id="ex-unknown", kind="exercise", name_es="Ejercicio", provider_country=peru)
    m.Activity.objects.create(id="course-abroad", kind="training", name_es="Curso", host_country=usa)
    for host in ("PER", "USA"):
        exercises = presence.host_personnel_abroad(host) | presence.location_unknown(host)
        one = presence.foreign_presence(host) | exercises.filter(kind=m.ActivityKind.EXERCISE)
        assert activity_scope(host) == sorted(one.values_list("pk", flat=True)), host
    assert {"resolute-sentinel-2023", "ex-abroad", "ex-unknown"} <= set(activity_scope("PER"))
