"""The content of a record's detail page: fields with their citations, disagreements, relations, history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import AlternativeValue, Citation, Revision
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.portal import display
from veeduria.portal.display import Value
from veeduria.records.queries import RELATED_LIMIT, reverse_relations
from veeduria.records.registry import RecordType

_EXTRA_LABELS = {
    "personnel": _("personal autorizado"),
    "items": _("armas, naves y equipos autorizados"),
    "places": _("lugares autorizados"),
    "periods": _("periodos autorizados"),
    "citations": _("citas"),
    "alternatives": _("valores alternativos"),
    "id": _("identificador"),
}
_HIDDEN = {"id", "created_at", "updated_at", "withdrawn_reason", "reliability"}


@dataclass
class Row:
    name: str
    label: str
    value: Value
    keys: set[str] = field(default_factory=set)
    citations: list[Citation] = field(default_factory=list)
    alternatives: list[AlternativeValue] = field(default_factory=list)


@dataclass
class Related:
    """Records of another type that point to this one, as a table of that type's list columns."""

    label: str
    items: list[Value]
    more: bool = False
    more_href: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Value, list[Value]]] = field(default_factory=list)


@dataclass
class HistoryEntry:
    revision: Revision
    fields: list[str]


@dataclass
class Detail:
    rows: list[Row]
    record_citations: list[tuple[str, Citation]]
    disagreements: list[Row]
    related: list[Related]
    children: dict[str, Any]
    child_citations: list[tuple[str, list[Citation]]]
    history: list[HistoryEntry]

    @property
    def empty_rows(self) -> list[Row]:
        """Fields without a value (nor citations or alternatives), listed compactly."""
        return [r for r in self.rows if r.value.empty and not r.citations and not r.alternatives]


def _rows(obj: Any, lang: str) -> list[Row]:
    model = type(obj)
    concrete = list(model._meta.concrete_fields)
    names = {f.name for f in concrete}
    precision_fields = {display.precision_field(model, f.name) for f in concrete if isinstance(f, models.DateField)}
    skip = _HIDDEN | {p for p in precision_fields if p}
    if display.is_record_status(model):
        skip.add("status")
    rows: list[Row] = []
    ordered = [f for f in concrete if not f.name.startswith("notes_")] + list(model._meta.many_to_many)
    ordered += [f for f in concrete if f.name.startswith("notes_")]
    for f in ordered:
        if f.name in skip or (f.name.endswith("_en") and f"{f.name[:-3]}_es" in names):
            continue
        if f.name.endswith("_es") and f"{f.name[:-3]}_en" in names:
            base = f.name[:-3]
            rows.append(
                Row(base, display.base_label(f), display.localized_value(obj, f, lang), {base, f.name, f"{base}_en"})
            )
            continue
        keys = {f.name}
        prec = display.precision_field(model, f.name)
        if prec:
            keys.add(prec)
        if isinstance(f, models.ForeignKey):
            keys.add(f.attname)
        rows.append(Row(f.name, str(f.verbose_name), display.field_value(obj, f), keys))
    return rows


def _related(obj: Any) -> list[Related]:
    out = []
    for rel in reverse_relations(type(obj)):
        accessor = rel.get_accessor_name()
        objs = list(getattr(obj, f"related_{accessor}", []))
        if not objs:
            continue
        model = rel.related_model
        label = f"{model._meta.verbose_name_plural} ({rel.field.verbose_name})"
        more = len(objs) > RELATED_LIMIT
        more_href = None
        rt = display.record_type_of(model)
        if more and rt is not None and rt.country_field == rel.field.name:
            more_href = f"{display.list_url(rt)}?country={obj.pk}"
        shown = objs[:RELATED_LIMIT]
        related = Related(label, [display.link(o) for o in shown], more, more_href)
        if rt is not None:
            lang = (get_language() or "es")[:2]
            names = [n for n in rt.list_fields if n != rel.field.name]
            related.columns = [display.column_label(rt, n) for n in names]
            related.rows = [(display.link(o), [display.cell(o, rt, n, lang) for n in names]) for o in shown]
        out.append(related)
    return out


def _children(obj: Any) -> dict[str, Any]:
    if not hasattr(obj, "personnel"):
        return {}
    by_category: dict[str, list[Any]] = defaultdict(list)
    for item in obj.items.all():
        by_category[item.get_category_display()].append(item)
    places = [(p, display.link(p.facility) if p.facility_id else None) for p in obj.places.all()]
    periods = [(display.format_date(p.start), display.format_date(p.end), p.note) for p in obj.periods.all()]
    personnel = sorted(obj.personnel.all(), key=lambda p: (p.service or "", p.pk))
    return {
        "personnel": personnel,
        "personnel_sum": sum(p.count or 0 for p in personnel),
        "items": sorted(by_category.items()),
        "places": places,
        "periods": periods,
        "any": bool(personnel or by_category or places or periods),
    }


def _label_of(model: type[models.Model], name: str) -> str:
    if name in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[name])
    try:
        return display.base_label(model._meta.get_field(name))
    except Exception:
        return name


def _changed_fields(model: type[models.Model], changes: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(_label_of(model, k) for k in changes))


def build(obj: Any, rt: RecordType) -> Detail:
    lang = (get_language() or "es")[:2]
    rows = _rows(obj, lang)
    by_key = {k: row for row in rows for k in row.keys}
    record_citations: list[tuple[str, Citation]] = []
    child_citations: dict[str, list[Citation]] = defaultdict(list)
    for c in obj.citations.all():
        if c.field in by_key:
            by_key[c.field].citations.append(c)
        elif c.field in CHILD_RELATIONS:
            child_citations[c.field].append(c)
        else:
            record_citations.append((_label_of(rt.model, c.field) if c.field else "", c))
    disagreements: dict[str, Row] = {}
    for a in obj.alternatives.all():
        row = by_key.get(a.field)
        if row is None:
            row = disagreements.setdefault(a.field, Row(a.field, _label_of(rt.model, a.field), Value()))
        a.display = display.alternative_text(a.value)  # type: ignore[attr-defined]
        row.alternatives.append(a)
        disagreements.setdefault(row.name, row)
    history = [
        HistoryEntry(r, [] if r.action == Revision.Action.CREATE else _changed_fields(rt.model, r.changes or {}))
        for r in obj.revisions.all()
    ]
    return Detail(
        rows=rows,
        record_citations=record_citations,
        disagreements=list(disagreements.values()),
        related=_related(obj),
        children=_children(obj),
        child_citations=sorted(child_citations.items()),
        history=history,
    )


__all__ = ["Detail", "build"]
