"""Foreign Military Training Report rows as published by Security Force Monitor.

Two layouts: the Peru extract (``report_fy, program, course_title, ...``, comma-separated) and SFM's final
TSV (``source_uuid, group, country, iso_3166_1, ...``, also with ``training:``/``qa:`` prefixed names).
Each row is a training activity (kind ``training``): the trainees' country takes part (``countries``), the
United States provides it (``provider_country``), and it took place (``host_country``) in the country its
``location`` names (:func:`places.locate`), or in an unknown place when the location names none."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from veeduria.evidence.cleaning import field_checker
from veeduria.evidence.models import Reliability
from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import Row, check_shape, fold, read_csv, spec
from veeduria.ingest.importers._store import Context, Writer
from veeduria.ingest.importers.countries import iso3_for_name
from veeduria.ingest.importers.errors import ImportFailed, RowError
from veeduria.ingest.importers.places import locate
from veeduria.records.models import Activity

SPEC = spec(
    {
        "report_fy": "report_fy",
        "program": "program",
        "course_title": "course",
        "us_unit": "us_unit",
        "student_unit": "student_unit",
        "location": "location",
        "start_date": "start",
        "end_date": "end",
        "start_date_fixed": "start_fixed",
        "end_date_fixed": "end_fixed",
        "quantity": "quantity",
        "total_cost": "cost",
        "page_number": "page",
        "source_path": "source_path",
        "source_commit": "source_commit",
        "source_uuid": "uuid",
        "group": "group",
        "country": "country_name",
        "iso_3166_1": "iso3",
        "source_url": "source_url",
        "row_status": "row_status",
        "date_first_seen": "first_seen",
        "date_scraped": "scraped",
    },
    {"program", "course", "quantity", "cost"},
    delimiters=(",", "\t"),
)

FIELDS = (
    "kind",
    "name_es",
    "name_en",
    "description_es",
    "description_en",
    "host_country_id",
    "provider_country_id",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "place",
    "place_precision",
    "personnel_best",
    "program",
    "provider_unit",
    "recipient_unit",
    "cost",
    "currency",
    "fiscal_year",
    "reliability",
)
_HOST = FIELDS.index("host_country_id")

#: the limits of the two numbers a row carries (digits of the cost, integer range of the head count)
_COST = field_checker(Activity, "cost")
_QUANTITY = field_checker(Activity, "personnel_best")

#: Records written per chunk: files run to a million rows, and the ids of a bigger chunk, sorted, fall closer
#: together in the indexes (5,000 rows: a few MB)
CHUNK = 5000

#: (pattern on the folded program label, normalised program); first match wins.
PROGRAMS: tuple[tuple[str, str], ...] = (
    (r"\bIMET\b|INTERNATIONAL MILITARY EDUCATION", "IMET"),
    (r"\bFMF\b|FOREIGN MILITARY FINANCING", "FMF"),
    (r"\bINCLE\b|\bINL\b|INTERNATIONAL NARCOTICS", "INCLE"),
    (r"SECTION 333\b", "Section 333"),
    (r"SECTION 1004\b", "Section 1004"),
    (r"SECTION 1203\b", "Section 1203"),
    (r"SECTION 506\b|DRAW ?DOWN", "Section 506"),
    (r"\bCTIWFP\b", "CTIWFP"),
    (r"\bCTFP\b|COUNTERTERRORISM FELLOWSHIP", "CTFP"),
    (r"REGIONAL CENTERS?|HEMISPHERIC DEFENSE STUDIES|\bCHDS\b", "Regional Centers"),
    (r"SERVICE ACADEM", "Service Academies"),
    (r"\bPKO\b|PEACEKEEPING", "PKO"),
    (r"\bGPOI\b", "GPOI"),
    (r"\bNADR\b", "NADR"),
    (r"\bALP\b|AVIATION LEADERSHIP", "ALP"),
    (r"\bPME\b", "PME"),
    (r"EXCHANGE", "Exchanges"),
    (r"NON-SA|NON-SECURITY ASSISTANCE|MISC", "Misc DoD/DoS Non-SA"),
)
_PROGRAMS = [(re.compile(p), name) for p, name in PROGRAMS]
_FY = re.compile(r"(?:FISCAL YEAR|FY)\s*(\d{4}|\d{2})\b")
_REPORT_FY = re.compile(r"(\d{4})\D(\d{4})")
_TWO_DATES = re.compile(r"^(\d{1,2}/\d{1,2}/\d{2,4})\s+(\d{1,2}/\d{1,2}/\d{2,4})$")
_DATE_RESIDUE = re.compile(r"^[\d/\s]+$")


@lru_cache(maxsize=256)
def _report_years(text: str) -> tuple[str, str] | None:
    """``'2019_2020'`` or ``'FY2019-2020'`` → ``('2019', '2020')``."""
    match = _REPORT_FY.search(text) if text else None
    return (match.group(1), match.group(2)) if match else None


@lru_cache(maxsize=4096)
def normalise_program(label: str) -> tuple[str, str]:
    """``'IMET-1 - Fiscal Year 2010 Department of State Training'`` → ``('IMET', '2010')``."""
    folded = fold(label)
    fy = ""
    match = _FY.search(folded)
    if match:
        digits = match.group(1)
        fy = str(P.year_from_two_digits(int(digits))) if len(digits) == 2 else digits
    for pattern, name in _PROGRAMS:
        if pattern.search(folded):
            return name, fy
    head = re.split(r"\s+-\s+|,", label)[0].strip()
    return (head or label.strip())[:120], fy


def _date(row: Row, raw_name: str, fixed_name: str, notes: list[str]) -> tuple[Any, Any]:
    """(date, second date spilled into the same cell, if any)."""
    get = row.values.get
    fixed = get(fixed_name) or ""
    raw = fixed or get(raw_name) or ""
    if not raw:
        return None, None
    if "/" in raw and " " not in raw:
        try:
            return P.us_date(raw), None
        except ValueError as exc:
            raise row.error(fixed_name if fixed else raw_name, str(exc)) from None
    match = _TWO_DATES.match(raw)
    if match:
        notes.append(f"{raw_name} '{raw}' holds two dates (scrape artefact)")
        try:
            return P.us_date(match.group(1)), P.us_date(match.group(2))
        except ValueError as exc:
            raise row.error(raw_name, str(exc)) from None
    try:
        value, _precision = P.partial_date(raw)
    except ValueError as exc:
        raise row.error(fixed_name if fixed else raw_name, str(exc)) from None
    return value, None


def _country(ctx: Context, row: Row) -> str | None:
    code = row.text("iso3").upper()
    if code:
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise row.error("iso3", P.not_iso3(code))
        return code
    name = row.text("country_name")
    if name:
        found = iso3_for_name(name)
        if found is None:
            raise row.error(
                "country_name", _("país desconocido %(name)s; añada una columna iso_3166_1") % {"name": repr(name)}
            )
        return found
    return None


def default_country(ctx: Context) -> str | None:
    if ctx.country:
        return ctx.country
    match = re.search(r"(?:^|[_\-.])([A-Z]{3})$", ctx.path.stem)
    return match.group(1) if match else None


def run(ctx: Context) -> None:
    table = read_csv(ctx.path, SPEC)
    ctx.report.unknown_columns = table.unknown
    file_country = default_country(ctx)
    country_columns = table.has("iso3") or table.has("country_name")
    if not country_columns and not file_country:
        raise ImportFailed(
            _(
                "%(file)s, línea %(line)d: no hay columna de país (iso_3166_1 o country) ni --country; "
                "indique de qué país son las filas, p. ej. --country PER"
            )
            % {"file": ctx.path, "line": table.header_line}
        )
    ctx.ensure_source("fmtrpt")
    progress = ctx.start_progress(table.line_estimate)
    writer = Writer(ctx, Activity, FIELDS, m2m=("countries",), chunk=CHUNK)
    add = writer.add
    usa = ctx.country_id("USA")
    places = {"home": 0, "abroad": 0, "unknown": 0}  # where courses took place, relative to the trainees
    links: dict[str, dict[str, list[str]]] = {}
    seen: dict[str, int] = {}
    group: tuple[Any, ...] | None = None
    for row in table.rows:
        progress.advance()
        try:
            check_shape(row)
            iso3 = (_country(ctx, row) if country_columns else None) or file_country
            if iso3 is None:
                raise row.error("iso3", _("esta fila no tiene país y no se indicó --country"))
            if ctx.country and iso3 != ctx.country:
                ctx.report.filtered += 1
                continue
            if not row.text("course") and not any(
                row.text(k) for k in ("us_unit", "student_unit", "location", "start", "end")
            ):
                ctx.report.filtered += 1  # a program total row (only program, quantity and cost)
                continue
            pk, values, locator, note, key, trainees = _record(ctx, row, iso3, usa)
        except RowError as err:
            ctx.row_error(err)
            continue
        if ctx.failed:
            continue
        get = row.values.get
        report_group = (get("report_fy"), get("group"), iso3)
        if report_group != group:  # occurrence counters are kept per report year (bounded memory)
            group, seen = report_group, {}
        occurrence = seen.get(key, 0) + 1
        seen[key] = occurrence
        if occurrence > 1:
            pk = f"{pk}-{occurrence}"
        held_in = values[_HOST]
        places["unknown" if held_in is None else "home" if held_in == trainees else "abroad"] += 1
        participants = links.get(trainees)
        if participants is None:  # one shared mapping per trainees' country (the writer only reads it)
            participants = links[trainees] = {"countries": [trainees]}
        add(pk, values, locator=locator, note=note, m2m=participants)
    writer.flush()
    if any(places.values()):
        ctx.report.notes.append(
            _(
                "lugar de los cursos: %(home)d en el país de los alumnos, %(abroad)d en otro país, "
                "%(unknown)d sin país conocido"
            )
            % places
        )


@lru_cache(maxsize=4096)
def _program_texts(label: str) -> tuple[str, str]:
    """The descriptions of an activity whose row has no reading notes (one pair per distinct program label)."""
    return f"Programa según el informe: «{label}».", f"Program as reported: “{label}”."


@lru_cache(maxsize=4096)
def _locator_head(report_fy: str, fy: str) -> str:
    """``'report FY2019-2020, '``: the start of a row's locator."""
    report_years = _report_years(report_fy)
    report_label = "-".join(report_years) if report_years else (report_fy or fy)
    return f"report FY{report_label}, " if report_label else ""


