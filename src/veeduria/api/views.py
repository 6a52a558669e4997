"""API endpoints: thin calls into the shared query functions; records and sources in :mod:`.records`, their
answers typed by :mod:`.schemas` from the models."""

from __future__ import annotations

import math
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import override
from ninja import Query, Schema
from pydantic import Field

from veeduria.api.docs import VendoredSwagger
from veeduria.api.documents import router as documents_router
from veeduria.api.errors import ApiError, ErrorOut, JsonErrorsAPI, install
from veeduria.api.findings import router as findings_router
from veeduria.api.index import endpoint_index
from veeduria.api.records import router as records_router
from veeduria.api.records import sources_router
from veeduria.api.writes import add_write_operations
from veeduria.evidence.models import SourceKind
from veeduria.factchecks.matching_api import router as claims_router
from veeduria.records import queries
from veeduria.records.registry import RECORD_TYPES
from veeduria.search import params as search_params
from veeduria.search.service import search as run_search
from veeduria.search.views import hit_url

api = JsonErrorsAPI(title="Veeduría API", version="1", urls_namespace="api", docs_url="/docs", docs=VendoredSwagger())
install(api)
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _page(total: int, page: int, page_size: int) -> dict[str, int]:
    return {"count": total, "page": page, "page_size": page_size, "pages": max(1, math.ceil(total / page_size))}


@api.get("/", summary="Index of the endpoints", include_in_schema=False)
def index(request: HttpRequest) -> dict[str, Any]:
    """The API's name and version, where its OpenAPI document and documentation are, and every endpoint."""
    return endpoint_index(api)


class RecordTypeOut(Schema):
    type: str = Field(description="the record type, as in /records/{type}")
    label_es: str
    label_en: str
    count: int = Field(description="published records")


@api.get("/types", response=list[RecordTypeOut], summary="Record types with their published counts")
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


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=500, description='words, "a phrase", prefix*')
    type: Literal[search_params.TYPES] | None = Field(None, description="record type, or documents")  # type: ignore[valid-type]
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


add_write_operations(records_router)  # add, change, withdraw with an editor's token, at the records' addresses
api.add_router("/records", records_router)
api.add_router("/sources", sources_router)
api.add_router("/findings", findings_router)
api.add_router("/documents", documents_router)
api.add_router("/claims", claims_router)
