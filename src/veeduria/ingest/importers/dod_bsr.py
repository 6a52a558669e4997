"""DoD Base Structure Report workbooks (one file per edition; layouts differ between editions).

For the host country (``--country``; matched against the ``Country/State`` column, so "Peru, Indiana",
a *city* in the Indiana rows, is not Peru) every listed site of the ``Federal DoD Main Report`` sheet and the
aggregated line of the ``Federal ... Other Sites`` sheet become one ``FacilityListing`` per site and edition.
Sheets and header rows are found by content; formula cells without a cached value (``=+C199+D199``,
``=SUM(B5:B87)``) are computed; renamed sites are mapped to one facility through :data:`SITE_ALIASES`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from veeduria.evidence.cleaning import field_checker
from veeduria.ingest import limits
from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import (
    Row,
    Table,
    column_letter,
    fold,
    open_workbook,
    read_sheet,
    sheet_rows,
    spec,
)
from veeduria.ingest.importers._store import Context, Writer
from veeduria.ingest.importers.countries import names as country_names
from veeduria.ingest.importers.errors import ImportFailed, RowError
from veeduria.records.models import Facility, FacilityListing

_COMMON = {
    "Country/State": "where",
    "Component": "component",
    "Name Nearest City": "city",
    "Building Owned SqFt": "sqft_owned",
    "Buildings Owned SqFt": "sqft_owned",
    "Owned Bldgs SqFt": "sqft_owned",
    "Bldgs Leased SqFt": "sqft_leased",
    "Leased Bldgs SqFt": "sqft_leased",
    "Bldgs Other SqFt": "sqft_other",
    "Acres Owned": "acres_owned",
    "Total Acres": "acres",
    "Building Owned": "buildings_owned",
    "Buildings Owned": "buildings_owned",
    "Count Building Owned": "buildings_owned",
    "Count Bldgs Owned": "buildings_owned",
    "Bldgs Leased": "buildings_leased",
    "Count Bldgs Leased": "buildings_leased",
    "Bldgs Other": "buildings_other",
    "Count Bldgs Other": "buildings_other",
    "Plant Replacement Value ($M)": "prv",
    "Plant Replacement Value State ($M)": "prv",
}
MAIN = spec({**_COMMON, "Site": "site"}, {"where", "site", "buildings_owned", "prv"})
OTHER = spec({**_COMMON, "Number Of Sites": "site_count"}, {"where", "site_count", "buildings_owned", "prv"})

#: (pattern on the folded site name, facility ids to look for in order, name of the facility created when none
#: exists) – the same site under the names of several editions ("Naval Medical Research Center Det" in FY2019,
#: "NAVMEDRSCHU SIX LIMA PE" in FY2024). The first existing id wins; otherwise the first id is created.
SITE_ALIASES: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = (
    (
        re.compile(r"NAVAL MEDICAL RESEARCH|NAVMEDRSCHU|\bNAMRU\b"),
        ("namru-south", "namru-south-callao"),
        "NAMRU SOUTH (Naval Medical Research Unit SOUTH)",
    ),
)
INTEGER_FIELDS = (
    "buildings_owned",
    "sqft_owned",
    "buildings_leased",
    "sqft_leased",
    "buildings_other",
    "sqft_other",
    "site_count",
)
FIELDS = (
    "facility_id",
    "country_id",
    "edition",
    "site_name",
    "component",
    "nearest_city",
    "aggregated",
    "site_count",
    "buildings_owned",
    "sqft_owned",
    "buildings_leased",
    "sqft_leased",
    "buildings_other",
    "sqft_other",
    "acres",
    "replacement_value_musd",
    "notes_es",
    "notes_en",
    "reliability",
)
FACILITY_FIELDS = (
    "name_es",
    "name_en",
    "kind",
    "country_id",
    "locality",
    "description_es",
    "description_en",
    "reliability",
)
_FORMULA_REF = re.compile(r"^=\+?([A-Z]{1,3}\d+(?:\s*\+\s*[A-Z]{1,3}\d+)*)$")
_FORMULA_SUM = re.compile(r"^=SUM\(([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)\)$", re.I)
#: a sum of whole columns (``=SUM(A:A)``): refused, never expanded to 1,048,576 rows
_FORMULA_COLUMN = re.compile(r"^=SUM\([A-Z]{1,3}:[A-Z]{1,3}\)$", re.I)


def edition_of(ctx: Context, titles: list[str]) -> str:
    for text in titles:
        match = re.search(r"\bFY\s?(\d{2})\s+BASELINE", text.upper())
        if match:
            return f"FY20{match.group(1)}"
    match = re.search(r"FY\s?(\d{4})", ctx.path.stem, re.I)
    if match:
        return f"FY{match.group(1)}"
    for text in titles:  # the first year after "AS OF" (two searches: no backtracking over a long title)
        upper = text.upper()
        start = re.search(r"AS OF ", upper)
        match = re.compile(r"\d{4}").search(upper, start.end()) if start else None
        if match:
            return f"FY{match.group(0)}"
    raise ImportFailed(
        _(
            "%(file)s, línea 1, columna A: no se puede saber la edición (ningún título «FYxx Baseline», "
            "ningún FYaaaa en el nombre del archivo)"
        )
        % {"file": ctx.path}
    )


class _Formulas:
    """Values of formula cells that have no cached value, computed from the cells they add up.

    Bounded whatever the file: a sheet is read once into a map of its filled cells (at most
    :data:`limits.FORMULA_SHEET_MAX_CELLS`), one formula adds up at most :data:`limits.FORMULA_MAX_CELLS` cells
    (never a whole column), all formulas of the file read at most :data:`limits.FORMULA_MAX_READS` cells, and
    each cell is computed once; a cell beyond the sheet's rows is empty."""

    def __init__(self, ctx: Context, book: Any) -> None:
        self.ctx = ctx
        self.values = book
        self.formulas: Any = None
        self._grids: dict[tuple[bool, str], dict[str, Any]] = {}
        self._computed: dict[tuple[str, str], Decimal | None] = {}
        self._reads = 0

    def _grid(self, sheet: str, formulas: bool) -> dict[str, Any]:
        """The filled cells of ``sheet`` by reference (``B12``): cached values, or (``formulas``) formula texts."""
        grid = self._grids.get((formulas, sheet))
        if grid is None:
            if formulas and self.formulas is None:
                self.formulas = open_workbook(self.ctx.path, data_only=False)
            book = self.formulas if formulas else self.values
            grid = {}
            letters: list[str] = []
            for line, cells in enumerate(sheet_rows(self.ctx.path, book[sheet]), start=1):
                while len(letters) < len(cells):
                    letters.append(column_letter(len(letters)))
                for i, value in enumerate(cells):
                    if value is not None:
                        grid[f"{letters[i]}{line}"] = value
                if len(grid) > limits.FORMULA_SHEET_MAX_CELLS:
                    raise self._refused(
                        sheet,
                        "A1",
                        _("la hoja tiene más de %(n)d celdas con valor; no se calculan sus fórmulas")
                        % {"n": limits.FORMULA_SHEET_MAX_CELLS},
                    )
            self._grids[(formulas, sheet)] = grid
        return grid

    def _refused(self, sheet: str, ref: str, reason: str) -> ImportFailed:
        return ImportFailed(
            _("%(file)s, hoja %(sheet)s, celda %(cell)s: %(reason)s")
            % {"file": self.ctx.path, "sheet": sheet, "cell": ref, "reason": reason}
        )

    def cell(self, sheet: str, ref: str, depth: int = 0) -> Decimal | None:
        value = self._grid(sheet, formulas=False).get(ref)
        if value is None:
            return self.compute(sheet, ref, depth + 1)
        num, _rest = P.number(value)
        return num

    def compute(self, sheet: str, ref: str, depth: int = 0) -> Decimal | None:
        if depth > 5:
            return None
        key = (sheet, ref)
        if key not in self._computed:
            self._computed[key] = self._compute(sheet, ref, depth)
        return self._computed[key]

    def _compute(self, sheet: str, ref: str, depth: int) -> Decimal | None:
        text = self._grid(sheet, formulas=True).get(ref)
        if not isinstance(text, str) or not text.startswith("="):
            return None
        text = text.replace(" ", "")
        match = _FORMULA_REF.match(text)
        refs: list[str] = []
        if match:
            refs = re.findall(r"[A-Z]{1,3}\d+", match.group(1))
        else:
            match = _FORMULA_SUM.match(text)
            if _FORMULA_COLUMN.match(text):
                raise self._too_many_cells(sheet, ref, text)
            if not match or match.group(1).upper() != match.group(3).upper():
                raise self._refused(
                    sheet,
                    ref,
                    _("la fórmula %(formula)s no tiene un valor guardado y no es una suma simple") % {"formula": text},
                )
            col, first, last = match.group(1).upper(), int(match.group(2)), int(match.group(4))
            if last - first + 1 > limits.FORMULA_MAX_CELLS:
                raise self._too_many_cells(sheet, ref, text)
            refs = [f"{col}{r}" for r in range(first, last + 1)]
        self._reads += len(refs)
        if self._reads > limits.FORMULA_MAX_READS:
            raise self._refused(
                sheet,
                ref,
                _("las fórmulas del archivo leen más de %(n)d celdas en total") % {"n": limits.FORMULA_MAX_READS},
            )
        total = Decimal(0)
        for r in refs:
            value = self.cell(sheet, r, depth)
            total += value or 0
        return total

    def _too_many_cells(self, sheet: str, ref: str, formula: str) -> ImportFailed:
        return self._refused(
            sheet,
            ref,
            _("la fórmula %(formula)s suma más de %(n)d celdas") % {"formula": formula, "n": limits.FORMULA_MAX_CELLS},
        )