def _record(ctx: Context, row: Row, iso3: str, provider: str) -> tuple[str, tuple[Any, ...], str, str, str, str]:
    """(id, values in the order of ``FIELDS``, locator, reading notes, key of the row in its report year, the
    trainees' country id)."""
    notes: list[str] = []
    get = row.values.get  # CSV values: strings, already stripped
    program_label = get("program") or ""
    course = get("course") or ""
    if not program_label:
        raise row.error("program", _("programa vacío"))
    if not course:
        raise row.error("course", _("título del curso vacío"))
    program, fy = normalise_program(program_label)
    report_fy = get("report_fy") or get("group") or ""
    if not fy:
        report_years = _report_years(report_fy)
        if report_years:
            fy = report_years[0]
    start, spilled_end = _date(row, "start", "start_fixed", notes)
    end, _rest = _date(row, "end", "end_fixed", notes)
    if end is None and spilled_end is not None:
        end = spilled_end
    if start and end and end < start:  # the rule start <= end (cleaning.CROSS_RULES): the end is not stored
        notes.append(f"end date {end} is before start date {start} in the report; end date left empty")
        end = None
    try:
        quantity, q_residue = P.count(get("quantity"), allow_residue=True)
        quantity = _QUANTITY(quantity)
    except ValueError as exc:
        raise row.error("quantity", str(exc)) from None
    if q_residue:
        if not re.fullmatch(r"[A-Za-z][A-Za-z .,&'-]*", q_residue):
            raise row.error("quantity", _("%(value)s no es un número") % {"value": repr(row.text("quantity"))})
        notes.append(f"quantity '{row.text('quantity')}' has trailing text (scrape artefact)")
    try:
        cost, c_residue = P.money(get("cost"), allow_residue=True)
        cost = _COST(cost)
    except ValueError as exc:
        raise row.error("cost", str(exc)) from None
    if c_residue:
        if not _DATE_RESIDUE.match(c_residue):
            raise row.error("cost", _("%(value)s no es un importe") % {"value": repr(row.text("cost"))})
        notes.append(f"total_cost '{row.text('cost')}' has dates spilled into it (scrape artefact)")
    if cost is not None and cost < 0:
        raise row.error("cost", _("costo negativo %(value)s") % {"value": repr(row.text("cost"))})
    country_id = ctx.country_id(iso3)
    us_unit, student_unit, location = get("us_unit") or "", get("student_unit") or "", get("location") or ""
    held = locate(location)
    if held.note:
        notes.append(f"location '{location}' {held.note}: country left unknown")
    held_in = ctx.country_id(held.iso3) if held.iso3 else None
    page = get("page") or ""
    if not page:
        pmatch = re.search(r"page[=_ ]?(\d+)", get("source_url") or "", re.I)
        page = pmatch.group(1) if pmatch else ""
    head = _locator_head(report_fy, fy)
    locator = f"{head}p. {page}, row {row.line}" if page else f"{head}row {row.line}"
    if fy:
        name_es = f"Curso «{course}» ({program}, AF {fy})"[:500]
        name_en = f"Course “{course}” ({program}, FY {fy})"[:500]
    else:
        name_es = f"Curso «{course}» ({program})"[:500]
        name_en = f"Course “{course}” ({program})"[:500]
    description_es, description_en = _program_texts(program_label)
    if notes:
        joined = "; ".join(notes)
        description_es = f"{description_es} Notas de lectura: {joined}."
        description_en = f"{description_en} Reading notes: {joined}."
    values = (  # in the order of FIELDS
        "training",
        name_es,
        name_en,
        description_es,
        description_en,
        held_in,
        provider,
        start,
        "day" if start else "unknown",
        end,
        "day" if end else "unknown",
        location[:500],
        held.precision,
        quantity,
        program,
        us_unit[:300],
        student_unit[:300],
        cost,
        "USD" if cost is not None else "",
        fy,
        Reliability.PARTLY,
    )
    uuid = get("uuid") or ""
    if uuid:
        key = uuid
        pk = f"fmtrpt-{iso3.lower()}-{P.slug(uuid)}"[:120]
    else:
        key = P.text_hash(
            "\x1f".join(
                (
                    iso3,
                    report_fy,
                    program_label,
                    course,
                    us_unit,
                    student_unit,
                    location,
                    get("start") or "",
                    get("end") or "",
                )
            )
        )
        pk = f"fmtrpt-{iso3.lower()}-{fy or 'x'}-{key}"
    return pk, values, locator, "; ".join(notes), key, country_id
