"""The timeline: authorized windows and periods, activities and exercises on one time axis.

``/es/cronologia/`` (``/en/timeline/``), filtered by ``kind`` (repeatable: ``authorization`` or an activity kind),
``country`` (ISO3 of a foreign country involved), ``year`` (the items that overlap it; the axis becomes its
months) and ``host`` (ISO3; default ``VEEDURIA_HOST_COUNTRY``). A value that is not valid is ignored and the page
says so. Drawn on the server (SVG bars), read without JavaScript: every row names its record, its kind and its
dates in words."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.portal.timeline_draw import markup, shapes
from veeduria.portal.timeline_items import AUTHORIZATION, Item, load
from veeduria.portal.timeline_scale import WIDTH, Axis
from veeduria.records.models import ActivityKind, Country

#: every value of ``kind``, in display order
KINDS: tuple[str, ...] = (AUTHORIZATION, *ActivityKind.values)
#: the colours of the fading edges (as in timeline.css)
GRADIENTS: tuple[tuple[str, str], ...] = (
    ("auth", "#0b5c8a"),
    ("decision", "#0b5c8a"),
    ("period", "#06324c"),
    ("exercise", "#1f6f3a"),
    ("activity", "#6a4c93"),
    ("warn", "#b45309"),
)
#: the oldest and newest year accepted in ``year``
YEARS = (1800, 2200)


@dataclass
class Filters:
    kinds: list[str] = field(default_factory=list)
    country: str = ""
    year: int | None = None
    host: str = ""
    messages: list[str] = field(default_factory=list)

    def keeps(self, item: Item, *, kind: bool = True, country: bool = True, year: bool = True) -> bool:
        """Whether ``item`` passes the filters (leaving out those named False, for the counts of a filter)."""
        if kind and self.kinds and item.kind not in self.kinds:
            return False
        if country and self.country and self.country not in item.countries:
            return False
        if year and self.year is not None:
            return item.span is not None and item.span.overlaps(dt.date(self.year, 1, 1), dt.date(self.year + 1, 1, 1))
        return True

    def query(self, **changes: Any) -> str:
        """This page's query string, with ``changes``."""
        values: dict[str, Any] = {"kind": self.kinds, "country": self.country, "year": self.year, "host": self.host}
        values.update(changes)
        pairs = [(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs]) if v]
        return urlencode(pairs)


def read_filters(get: QueryDict, countries: set[str]) -> Filters:
    """The filters of a request; a value that is not valid is left out with a message saying so."""
    out = Filters()
    for kind in get.getlist("kind"):
        kind = kind.strip()
        if kind in KINDS and kind not in out.kinds:
            out.kinds.append(kind)
        elif kind:
            out.messages.append(_("El tipo «%(value)s» no existe; se ignora.") % {"value": kind[:40]})
    country = get.get("country", "").strip()
    if country:
        if country.upper() in countries:
            out.country = country.upper()
        else:
            out.messages.append(
                _("«%(value)s» no es un país de esta cronología; se muestran todos los países.")
                % {"value": country[:40]}
            )
    year = get.get("year", "").strip()
    if year:
        if year.isdigit() and YEARS[0] <= int(year) <= YEARS[1]:
            out.year = int(year)
        else:
            out.messages.append(
                _("El año «%(value)s» no es válido; se muestran todos los años.") % {"value": year[:40]}
            )
    return out


def _host(get: QueryDict, messages: list[str]) -> Country | None:
    """The host country: ``host`` when it names one, else the portal's (``VEEDURIA_HOST_COUNTRY``)."""
    code = get.get("host", "").strip()
    if code:
        country = Country.objects.filter(iso3=code.upper()[:3]).first() if len(code) == 3 else None
        if country is not None:
            return country
        messages.append(_("«%(value)s» no es un país conocido; se muestra el país anfitrión.") % {"value": code[:40]})
    return Country.objects.filter(iso3=settings.HOST_COUNTRY).first()


@dataclass
class Row:
    item: Item
    svg: SafeString
    children: list[Row] = field(default_factory=list)
    #: an activity shown outside its authorization's group: that authorization, named in the row
    via: Item | None = None


def _last_day(item: Item) -> dt.date:
    assert item.span is not None
    return item.span.end - dt.timedelta(days=1)