def run(ctx: Context) -> None:
    if not ctx.country:
        raise ImportFailed(
            _("%(file)s: el Base Structure Report lista todos los países; indique cuál con --country ISO3")
            % {"file": ctx.path}
        )
    book = open_workbook(ctx.path)
    found: list[tuple[str, Table, bool]] = []
    titles: list[str] = []
    for sheet in book.worksheets:
        first = next(sheet_rows(ctx.path, sheet), ())
        titles.extend(str(c) for c in first if c)
        for sp, aggregated in ((MAIN, False), (OTHER, True)):
            table = read_sheet(ctx.path, sheet, sp)
            if table is not None:
                found.append((sheet.title, table, aggregated))
                break
    if not any(not agg for _t, _tab, agg in found):
        raise ImportFailed(
            _(
                "%(file)s, línea 1, columna A: ninguna hoja tiene las columnas del informe principal "
                "(Country/State, Site, Building Owned, Plant Replacement Value)"
            )
            % {"file": ctx.path}
        )
    edition = edition_of(ctx, titles)
    unknown: list[str] = []
    for _title, table, _agg in found:
        unknown.extend(u for u in table.unknown if u not in unknown)
    ctx.report.unknown_columns = unknown
    ctx.ensure_source("dod-bsr")
    iso3 = ctx.country
    country = ctx.country_id(iso3)
    wanted = {fold(n) for n in (*country_names(iso3), iso3)}
    formulas = _Formulas(ctx, book)
    listings = Writer(ctx, FacilityListing, FIELDS)
    facilities = Writer(ctx, Facility, FACILITY_FIELDS)
    progress = ctx.start_progress(sum(t.line_estimate for _s, t, _a in found))
    for title, table, aggregated in found:
        for row in table.rows:
            progress.advance()
            where = fold(row.text("where"))
            if where not in wanted:
                continue
            try:
                values = _values(row, title, table, aggregated, formulas)
            except RowError as err:
                ctx.row_error(err)
                continue
            site = row.text("site") if not aggregated else "Other Sites"
            facility_id = None
            if not aggregated:
                facility_id, facility_name, is_new = _facility(iso3, site)
                if is_new:
                    facilities.add(
                        facility_id,
                        {
                            "name_es": facility_name,
                            "name_en": facility_name,
                            "kind": "laboratory" if facility_id == "namru-south" else "other",
                            "country_id": country,
                            "locality": row.text("city").title(),
                            "description_es": "Sitio del Departamento de Defensa de EE. UU. listado en el Base "
                            "Structure Report.",
                            "description_en": "US Department of Defense site listed in the Base Structure Report.",
                            "reliability": "confirmed",
                        },
                        locator=f"{title}, row {row.line}",
                    )
            key = (
                "other-sites"
                if aggregated
                else next((c[0] for p, c, _n in SITE_ALIASES if p.search(fold(site))), facility_id or P.slug(site))
            )
            if facility_id and facility_id.startswith(f"bsr-{iso3.lower()}-"):
                key = facility_id.removeprefix(f"bsr-{iso3.lower()}-")
            listing_id = f"bsr-{edition.lower()}-{iso3.lower()}-{key}"[:120]
            values.update(
                {
                    "facility_id": facility_id,
                    "country_id": country,
                    "edition": edition,
                    "site_name": site[:300],
                    "aggregated": aggregated,
                    "reliability": "confirmed",
                    "notes_es": ("Sitios menores agregados por país («Other Sites»)." if aggregated else ""),
                    "notes_en": ('Smaller sites aggregated per country ("Other Sites").' if aggregated else ""),
                }
            )
            listings.add(listing_id, values, locator=f"{edition}, sheet {title}, row {row.line}")
    facilities.flush()
    listings.flush()
    book.close()
    if formulas.formulas is not None:
        formulas.formulas.close()


