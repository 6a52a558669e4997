"""Multinational Military Exercises (MME v7, D'Orazio & Galambos), long or wide layout.

Long: one row per exercise and participant (``gwcode``); wide: one row per exercise with participants in
``StateA`` .. ``StateAM``. Each exercise becomes an activity of kind ``exercise`` with its participants,
its dates at the precision they are written with (``10/12/96`` day, ``2002-09-xx`` month), its location
and its focus flags.

Where it took place (``host_country``) is the country its ``Location`` text names (:func:`places.locate`),
else the country whose centroid its coordinates are, else unknown; coordinates that are a country's centroid
locate only the country. Rows found wrong by a re-check are corrected from ``data/external/corrections/mme.yaml``
(the MME value is kept in the record's notes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veeduria.evidence.cleaning import check_record, field_checker
from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import Row, check_shape, read_csv, spec
from veeduria.ingest.importers._store import Context, Writer
from veeduria.ingest.importers.countries import BY_GWCODE, iso3_for_name
from veeduria.ingest.importers.errors import ImportFailed, RowError
from veeduria.ingest.importers.places import centroid_of, locate
from veeduria.records.models import Activity

FLAGS = ("CPX", "Air", "Land", "Sea", "Amphibious", "Cyber", "Warfighting", "Peacekeeping", "Humanitarian")
FLAGS_ES = {
    "CPX": "puesto de mando",
    "Air": "aéreo",
    "Land": "terrestre",
    "Sea": "naval",
    "Amphibious": "anfibio",
    "Cyber": "ciber",
    "Warfighting": "combate",
    "Peacekeeping": "mantenimiento de paz",
    "Humanitarian": "humanitario",
}
STATE_COLUMNS = ["State" + s for s in [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *("A" + c for c in "ABCDEFGHIJKLM")]]
_COLUMNS = {
    "MMEID": "id",
    "Ex_Name": "name",
    "Series_Name": "series",
    "gwcode": "gwcode",
    "country": "country",
    "year": "year",
    "Location": "location",
    "lat": "lat",
    "lon": "lon",
    "StartDate": "start",
    "s.year": "s_year",
    "s.month": "s_month",
    "s.day": "s_day",
    "EndDate": "end",
    "e.year": "e_year",
    "e.month": "e_month",
    "e.day": "e_day",
    "FocusDescription": "focus",
    "AdditionalParticipantInfo": "more",
    "participant_count": "n",
}
_COLUMNS.update({f: "flag:" + f for f in FLAGS})
_COLUMNS.update({s: "state:" + s for s in STATE_COLUMNS})
SPEC = spec(_COLUMNS, {"id", "name", "start", "end"})
FIELDS = (
    "kind",
    "name_es",
    "name_en",
    "description_es",
    "description_en",
    "host_country_id",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "place",
    "place_precision",
    "latitude",
    "longitude",
    "reliability",
    "notes_es",
    "notes_en",
    "editor_notes",
)
#: fields a correction may set aside, with their labels in the notes
_DROPPABLE = {"latitude": ("latitud", "latitude"), "longitude": ("longitud", "longitude")}


def corrections_file() -> Path:
    from veeduria.ingest.importers import manifest

    return manifest.folder() / "corrections" / "mme.yaml"


@lru_cache(maxsize=2)
def _load_corrections(path: Path, mtime: float) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ImportFailed(_("%(file)s: se esperaba un mapa de identificadores MME") % {"file": path})
    for mme_id, entry in data.items():
        if not isinstance(entry, dict):
            raise ImportFailed(
                _("%(file)s, %(id)s: se esperaba un mapa (drop, note_es, note_en), no %(value)s")
                % {"file": path, "id": mme_id, "value": repr(entry)}
            )
        drop = entry.get("drop", [])
        if not isinstance(drop, list) or any(f not in _DROPPABLE for f in drop):
            raise ImportFailed(
                _("%(file)s, %(id)s: «drop» solo admite %(fields)s")
                % {"file": path, "id": mme_id, "fields": ", ".join(_DROPPABLE)}
            )
    return {str(k).lower(): v for k, v in data.items()}


def corrections() -> dict[str, dict[str, Any]]:
    """Corrections of MME rows by lower-case MMEID (empty when the file is absent)."""
    path = corrections_file()
    if not path.exists():
        return {}
    return _load_corrections(path, path.stat().st_mtime)


@dataclass
class Exercise:
    row: Row
    lines: list[int] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)  # ISO3


def _date(row: Row, name: str, prefix: str) -> tuple[Any, str]:
    text = row.text(name)
    if text:
        try:
            return P.partial_date(text)
        except ValueError as exc:
            raise row.error(name, str(exc)) from None
    year = row.text(f"{prefix}_year")
    if year.isdigit():
        month, day = row.text(f"{prefix}_month"), row.text(f"{prefix}_day")
        iso = f"{year}-{month.zfill(2) if month.isdigit() else 'xx'}-{day.zfill(2) if day.isdigit() else 'xx'}"
        try:
            return P.partial_date(iso)
        except ValueError as exc:
            raise row.error(name, str(exc)) from None
    return None, "unknown"


_LATITUDE = field_checker(Activity, "latitude")
_LONGITUDE = field_checker(Activity, "longitude")


def _coords(row: Row) -> tuple[float | None, float | None]:
    out: list[float | None] = []
    for name, check in (("lat", _LATITUDE), ("lon", _LONGITUDE)):
        try:
            num, _rest = P.number(row.get(name))
            out.append(check(float(num)) if num is not None else None)
        except ValueError as exc:
            raise row.error(name, str(exc)) from None
    return out[0], out[1]


def _check(row: Row) -> None:
    """What :func:`_values` will store, checked while the row can still be reported: readable dates, the
    end not before the start (by their precision), coordinates in range."""
    start, start_precision = _date(row, "start", "s")
    end, end_precision = _date(row, "end", "e")
    when = {"start_date": start, "start_precision": start_precision, "end_date": end, "end_precision": end_precision}
    broken = check_record(Activity, when)
    if broken:
        raise row.error("end", broken[0][1])
    _coords(row)


def run(ctx: Context) -> None:
    table = read_csv(ctx.path, SPEC)
    ctx.report.unknown_columns = table.unknown
    long = table.has("gwcode")
    if not long and not any(c and c.startswith("state:") for c in table.canonical):
        raise ImportFailed(
            _(
                "%(file)s, línea %(line)d: no hay columna gwcode (disposición larga) "
                "ni columnas StateA.. (disposición ancha)"
            )
            % {"file": ctx.path, "line": table.header_line}
        )
    ctx.ensure_source("mme")
    progress = ctx.start_progress(table.line_estimate)
    exercises: dict[str, Exercise] = {}
    unknown: dict[str, int] = {}
    for row in table.rows:
        progress.advance()
        try:
            check_shape(row)
            mme_id = row.text("id")
            if not re.fullmatch(r"[A-Za-z]*\d+", mme_id):
                raise row.error("id", _("%(value)s no es un identificador MME") % {"value": repr(mme_id)})
            _check(row)
            found = _participants(row, long, unknown)
        except RowError as err:
            ctx.row_error(err)
            continue
        ex = exercises.setdefault(mme_id, Exercise(row))
        ex.lines.append(row.line)
        ex.participants.extend(p for p in found if p not in ex.participants)
    if ctx.failed:
        return
    if unknown:
        listed = ", ".join(
            ngettext("%(name)s (%(n)d fila)", "%(name)s (%(n)d filas)", v) % {"name": k, "n": v}
            for k, v in sorted(unknown.items())
        )
        ctx.report.notes.append(
            _("participantes sin enlazar (no están en la tabla de países): %(list)s") % {"list": listed}
        )
    country = ctx.country or _common_country(exercises)
    if country is None:
        raise ImportFailed(
            _(
                "%(file)s, línea %(line)d: ningún país participa en todos los ejercicios; "
                "indique qué país importar con --country ISO3"
            )
            % {"file": ctx.path, "line": table.header_line}
        )
    fixes = corrections()
    writer = Writer(ctx, Activity, FIELDS, m2m=("countries",), m2m_union=long)
    for mme_id, ex in exercises.items():
        if country not in ex.participants:
            ctx.report.filtered += len(ex.lines)
            continue
        participants = [ctx.country_id(p) for p in ex.participants]
        values = _values(ctx, ex.row, fixes.get(mme_id.lower()))
        lines = ex.lines
        locator = f"row {lines[0]}" if len(lines) == 1 else f"rows {lines[0]}-{lines[-1]}"
        writer.add(f"mme-{P.slug(mme_id)}", values, locator=locator, m2m={"countries": participants})
    writer.flush()


def _participants(row: Row, long: bool, unknown: dict[str, int]) -> list[str]:
    out = []
    if long:
        code = row.text("gwcode")
        try:
            gw, _rest = P.count(code)
        except ValueError as exc:
            raise row.error("gwcode", str(exc)) from None
        iso = BY_GWCODE.get(gw) if gw is not None else None
        if iso is None:
            label = f"gwcode {code} ({row.text('country')})"
            unknown[label] = unknown.get(label, 0) + 1
        else:
            out.append(iso)
        return out
    for column in STATE_COLUMNS:
        name = row.text("state:" + column)
        if not name or name == "-9":
            continue
        iso = iso3_for_name(name)
        if iso is None:
            unknown[name] = unknown.get(name, 0) + 1
        elif iso not in out:
            out.append(iso)
    return out


def _common_country(exercises: dict[str, Exercise]) -> str | None:
    common: set[str] | None = None
    for ex in exercises.values():
        common = set(ex.participants) if common is None else common & set(ex.participants)
    if common and len(common) == 1:
        return next(iter(common))
    if common and len(common) > 1 and "USA" in common:
        rest = common - {"USA"}
        return next(iter(rest)) if len(rest) == 1 else None
    return None


def _values(ctx: Context, row: Row, fix: dict[str, Any] | None) -> dict[str, Any]:
    name = row.text("name")
    series = row.text("series")
    if name in ("", "-9", "NA"):
        name = (
            f"{series} (ejercicio sin nombre, MME {row.text('id')})"
            if series not in ("", "NA", "-9")
            else f"Ejercicio multinacional sin nombre (MME {row.text('id')})"
        )
    start, start_precision = _date(row, "start", "s")
    end, end_precision = _date(row, "end", "e")
    flags = [f for f in FLAGS if row.text("flag:" + f) == "1"]
    focus = row.text("focus")
    desc_es = "Ejercicio multinacional según la base MME v7 (D'Orazio y Galambos)."
    desc_en = "Multinational exercise per the MME v7 data set (D'Orazio & Galambos)."
    if flags:
        desc_es += " Enfoque: " + ", ".join(FLAGS_ES[f] for f in flags) + "."
        desc_en += " Focus: " + ", ".join(f.lower() for f in flags) + "."
    if focus and focus not in ("NA", "-9"):
        desc_es += f" Descripción (en inglés, de la fuente): {focus}"
        desc_en += f" Description: {focus}"
    lat, lon = _coords(row)
    location = row.text("location")
    place = "" if location in ("NA", "-9") else location
    where = locate(place)
    iso3, precision = where.iso3, where.precision
    centroid = centroid_of(lat, lon)
    if centroid is not None:  # the coordinates only say which country
        iso3 = iso3 or centroid
        precision = "country" if iso3 == centroid else precision
    notes_es, notes_en, editor = [], [], []
    if fix:
        for name in fix.get("drop", []):
            value = lat if name == "latitude" else lon
            if value is None:
                continue
            label_es, label_en = _DROPPABLE[name]
            notes_es.append(f"Valor de MME apartado: {label_es} {value}.")
            notes_en.append(f"MME value set aside: {label_en} {value}.")
            editor.append(f"MME {name} = {value} set aside (data/external/corrections/mme.yaml)")
            if name == "latitude":
                lat = None
            else:
                lon = None
        notes_es[:0] = [str(fix.get("note_es", "")).strip()]
        notes_en[:0] = [str(fix.get("note_en", "")).strip()]
    if where.note:
        editor.append(f"Location '{location}' {where.note}: country left unknown")
    return {
        "kind": "exercise",
        "name_es": name[:500],
        "name_en": name[:500],
        "description_es": desc_es,
        "description_en": desc_en,
        "host_country_id": ctx.country_id(iso3) if iso3 else None,
        "start_date": start,
        "start_precision": start_precision,
        "end_date": end,
        "end_precision": end_precision,
        "place": place[:500],
        "place_precision": precision,
        "latitude": lat,
        "longitude": lon,
        "reliability": "partly",
        "notes_es": " ".join(n for n in notes_es if n),
        "notes_en": " ".join(n for n in notes_en if n),
        "editor_notes": "; ".join(editor),
    }
