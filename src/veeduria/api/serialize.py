"""The public API's own serialisation of records and sources, field by field from :func:`schemas.public_fields`
(not the revision snapshot: its values, names and private fields are the history's concern)."""

from __future__ import annotations

import decimal
import json
from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet, Value
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from veeduria.api.schemas import public_fields
from veeduria.evidence.models import AlternativeValue, Citation, Record, Source
from veeduria.evidence.revisions import CHILD_RELATIONS, plain
from veeduria.records import merge
from veeduria.records.export import PRIVATE_FIELDS
from veeduria.records.queries import reverse_relations
from veeduria.records.registry import BY_MODEL, RecordType

#: the most ids of one kind of related record a detail answer lists
RELATED_IDS = 100
_LINK = {"id", "content_type", "object_id"}


def value_of(obj: models.Model, field: Any) -> Any:
    """One field's public value: an id for a reference, sorted ids for many-to-many, decimals as text."""
    if field.many_to_many:
        return sorted(o.pk for o in getattr(obj, field.name).all())
    value = getattr(obj, field.attname)
    if isinstance(value, decimal.Decimal):
        return plain(value)
    return value


def fields_dict(obj: models.Model, fields: list[Any]) -> dict[str, Any]:
    return {f.name: value_of(obj, f) for f in fields}


def source_brief(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "title": source.title,
        "url": source.url,
        "kind": source.kind,
        "reliability": source.reliability,
    }


@cache
def _fields(model: type[models.Model], leave_out: frozenset[str] = frozenset()) -> list[Any]:
    return public_fields(model, leave_out=leave_out)


@cache
def _child_fields(model: type[models.Model]) -> list[tuple[str, list[Any]]]:
    out = []
    for rel in model._meta.related_objects:
        if rel.name in CHILD_RELATIONS and rel.related_model is not None:
            out.append((rel.name, _fields(rel.related_model, frozenset({"id", rel.field.name}))))  # type: ignore[arg-type]
    return out


def public_fields_of(model: type[models.Model], *, leave_out: frozenset[str] = frozenset()) -> list[Any]:
    """The public fields of ``model`` (as its schema declares them), read once."""
    return _fields(model, leave_out)


def citation_out(citation: Citation) -> dict[str, Any]:
    """A citation with a brief of its source (selected with it)."""
    return {
        **fields_dict(citation, _fields(Citation, frozenset({*_LINK, "source"}))),
        "source": source_brief(citation.source),
    }


def bare(qs: QuerySet[Any]) -> QuerySet[Any]:
    """``qs`` without the joins and prefetches a portal list adds: :func:`records_out` reads what it needs itself."""
    return qs.select_related(None).prefetch_related(None)


def _plain(value: Any) -> Any:
    return plain(value) if isinstance(value, decimal.Decimal) else value


def _rows(qs: QuerySet[Any], fields: list[Any], key: str) -> dict[Any, list[dict[str, Any]]]:
    """The rows of ``qs`` as public dicts of ``fields`` (no many-to-many ones), grouped by the value of ``key``;
    one query of the needed columns, no model instances."""
    names = [f.name for f in fields]
    out: dict[Any, list[dict[str, Any]]] = {}
    for owner, *values in qs.values_list(key, *(f.attname for f in fields)):
        out.setdefault(owner, []).append({n: _plain(v) for n, v in zip(names, values, strict=True)})
    return out


def _m2m_ids(field: Any, ids: list[Any]) -> dict[Any, list[Any]]:
    """``{record id: sorted ids}`` of one many-to-many field, read from its through table in one query."""
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    out: dict[Any, list[Any]] = {pk: [] for pk in ids}
    for owner, other in through._default_manager.filter(**{f"{source}__in": ids}).values_list(source, target):
        out[owner].append(other)
    for values in out.values():
        values.sort()
    return out


def _ordering(model: type[models.Model]) -> list[Any]:
    return list(model._meta.ordering or ()) or ["pk"]


def _links(model: type[models.Model], rt: RecordType, ids: list[Any]) -> QuerySet[Any]:
    """The citations or alternative values of the records ``ids`` of ``rt``, in id order."""
    ct = ContentType.objects.get_for_model(rt.model)
    return model._default_manager.filter(content_type=ct, object_id__in=[str(pk) for pk in ids]).order_by("pk")


