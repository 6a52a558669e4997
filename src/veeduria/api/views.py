"""API endpoints: thin calls into the shared query functions; records in the export's JSON form."""

from __future__ import annotations

import math
from typing import Any, Literal
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.utils.translation import override
from ninja import NinjaAPI, Query, Schema
from pydantic import Field

from veeduria.api.docs import VendoredSwagger
from veeduria.api.errors import ApiError, ErrorOut, install
from veeduria.api.index import endpoint_index
from veeduria.evidence.models import Source, SourceKind
from veeduria.evidence.revisions import snapshot
from veeduria.factchecks.matching_api import router as claims_router
from veeduria.records import queries
from veeduria.records.export import export_queryset, public, record_dict
from veeduria.records.merge import redirect_target
from veeduria.records.registry import BY_KEY, RECORD_TYPES, RecordType
from veeduria.search import params as search_params
from veeduria.search.service import search as run_search
from veeduria.search.views import hit_url

api = NinjaAPI(title="Veeduría API", version="1", urls_namespace="api", docs_url="/docs", docs=VendoredSwagger())
install(api)
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_PAGE_SIZE = 200


class RecordFilters(Schema):
    year: int | None = Field(None, ge=1800, le=2200, description="year of the record's main date")
    country: str | None = Field(None, max_length=120, description="country id, e.g. usa")
    kind: str | None = Field(None, max_length=60, description="the type's kind, e.g. rl or exercise")
    q: str | None = Field(None, max_length=200, description="search text (docs/search.md)")
    withdrawn: bool = Field(False, description="include withdrawn records")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class SourceFilters(Schema):
    kind: SourceKind | None = None
    q: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def _record_type(type_key: str) -> RecordType:
    if type_key not in BY_KEY:
        raise ApiError(404, "unknown_type", f"unknown record type {type_key!r}; known: {', '.join(BY_KEY)}")
    return BY_KEY[type_key]


def _check_kind(rt: RecordType, kind: str | None) -> None:
    if kind is None:
        return
    if not rt.kind_field:
        raise ApiError(400, "invalid_parameter", f"records of type {rt.key!r} have no kind to filter on")
    field: Any = rt.model._meta.get_field(rt.kind_field)
    choices = [str(c[0]) for c in field.choices or ()]
    if kind not in choices:
        raise ApiError(400, "invalid_parameter", f"kind {kind!r} is not one of: {', '.join(choices)}")


def _page(total: int, page: int, page_size: int) -> dict[str, int]:
    return {"count": total, "page": page, "page_size": page_size, "pages": max(1, math.ceil(total / page_size))}


@api.get("/", summary="Index of the endpoints", include_in_schema=False)
def index(request: HttpRequest) -> dict[str, Any]:
    """The API's name and version, where its OpenAPI document and documentation are, and every endpoint."""
    return endpoint_index(api)


@api.get("/types", summary="Record types with their published counts")
def types(request: HttpRequest) -> list[dict[str, Any]]:
    counts = dict(queries.home_counts())
    result = []
    for rt in RECORD_TYPES:
        labels = {}
        for lang in ("es", "en"):
            with override(lang):
                labels[lang] = str(rt.label)
        result.append({"type": rt.key, "label_es": labels["es"], "label_en": labels["en"], "count": counts[rt]})
    return result


@api.get("/records/{type_key}", response={200: dict[str, Any], **ERRORS}, summary="Records of one type")
def record_list(request: HttpRequest, type_key: str, filters: Query[RecordFilters]) -> dict[str, Any]:
    rt = _record_type(type_key)
    _check_kind(rt, filters.kind)
    qs = queries.list_records(
        rt,
        year=filters.year,
        country=filters.country,
        kind=filters.kind,
        q=filters.q,
        include_withdrawn=filters.withdrawn,
    )
    paginator = Paginator(qs.values_list("pk", flat=True), filters.page_size)
    if filters.page > paginator.num_pages and paginator.count:
        raise ApiError(404, "no_such_page", f"page {filters.page} is past the last page ({paginator.num_pages})")
    ids = list(paginator.page(filters.page).object_list) if paginator.count else []
    by_id = {obj.pk: obj for obj in export_queryset(rt, include_withdrawn=True).filter(pk__in=ids)}
    results = [record_dict(rt.key, by_id[pk]) for pk in ids]
    return {"type": rt.key, **_page(paginator.count, filters.page, filters.page_size), "results": results}


