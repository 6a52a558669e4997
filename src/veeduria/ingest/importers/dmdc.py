"""DMDC personnel counts as compiled by troopdata: three layouts, told apart by their columns.

* country-year (``troopdata-rebuild-country-year``): one row a year → annual counts (``month`` empty);
* quarter (``...-quarter-format``): one row a report (March/June/September/December), harmonised columns;
* reports (``...-reports``): the same reports with the raw DMDC fields (``Navy Active Duty``, ...).

Harmonised ``navy_ad`` is known to be 0 where the raw ``Navy Active Duty`` is 14-19 (recent Peru rows), so
the raw fields win: in the reports layout the raw field is used whenever present, and a quarter-layout
import never overwrites a count already cited by a reports-layout import (and says so in its note).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import Row, check_shape, read_csv, spec
from veeduria.ingest.importers._store import Context, Writer
from veeduria.ingest.importers.errors import RowError
from veeduria.records.models import PersonnelCount

#: harmonised column → (service, category)
HARMONISED = {
    "troops_ad": ("total", "active_duty"),
    "army_ad": ("army", "active_duty"),
    "navy_ad": ("navy", "active_duty"),
    "air_force_ad": ("air_force", "active_duty"),
    "marine_corps_ad": ("marine_corps", "active_duty"),
    "coast_guard_ad": ("coast_guard", "active_duty"),
    "space_force_ad": ("space_force", "active_duty"),
    "army_national_guard": ("army_national_guard", "reserve"),
    "air_national_guard": ("air_national_guard", "reserve"),
    "army_reserve": ("army", "reserve"),
    "navy_reserve": ("navy", "reserve"),
    "marine_corps_reserve": ("marine_corps", "reserve"),
    "air_force_reserve": ("air_force", "reserve"),
    "coast_guard_reserve": ("coast_guard", "reserve"),
    "total_selected_reserve": ("total", "reserve"),
    "army_civilian": ("army", "civilian"),
    "navy_civilian": ("navy", "civilian"),
    "marine_corps_civilian": ("marine_corps", "civilian"),
    "air_force_civilian": ("air_force", "civilian"),
    "dod_civilian": ("dod", "civilian"),
    "total_civilian": ("total", "civilian"),
}
#: raw report field → (service, category, harmonised column it replaces)
RAW = {
    "Army Active Duty": ("army", "active_duty", "army_ad"),
    "Navy Active Duty": ("navy", "active_duty", "navy_ad"),
    "Marine Corps Active Duty": ("marine_corps", "active_duty", "marine_corps_ad"),
    "Air Force Active Duty": ("air_force", "active_duty", "air_force_ad"),
    "Coast Guard Active Duty": ("coast_guard", "active_duty", "coast_guard_ad"),
    "Space Force Active Duty": ("space_force", "active_duty", "space_force_ad"),
    "Total Active Duty": ("total", "active_duty", "troops_ad"),
    "Army National Guard": ("army_national_guard", "reserve", "army_national_guard"),
    "Army Reserve": ("army", "reserve", "army_reserve"),
    "Navy Reserve": ("navy", "reserve", "navy_reserve"),
    "Marine Corps Reserve": ("marine_corps", "reserve", "marine_corps_reserve"),
    "Air National Guard": ("air_national_guard", "reserve", "air_national_guard"),
    "Air Force Reserve": ("air_force", "reserve", "air_force_reserve"),
    "Coast Guard Reserve": ("coast_guard", "reserve", "coast_guard_reserve"),
    "Total Selected Reserve": ("total", "reserve", "total_selected_reserve"),
    "Army Civilian": ("army", "civilian", "army_civilian"),
    "Navy Civilian": ("navy", "civilian", "navy_civilian"),
    "Marine Corps Civilian": ("marine_corps", "civilian", "marine_corps_civilian"),
    "Air Force Civilian": ("air_force", "civilian", "air_force_civilian"),
    "DOD Civilian": ("dod", "civilian", "dod_civilian"),
    "Total Civilian": ("total", "civilian", "total_civilian"),
    "Grand Total": ("all", "all", ""),
}
#: columns known and deliberately not imported (older report layouts, identifiers, derived values)
OTHER = [
    "countryname",
    "ccode",
    "region",
    "quarter",
    "source",
    "Location",
    "Macro Location",
    "year_quarter",
    "troops_all",
    "Total",
    "Total Ashore",
    "Total Afloat",
    "Army Total",
    "Navy Ashore",
    "Navy Temporary Ashore",
    "Navy Other",
    "Marine Corps Ashore",
    "Marine Corps Afloat",
    "Air Force Total",
    "Navy Afloat",
    "Navy Total",
    "Marine Corps Total",
]
_COLUMNS = {"iso3c": "iso3", "year": "year", "month": "month"}
_COLUMNS.update({k: k for k in HARMONISED})
_COLUMNS.update({k: "raw:" + k for k in RAW})
_COLUMNS.update({k: "other:" + k for k in OTHER})
SPEC = spec(_COLUMNS, {"iso3", "year", "troops_ad"})
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
SERVICE_ES = {
    "total": "total",
    "army": "Ejército",
    "navy": "Armada",
    "air_force": "Fuerza Aérea",
    "marine_corps": "Infantería de Marina",
    "coast_guard": "Guardia Costera",
    "space_force": "Fuerza Espacial",
    "army_national_guard": "Guardia Nacional del Ejército",
    "air_national_guard": "Guardia Nacional Aérea",
    "dod": "Departamento de Defensa",
    "all": "todo el personal",
}
CATEGORY_ES = {"active_duty": "servicio activo", "reserve": "reserva", "civilian": "civiles", "all": "total general"}
FIELDS = ("host_country_id", "sending_country_id", "year", "month", "service", "category", "count", "reliability")


def _layout(table_has: set[str]) -> str:
    if any(c.startswith("raw:") for c in table_has):
        return "reports"
    if "month" in table_has:
        return "quarter"
    return "country-year"


def run(ctx: Context) -> None:
    table = read_csv(ctx.path, SPEC)
    ctx.report.unknown_columns = table.unknown
    present = {c for c in table.canonical if c}
    layout = _layout(present)
    ctx.ensure_source(f"dmdc-{layout}")
    progress = ctx.start_progress(table.line_estimate)
    writer = Writer(ctx, PersonnelCount, FIELDS, defer_to="dmdc-reports-" if layout == "quarter" else None)
    usa = ctx.country_id("USA")
    for row in table.rows:
        progress.advance()
        try:
            check_shape(row)
            iso3 = ctx.row_country(row)
            if iso3 is None:
                continue
            year, month = _when(row, layout)
            counts = _counts(row, layout, present)
        except RowError as err:
            ctx.row_error(err)
            continue
        host = ctx.country_id(iso3, row.text("other:countryname"))
        when = f"{year}-{month:02d}" if month else str(year)
        for (service, category), (value, note) in counts.items():
            pk = f"dmdc-{iso3.lower()}-{when}-{service.replace('_', '-')}-{category.replace('_', '-')}"
            values = {
                "host_country_id": host,
                "sending_country_id": usa,
                "year": year,
                "month": month,
                "service": service,
                "category": category,
                "count": value,
                "reliability": "confirmed",
            }
            writer.add(pk, values, locator=f"row {row.line}", note=note)
    writer.flush()
    ctx.report.notes.append(_("disposición: %(layout)s") % {"layout": layout})


def _when(row: Row, layout: str) -> tuple[int, int | None]:
    try:
        year, _rest = P.count(row.get("year"))
    except ValueError as exc:
        raise row.error("year", str(exc)) from None
    if year is None or not 1900 <= year <= 2100:
        raise row.error("year", _("%(value)s no es un año") % {"value": repr(row.text("year"))})
    if layout == "country-year":
        return year, None
    label = row.text("month").lower()
    if label.isdigit() and 1 <= int(label) <= 12:
        return year, int(label)
    if label not in MONTHS:
        raise row.error("month", _("%(value)s no es un mes") % {"value": repr(row.text("month"))})
    return year, MONTHS[label]


def _value(row: Row, name: str) -> int | None:
    try:
        value, _rest = P.count(row.get(name))
    except ValueError as exc:
        raise row.error(name, str(exc)) from None
    return value


def _counts(row: Row, layout: str, present: set[str]) -> dict[tuple[str, str], tuple[int, str]]:
    out: dict[tuple[str, str], tuple[int, str]] = {}
    for column, key in HARMONISED.items():
        if column in present:
            value = _value(row, column)
            if value is not None:
                note = ""
                if column == "navy_ad":
                    note = (
                        "harmonised navy_ad from troopdata; known to be 0 where the raw DMDC field "
                        "'Navy Active Duty' is not (a reports-file value, when imported, takes precedence)"
                    )
                out[key] = (value, note)
    if layout == "reports":
        for raw, (service, category, harmonised) in RAW.items():
            if "raw:" + raw not in present:
                continue
            value = _value(row, "raw:" + raw)
            if value is None:
                continue
            note = f"raw DMDC report field '{raw}'"
            previous = out.get((service, category))
            if previous is not None and previous[0] != value:
                note += f" (the harmonised {harmonised} says {previous[0]}, known to be wrong)"
            out[(service, category)] = (value, note)
    return out
