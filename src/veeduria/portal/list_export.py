"""Downloads of a record list (``/es/autorizaciones.csv``, ``/en/authorizations.json``…): the records the list
shows with the same query string (filters, facets, text, ``sort``), every page, in the list's order and columns,
streamed. Cells are what a reader sees (names, labels, the text in the reader's language) except dates (ISO 8601
to their precision: ``2023``, ``2023-05``, ``2023-05-03``) and numbers (plain). Unknown is empty (``null`` in
JSON). CSV cells a spreadsheet would read as a formula are neutralised with a leading apostrophe."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import Precision
from veeduria.portal import display, facets, labels, list_sort
from veeduria.publicdata.csv_safe import neutralise
from veeduria.records.registry import BY_KEY, RecordType

#: records read from the database at a time while streaming
CHUNK = 500
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _lang() -> str:
    return (get_language() or "es")[:2]


def _file_route(slug_es: str, slug_en: str, ext: str) -> str:
    return f"{slug_en if _lang() == 'en' else slug_es}.{ext}"


#: the path of a list's download in the active language (``autorizaciones.csv`` / ``authorizations.csv``)
file_route = lazy(_file_route, str)


def _iso(value: dt.date, precision: str | None) -> str:
    if precision in (Precision.YEAR, Precision.UNKNOWN):
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _number(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def cell(obj: Any, rt: RecordType, name: str, lang: str) -> Any:
    """One list cell as a download holds it: text, a number, an ISO date, or None when unknown."""
    f: Any = rt.model._meta.get_field(name)
    if f.many_to_many:
        return "; ".join(display.title_of(o) for o in getattr(obj, name).all()) or None
    if not isinstance(f, models.ForeignKey):
        raw = getattr(obj, f.attname)
        kind = display.value_field(f)
        if raw is None or raw == "":
            pass
        elif isinstance(kind, models.DateField) and not isinstance(kind, models.DateTimeField):
            prec = display.precision_field(type(obj), name)
            return _iso(raw, getattr(obj, prec) if prec else Precision.DAY)
        elif (
            isinstance(kind, models.IntegerField | models.DecimalField | models.FloatField)
            and not kind.choices
            and labels.code_label(obj, name, raw) is None
        ):
            return _number(raw)
    text = display.cell(obj, rt, name, lang).text
    return text or None


def columns(rt: RecordType) -> list[tuple[str, str]]:
    """``(key, readable header)`` of every column: the record's id, the list's columns, its reliability, whether
    it is withdrawn, and its address on the portal."""
    out = [("id", _("identificador"))]
    out += [(list_sort.param_name(rt, n), display.column_label(rt, n)) for n in rt.list_fields]
    out += [("reliability", _("fiabilidad")), ("withdrawn", _("retirado")), ("url", _("dirección"))]
    return [(key, capfirst(label)) for key, label in out]


def rows(request: HttpRequest, rt: RecordType, records: Iterable[Any]) -> Iterator[dict[str, Any]]:
    lang = _lang()
    keys = [list_sort.param_name(rt, n) for n in rt.list_fields]
    for obj in records:
        row: dict[str, Any] = {"id": obj.pk}
        row.update(zip(keys, (cell(obj, rt, n, lang) for n in rt.list_fields), strict=True))
        row["reliability"] = labels.reliability_label(obj.reliability)
        row["withdrawn"] = display.is_withdrawn(obj)
        href = display.record_url(obj)
        row["url"] = request.build_absolute_uri(href) if href else None
        yield row


def csv_chunks(header: list[tuple[str, str]], data: Iterable[dict[str, Any]], every: int = CHUNK) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(label) for _key, label in header])
    yes, no = display.yes_no(True), display.yes_no(False)
    for n, row in enumerate(data, 1):
        values = []
        for key, _label in header:
            value = row.get(key)
            if isinstance(value, bool):
                value = yes if value else no
            values.append(neutralise(value))
        writer.writerow(values)
        if n % every == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def json_chunks(head: dict[str, Any], data: Iterable[dict[str, Any]], every: int = CHUNK) -> Iterator[str]:
    """``head``'s keys, then ``records``: one object per row."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    parts = [f'{opening}, "records": [']
    first = True
    for row in data:
        parts.append(("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
        if len(parts) >= every:
            yield "".join(parts)
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts)


def _bad(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def export(request: HttpRequest, key: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The list of ``key`` records as CSV or JSON, filtered and sorted like the list page; a bad ``sort`` or
    ``where`` is a 400 naming the parameter and its possible values."""
    rt = BY_KEY[key]
    filters = facets.parse(request.GET, rt)
    if error := facets.where_error(filters):
        return _bad(error)
    try:
        sort = list_sort.parse(request.GET.get("sort", ""), rt)
    except list_sort.BadSort as exc:
        return _bad(str(exc))
    qs = list_sort.apply(facets.Selection(rt, filters).records(), rt, sort, _lang())
    header = columns(rt)
    data = rows(request, rt, qs.iterator(chunk_size=CHUNK))
    if fmt == "json":
        head = {
            "type": rt.key,
            "label": str(rt.label),
            "list": request.build_absolute_uri(display.list_url(rt)),
            "query": {k: v for k, v in request.GET.items() if v and k != "page"},
            "count": qs.count(),
            "columns": [{"key": k, "label": label} for k, label in header],
        }
        body: Iterator[str] = json_chunks(head, data)
    else:
        body = csv_chunks(header, data)
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    slug = rt.slug_en if _lang() == "en" else rt.slug_es
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response


def export_url(rt: RecordType, fmt: str, query: str = "") -> str:
    """The address of a list's download in format ``fmt`` with query string ``query`` (without "?")."""
    from django.urls import reverse

    url = reverse(f"portal:{rt.key}-export", kwargs={"fmt": fmt})
    return f"{url}?{query}" if query else url