#: the limits of the stored numbers (integer range, digits), by column
_CHECKS = {
    **{name: field_checker(FacilityListing, name) for name in INTEGER_FIELDS},
    "acres": field_checker(FacilityListing, "acres"),
    "prv": field_checker(FacilityListing, "replacement_value_musd"),
}


def _facility(iso3: str, site: str) -> tuple[str, str, bool]:
    folded = fold(site)
    for pattern, candidates, name in SITE_ALIASES:
        if pattern.search(folded):
            existing = set(Facility.objects.filter(pk__in=candidates).values_list("pk", flat=True))
            for candidate in candidates:
                if candidate in existing:
                    return candidate, name, False
            return candidates[0], name, True
    facility_id = f"bsr-{iso3.lower()}-{P.slug(site)}"[:120]
    return facility_id, site, not Facility.objects.filter(pk=facility_id).exists()


def _values(row: Row, sheet: str, table: Table, aggregated: bool, formulas: _Formulas) -> dict[str, Any]:
    values: dict[str, Any] = {"component": row.text("component")[:100], "nearest_city": row.text("city")[:200]}
    for name in (*INTEGER_FIELDS, "acres", "prv"):
        if name not in table.canonical:
            values[name] = None
            continue
        raw = row.get(name)
        if raw is None or (isinstance(raw, str) and raw.startswith("=")):
            ref = f"{column_letter(table.canonical.index(name))}{row.line}"
            raw = formulas.compute(sheet, ref)
        try:
            num, _rest = P.number(raw)
        except ValueError:
            raise row.error(name, _("%(value)s no es un número") % {"value": repr(raw)}) from None
        if num is not None and num < 0:
            raise row.error(name, _("valor negativo %(value)s") % {"value": repr(raw)})
        try:
            if name in INTEGER_FIELDS:
                value: Any = int(num.to_integral_value()) if num is not None else None
            else:
                value, _rest = P.money(num, places=2 if name == "acres" else 3)
            values[name] = _CHECKS[name](value)
        except ValueError as exc:
            raise row.error(name, str(exc)) from None
    values["replacement_value_musd"] = values.pop("prv")
    if not aggregated:
        values["site_count"] = None
    return values
