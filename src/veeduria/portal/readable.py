"""Stored JSON values (alternative values, revision changes) shown as a reader reads them.

A country id becomes the country's name with a link, a date its formatted date with the precision its
writing implies, a choice code its label, a list a list, a number a localised number. Never raw JSON or ids.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from veeduria.evidence.models import Precision
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.portal import display, labels
from veeduria.portal.display import Value
from veeduria.records.export import PRIVATE_FIELDS

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
#: keys of a revision's changes that readers never see (editors' notes, bookkeeping)
HIDDEN_CHANGES = {*PRIVATE_FIELDS, "created_at", "updated_at", "id"}
_SHORT = 160


@dataclass
class Lookup:
    """Records referenced by id, fetched once per page."""

    cache: dict[tuple[type[models.Model], str], models.Model | None] = field(default_factory=dict)

    def many(self, model: type[models.Model], ids: list[str]) -> list[Any]:
        missing = [i for i in ids if (model, i) not in self.cache]
        if missing:
            found = model._default_manager.in_bulk(missing)
            for i in missing:
                self.cache[(model, i)] = found.get(i)
        return [self.cache[(model, i)] for i in ids]


def date_text(value: str, precision: str | None = None) -> str:
    """``"2018-04-05"`` → "5 de abril de 2018"; ``"2018-04"`` → "abril 2018"; ``"2018"`` → "2018".

    Without ``precision``, the precision is the one the writing implies."""
    match = _DATE.match(value)
    if not match:
        return value
    year, month, day = match.groups()
    precision = precision or (Precision.DAY if day else Precision.MONTH if month else Precision.YEAR)
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return value
    return display.format_date(date, precision)


def _number(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return value
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return display.format_number(value)


def _field(model: type[models.Model], name: str) -> Any:
    try:
        f = model._meta.get_field(name)
    except Exception:
        return None
    return display.value_field(f)


def _plain(value: Any) -> Value:
    """A value of no known field: still never braces or brackets."""
    if value is None or value == "" or value == []:
        return Value()
    if isinstance(value, bool):
        return Value(text=display.yes_no(value))
    if isinstance(value, int | float | decimal.Decimal):
        return Value(text=_number(value))
    if isinstance(value, list):
        return Value(items=[v for v in (_plain(x) for x in value) if not v.empty])
    if isinstance(value, dict):
        return Value(text=" · ".join(f"{k}: {_plain(v).text}" for k, v in value.items() if v not in (None, "")))
    if isinstance(value, str) and _DATE.match(value) and len(value) >= 7:
        return Value(text=date_text(value))
    return Value(text=str(value))


def _child_row(model: type[models.Model], row: dict[str, Any], lookup: Lookup) -> Value:
    parts = []
    for key, raw in row.items():
        if raw in (None, ""):
            continue
        value = stored_value(model, key, raw, lookup)
        text = value.text or ", ".join(i.text for i in value.items)
        f = _field(model, key)
        label = display.base_label(f) if f is not None else key
        parts.append(f"{label}: {text}")
    return Value(text=" · ".join(parts))


def _child_model(model: type[models.Model], name: str) -> type[models.Model] | None:
    for rel in model._meta.related_objects:
        if rel.name == name and rel.related_model is not None:
            return rel.related_model  # type: ignore[return-value]
    return None


def stored_value(
    model: type[models.Model], name: str, value: Any, lookup: Lookup | None = None, precision: str | None = None
) -> Value:
    """The readable form of ``value`` stored as JSON for field ``name`` of ``model`` (a date with ``precision``)."""
    lookup = lookup or Lookup()
    if value is None or value == "" or value == []:
        return Value()
    if name in CHILD_RELATIONS and isinstance(value, list):
        child = _child_model(model, name)
        if child is not None:
            return Value(items=[_child_row(child, r, lookup) if isinstance(r, dict) else _plain(r) for r in value])
    f = _field(model, name)
    if f is None:
        return _plain(value)
    if f.many_to_many or isinstance(f, models.ForeignKey):
        ids = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        objs = lookup.many(f.related_model, ids)
        items = [display.link(o) if o is not None else Value(text=_("registro desconocido")) for o in objs]
        return Value(items=items) if f.many_to_many else items[0]
    if isinstance(value, list):
        return Value(items=[stored_value(model, name, v, lookup) for v in value])
    choices = dict((str(k), str(v)) for k, v in (f.choices or ()))
    if choices:
        return Value(text=choices.get(str(value), str(value)))
    code = labels.code_label(model, name, value)
    if code is not None:
        return Value(text=code)
    if isinstance(f, models.BooleanField) or isinstance(value, bool):
        return Value(text=display.yes_no(bool(value)))
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        try:
            return Value(text=formats.date_format(dt.datetime.fromisoformat(value), "DATETIME_FORMAT"))
        except ValueError:
            return Value(text=value)
    if isinstance(f, models.DateField) and isinstance(value, str):
        return Value(text=date_text(value, precision))
    if isinstance(f, models.IntegerField | models.DecimalField | models.FloatField) and name not in {"year", "month"}:
        return Value(text=_number(value))
    if isinstance(f, models.URLField):
        return Value(text=str(value), href=str(value))
    return _plain(value) if isinstance(value, dict) else Value(text=str(value), long=isinstance(f, models.TextField))


def short(value: Value) -> Value:
    """A value cut for a one-line summary (revision history)."""
    if value.text and len(value.text) > _SHORT:
        return Value(text=value.text[: _SHORT - 1].rstrip() + "…")
    return value


def count_text(value: Any) -> str:
    """How many items a list-valued change (citations, alternatives) has."""
    n = len(value) if isinstance(value, list) else 0
    return display.format_number(n)


__all__ = ["HIDDEN_CHANGES", "Lookup", "count_text", "date_text", "short", "stored_value"]