def records_out(rt: RecordType, objs: list[Record]) -> list[dict[str, Any]]:
    """Records as lists give them (``type``, fields, child rows, citations, alternative values): their values and
    related rows read by id, with one query of the needed columns per relation and no model instances (``objs``
    need hold their ids only, e.g. ``.only("pk")``)."""
    if not objs:
        return []
    model = rt.model
    ids = [obj.pk for obj in objs]
    fields = _fields(model)
    scalar = [f for f in fields if not f.many_to_many]
    by_id = {
        row[0]: row[1:]
        for row in model._default_manager.filter(pk__in=ids).values_list("pk", *(f.attname for f in scalar))
    }
    many = {f.name: _m2m_ids(f, ids) for f in fields if f.many_to_many}
    children = {}
    for name, child_fields in _child_fields(model):
        rel = model._meta.get_field(name)
        child_qs = rel.related_model._default_manager.filter(**{f"{rel.field.name}__in": ids})  # type: ignore[union-attr]
        children[name] = _rows(child_qs.order_by(*_ordering(rel.related_model)), child_fields, rel.field.attname)  # type: ignore[union-attr, arg-type]
    cit_fields = _fields(Citation, frozenset({*_LINK, "source"}))
    citations: dict[str, list[dict[str, Any]]] = {}
    brief = ("source_id", "source__title", "source__url", "source__kind", "source__reliability")
    names = [f.name for f in cit_fields]
    for owner, sid, title, url, kind, reliability, *values in _links(Citation, rt, ids).values_list(
        "object_id", *brief, *(f.attname for f in cit_fields)
    ):
        row = {n: _plain(v) for n, v in zip(names, values, strict=True)}
        row["source"] = {"id": sid, "title": title, "url": url, "kind": kind, "reliability": reliability}
        citations.setdefault(owner, []).append(row)
    alternatives = _rows(_links(AlternativeValue, rt, ids), _fields(AlternativeValue, frozenset(_LINK)), "object_id")
    out = []
    for obj in objs:
        data: dict[str, Any] = {"type": rt.key}
        data.update((f.name, _plain(v)) for f, v in zip(scalar, by_id[obj.pk], strict=True))
        for f in fields:
            if f.many_to_many:
                data[f.name] = many[f.name][obj.pk]
        for name in children:
            data[name] = children[name].get(obj.pk, [])
        key = str(obj.pk)
        data["citations"] = citations.get(key, [])
        data["alternatives"] = alternatives.get(key, [])
        out.append(data)
    return out


def record_out(rt: RecordType, obj: Record) -> dict[str, Any]:
    """One record as lists give it (see :func:`records_out`)."""
    return records_out(rt, [obj])[0]


def history(obj: Record) -> list[dict[str, Any]]:
    """The record's revisions and those of the ids merged into it, newest first, without private values."""
    out = []
    for r in merge.history(obj).order_by("-created_at", "-pk"):
        changes = {} if r.action == "create" else dict(r.changes or {})
        for name in PRIVATE_FIELDS:
            changes.pop(name, None)
        out.append(
            {
                "record_id": r.object_id,
                "created_at": r.created_at,
                "author": r.author,
                "action": r.action,
                "reason": r.reason,
                "source": r.source,
                "changes": changes,
            }
        )
    return out


def related(obj: Record) -> list[dict[str, Any]]:
    """The published records of other types pointing to ``obj``, by type and field: their first ids, read in one
    query (a union of one part per relation)."""
    parts = []
    for n, rel in enumerate(reverse_relations(type(obj))):
        if rel.related_model not in BY_MODEL:
            continue
        manager = rel.related_model._default_manager
        first_ids = (
            manager.filter(**{rel.field.name: obj.pk})
            .exclude(status="withdrawn")
            .order_by("pk")
            .values("pk")[: RELATED_IDS + 1]
        )
        # the limit inside IN (...): SQLite takes no LIMIT in a part of a compound query
        qs = manager.filter(pk__in=first_ids).order_by().annotate(part=Value(n)).values_list("part", "pk")
        parts.append((n, rel, qs))
    if not parts:
        return []
    first, *rest = (qs for _n, _rel, qs in parts)
    found: dict[int, list[Any]] = {}
    for n, pk in first.union(*rest, all=True) if rest else first:
        found.setdefault(n, []).append(pk)
    out = []
    for n, rel, _qs in parts:
        ids = sorted(found.get(n, []))
        if ids:
            key = BY_MODEL[rel.related_model].key
            out.append({"type": key, "field": rel.field.name, "ids": ids[:RELATED_IDS], "more": len(ids) > RELATED_IDS})
    return out


def record_detail_out(rt: RecordType, obj: Record) -> dict[str, Any]:
    return {**record_out(rt, obj), "history": history(obj), "related": related(obj)}


def source_out(source: Source) -> dict[str, Any]:
    return fields_dict(source, _fields(Source))


def json_response(data: Any) -> HttpResponse:
    """``data`` (built here, of the operation's declared schema) as ninja's renderer writes it, without validating
    our own output again: the schema stays declared in the OpenAPI document and schemathesis checks answers to it."""
    return HttpResponse(json.dumps(data, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8")
