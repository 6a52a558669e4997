"""The dataset schema, derived from the models: which keys each YAML file accepts and of what type."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import models

from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.evidence.writes import precision_partner
from veeduria.records.registry import BY_KEY, SOURCE_MODEL

#: Keys every record accepts besides its model fields.
LINK_KEYS = ("citations", "alternatives")
CITATION_KEYS = ("source", "field", "locator", "quote", "note", "document", "page")
ALTERNATIVE_KEYS = ("field", "value", "source", "preferred", "locator", "quote", "note")
_INTERNAL = {"created_at", "updated_at"}


@dataclass(frozen=True)
class FieldSpec:
    """One key of a YAML record."""

    name: str
    kind: str  #: str, text, url, slug, int, decimal, float, bool, date, fk, m2m
    required: bool = False
    nullable: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    target: type[models.Model] | None = None
    precision_field: str | None = None  #: for dates: the model field that stores the precision
    positive: bool = False
    help: Any = ""  #: the field's (translatable) label


@dataclass(frozen=True)
class FileSpec:
    """One dataset file: a model, its keys, and its child lists (e.g. an authorization's places)."""

    key: str
    model: type[models.Model]
    fields: dict[str, FieldSpec]
    children: dict[str, dict[str, FieldSpec]] = field(default_factory=dict)
    child_models: dict[str, type[models.Model]] = field(default_factory=dict)
    needs_citation: bool = True


def _spec_for(model: type[models.Model], f: models.Field) -> FieldSpec:
    common: dict[str, Any] = {
        "name": f.name,
        "nullable": bool(f.null),
        "help": f.verbose_name,
        "choices": tuple(str(c[0]) for c in f.choices or ()),
    }
    required = not f.null and not f.blank and not f.has_default() and not f.auto_created
    if isinstance(f, models.ForeignKey):
        return FieldSpec(kind="fk", target=f.related_model, required=required, **common)  # type: ignore[arg-type]
    if isinstance(f, models.DateField):
        return FieldSpec(kind="date", required=required, precision_field=precision_partner(model, f), **common)
    if isinstance(f, models.BooleanField):
        return FieldSpec(kind="bool", required=required, **common)
    if isinstance(f, models.DecimalField):
        return FieldSpec(kind="decimal", required=required, **common)
    if isinstance(f, models.FloatField):
        return FieldSpec(kind="float", required=required, **common)
    if isinstance(f, models.IntegerField):
        positive = isinstance(f, models.PositiveIntegerField | models.PositiveSmallIntegerField)
        return FieldSpec(kind="int", required=required, positive=positive, **common)
    if isinstance(f, models.JSONField):
        return FieldSpec(kind="json", required=required, **common)
    kind = "slug" if isinstance(f, models.SlugField) else "url" if isinstance(f, models.URLField) else "str"
    if isinstance(f, models.TextField):
        kind = "text"
    return FieldSpec(kind=kind, required=required, max_length=f.max_length, **common)


def _fields_of(model: type[models.Model], skip: set[str]) -> dict[str, FieldSpec]:
    precision = {
        p for f in model._meta.concrete_fields if isinstance(f, models.DateField) and (p := precision_partner(model, f))
    }
    specs: dict[str, FieldSpec] = {}
    for f in model._meta.concrete_fields:
        generated = getattr(f, "generated", False) or isinstance(f, models.BinaryField)  # derived, not written
        if f.name in _INTERNAL or f.name in precision or f.name in skip or generated:
            continue
        specs[f.name] = _spec_for(model, f)
    for m2m in model._meta.many_to_many:
        specs[m2m.name] = FieldSpec(
            name=m2m.name,
            kind="m2m",
            target=m2m.related_model,  # type: ignore[arg-type]
            help=m2m.verbose_name,
        )
    return specs


@cache
def file_specs() -> dict[str, FileSpec]:
    """Every dataset file's spec, keyed by file stem, in load order."""
    specs = {"sources": FileSpec("sources", SOURCE_MODEL, _fields_of(SOURCE_MODEL, set()), needs_citation=False)}
    for key, rt in BY_KEY.items():
        children: dict[str, dict[str, FieldSpec]] = {}
        child_models: dict[str, type[models.Model]] = {}
        for rel in rt.model._meta.related_objects:
            if rel.name in CHILD_RELATIONS and rel.related_model is not None:
                child = rel.related_model
                parent_fk = rel.field.name
                children[rel.name] = _fields_of(child, {"id", parent_fk})  # type: ignore[arg-type]
                child_models[rel.name] = child  # type: ignore[assignment]
        specs[key] = FileSpec(key, rt.model, _fields_of(rt.model, set()), children, child_models)
    return specs
