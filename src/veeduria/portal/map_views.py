"""The map: facilities, activity places and authorized places on the host country's first-level divisions.

``/es/mapa/`` draws the divisions (Leaflet, no tile server) from the data embedded in the page
(:func:`map_data`) and lists them with their counts in plain HTML; ``/es/mapa/<division>/`` lists what happened
in one division."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from veeduria.oversight.bases_text import CATEGORIES
from veeduria.portal import geo
from veeduria.portal.map_places import CATEGORY_ORDER, Located, located

#: record kinds, in the order the pages list them
KINDS = ("facility", "activity", "authorization")
#: how many records without a known division the map page lists by name (it counts them all)
UNPLACED_LISTED = 100
#: shading of a division by how many records it has: (least, most) per class; ``None``: no upper bound
SHADES: tuple[tuple[int, int | None], ...] = ((0, 0), (1, 2), (3, 5), (6, None))


def _kind_label(kind: str) -> str:
    return {"facility": _("Instalación"), "activity": _("Actividad"), "authorization": _("Autorización")}[kind]


def _count_text(kind: str, n: int) -> str:
    if kind == "facility":
        return ngettext("%(n)d instalación", "%(n)d instalaciones", n) % {"n": n}
    if kind == "activity":
        return ngettext("%(n)d actividad", "%(n)d actividades", n) % {"n": n}
    return ngettext("%(n)d autorización", "%(n)d autorizaciones", n) % {"n": n}


def _shade(total: int) -> int:
    return next(i for i, (low, high) in enumerate(SHADES) if total >= low and (high is None or total <= high))


def _shade_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(n)d o más registros") % {"n": low}
    if low == high:
        return ngettext("%(n)d registro", "%(n)d registros", low) % {"n": low}
    return _("%(low)d a %(high)d registros") % {"low": low, "high": high}


def _symbol(records: list[Located]) -> str:
    """The symbol of a point: the worst presence category of its facilities, else activity, else authorization."""
    cats = [r.category for r in records if r.kind == "facility"]
    if cats:
        return min(cats, key=CATEGORY_ORDER.index)
    return "activity" if any(r.kind == "activity" for r in records) else "authorization"


def legend() -> list[dict[str, str]]:
    """The point symbols with their labels, in the reader's language."""
    lang = "en" if (get_language() or "es")[:2] == "en" else "es"
    items = [
        {"symbol": c, "label": _("Instalación: %(category)s") % {"category": CATEGORIES[c][lang]}}
        for c in CATEGORY_ORDER
    ]
    items.append({"symbol": "activity", "label": _("Lugar de una actividad con presencia extranjera")})
    items.append({"symbol": "authorization", "label": _("Lugar autorizado en una autorización de ingreso")})
    return items


def _divisions_and_records(divs: geo.Divisions) -> tuple[list[Located], dict[str, dict[str, list[Located]]]]:
    rows = located(divs)
    per: dict[str, dict[str, list[Located]]] = defaultdict(lambda: {k: [] for k in KINDS})
    for r in rows:
        for d in r.divisions:
            per[d.slug][r.kind].append(r)
    return rows, per


def _division_rows(divs: geo.Divisions, per: dict[str, dict[str, list[Located]]]) -> list[dict[str, Any]]:
    out = []
    for d in sorted(divs.items, key=lambda d: d.key):
        counts = {k: len(per[d.slug][k]) if d.slug in per else 0 for k in KINDS}
        total = sum(counts.values())
        out.append(
            {
                "division": d,
                "url": reverse("portal:map-department", kwargs={"department": d.slug}),
                "counts": counts,
                "total": total,
                "shade": _shade(total),
            }
        )
    return out