@api.get("/records/{type_key}/{record_id}", response={200: dict[str, Any], **ERRORS}, summary="One record")
def record_detail(
    request: HttpRequest, type_key: str, record_id: str
) -> dict[str, Any] | HttpResponsePermanentRedirect:
    rt = _record_type(type_key)
    obj = export_queryset(rt, include_withdrawn=True).filter(pk=record_id).first()
    if obj is None:
        survivor = redirect_target(rt.model, record_id)  # a merged id answers with its survivor's address
        if survivor is not None:
            return HttpResponsePermanentRedirect(f"{request.path.rsplit('/', 1)[0]}/{quote(survivor)}")
        raise ApiError(404, "not_found", f"no {rt.key} record with id {record_id!r}")
    return record_dict(rt.key, obj)


@api.get("/sources", response={200: dict[str, Any], **ERRORS}, summary="Sources")
def source_list(request: HttpRequest, filters: Query[SourceFilters]) -> dict[str, Any]:
    qs = queries.list_sources(kind=filters.kind.value if filters.kind else None, q=filters.q)
    paginator = Paginator(qs, filters.page_size)
    if filters.page > paginator.num_pages and paginator.count:
        raise ApiError(404, "no_such_page", f"page {filters.page} is past the last page ({paginator.num_pages})")
    rows = paginator.page(filters.page).object_list if paginator.count else []
    return {**_page(paginator.count, filters.page, filters.page_size), "results": [public(snapshot(s)) for s in rows]}


@api.get("/sources/{source_id}", response={200: dict[str, Any], **ERRORS}, summary="A source and what cites it")
def source_detail(request: HttpRequest, source_id: str) -> dict[str, Any]:
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise ApiError(404, "not_found", f"no source with id {source_id!r}")
    cited_by = {
        g.key: [str(pk) for pk in g.records.values_list("pk", flat=True)] for g in queries.records_citing(source)
    }
    return {**public(snapshot(source)), "cited_by": cited_by}


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=500, description='words, "a phrase", prefix*')
    type: str | None = Field(None, max_length=60, description="record type, or documents")
    year: int | None = Field(None, ge=1800, le=2200)
    country: str | None = Field(None, max_length=120, description="country id or ISO3 code, e.g. usa or USA")
    source_kind: SourceKind | None = None
    lang: Literal["es", "en"] = Field("es", description="language of titles and links")
    page: int = Field(1, ge=1, le=500)
    page_size: int = Field(20, ge=1, le=100)


class SearchHitOut(Schema):
    type: str
    id: str
    page: int | None = Field(None, description="the page of a document, else null")
    title: str
    snippet_html: str = Field(description="escaped text with the matches in <mark>")
    score: float
    url: str | None


class FacetOut(Schema):
    value: str
    count: int


class SearchOut(Schema):
    query: str = Field(description='the query as understood (terms, "phrases", prefixes*)')
    count: int
    page: int
    page_size: int
    pages: int
    results: list[SearchHitOut]
    facets: dict[str, list[FacetOut]]


@api.get("/search", response={200: SearchOut, **ERRORS}, summary="Search every record type and document page")
def search(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    with override("en"):  # the API's messages are in English
        checked = search_params.check(
            filters.type or "",
            str(filters.year or ""),
            filters.country or "",
            filters.source_kind.value if filters.source_kind else "",
        )
    if checked.errors:
        raise ApiError(400, "invalid_parameter", " ".join(checked.errors))
    result = run_search(filters.q, checked.filters, page=filters.page, limit=filters.page_size, lang=filters.lang)
    with override(filters.lang):
        results = [
            {
                "type": h.type,
                "id": h.record_id,
                "page": h.page or None,
                "title": h.title(filters.lang),
                "snippet_html": str(h.snippet),
                "score": h.score,
                "url": hit_url(h),
            }
            for h in result.hits
        ]
    facets = {name: [{"value": v, "count": n} for v, n in counts] for name, counts in result.facets.items()}
    return {
        "query": str(result.query),
        **_page(result.total, filters.page, filters.page_size),
        "results": results,
        "facets": facets,
    }


api.add_router("/claims", claims_router)
