"""The public API's own serialisation of records and sources, field by field from :func:`schemas.public_fields`
(not the revision snapshot: its values, names and private fields are the history's concern)."""

from __future__ import annotations

import decimal
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Prefetch, QuerySet, Value

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


def with_public_prefetches(qs: QuerySet[Any], rt: RecordType) -> QuerySet[Any]:
    """``qs`` (records of ``rt``) with everything :func:`record_out` reads prefetched, and nothing else joined."""
    model = rt.model
    children = [r.get_accessor_name() for r in model._meta.related_objects if r.name in CHILD_RELATIONS]
    return (
        qs.select_related(None)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk")),
            Prefetch("alternatives", queryset=AlternativeValue.objects.order_by("pk")),
            *(f.name for f in model._meta.many_to_many),
            *(c for c in children if c),
        )
    )


def record_out(rt: RecordType, obj: Record) -> dict[str, Any]:
    """A record as lists give it: ``type``, its fields, child rows, citations and alternative values."""
    data: dict[str, Any] = {"type": rt.key, **fields_dict(obj, _fields(rt.model))}
    for name, fields in _child_fields(rt.model):
        data[name] = [fields_dict(row, fields) for row in getattr(obj, name).all()]
    data["citations"] = [citation_out(c) for c in obj.citations.all()]
    alternative_fields = _fields(AlternativeValue, frozenset(_LINK))
    data["alternatives"] = [fields_dict(a, alternative_fields) for a in obj.alternatives.all()]
    return data


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
