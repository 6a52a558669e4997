"""ForeignAssistance.gov country totals: money by fiscal year and stage, current and constant USD."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from veeduria.evidence.cleaning import field_checker
from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import check_shape, fold, read_csv, spec
from veeduria.ingest.importers._store import Context, Writer
from veeduria.ingest.importers.errors import RowError
from veeduria.records.models import Funding

SPEC = spec(
    {
        "Country Code": "iso3",
        "Country Name": "country_name",
        "Region ID": "region_id",
        "Region Name": "region",
        "Income Group Acronym": "income_acronym",
        "Income Group Name": "income",
        "Transaction Type ID": "stage_id",
        "Transaction Type Name": "stage",
        "Fiscal Year": "fy",
        "current_amount": "amount",
        "constant_amount": "amount_constant",
        # the sector-level "complete" file (not bundled) uses these names
        "country_code": "iso3",
        "country_name": "country_name",
        "transaction_type_name": "stage",
        "fiscal_year": "fy",
        "assistance_category_name": "category",
    },
    {"iso3", "stage", "fy", "amount"},
)

#: Transaction type → funding stage.
STAGES = {
    "OBLIGATIONS": "obligation",
    "OBLIGATION": "obligation",
    "DISBURSEMENTS": "disbursement",
    "DISBURSEMENT": "disbursement",
    "APPROPRIATED AND PLANNED": "planned",
    "PRESIDENT'S BUDGET REQUESTS": "request",
    "PRESIDENTS BUDGET REQUESTS": "request",
    "BUDGET REQUESTS": "request",
    "APPROPRIATIONS": "appropriation",
}
STAGE_ES = {
    "obligation": "obligaciones",
    "disbursement": "desembolsos",
    "planned": "asignado y planificado",
    "request": "solicitud presupuestaria",
    "appropriation": "asignación",
}
#: ForeignAssistance.gov's assistance categories → the sector as the source classifies it
SECTORS = {"MILITARY": "military_security", "ECONOMIC": "economic_other"}
FIELDS = (
    "flow",
    "sector",
    "payer_id",
    "payee_id",
    "program",
    "fiscal_year",
    "stage",
    "amount",
    "amount_constant",
    "currency",
    "description_es",
    "description_en",
    "reliability",
)
_AMOUNT = field_checker(Funding, "amount")
_CONSTANT = field_checker(Funding, "amount_constant")


def run(ctx: Context) -> None:
    table = read_csv(ctx.path, SPEC)
    ctx.report.unknown_columns = table.unknown
    ctx.ensure_source("foreignassistance")
    progress = ctx.start_progress(table.line_estimate)
    writer = Writer(ctx, Funding, FIELDS)
    usa = ctx.country_id("USA")
    for row in table.rows:
        progress.advance()
        try:
            check_shape(row)
            iso3 = ctx.row_country(row)
            if iso3 is None:
                continue
            stage_label = row.text("stage")
            stage = STAGES.get(fold(stage_label).replace("’", "'"))
            if stage is None:
                raise row.error("stage", _("tipo de transacción desconocido %(value)s") % {"value": repr(stage_label)})
            fy = row.text("fy").lower()
            if not re.fullmatch(r"\d{4}[a-z]{0,2}", fy):
                raise row.error("fy", _("%(value)s no es un año fiscal") % {"value": repr(row.text("fy"))})
            try:
                amount, _rest = P.money(row.get("amount"))
                amount = None if amount is None else _AMOUNT(amount)
            except ValueError as exc:
                raise row.error("amount", str(exc)) from None
            if amount is None:
                raise row.error("amount", _("importe vacío"))
            try:
                constant, _rest = P.money(row.get("amount_constant"))
                constant = _CONSTANT(constant)
            except ValueError as exc:
                raise row.error("amount_constant", str(exc)) from None
        except RowError as err:
            ctx.row_error(err)
            continue
        category = row.text("category")
        program = category or "Total (todos los sectores)"
        recipient = ctx.country_id(iso3, row.text("country_name"))
        pk = f"fa-{iso3.lower()}-{fy}-{stage}" + (f"-{P.slug(category)}" if category else "")
        values = {
            # the country file gives totals of every sector together (economic and military): said so, not split;
            # the full file's assistance category says which sector, as the source classifies it
            "flow": "assistance",
            "sector": SECTORS.get(fold(category), "") if category else "all_sectors",
            "payer_id": usa,
            "payee_id": recipient,
            "program": program[:200],
            "fiscal_year": fy,
            "stage": stage,
            "amount": amount,
            "amount_constant": constant,
            "currency": "USD",
            "description_es": f"Asistencia exterior de EE. UU. ({STAGE_ES[stage]}), año fiscal {fy}, "
            "todos los sectores (económica y militar), según ForeignAssistance.gov.",
            "description_en": f"US foreign assistance ({stage_label}), fiscal year {fy}, all sectors "
            "(economic and military), per ForeignAssistance.gov.",
            "reliability": "confirmed",
        }
        writer.add(pk[:120], values, locator=f"row {row.line}")
    writer.flush()
