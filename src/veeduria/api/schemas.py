"""Response schemas built from the models' own field declarations (one source of truth): a field's type, whether it
may be null, its choices and its label come from the model, so that the OpenAPI document types every value.

:func:`public_fields` is also what :mod:`veeduria.api.serialize` writes, so a schema and its answers cannot drift.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Literal

from django.db import models
from django.utils.translation import override
from ninja import Schema
from pydantic import Field, create_model

from veeduria.evidence.models import AlternativeValue, Citation, Revision, Source
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.records.export import PRIVATE_FIELDS
from veeduria.records.registry import RecordType

#: never public, whatever the model: editors' notes, derived vectors, bookkeeping
_LEFT_OUT = {*PRIVATE_FIELDS, "created_at"}
#: fields of a link to a record (citations, alternatives) that the record's answer already says
_LINK_FIELDS = {"id", "content_type", "object_id"}


def public_fields(model: type[models.Model], *, leave_out: set[str] | frozenset[str] = frozenset()) -> list[Any]:
    """The model's fields as the public API gives them, in declaration order: concrete and generated fields,
    then many-to-many ones; never editors' notes, binary data or ``created_at``."""
    fields: list[Any] = [
        f
        for f in model._meta.concrete_fields
        if f.name not in _LEFT_OUT and f.name not in leave_out and not isinstance(f, models.BinaryField)
    ]
    fields += [f for f in model._meta.many_to_many if f.name not in leave_out]
    return fields


def _scalar(field: Any, computed: bool = False) -> Any:
    """The Python type of a non-relation field's value (``computed``: a generated column, whose expression may
    give an empty text where none of its choices applies)."""
    if isinstance(field, models.GeneratedField):
        return _scalar(field.output_field, computed=True)
    if field.choices:
        values = [str(value) for value, _label in field.flatchoices]
        if (field.blank or computed) and "" not in values:
            values.append("")
        return Literal[tuple(values)]
    kinds: list[tuple[type[models.Field[Any, Any]], Any]] = [
        (models.BooleanField, bool),
        (models.DateTimeField, dt.datetime),
        (models.DateField, dt.date),
        (models.DecimalField, str),
        (models.FloatField, float),
        (models.IntegerField, int),
        (models.AutoField, int),
        (models.BigAutoField, int),
        (models.JSONField, Any),
    ]
    for kind, python in kinds:
        if isinstance(field, kind):
            return python
    return str


def _pk_type(model: Any) -> Any:
    return int if isinstance(model._meta.pk, models.AutoField | models.BigAutoField) else str


def annotation(field: Any) -> Any:
    """The type of ``field``'s value in an answer: references as the other record's id, many-to-many as a list of
    ids, choices as their codes; ``None`` allowed where the database allows it."""
    if field.many_to_many:
        return list[_pk_type(field.related_model)]  # type: ignore[misc]
    python = _pk_type(field.related_model) if field.is_relation else _scalar(field)
    nullable = field.null or isinstance(field, models.GeneratedField)
    return python | None if nullable and python is not Any else python


def describe(field: Any) -> str:
    """The field's label in English, with what its values mean when they are not plain."""
    with override("en"):
        text = str(field.verbose_name)
    if field.is_relation:
        text += " (id)" if not field.many_to_many else " (ids)"
    elif isinstance(field, models.DecimalField):
        text += " (a decimal number written as text)"
    return text