def _axis(items: list[Item], year: int | None) -> Axis | None:
    if year is not None:
        return Axis(year, year)
    spans = [i.span for i in items if i.span is not None]
    if not spans:
        return None
    first = min(s.start for s in spans).year
    last = max(_last_day(i).year for i in items if i.span is not None)
    return Axis(first, max(last, first + 1))


def _rows(axis: Axis, auths: list[Item], activities: list[Item]) -> list[Row]:
    """Authorizations with the activities checked against them beneath; the other activities on their own rows;
    in order of start."""
    shown = {a.key for a in auths}
    groups: dict[str, Row] = {a.key: Row(a, markup(shapes(axis, a))) for a in auths}
    top = list(groups.values())
    for act in activities:
        row = Row(act, markup(shapes(axis, act)))
        if act.authorization is not None and act.authorization.key in shown:
            groups[act.authorization.key].children.append(row)
        else:
            row.via = act.authorization
            top.append(row)
    for row in top:
        row.children.sort(key=lambda r: r.item.sort_key)
    return sorted(top, key=lambda r: r.item.sort_key)


def _width_class(axis: Axis) -> str:
    """How wide the drawing is at least (it scrolls inside its box when the screen is narrower)."""
    n = len(axis.units)
    return "w-months" if axis.months else ("w-s" if n <= 6 else "w-m" if n <= 15 else "w-l")


def _kind_label(kind: str) -> str:
    return _("autorizaciones") if kind == AUTHORIZATION else str(ActivityKind(kind).label)


def timeline_page(request: HttpRequest) -> HttpResponse:
    """Authorizations against the activities they could cover, filterable by country, kind and year."""
    messages: list[str] = []
    host = _host(request.GET, messages)
    auths, activities = load(host) if host is not None else ([], [])
    everything = auths + activities
    codes = set().union(*(i.countries for i in everything)) if everything else set()
    filters = read_filters(request.GET, codes)
    filters.messages[:0] = messages
    if host is not None and host.iso3 != settings.HOST_COUNTRY:
        filters.host = host.iso3
    kind_counts = Counter(i.kind for i in everything if filters.keeps(i, kind=False))
    country_counts = Counter(c for i in everything if filters.keeps(i, country=False) for c in i.countries)
    name_field = "name_en" if (get_language() or "es")[:2] == "en" else "name_es"
    names = dict(Country.objects.filter(iso3__in=codes).values_list("iso3", name_field))
    shown_auths = [a for a in auths if filters.keeps(a)]
    shown_acts = [a for a in activities if filters.keeps(a)]
    dated = [i for i in shown_auths + shown_acts if i.span is not None]
    axis = _axis(dated, filters.year)
    rows = _rows(axis, [a for a in shown_auths if a.span], [a for a in shown_acts if a.span]) if axis else []
    years = {y for i in everything if i.span for y in range(i.span.start.year, _last_day(i).year + 1)}
    context = {
        "host": host,
        "filters": filters,
        "rows": rows,
        "undated": sorted((i for i in shown_auths + shown_acts if i.span is None), key=lambda i: i.title),
        "axis": axis,
        "width_class": _width_class(axis) if axis else "",
        "gridlines": [f"{i * WIDTH / len(axis.units):.2f}" for i in range(1, len(axis.units))] if axis else [],
        "gradient_colours": GRADIENTS,
        "auth_count": len(shown_auths),
        "activity_count": len(shown_acts),
        "kinds": [(k, _kind_label(k), kind_counts.get(k, 0), k in filters.kinds) for k in KINDS if kind_counts.get(k)],
        "countries": sorted(
            ((c, names.get(c) or c, n) for c, n in country_counts.items()), key=lambda t: (-t[2], str(t[1]))
        ),
        "years": sorted(years, reverse=True),
        "year_links": [(y, f"?{filters.query(year=y)}") for y in sorted(years)],
        "previous_year": f"?{filters.query(year=filters.year - 1)}" if filters.year else "",
        "next_year": f"?{filters.query(year=filters.year + 1)}" if filters.year else "",
        "filtered": bool(filters.kinds or filters.country or filters.year),
        "clear_href": f"?{filters.query(kind=[], country='', year=None)}" if filters.host else "?",
    }
    return render(request, "portal/timeline.html", context)
