"""Sorting a record list by one of its columns: ``sort=NAME`` ascending, ``sort=-NAME`` descending, NAME one of
the list's columns (a bilingual column by its base name: ``title``, not ``title_es``). Unknown values raise
``BadSort``; the list page ignores them with a notice, the downloads answer 400."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.http import QueryDict
from django.utils.translation import gettext as _

from veeduria.records.registry import RecordType


class BadSort(ValueError):
    """A ``sort`` value that is not a sortable column; the message names the possible values."""


@dataclass
class Header:
    """A list column's header: its label and, when sortable, the link that sorts by it."""

    label: str
    href: str = ""
    #: "ascending", "descending" or "" (the value of ``aria-sort``)
    direction: str = ""


def _fields(rt: RecordType) -> set[str]:
    return {f.name for f in rt.model._meta.concrete_fields}


def param_name(rt: RecordType, name: str) -> str:
    """The ``sort`` name of list column ``name``: ``title_es`` → ``title`` when there is a ``title_en``."""
    if name.endswith("_es") and f"{name[:-3]}_en" in _fields(rt):
        return name[:-3]
    return name


def sortable(rt: RecordType) -> dict[str, str]:
    """The sortable columns: their ``sort`` names mapped to the list field (many-to-many columns are not)."""
    out = {}
    for name in rt.list_fields:
        f = rt.model._meta.get_field(name)
        if not f.many_to_many:
            out[param_name(rt, name)] = name
    return out


def parse(value: str, rt: RecordType) -> tuple[str, bool] | None:
    """``(field, descending)`` of a ``sort`` value, None when empty; raises ``BadSort`` when unknown."""
    value = value.strip()
    if not value:
        return None
    descending = value.startswith("-")
    name = value.lstrip("-")
    columns = sortable(rt)
    if name not in columns:
        allowed = ", ".join(f"{c}, -{c}" for c in columns)
        raise BadSort(
            _("Orden «%(value)s» desconocido. Valores posibles: %(allowed)s.")
            % {"value": value[:40], "allowed": allowed}
        )
    return columns[name], descending


def _localized(prefix: str, base: str, lang: str) -> Combinable:
    other = "en" if lang == "es" else "es"
    return Coalesce(NullIf(F(f"{prefix}{base}_{lang}"), Value("")), F(f"{prefix}{base}_{other}"))


def _expression(rt: RecordType, name: str, lang: str) -> Combinable:
    f: Any = rt.model._meta.get_field(name)
    if name.endswith("_es") and f"{name[:-3]}_en" in _fields(rt):
        return _localized("", name[:-3], lang)
    if isinstance(f, models.ForeignKey):
        related = f.related_model
        names = {x.name for x in related._meta.concrete_fields}
        base = getattr(related, "title_field", "name")
        if f"{base}_es" in names and f"{base}_en" in names:
            return _localized(f"{name}__", base, lang)
        return F(f"{name}__{base}") if base in names else F(f"{name}__pk")
    if isinstance(f, models.CharField | models.TextField):
        return NullIf(F(name), Value(""))  # an empty text is unknown: last, like a missing number
    return F(name)


def apply(qs: QuerySet, rt: RecordType, sort: tuple[str, bool] | None, lang: str) -> QuerySet:
    """``qs`` ordered by the column (unknown values last), then by id; unchanged without ``sort``."""
    if sort is None:
        return qs
    name, descending = sort
    expr: Any = _expression(rt, name, lang)
    order = expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True)
    return qs.order_by(order, "pk")


def headers(rt: RecordType, get: QueryDict, sort: tuple[str, bool] | None, labels: list[str]) -> list[Header]:
    """The column headers, each sortable one linking to the list sorted by it (ascending first, then
    descending), the filters kept and the page reset."""
    out = []
    columns = sortable(rt)
    for name, label in zip(rt.list_fields, labels, strict=True):
        key = param_name(rt, name)
        if key not in columns:
            out.append(Header(label))
            continue
        current = sort is not None and sort[0] == name
        descending = current and sort is not None and sort[1]
        params = get.copy()
        params.pop("page", None)
        params["sort"] = f"-{key}" if current and not descending else key
        direction = ("descending" if descending else "ascending") if current else ""
        out.append(Header(label, "?" + params.urlencode(), direction))
    return out
