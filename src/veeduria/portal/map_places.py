"""Where the host country's records are, for the map: each facility, each activity with foreign participation
and each authorized place, with the divisions it lies in and its coordinates when they exist.

A record's divisions come from its own ``department`` field, else from its coordinates (the outline containing
them), else from its place names that name a division (accents and case ignored, the place table's aliases, as
oversight matches places). Coordinates make a point only when their precision is finer than a division
(``exact``, ``locality`` or not recorded): a place known only to a division is listed on it, never drawn as a
point."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import Status
from veeduria.oversight.base_facts import (
    CLASSIFICATION_STATES,
    INVENTORY_STATE,
    assessments_for,
    default_foreign,
)
from veeduria.oversight.bases import RULES
from veeduria.oversight.bases_text import CATEGORIES
from veeduria.oversight.models import FacilityObservation
from veeduria.portal.display import format_date, record_url, title_of
from veeduria.portal.geo import Division, Divisions
from veeduria.records import presence
from veeduria.records.models import (
    Activity,
    Authorization,
    AuthorizedPlace,
    Country,
    Facility,
    FacilityClassification,
    FacilityListing,
    FacilityUse,
    PlacePrecision,
)

#: presence categories, worst first (the order of the rules that give them)
CATEGORY_ORDER: tuple[str, ...] = tuple(dict.fromkeys(r.category for r in RULES))
#: precisions too coarse for a point
COARSE = {PlacePrecision.DEPARTMENT, PlacePrecision.COUNTRY}


@dataclass
class Located:
    """One record placed on the map: ``kind`` is ``facility``, ``activity`` or ``authorization``."""

    kind: str
    id: str
    title: str
    url: str
    #: when (dates with their precision), or the facility's type
    when: str = ""
    #: the presence category code and label (facilities), and the foreign country the assessment is about
    category: str = ""
    category_label: str = ""
    foreign: str = ""
    #: the place as the record writes it
    place: str = ""
    precision: str = ""
    precision_label: str = ""
    #: points (latitude, longitude) where the record is drawn; empty: not drawn as a point
    points: list[tuple[float, float]] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    sort_key: tuple[int, str] = (0, "")


def _lang() -> str:
    return "en" if (get_language() or "es")[:2] == "en" else "es"


def _span(start: dt.date | None, sp: str, end: dt.date | None, ep: str) -> str:
    first, last = format_date(start, sp), format_date(end, ep)
    if first and last and first != last:
        return f"{first} – {last}"
    return first or (_("hasta %(date)s") % {"date": last} if last else "")


def _day_key(value: dt.date | None) -> tuple[int, str]:
    """Sort key: the latest date first, no date last."""
    return (0, f"{99999999 - int(value.strftime('%Y%m%d'))}") if value else (1, "")


def _precision_label(precision: str, has_point: bool) -> str:
    if precision in COARSE or not has_point:
        return _("solo el departamento") if precision == PlacePrecision.DEPARTMENT else _("sin coordenadas")
    if precision == PlacePrecision.EXACT:
        return _("coordenadas exactas")
    if precision == PlacePrecision.LOCALITY:
        return _("coordenadas de la localidad")
    return _("coordenadas de precisión desconocida")


def _point(lat: float | None, lon: float | None, precision: str) -> tuple[float, float] | None:
    if lat is None or lon is None or precision in COARSE:
        return None
    return (lat, lon)


def _divisions(divs: Divisions, department: str, point: tuple[float, float] | None, *names: str) -> list[Division]:
    """Divisions from the department field, else the point, else the place names."""
    if department:
        named = divs.named_in(department)
        if named:
            return named
    if point is not None:
        inside = divs.containing(*point)
        if inside is not None:
            return [inside]
    out: list[Division] = []
    for name in names:
        for d in divs.named_in(name) if name else ():
            if d not in out:
                out.append(d)
    return out


def foreign_candidates(host: Country) -> set[str]:
    """The foreign countries (ISO3) with any evidence at a facility of ``host``, as the assessment counts it
    (``base_facts._has_evidence``): a use, an authorization naming the facility, an activity held at it, a listing
    in an inventory, an external classification, or an observation (about the country it names, else about the
    facility's main foreign country). A few queries, so that only these pairs are assessed."""
    published = Status.WITHDRAWN
    found: set[str] = set()
    uses = FacilityUse.objects.exclude(status=published).filter(facility__country=host)
    found.update(uses.values_list("user_country__iso3", flat=True))
    places = AuthorizedPlace.objects.filter(facility__country=host).exclude(authorization__status=published)
    found.update(x for x in places.values_list("authorization__foreign_countries__iso3", flat=True) if x)
    held = Activity.facilities.through.objects.filter(facility__country=host).exclude(activity__status=published)
    found.update(x for x in held.values_list("activity__countries__iso3", flat=True) if x)
    found.update(x for x in held.values_list("activity__provider_country__iso3", flat=True) if x)
    listings = FacilityListing.objects.exclude(status=published).filter(country=host, facility__isnull=False)
    if listings.exists():
        found.add(INVENTORY_STATE)
    schemes = FacilityClassification.objects.exclude(status=published).filter(facility__country=host)
    for scheme in set(schemes.values_list("scheme", flat=True)):
        found.update(iso for prefix, iso in CLASSIFICATION_STATES.items() if scheme.startswith(prefix))
    observations = FacilityObservation.objects.exclude(status=published).filter(facility__country=host)
    found.update(x for x in observations.values_list("foreign_country__iso3", flat=True) if x)
    unnamed = set(observations.filter(foreign_country__isnull=True).values_list("facility_id", flat=True))
    for facility in Facility.objects.filter(pk__in=unnamed).select_related("country"):
        main = default_foreign(facility)
        if main:
            found.add(main)
    found.discard(host.iso3)
    return found


def facility_categories(host: Country) -> dict[str, tuple[str, str]]:
    """Each facility's presence category (the gravest over the foreign countries with evidence at the host's
    facilities) and the name of the foreign country it is about."""
    out: dict[str, tuple[str, str]] = {}
    lang = _lang()
    for foreign in sorted(foreign_candidates(host)):
        for a in assessments_for(host.iso3, foreign):
            now = out.get(a.facility_id)
            if now is None or CATEGORY_ORDER.index(a.category) < CATEGORY_ORDER.index(now[0]):
                out[a.facility_id] = (a.category, getattr(a, f"foreign_name_{lang}") or a.foreign_name_es)
    return out


def _facilities(host: Country, divs: Divisions) -> tuple[list[Located], dict[str, Facility]]:
    lang = _lang()
    categories = facility_categories(host)
    facilities = list(Facility.objects.exclude(status=Status.WITHDRAWN).filter(country=host).order_by("name_es"))
    out = []
    for f in facilities:
        point = _point(f.latitude, f.longitude, f.coord_precision)
        category, foreign = categories.get(f.pk, ("none_documented", ""))
        out.append(
            Located(
                "facility",
                f.pk,
                title_of(f),
                record_url(f) or "",
                when=str(f.get_kind_display()),
                category=category,
                category_label=CATEGORIES[category][lang],
                foreign=foreign,
                place=f.locality,
                precision=f.coord_precision,
                precision_label=_precision_label(f.coord_precision, point is not None),
                points=[point] if point else [],
                divisions=_divisions(divs, f.department, point, f.locality),
                sort_key=(0, title_of(f).casefold()),
            )
        )
    return out, {f.pk: f for f in facilities}


def _activities(host: Country, divs: Divisions, facilities: dict[str, Facility]) -> list[Located]:
    out = []
    acts = presence.foreign_presence(host.iso3).order_by("-start_date", "name_es")
    held: dict[str, list[Facility]] = {}
    for activity_id, facility_id in Activity.facilities.through.objects.filter(
        facility_id__in=list(facilities)
    ).values_list("activity_id", "facility_id"):
        held.setdefault(activity_id, []).append(facilities[facility_id])
    for a in acts:
        own = _point(a.latitude, a.longitude, a.place_precision)
        precision = a.place_precision
        points = [own] if own else []
        at_facilities = held.get(a.pk, [])
        if not points:  # held at facilities of known coordinates: drawn there, with their precision
            for f in at_facilities:
                at = _point(f.latitude, f.longitude, f.coord_precision)
                if at:
                    points.append(at)
                    precision = f.coord_precision
        found = _divisions(divs, a.department, points[0] if points else None, a.place)
        for f in at_facilities:
            for d in _divisions(divs, f.department, _point(f.latitude, f.longitude, f.coord_precision), f.locality):
                if d not in found:
                    found.append(d)
        out.append(
            Located(
                "activity",
                a.pk,
                title_of(a),
                record_url(a) or "",
                when=_span(a.start_date, a.start_precision, a.end_date, a.end_precision),
                place=a.place,
                precision=precision,
                precision_label=_precision_label(precision, bool(points)),
                points=points,
                divisions=found,
                sort_key=_day_key(a.start_date),
            )
        )
    return out


def _authorizations(host: Country, divs: Divisions) -> list[Located]:
    out = []
    auths = (
        Authorization.objects.exclude(status=Status.WITHDRAWN)
        .filter(host_country=host)
        .prefetch_related("places__facility")
        .order_by(F("decision_date").desc(nulls_last=True), "pk")
    )
    for a in auths:
        places = list(a.places.all())
        if not places:
            continue
        found: list[Division] = []
        points: list[tuple[float, float]] = []
        precision = ""
        for p in places:
            fac = p.facility if p.facility is not None and p.facility.status != Status.WITHDRAWN else None
            at = _point(fac.latitude, fac.longitude, fac.coord_precision) if fac is not None else None
            if at is not None and fac is not None:
                points.append(at)
                precision = fac.coord_precision
            for d in _divisions(divs, p.department or (fac.department if fac else ""), at, p.name):
                if d not in found:
                    found.append(d)
        window = _span(a.window_start, a.window_start_precision, a.window_end, a.window_end_precision)
        decided = format_date(a.decision_date, a.decision_precision)
        when = "; ".join(
            x
            for x in (
                _("decidida: %(date)s") % {"date": decided} if decided else "",
                _("periodo: %(span)s") % {"span": window} if window else "",
            )
            if x
        )
        out.append(
            Located(
                "authorization",
                a.pk,
                title_of(a),
                record_url(a) or "",
                when=when,
                place=", ".join(p.name for p in places),
                precision=precision,
                precision_label=_precision_label(precision, bool(points)),
                points=points,
                divisions=found,
                sort_key=_day_key(a.decision_date),
            )
        )
    return out


def located(divs: Divisions) -> list[Located]:
    """Every facility, foreign-presence activity and authorization (with places) of the divisions' host country;
    empty when the host country is not in the database."""
    host = Country.objects.exclude(status=Status.WITHDRAWN).filter(iso3=divs.host).first()
    if host is None:
        return []
    facilities, by_id = _facilities(host, divs)
    return facilities + _activities(host, divs, by_id) + _authorizations(host, divs)
