"""``/records/{type}`` and ``/records/{type}/{id}`` for every record type, and ``/sources``: one operation per type,
each with its own typed answer and filters built from the registry and the model.

(No ``from __future__ import annotations`` here: the views made per type are annotated with their own schemas.)"""

import json
from typing import Any, Literal
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from ninja import Query, Router
from pydantic import Field, create_model

from veeduria.api import schemas, serialize
from veeduria.api.errors import ApiError, ErrorOut
from veeduria.api.paging import PageParams, paginate
from veeduria.api.params import UpdatedSince, since
from veeduria.evidence.models import Source, SourceKind
from veeduria.records import queries
from veeduria.records.merge import redirect_target
from veeduria.records.registry import RECORD_TYPES, RecordType

router = Router(tags=["records"])
sources_router = Router(tags=["sources"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


def _kind_type(rt: RecordType) -> Any:
    field: Any = rt.model._meta.get_field(rt.kind_field or "")
    return Literal[tuple(str(v) for v, _label in field.flatchoices)]


def filters_schema(rt: RecordType) -> type[PageParams]:
    """The query parameters of one record type's list: only the filters the type has."""
    fields: dict[str, Any] = {}
    if rt.year_field:
        fields["year"] = (int | None, Field(None, ge=1800, le=2200, description="year of the record's main date"))
    if rt.country_field:
        fields["country"] = (str | None, Field(None, max_length=120, description="a country id, e.g. usa"))
    if rt.kind_field:
        fields["kind"] = (_kind_type(rt) | None, Field(None, description=f"the record's {rt.kind_field}"))
    fields["q"] = (str | None, Field(None, max_length=200, description="search text (docs/search.md)"))
    fields["updated_since"] = (UpdatedSince, None)
    fields["withdrawn"] = (bool, Field(False, description="include withdrawn records"))
    return create_model(f"{rt.model.__name__}Filters", __base__=PageParams, **fields)


def filtered(rt: RecordType, f: Any) -> QuerySet[Any]:
    """The records of ``rt`` the list's filters select (a common country or kind checked record by record, as on
    the portal's lists: ``veeduria.portal.facets.common``)."""
    from veeduria.portal.facets import common

    chosen = {"country": getattr(f, "country", None), "kind": getattr(f, "kind", None)}
    qs = queries.list_records(
        rt,
        year=getattr(f, "year", None),
        country=chosen["country"],
        kind=chosen["kind"],
        q=f.q,
        include_withdrawn=f.withdrawn,
        by_row={name for name, value in chosen.items() if value and common(rt, name, str(value))},
    )
    updated = since(f.updated_since)
    if updated is not None:
        qs = qs.filter(updated_at__gte=updated)
    return serialize.bare(qs)


def _add_type(rt: RecordType) -> None:
    filters_cls = filters_schema(rt)
    label = schemas.describe_rel(rt.model)

    def record_list(request: HttpRequest, filters: Any) -> HttpResponse:
        qs = filtered(rt, filters).only("pk")  # records_out reads the values by id
        selected = filters.model_dump(exclude={"cursor", "page", "page_size"})
        key = json.dumps([rt.key, sorted((k, str(v)) for k, v in selected.items())])
        page = paginate(qs, cursor=filters.cursor, page=filters.page, page_size=filters.page_size, count_key=key)
        return serialize.json_response({**page.meta, "type": rt.key, "results": serialize.records_out(rt, page.rows)})

    def record_detail(request: HttpRequest, record_id: str) -> Any:
        obj = serialize.bare(rt.model._default_manager.filter(pk=record_id)).first()
        if obj is None:
            survivor = redirect_target(rt.model, record_id)  # a merged id answers with its survivor's address
            if survivor is not None:
                return HttpResponsePermanentRedirect(f"{request.path.rsplit('/', 1)[0]}/{quote(survivor)}")
            raise ApiError(404, "not_found", f"no {rt.key} record with id {record_id!r}")
        return serialize.json_response(serialize.record_detail_out(rt, obj))

    record_list.__annotations__["filters"] = Query[filters_cls]  # type: ignore[valid-type,misc]
    router.get(
        f"/{rt.key}",
        response={200: schemas.record_page_schema(rt), **ERRORS},
        summary=f"List of {label}",
        operation_id=f"list_{rt.key}",
        url_name=f"list-{rt.key}",
    )(record_list)
    router.get(
        f"/{rt.key}/{{record_id}}",
        response={200: schemas.record_detail_schema(rt), 301: None, **ERRORS},
        summary=f"One of the {label}, with its history and related records",
        operation_id=f"get_{rt.key}",
        url_name=f"get-{rt.key}",
    )(record_detail)


for _rt in RECORD_TYPES:
    _add_type(_rt)


def unknown_type(type_key: str) -> ApiError:
    """404 for a record type that does not exist, naming those that do (reads and writes alike)."""
    known = ", ".join(rt.key for rt in RECORD_TYPES)
    return ApiError(404, "unknown_type", f"unknown record type {type_key!r}; known: {known}")


@router.get("/{type_key}", include_in_schema=False)
def unknown_list(request: HttpRequest, type_key: str) -> None:
    raise unknown_type(type_key)


@router.get("/{type_key}/{record_id}", include_in_schema=False)
def unknown_detail(request: HttpRequest, type_key: str, record_id: str) -> None:
    raise unknown_type(type_key)


class SourceFilters(PageParams):
    kind: SourceKind | None = Field(None, description="the kind of source")
    q: str | None = Field(None, max_length=200, description="words of the title or publisher, or part of the id")
    updated_since: UpdatedSince = None


@sources_router.get("", response={200: schemas.SourcePage, **ERRORS}, summary="Sources", operation_id="list_sources")
def source_list(request: HttpRequest, filters: Query[SourceFilters]) -> dict[str, Any]:
    qs = queries.list_sources(kind=filters.kind.value if filters.kind else None, q=filters.q)
    updated = since(filters.updated_since)
    if updated is not None:
        qs = qs.filter(updated_at__gte=updated)
    page = paginate(qs, cursor=filters.cursor, page=filters.page, page_size=filters.page_size)
    return {**page.meta, "results": [serialize.source_out(s) for s in page.rows]}


@sources_router.get(
    "/{source_id}",
    response={200: schemas.SourceDetail, **ERRORS},
    summary="A source and what cites it",
    operation_id="get_source",
)
def source_detail(request: HttpRequest, source_id: str) -> dict[str, Any]:
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise ApiError(404, "not_found", f"no source with id {source_id!r}")
    cited_by = {
        g.key: [str(pk) for pk in g.records.order_by("pk").values_list("pk", flat=True)]
        for g in queries.records_citing(source)
    }
    return {**serialize.source_out(source), "cited_by": cited_by}


__all__ = ["router", "sources_router"]