def map_page(request: HttpRequest) -> HttpResponse:
    """The map (drawn by ``portal/map.js`` from :func:`map_data`) and the divisions with their counts."""
    divs = geo.for_host(settings.HOST_COUNTRY)
    rows, per = _divisions_and_records(divs)
    unplaced = [r for r in rows if not r.divisions]
    context = {
        "divisions": _division_rows(divs, per),
        "legend": legend(),
        "shades": [{"index": i, "label": _shade_label(lo, hi)} for i, (lo, hi) in enumerate(SHADES)],
        "unplaced": [{"record": r, "kind_label": _kind_label(r.kind)} for r in unplaced[:UNPLACED_LISTED]],
        "unplaced_total": len(unplaced),
        "unplaced_counts": [_count_text(k, n) for k in KINDS if (n := sum(1 for r in unplaced if r.kind == k))],
        "unplaced_more": max(0, len(unplaced) - UNPLACED_LISTED),
        "points": sum(1 for r in rows if r.points),
        "attribution": divs.attribution,
        "has_outlines": bool(divs.items),
        "map_data": map_data(divs, rows, per),
    }
    return render(request, "portal/map.html", context)


def _popup_record(r: Located) -> dict[str, str]:
    detail = r.category_label if r.kind == "facility" else r.when
    if r.kind == "facility" and r.foreign:
        detail = _("%(category)s (respecto de %(country)s)") % {"category": r.category_label, "country": r.foreign}
    return {"type": _kind_label(r.kind), "title": r.title, "url": r.url, "detail": detail, "where": r.precision_label}


def map_data(divs: geo.Divisions, rows: list[Located], per: dict[str, dict[str, list[Located]]]) -> dict[str, Any]:
    """What ``portal/map.js`` draws: the divisions' outlines with their counts and addresses, and the points with
    the records at each, in the reader's language."""
    props = {}
    for row in _division_rows(divs, per):
        d = row["division"]
        parts = [_count_text(k, row["counts"][k]) for k in KINDS if row["counts"][k]]
        props[d.slug] = {
            "name": d.name,
            "slug": d.slug,
            "url": row["url"],
            "shade": row["shade"],
            "summary": ", ".join(parts) if parts else _("Ningún registro"),
            "link": _("Lo ocurrido en %(name)s") % {"name": d.name},
        }
    at: dict[tuple[float, float], list[Located]] = defaultdict(list)
    for r in rows:
        for lat, lon in dict.fromkeys(r.points):
            at[(round(lat, 5), round(lon, 5))].append(r)
    points = []
    for (lat, lon), here in sorted(at.items()):
        here.sort(key=lambda r: (KINDS.index(r.kind), r.sort_key))
        first = here[0]
        label = (
            first.title if len(here) == 1 else _("%(title)s y %(n)d más") % {"title": first.title, "n": len(here) - 1}
        )
        points.append(
            {
                "lat": lat,
                "lon": lon,
                "symbol": _symbol(here),
                "approximate": all(r.precision != "exact" for r in here),
                "label": label,
                "records": [_popup_record(r) for r in here],
            }
        )
    return {"divisions": divs.feature_collection(props), "points": points, "attribution": divs.attribution}


def department_page(request: HttpRequest, department: str) -> HttpResponse:
    """What happened in one division: its facilities, activities and the authorizations naming it among their
    places. Any spelling of its name leads to its address (accents, case and aliases ignored)."""
    divs = geo.for_host(settings.HOST_COUNTRY)
    division = divs.find(department)
    if division is None:
        raise Http404(_("No existe ese departamento."))
    if department != division.slug:
        return HttpResponsePermanentRedirect(reverse("portal:map-department", kwargs={"department": division.slug}))
    _rows, per = _divisions_and_records(divs)
    here = per.get(division.slug) or {k: [] for k in KINDS}
    for kind in KINDS:
        here[kind].sort(key=lambda r: r.sort_key)
    context = {
        "division": division,
        "facilities": here["facility"],
        "activities": here["activity"],
        "authorizations": here["authorization"],
        "total": sum(len(v) for v in here.values()),
    }
    return render(request, "portal/map_department.html", context)
