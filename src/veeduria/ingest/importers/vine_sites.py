"""David Vine's list of US military sites abroad (as shipped by troopdata ``basedata.csv``).

Each row becomes a facility (``vine-<slug>``, or the curated facility with the same slug if one exists)
and one external classification per coding (``major base``, ``lily pad``, ``funded site``): Vine's
classification with its source, not a finding of this project."""

from __future__ import annotations

from django.utils.translation import gettext as _

from veeduria.evidence.cleaning import field_checker
from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import Row, check_shape, read_csv, spec
from veeduria.ingest.importers._store import Context, Writer
from veeduria.ingest.importers.errors import RowError
from veeduria.ingest.importers.places import centroid_of
from veeduria.records.models import Facility, FacilityClassification

SPEC = spec(
    {
        "countryname": "country_name",
        "ccode": "ccode",
        "iso3c": "iso3",
        "basename": "name",
        "lat": "lat",
        "lon": "lon",
        "base": "base",
        "lilypad": "lilypad",
        "fundedsite": "fundedsite",
    },
    {"iso3", "name", "base", "lilypad", "fundedsite"},
)
SCHEME = "David Vine, US military bases abroad (via troopdata)"
LABELS = {
    "base": ("major base", "base principal"),
    "lilypad": ("lily pad", "«lily pad» (sitio menor)"),
    "fundedsite": ("funded site", "sitio financiado por EE. UU."),
}
FACILITY_FIELDS = (
    "name_es",
    "name_en",
    "kind",
    "country_id",
    "locality",
    "latitude",
    "longitude",
    "coord_precision",
    "description_es",
    "description_en",
    "reliability",
)
CLASS_FIELDS = ("facility_id", "scheme", "label", "site_name", "notes_es", "notes_en", "reliability")


def _flag(row: Row, name: str) -> bool:
    text = row.text(name)
    if text in ("", "NA"):
        return False
    if text in ("0", "1"):
        return text == "1"
    raise row.error(name, _("%(value)s no es 0 ni 1") % {"value": repr(text)})


_CHECKS = {"lat": field_checker(Facility, "latitude"), "lon": field_checker(Facility, "longitude")}


def _coord(row: Row, name: str) -> float | None:
    """A coordinate within its range (cleaning.RANGES), or ``None``."""
    try:
        value, _rest = P.number(row.get(name))
        return _CHECKS[name](float(value)) if value is not None else None
    except ValueError as exc:
        raise row.error(name, str(exc)) from None


def _precision(lat: float | None, lon: float | None) -> str:
    """Vine's coordinates are geocodes of the site's town (locality), or of a country's centroid (country)."""
    if lat is None or lon is None:
        return "unknown"
    return "country" if centroid_of(lat, lon) else "locality"


def run(ctx: Context) -> None:
    table = read_csv(ctx.path, SPEC)
    ctx.report.unknown_columns = table.unknown
    ctx.ensure_source("vine-sites")
    progress = ctx.start_progress(table.line_estimate)
    facilities = Writer(ctx, Facility, FACILITY_FIELDS)
    classes = Writer(ctx, FacilityClassification, CLASS_FIELDS)
    rows = []
    for row in table.rows:
        progress.advance()
        try:
            check_shape(row)
            iso3 = ctx.row_country(row)
            if iso3 is None:
                continue
            name = row.text("name")
            if not name:
                raise row.error("name", _("nombre de sitio vacío"))
            flags = {k: _flag(row, k) for k in LABELS}
            lat, lon = _coord(row, "lat"), _coord(row, "lon")
        except RowError as err:
            ctx.row_error(err)
            continue
        rows.append((row, iso3, name, flags, lat, lon))
    if ctx.failed:
        return
    curated = set(Facility.objects.filter(pk__in=[P.slug(r[2]) for r in rows]).values_list("pk", flat=True))
    for row, iso3, name, flags, lat, lon in rows:
        country = ctx.country_id(iso3, row.text("country_name"))
        base_slug = P.slug(name)
        facility_id = base_slug if base_slug in curated else f"vine-{P.slug(iso3.lower(), name)}"
        labels_en = [LABELS[k][0] for k, on in flags.items() if on]
        locality = name.split(",")[-1].strip()
        facilities.add(
            facility_id,
            {
                "name_es": f"Sitio «{name}» (lista de David Vine)",
                "name_en": f"“{name}” site (David Vine's list)",
                "kind": "other",
                "country_id": country,
                "locality": locality,
                "latitude": lat,
                "longitude": lon,
                "coord_precision": _precision(lat, lon),
                "description_es": f"Sitio de EE. UU. en el extranjero según la lista de David Vine "
                f"(codificación: {', '.join(LABELS[k][1] for k, on in flags.items() if on) or 'ninguna'}). "
                "No es una verificación de este proyecto.",
                "description_en": f"US site abroad in David Vine's list (coding: {', '.join(labels_en) or 'none'}). "
                "Not verified by this project.",
                "reliability": "unverified",
            },
            locator=f"row {row.line}",
        )
        for key, on in flags.items():
            if not on:
                continue
            label_en, label_es = LABELS[key]
            classes.add(
                f"vine-{P.slug(iso3.lower(), name)}-{key}",
                {
                    "facility_id": facility_id,
                    "scheme": SCHEME,
                    "label": label_en,
                    "site_name": name,
                    "notes_es": f"Clasificación externa de David Vine: {label_es}; "
                    "no es un veredicto de este proyecto.",
                    "notes_en": f"External classification by David Vine: {label_en}; not this project's verdict.",
                    "reliability": "confirmed",
                },
                locator=f"row {row.line}",
                note=f"{key}=1",
            )
    facilities.flush()
    classes.flush()
