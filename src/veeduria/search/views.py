"""The search page (``/es/buscar/``, ``/en/search/``): a plain GET form, results with snippets, facets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import SourceKind
from veeduria.records.models import Country
from veeduria.records.registry import BY_KEY
from veeduria.search import params
from veeduria.search.passages import DOCUMENTS
from veeduria.search.results import Hit
from veeduria.search.service import search

PER_PAGE = 20


def type_label(key: str) -> str:
    return str(BY_KEY[key].label) if key in BY_KEY else _("Documentos")


def hit_url(hit: Hit) -> str | None:
    """The page of a hit's record, or of its document at the page's anchor."""
    try:
        if hit.type == DOCUMENTS:
            return reverse("portal:document", kwargs={"pk": hit.record_id}) + f"#p{hit.page}"
        return reverse(f"portal:{hit.type}-detail", kwargs={"pk": hit.record_id})
    except NoReverseMatch:
        return None


def _facet_links(request: HttpRequest, name: str, counts: list[tuple[str, int]], labels: dict[str, str]) -> list[Any]:
    links = []
    for value, n in counts[:30]:
        query = request.GET.copy()
        query[name] = value
        query.pop("page", None)
        links.append({"label": labels.get(value, value), "count": n, "href": "?" + query.urlencode()})
    return links


def search_page(request: HttpRequest) -> HttpResponse:
    get = request.GET
    q = get.get("q", "")[:500]
    checked = params.check(get.get("type", ""), get.get("year", ""), get.get("country", ""), get.get("kind", ""))
    try:
        page_number = max(1, int(get.get("page", "1")))
    except ValueError:
        page_number = 1
    lang = (get_language() or "es")[:2]
    result = search(q, checked.filters, page=page_number, limit=PER_PAGE, lang=lang)
    countries = {str(c.pk): c.title for c in Country.objects.only("id", "name_es", "name_en")}
    kinds = {str(k): str(v) for k, v in SourceKind.choices}
    types = {key: type_label(key) for key in params.TYPES}
    hits = [
        {"hit": h, "title": h.title(lang), "url": hit_url(h), "type_label": types.get(h.type, h.type)}
        for h in result.hits
    ]
    base = {k: v for k, v in get.items() if k != "page" and v}
    context = {
        "q": q,
        "parsed": str(result.query),
        "result": result,
        "hits": hits,
        "errors": checked.errors,
        "filters": checked.filters,
        "types": list(types.items()),
        "kinds": list(kinds.items()),
        "countries": sorted(countries.items(), key=lambda kv: kv[1]),
        "facets": [
            (_("Tipo"), "type", _facet_links(request, "type", result.facets.get("type", []), types)),
            (_("Año"), "year", _facet_links(request, "year", result.facets.get("year", []), {})),
            (_("País"), "country", _facet_links(request, "country", result.facets.get("country", []), countries)),
            (_("Tipo de fuente"), "kind", _facet_links(request, "kind", result.facets.get("source_kind", []), kinds)),
        ],
        "previous": urlencode({**base, "page": page_number - 1}) if page_number > 1 else "",
        "next": urlencode({**base, "page": page_number + 1}) if page_number < result.pages else "",
    }
    return render(request, "search/search.html", context)