def fields_of(model: type[models.Model], *, leave_out: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """``{name: (type, Field)}`` of the model's public fields, for :func:`pydantic.create_model`."""
    out: dict[str, Any] = {}
    for f in public_fields(model, leave_out=leave_out):
        out[f.name] = (annotation(f), Field(description=describe(f)))
    return out


class SourceBrief(Schema):
    """What a citation says of its source."""

    id: str
    title: str
    url: str
    kind: str
    reliability: str


def _link_schema(model: type[models.Model], name: str, **extra: Any) -> type[Schema]:
    fields = fields_of(model, leave_out=_LINK_FIELDS | set(extra))
    return create_model(name, __base__=Schema, **fields, **extra)


CitationOut = _link_schema(Citation, "Citation", source=(SourceBrief, Field(description="the source cited, in brief")))
AlternativeOut = _link_schema(AlternativeValue, "AlternativeValue")


class HistoryEntry(Schema):
    """One revision of the record (or of a record merged into it), newest first."""

    record_id: str = Field(description="the id the revision was written for (a merged record's own id)")
    created_at: dt.datetime
    author: str
    action: Literal[tuple(str(v) for v in Revision.Action.values)]  # type: ignore[valid-type]
    reason: str
    source: str = Field(description="the source on whose authority an import made the change, else empty")
    changes: dict[str, Any] = Field(
        description="{field: [old, new]} of an update or a merge (which also names the id merged_from); "
        "empty for a creation"
    )


class RelatedIds(Schema):
    """Records of another type that point to this one through one of their fields."""

    type: str
    field: str
    ids: list[str] = Field(description="their ids, at most the first 100 in id order")
    more: bool = Field(description="true when there are more than those")


def _children(model: type[models.Model]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for rel in model._meta.related_objects:
        if rel.name in CHILD_RELATIONS and rel.related_model is not None:
            child: Any = rel.related_model
            row = create_model(
                f"{model.__name__}{child.__name__}",
                __base__=Schema,
                **fields_of(child, leave_out={"id", rel.field.name}),
            )
            out[rel.name] = (list[row], Field(description=describe_rel(child)))  # type: ignore[valid-type]
    return out


def describe_rel(model: Any) -> str:
    with override("en"):
        return str(model._meta.verbose_name_plural)


def _class_name(rt: RecordType) -> str:
    return str(rt.model.__name__)


@cache
def record_schema(rt: RecordType) -> type[Schema]:
    """A record of type ``rt`` in lists: its fields, child rows, citations and alternative values."""
    fields: dict[str, Any] = {
        "type": (Literal[rt.key], Field(description="the record type")),
        **fields_of(rt.model),
        **_children(rt.model),
        "citations": (list[CitationOut], ...),  # type: ignore[valid-type]
        "alternatives": (list[AlternativeOut], Field(description="disagreeing sourced values, one preferred")),  # type: ignore[valid-type]
    }
    return create_model(_class_name(rt), __base__=Schema, __doc__=f"A record of type {rt.key}.", **fields)


@cache
def record_detail_schema(rt: RecordType) -> type[Schema]:
    """A record of type ``rt`` on its own: as in lists, with its history and the records pointing to it."""
    return create_model(
        f"{_class_name(rt)}Detail",
        __base__=record_schema(rt),
        history=(list[HistoryEntry], ...),
        related=(list[RelatedIds], ...),
    )


@cache
def record_page_schema(rt: RecordType) -> type[Schema]:
    """A page of a list of records of type ``rt``."""
    fields: dict[str, Any] = {
        "type": (Literal[rt.key], Field(description="the record type")),
        "results": (list[record_schema(rt)], ...),  # type: ignore[misc]
    }
    return create_model(f"{_class_name(rt)}Page", __base__=PageBase, **fields)


class PageBase(Schema):
    """What every list answers besides its results."""

    count: int = Field(description="records matching the filters")
    page_size: int
    page: int | None = Field(description="the page number asked for, null when paging by cursor")
    pages: int = Field(description="pages of page_size records")
    next_cursor: str | None = Field(description="pass as cursor for the next page; null on the last one")


SourceOut = create_model("Source", __base__=Schema, **fields_of(Source))


class SourceDetail(SourceOut):  # type: ignore[misc,valid-type]
    cited_by: dict[str, list[str]] = Field(description="ids of the records citing the source, by record type")


class SourcePage(PageBase):
    results: list[SourceOut]  # type: ignore[valid-type]
