"""Public pages: home, a list and a detail page per record type, sources. Thin: queries live in records.queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import Source, SourceKind
from veeduria.portal import citing, display, facets, labels, list_export, list_sort, method_bases
from veeduria.portal.detail import build
from veeduria.records import presence, queries
from veeduria.records.merge import redirect_target
from veeduria.records.models import Activity, Country
from veeduria.records.registry import BY_KEY, RecordType


def _lang() -> str:
    return (get_language() or "es")[:2]


def home(request: HttpRequest) -> HttpResponse:
    """The home page (``veeduria.portal.home_page``): the answers first, then the ways in."""
    from veeduria.portal.home_page import home as home_page

    return home_page(request)


def _host_name() -> str:
    """The title of the host country (``settings.HOST_COUNTRY``), or its code when it is not in the database."""
    country = Country.objects.filter(iso3=settings.HOST_COUNTRY).first()
    return country.title if country else settings.HOST_COUNTRY


def _where_choices(rt: RecordType) -> list[tuple[str, str]]:
    """The activities list's ``where`` filter: foreign presence in the host country, its personnel abroad,
    place unknown (see ``records.presence``)."""
    if rt.model is not Activity:
        return []
    name = _host_name()
    names = {
        "host": _("en %(country)s, con fuerzas extranjeras") % {"country": name},
        "abroad": _("fuera de %(country)s, con su personal") % {"country": name},
        "unknown": _("lugar desconocido"),
    }
    return [(value, names[value]) for value in presence.WHERE_VALUES]


def _kind_choices(rt: RecordType) -> list[tuple[str, str]]:
    if not rt.kind_field:
        return []
    f: Any = rt.model._meta.get_field(rt.kind_field)
    return [(str(k), str(v)) for k, v in f.choices]


class IdsFirst:
    """A list's records read a page at a time in two steps: the ids of the page in the list's order (a narrow
    query that sorts ids and sort keys only, read from an index where one serves the order), then the records of
    those ids with what the list shows. ``counter`` gives the number of records (kept per data version)."""

    ordered = True

    def __init__(self, rt: RecordType, qs: Any, counter: Callable[[], int]) -> None:
        self.rt = rt
        default: list[Any] = list(rt.model._meta.ordering or [])
        self.qs = qs if qs.query.order_by else qs.order_by(*default, "pk")
        self.counter = counter

    def count(self) -> int:
        return self.counter()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[Any]:
        ids = queries.rows_between(self.qs.values_list("pk", flat=True), page.start or 0, page.stop, self.count())
        found = {obj.pk: obj for obj in queries.records_by_id(self.rt, ids)}
        return [found[pk] for pk in ids if pk in found]


class CountedPaginator(Paginator):
    """A paginator whose number of objects comes from the object list's ``count`` alone (never ``len``)."""

    @cached_property
    def count(self) -> int:
        return int(self.object_list.count())  # type: ignore[attr-defined]


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def record_list(request: HttpRequest, key: str) -> HttpResponse:
    """A faceted, sortable, paginated list of one record type, every state in the query string
    (``veeduria.portal.facets``, ``list_sort``), with CSV and JSON downloads of the same records."""
    rt = BY_KEY[key]
    lang = _lang()
    filters = facets.parse(request.GET, rt)
    selection = facets.Selection(rt, filters)
    try:
        sort = list_sort.parse(request.GET.get("sort", ""), rt)
        sort_error = ""
    except list_sort.BadSort as exc:
        sort, sort_error = None, str(exc)
    qs = list_sort.apply(selection.records(), rt, sort, lang)
    records = IdsFirst(rt, qs, selection.count)
    paginator = CountedPaginator(records, settings.PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    title_base = f"{getattr(rt.model, 'title_field', 'name')}_es"
    columns = [display.column_label(rt, name) for name in rt.list_fields]
    rows = []
    for obj in page.object_list:
        cells = [display.cell(obj, rt, name, lang) for name in rt.list_fields]
        href = display.record_url(obj)
        linked = [i == 0 or name == title_base for i, name in enumerate(rt.list_fields)]
        rows.append({"obj": obj, "href": href, "cells": list(zip(cells, linked, strict=True))})
    countries = (
        [(c.pk, c.title) for c in Country.objects.exclude(status="withdrawn").only("id", "name_es", "name_en")]
        if rt.country_field
        else []
    )
    query = _query_without_page(request)
    context = {
        "rt": rt,
        "headers": list_sort.headers(rt, request.GET, sort, columns),
        "rows": rows,
        "page": page,
        "filters": filters,
        "facets": facets.facets(selection, request.GET),
        "countries": countries,
        "kinds": _kind_choices(rt),
        "wheres": _where_choices(rt),
        "where_error": facets.where_error(filters),
        "sort_error": sort_error,
        "sort": request.GET.get("sort", "") if sort else "",
        "kind_label": display.column_label(rt, rt.kind_field) if rt.kind_field else "",
        "query": query,
        "downloads": [(fmt, list_export.export_url(rt, fmt, query)) for fmt in ("csv", "json")],
    }
    return render(request, "portal/record_list.html", context)


def record_detail(request: HttpRequest, key: str, pk: str) -> HttpResponse:
    rt = BY_KEY[key]
    try:
        obj = queries.get_record(rt, pk)
    except ObjectDoesNotExist as exc:
        survivor = redirect_target(rt.model, pk)  # a merged id answers with its survivor's address
        if survivor is not None:
            return HttpResponsePermanentRedirect(reverse(f"portal:{rt.key}-detail", kwargs={"pk": survivor}))
        raise Http404(_("No existe ese registro.")) from exc
    context = {
        "rt": rt,
        "obj": obj,
        "detail": build(obj, rt),
        "withdrawn": display.is_withdrawn(obj),
        "list_href": display.list_url(rt),
        "cite": citing.cite(request, obj, rt, _lang()),
    }
    title_lang = citing.title_in(obj, _lang())[1]
    if title_lang:  # an official title known in one language only: shown as such, with a summary in ours
        context.update(title_lang=title_lang, title_summary=citing.summary_in(obj, _lang()))
    if rt.key == "facilities":  # "is it a foreign base?" (veeduria.oversight.bases)
        context["base_section"] = method_bases.facility_section(obj)
    if rt.key == "claims":  # its rating, verdict, history and ClaimReview (veeduria.factchecks)
        from veeduria.factchecks.pages import claim_section

        context["factcheck"] = claim_section(request, obj)  # type: ignore[arg-type]
    return render(request, "portal/record_detail.html", context)


def source_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "").strip()
    q = request.GET.get("q", "").strip()
    qs = queries.list_sources(kind=kind or None, q=q or None)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(s, display.format_date(s.published_on, s.published_precision)) for s in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "kinds": [(str(k), str(v)) for k, v in SourceKind.choices],
        "filters": {"kind": kind, "q": q},
        "query": _query_without_page(request),
    }
    return render(request, "portal/source_list.html", context)


def source_detail(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        source = Source.objects.get(pk=pk)
    except Source.DoesNotExist as exc:
        raise Http404(_("No existe esa fuente.")) from exc
    only = request.GET.get("type", "")
    groups = []
    for group in queries.records_citing(source):
        if only and group.key != only:
            continue
        page = Paginator(group.records, settings.PAGE_SIZE).get_page(request.GET.get("page") if only else 1)
        items = [display.link(o) for o in page.object_list]
        groups.append({"rt": group.record_type, "page": page, "items": items, "key": group.key})
    fields = [
        (_("editor"), source.publisher),
        (_("fecha"), display.format_date(source.published_on, source.published_precision)),
        (_("idioma"), labels.code_label(source, "language", source.language) or source.language),
        (_("licencia"), source.licence),
        (_("repositorio"), source.repository),
        (_("commit"), source.commit),
    ]
    context = {
        "source": source,
        "fields": [(label, value) for label, value in fields if value],
        "groups": groups,
        "only": only,
        "withdrawn": display.is_withdrawn(source),
    }
    return render(request, "portal/source_detail.html", context)
