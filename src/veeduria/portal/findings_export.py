"""Downloads of the compliance findings (``/es/hallazgos.csv``, ``/en/findings.json``…): the filters of the
findings page (severity, rule, year, country), checked strictly (a bad value is a 400 naming the parameter),
and the rows of ``veeduria.oversight.output`` streamed in chunks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.oversight import output
from veeduria.oversight.models import Finding
from veeduria.oversight.queries import SEVERITIES, country_names, list_findings
from veeduria.oversight.rules import RULES
from veeduria.records.models import Country

#: findings read from the database at a time while streaming
CHUNK = 2000
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _is_en() -> bool:
    return (get_language() or "es")[:2] == "en"


def _file_route(ext: str) -> str:
    return f"{'findings' if _is_en() else 'hallazgos'}.{ext}"


#: the path of a download in the active language (``hallazgos.csv`` / ``findings.csv``)
file_route = lazy(_file_route, str)


class BadParameter(ValueError):
    """A filter value the download refuses; the message names the parameter and says what it expects."""


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BadParameter(
            _("Parámetro «%(name)s» no válido: «%(value)s». Valores posibles: %(allowed)s.")
            % {"name": name, "value": value, "allowed": ", ".join(allowed)}
        )
    return value


def parse_filters(query: Any) -> dict[str, Any]:
    """The filters of a query string for ``list_findings``; empty values mean "no filter", others are checked."""
    filters: dict[str, Any] = {}
    get = {k: str(query.get(k, "")).strip() for k in ("severity", "rule", "year", "country")}
    if get["severity"]:
        filters["severity"] = _choice("severity", get["severity"], tuple(SEVERITIES))
    if get["rule"]:
        filters["rule"] = _choice("rule", get["rule"], RULES)
    if get["year"]:
        if not re.fullmatch(r"[0-9]{4}", get["year"]):
            raise BadParameter(
                _("Parámetro «year» no válido: «%(value)s». Se espera un año de cuatro cifras.")
                % {"value": get["year"][:20]}
            )
        filters["year"] = int(get["year"])
    if get["country"]:
        code = get["country"].upper()
        if not re.fullmatch(r"[A-Z]{3}", code) or not Country.objects.filter(iso3=code).exists():
            raise BadParameter(
                _(
                    "Parámetro «country» no válido: «%(value)s». Se espera el código ISO 3166-1 alfa-3 de un país "
                    "de la base de datos."
                )
                % {"value": get["country"][:20]}
            )
        filters["country"] = code
    return filters


def _filename(fmt: str, filters: dict[str, Any]) -> str:
    parts = ["findings" if _is_en() else "hallazgos"]
    parts += [str(filters[k]).lower() for k in ("severity", "rule", "year", "country") if k in filters]
    return "-".join(parts).replace("_", "-") + f".{fmt}"


def _rows(qs: QuerySet[Finding]) -> Iterator[dict[str, Any]]:
    names = country_names()
    batch: list[Finding] = []
    for f in qs.iterator(chunk_size=CHUNK):
        batch.append(f)
        if len(batch) >= CHUNK:
            yield from output.rows(batch, names)
            batch = []
    yield from output.rows(batch, names)


def export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The findings as CSV (spreadsheet-safe) or JSON, filtered like the findings page, streamed."""
    try:
        filters = parse_filters(request.GET)
    except BadParameter as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    qs = list_findings(**filters).select_related(None).select_related("authorization")
    if fmt == "json":
        body: Iterator[str] = output.json_chunks(_rows(qs), qs.count())
    else:
        body = output.csv_chunks(_rows(qs))
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_filename(fmt, filters)}"'
    return response
