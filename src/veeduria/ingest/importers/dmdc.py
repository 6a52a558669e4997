"""DMDC personnel counts as compiled by troopdata: three layouts, told apart by their columns.

* country-year (``troopdata-rebuild-country-year``): one row a year → annual counts (``month`` empty);
* quarter (``...-quarter-format``): one row a quarter (March/June/September/December), harmonised columns;
* reports (``...-reports``): the reports with the raw DMDC fields (``Navy Active Duty``, ...).

Unknown is not zero (docs/importers.md, "DMDC"): troopdata fills with 0 what a report did not give, so a
harmonised 0 is kept only where the row shows that the report had the field; a raw report field is taken as
it is (``NA`` = unknown, 0 = reported zero). A quarter row without a report (no ``source``, or a troopdata
imputation) gives an empty total, never 0; a ``Kane 2006`` row is the year's annual figure. A total that the
parts of its own row contradict gets a public note; a total the importer adds up from parts of which some
are unknown is marked ``incomplete``. Ids depend only on country, date, service and category, so the same
report read from two files meets on one record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from veeduria.evidence.cleaning import field_checker
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
FIELDS = (
    "host_country_id",
    "sending_country_id",
    "year",
    "month",
    "service",
    "category",
    "count",
    "incomplete",
    "notes_es",
    "notes_en",
    "reliability",
)
Key = tuple[str, str]
AD_SERVICES = ("army", "navy", "air_force", "marine_corps", "coast_guard", "space_force")
#: a total → its parts (the same report's breakdown)
PARTS: dict[Key, tuple[Key, ...]] = {
    ("total", "active_duty"): tuple((s, "active_duty") for s in AD_SERVICES),
    ("total", "reserve"): tuple(
        (s, "reserve")
        for s in (
            "army_national_guard",
            "air_national_guard",
            "army",
            "navy",
            "marine_corps",
            "air_force",
            "coast_guard",
        )
    ),
    ("total", "civilian"): tuple((s, "civilian") for s in ("army", "navy", "marine_corps", "air_force", "dod")),
    ("all", "all"): (("total", "active_duty"), ("total", "reserve"), ("total", "civilian")),
}
#: harmonised columns that troopdata fills with 0 where a report has no such field: a 0 there is unknown
#: (the raw report field, where the file has it, gives the real value)
ZERO_MEANS_UNKNOWN = {"coast_guard_ad", "space_force_ad"}
#: harmonised reserve and civilian columns: reports carry them only in later layouts (2008 on for Peru)
LATER_FIELDS = [c for c, (_s, cat) in HARMONISED.items() if cat in ("reserve", "civilian")]
#: columns of older report layouts (reports file, before the raw fields) that show a service was reported
OLD_FIELDS = {
    "army": ("Army Total",),
    "navy": ("Navy Ashore", "Navy Afloat", "Navy Total", "Navy Other", "Navy Temporary Ashore"),
    "marine_corps": ("Marine Corps Ashore", "Marine Corps Afloat", "Marine Corps Total"),
    "air_force": ("Air Force Total",),
}
NAVY_NOTE = (
    "harmonised navy_ad from troopdata; known to be 0 where the raw DMDC field "
    "'Navy Active Duty' is not (a reports-file value, when imported, takes precedence)"
)


@dataclass
class Value:
    """One count of a row: the number (``None``: unknown), the citation note, public notes, incomplete."""

    count: int | None
    note: str = ""
    notes_es: str = ""
    notes_en: str = ""
    incomplete: bool = False


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
            kind = _kind(row, present)
            if kind == "annual":
                month = None
            counts = _no_report(row, kind) if kind in ("none", "imputed") else _counts(row, layout, present)
        except RowError as err:
            ctx.row_error(err)
            continue
        host = ctx.country_id(iso3, row.text("other:countryname"))
        when = f"{year}-{month:02d}" if month else str(year)
        for (service, category), value in counts.items():
            pk = f"dmdc-{iso3.lower()}-{when}-{service.replace('_', '-')}-{category.replace('_', '-')}"
            values = {
                "host_country_id": host,
                "sending_country_id": usa,
                "year": year,
                "month": month,
                "service": service,
                "category": category,
                "count": value.count,
                "incomplete": value.incomplete,
                "notes_es": value.notes_es,
                "notes_en": value.notes_en,
                "reliability": "confirmed",
            }
            note = value.note
            if kind == "annual":
                note = (f"{note}; " if note else "") + (
                    "annual figure of Kane (2006), placed at June by troopdata's quarterly file"
                )
            writer.add(pk, values, locator=f"row {row.line}", note=note)
    writer.flush()
    ctx.report.notes.append(_("disposición: %(layout)s") % {"layout": layout})


def _kind(row: Row, present: set[str]) -> str:
    """What a row is: a report, none (a quarter without a report), imputed (troopdata's estimate between
    reports) or annual (Kane's yearly figure); from the ``source`` column where the file has one."""
    if "other:source" not in present:
        return "report"
    source = row.get("other:source")
    if P.is_empty(source):
        return "none"
    text = str(source).strip().lower()
    if "imputation" in text:
        return "imputed"
    if text.startswith("kane"):
        return "annual"
    return "report"


def _no_report(row: Row, kind: str) -> dict[Key, Value]:
    """A quarter without a report: an empty total (unknown), with a public note; never zeros."""
    if kind == "imputed":
        estimate = _value(row, "troops_ad")
        return {
            ("total", "active_duty"): Value(
                None,
                note=f"troopdata stepwise imputation ({estimate}), not a DMDC report",
                notes_es=f"Sin informe DMDC para esta fecha: troopdata estima {estimate} por interpolación "
                "entre informes (no es un conteo).",
                notes_en=f"No DMDC report for this date: troopdata estimates {estimate} by interpolating "
                "between reports (not a count).",
            )
        }
    return {
        ("total", "active_duty"): Value(
            None,
            note="row without a report (source empty; troopdata writes 0)",
            notes_es="Sin informe DMDC para este trimestre (el archivo no da fuente y escribe 0).",
            notes_en="No DMDC report for this quarter (the file gives no source and writes 0).",
        )
    }


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


#: the integer range a stored count must fit
_COUNT = field_checker(PersonnelCount, "count")


def _value(row: Row, name: str) -> int | None:
    try:
        value, _rest = P.count(row.get(name))
        value = _COUNT(value)
    except ValueError as exc:
        raise row.error(name, str(exc)) from None
    return value


def _counts(row: Row, layout: str, present: set[str]) -> dict[Key, Value]:
    harmonised = {c: _value(row, c) for c in HARMONISED if c in present}
    out = {HARMONISED[c]: Value(v, NAVY_NOTE if c == "navy_ad" else "") for c, v in harmonised.items()}
    for column in _unknown_zeros(row, harmonised, present):
        del out[HARMONISED[column]]
    if layout == "reports":
        for raw, (service, category, column) in RAW.items():
            if "raw:" + raw not in present:
                continue
            value = _value(row, "raw:" + raw)
            if value is None:
                continue
            note = f"raw DMDC report field '{raw}'"
            if harmonised.get(column) is not None and harmonised[column] != value:
                note += f" (the harmonised {column} says {harmonised[column]}, known to be wrong)"
            out[(service, category)] = Value(value, note)
    out = {k: v for k, v in out.items() if v.count is not None}
    _add_totals(out, row, layout, present)
    _check_totals(out)
    return out


def _unknown_zeros(row: Row, h: dict[str, int | None], present: set[str]) -> list[str]:
    """Harmonised columns whose 0 is not a reported zero (see the module docstring and docs/importers.md)."""
    zeros = [c for c, v in h.items() if v == 0 and c != "troops_ad"]
    if not zeros:
        return []
    total = h.get("troops_ad")
    ad_columns = [c for c, (s, cat) in HARMONISED.items() if cat == "active_duty" and s != "total" and c in h]
    adds_up = total is not None and sum(h[c] or 0 for c in ad_columns) == total
    later_reported = any(h.get(c) for c in LATER_FIELDS)
    unknown = []
    for c in zeros:
        service, category = HARMONISED[c]
        if c in ZERO_MEANS_UNKNOWN:
            unknown.append(c)
        elif category == "active_duty":
            old = any(
                not P.is_empty(row.get("other:" + f)) for f in OLD_FIELDS.get(service, ()) if "other:" + f in present
            )
            if not (adds_up or old):
                unknown.append(c)
        elif not later_reported:
            unknown.append(c)
    return unknown


def _add_totals(out: dict[Key, Value], row: Row, layout: str, present: set[str]) -> None:
    """A total the file has a column for but leaves empty in this row is added up from two or more known
    parts, and marked incomplete when a part is unknown."""
    for total, parts in PARTS.items():
        if total in out or not _has_total_column(total, layout, present):
            continue
        known = [out[p].count or 0 for p in parts if p in out]
        if len(known) < 2:
            continue
        missing = len(known) < len(parts)
        out[total] = Value(
            sum(known),
            note="sum of the row's parts (the file leaves the total empty)",
            notes_es="Suma de las partes de la fila (el archivo no da el total)"
            + ("; faltan partes, así que es un mínimo." if missing else "."),
            notes_en="Sum of the row's parts (the file gives no total)"
            + ("; some parts are unknown, so it is a lower bound." if missing else "."),
            incomplete=missing,
        )


def _has_total_column(total: Key, layout: str, present: set[str]) -> bool:
    names = [c for c, k in HARMONISED.items() if k == total]
    if layout == "reports":
        names += ["raw:" + r for r, (s, cat, _h) in RAW.items() if (s, cat) == total]
    return any(n in present for n in names)


def _check_totals(out: dict[Key, Value]) -> None:
    """A total that the parts of its own row contradict (they add up to more, or, all known, to another
    number) keeps the file's value with a public note saying so."""
    for total, parts in PARTS.items():
        value = out.get(total)
        if value is None or value.count is None or value.incomplete:
            continue
        known = [out[p].count or 0 for p in parts if p in out]
        if not known:
            continue
        added = sum(known)
        if added > value.count or (len(known) == len(parts) and added != value.count):
            value.notes_es = (
                f"Las partes de la misma fila del archivo suman {added}, no {value.count}: el archivo se "
                "contradice; se muestra el total que da."
            )
            value.notes_en = (
                f"The parts in the same row of the file add up to {added}, not {value.count}: the file "
                "contradicts itself; the total it gives is shown."
            )
