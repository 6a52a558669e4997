"""A record list's filters and facets: what the query string asks for, the records it selects, and the count of
every choice of each facet (year, country, kind, department, source kind) under the other filters.

One function, ``records``, turns the filters into a queryset for the list page and its downloads alike, so a
download holds exactly what the list shows. Each facet costs one query whatever the number of records; the counts
(and the number of records selected) are kept in the cache per data version, so that a list of 500,000 records
counts them once after each change of the data, not on every page.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast, ExtractYear
from django.http import QueryDict
from django.utils.translation import gettext as _

from veeduria import counts_cache
from veeduria.evidence.models import Citation, SourceKind
from veeduria.http_cache import data_version
from veeduria.records import presence, queries
from veeduria.records.models import Activity, Country
from veeduria.records.registry import RecordType

#: the facet parameters, in the order the facets are shown
FACETS = ("year", "country", "kind", "department", "source_kind")
#: parameters that are not facets but are kept in every link
OTHER_PARAMS = ("q", "withdrawn", "where", "sort")
#: a filter value that alone selects at least this share of a type's records is "common": checked record by record
#: as the list's order is read (its first page is found in a few rows), not collected first (``Selection.records``)
COMMON_SHARE = 0.05
#: the filters whose form depends on how common their value is
_BY_ROW_FILTERS = ("country", "kind", "source_kind")
#: a fiscal year or edition stored as text ("2023", "FY2023", "FY 2023-2024")
_TEXT_YEAR = re.compile(r"^(?:FY\s?)?(\d{4})", re.IGNORECASE)


@dataclass
class Option:
    value: str
    label: str
    count: int
    href: str
    selected: bool = False


@dataclass
class Facet:
    param: str
    label: str
    options: list[Option] = field(default_factory=list)

    @property
    def selected(self) -> Option | None:
        return next((o for o in self.options if o.selected), None)


def has_department(rt: RecordType) -> bool:
    return "department" in {f.name for f in rt.model._meta.concrete_fields}


def applicable(rt: RecordType) -> list[str]:
    """The facets that apply to records of type ``rt``."""
    present = {
        "year": rt.year_field is not None,
        "country": rt.country_field is not None,
        "kind": rt.kind_field is not None,
        "department": has_department(rt),
        "source_kind": True,
    }
    return [name for name in FACETS if present[name]]


def parse(get: QueryDict, rt: RecordType) -> dict[str, Any]:
    """The filters of a list's query string; a facet that does not apply to ``rt`` is ignored."""
    names = applicable(rt)
    filters: dict[str, Any] = {name: get.get(name, "").strip() if name in names else "" for name in FACETS}
    filters["q"] = get.get("q", "").strip()
    filters["withdrawn"] = get.get("withdrawn") == "1"
    filters["where"] = get.get("where", "").strip() if rt.model is Activity else ""
    return filters


def where_error(filters: dict[str, Any]) -> str:
    """The message for an unknown ``where`` value, else ""."""
    value = filters["where"]
    if not value or value in presence.WHERE_VALUES:
        return ""
    return _("Filtro «lugar» desconocido: %(value)s. Valores posibles: %(values)s.") % {
        "value": value[:40],
        "values": ", ".join(presence.WHERE_VALUES),
    }


class Selection:
    """The records a list's filters select; ``records(skip=name)`` leaves one facet's filter out (to count its
    choices). The text search runs once."""

    def __init__(self, rt: RecordType, filters: dict[str, Any]) -> None:
        self.rt = rt
        self.filters = filters
        self._ids: list[str] | None = None
        self._by_row: set[str] | None = None
        if filters["q"]:
            from veeduria.search.service import record_ids

            self._ids = record_ids(filters["q"], rt.key)

    def cached(self, what: str, compute: Any) -> Any:
        """``compute()``, kept per data version under this selection's filters and ``what``
        (``veeduria.counts_cache``)."""
        if not counts_cache.enabled():
            return compute()
        if not hasattr(self, "_version"):
            self._version = data_version().tag
        filters = json.dumps(sorted((k, str(v)) for k, v in self.filters.items()))
        return counts_cache.kept(f"list|{self.rt.key}|{what}|{filters}", compute, self._version)

    def count(self) -> int:
        """How many records the filters select (kept per data version)."""
        return int(self.cached("count", lambda: self.records().order_by().count()))

    def by_row(self) -> set[str]:
        """The filters of this selection whose value is common (``common``): checked record by record."""
        if self._by_row is None:
            chosen = [(name, str(self.filters[name])) for name in _BY_ROW_FILTERS if self.filters.get(name)]
            self._by_row = {name for name, value in chosen if common(self.rt, name, value)}
        return self._by_row

    def records(self, *, skip: str = "", by_row: set[str] | None = None) -> QuerySet:
        """The selected records (without filter ``skip``); ``by_row``: the filters checked record by record
        (default: the common ones, ``by_row()``); the records are the same either way, only the plan differs."""
        f: dict[str, Any] = {k: ("" if k == skip else v) for k, v in self.filters.items()}
        rows = self.by_row() if by_row is None else by_row
        qs = queries.list_records(
            self.rt,
            year=f["year"] or None,
            country=f["country"] or None,
            kind=f["kind"] or None,
            include_withdrawn=bool(f["withdrawn"]),
            by_row=rows,
        )
        if self._ids is not None:
            qs = qs.filter(pk__in=self._ids)
        if f["department"]:
            qs = qs.filter(department=f["department"])
        if f["source_kind"]:
            cited = _cited_by_kind(self.rt, f["source_kind"])
            if "source_kind" in rows:
                qs = qs.filter(Exists(cited.filter(object_id=Cast(OuterRef("pk"), models.CharField()))))
            else:
                qs = qs.filter(pk__in=cited.values("object_id"))
        if f["where"]:
            subset = presence.by_where(settings.HOST_COUNTRY, f["where"])
            qs = qs.none() if subset is None else qs.filter(pk__in=subset.values("pk"))
        return qs


def common(rt: RecordType, name: str, value: str) -> bool:
    """Whether filter ``name`` = ``value`` alone selects at least ``COMMON_SHARE`` of the type's published records,
    read from the counts of the list without filters (kept per data version, counted again by the commands that
    change the data)."""
    everything = Selection(rt, parse(QueryDict(""), rt))
    total = everything.count()
    counts = everything.cached(f"facet:{name}", lambda: _counts(everything, name))
    return total > 0 and counts.get(value, 0) >= COMMON_SHARE * total


def _cited_by_kind(rt: RecordType, kind: str) -> QuerySet:
    """The citations of records of ``rt`` by sources of ``kind``."""
    ct = ContentType.objects.get_for_model(rt.model)
    return Citation.objects.filter(content_type=ct, source__kind=kind)


def _href(get: QueryDict, param: str, value: str) -> str:
    """The query string of the list with ``param`` set to ``value`` (or removed when ``value`` is "")."""
    params = get.copy()
    params.pop("page", None)
    params.pop(param, None)
    if value:
        params[param] = value
    return "?" + params.urlencode() if params else "?"


def _year_counts(rt: RecordType, qs: QuerySet) -> dict[str, int]:
    name = rt.year_field or ""
    f: Any = rt.model._meta.get_field(name)
    f = f.output_field if getattr(f, "generated", False) else f
    qs = qs.order_by()
    if isinstance(f, models.DateField):
        rows = qs.annotate(_year=ExtractYear(name)).values_list("_year").annotate(n=Count("pk"))
        return {str(y): n for y, n in rows if y is not None}
    rows = qs.exclude(**{f"{name}__isnull": True}).values_list(name).annotate(n=Count("pk"))
    if isinstance(f, models.IntegerField):
        return {str(y): n for y, n in rows}
    counts: dict[str, int] = defaultdict(int)
    for text, n in rows:
        match = _TEXT_YEAR.match(str(text).strip())
        if match:
            counts[match.group(1)] += n
    return dict(counts)


def _country_counts(rt: RecordType, qs: QuerySet) -> dict[str, int]:
    names = [n for n in (rt.country_field, *rt.extra_country_fields) if n]
    qs = qs.order_by()
    if len(names) == 1:
        rows = qs.exclude(**{f"{names[0]}__isnull": True}).values_list(names[0]).annotate(n=Count("pk", distinct=True))
        return {str(c): n for c, n in rows}
    # several fields: a record counts once per country, whichever field names it
    members: dict[str, set[Any]] = defaultdict(set)
    for name in names:
        for country, pk in qs.exclude(**{f"{name}__isnull": True}).values_list(name, "pk").distinct():
            members[str(country)].add(pk)
    return {c: len(pks) for c, pks in members.items()}


def _plain_counts(qs: QuerySet, name: str) -> dict[str, int]:
    rows = qs.order_by().exclude(**{name: ""}).exclude(**{f"{name}__isnull": True}).values_list(name)
    return {str(v): n for v, n in rows.annotate(n=Count("pk"))}


def _source_kind_counts(rt: RecordType, qs: QuerySet) -> dict[str, int]:
    ct = ContentType.objects.get_for_model(rt.model)
    rows = (
        Citation.objects.filter(content_type=ct, object_id__in=qs.order_by().values("pk"))
        .order_by()
        .values_list("source__kind")
        .annotate(n=Count("object_id", distinct=True))
    )
    return {str(k): n for k, n in rows}


def _labels(rt: RecordType, name: str, values: list[str]) -> dict[str, str]:
    if name == "country":
        return {c.pk: c.title for c in Country.objects.filter(pk__in=values).only("id", "name_es", "name_en")}
    if name == "kind" and rt.kind_field:
        f: Any = rt.model._meta.get_field(rt.kind_field)
        return {str(k): str(v) for k, v in f.choices}
    if name == "source_kind":
        return {str(k): str(v) for k, v in SourceKind.choices}
    return {v: v for v in values}


def facet_label(rt: RecordType, name: str) -> str:
    if name == "kind" and rt.kind_field:
        from veeduria.portal.display import column_label

        return column_label(rt, rt.kind_field)
    return {
        "year": _("año"),
        "country": _("país"),
        "department": _("departamento"),
        "source_kind": _("tipo de fuente"),
    }[name]


def _counts(selection: Selection, name: str) -> dict[str, int]:
    rt = selection.rt
    qs = selection.records(skip=name)
    if name == "year":
        return _year_counts(rt, qs)
    if name == "country":
        return _country_counts(rt, qs)
    if name == "kind":
        return _plain_counts(qs, rt.kind_field or "")
    if name == "department":
        return _plain_counts(qs, "department")
    return _source_kind_counts(rt, qs)


def facets(selection: Selection, get: QueryDict) -> list[Facet]:
    """Every applicable facet with the count of each choice under the other filters, each choice linking to the
    list with it chosen (or, when chosen, without it). A chosen value that selects nothing is still listed."""
    rt = selection.rt
    out = []
    for name in applicable(rt):
        counts = dict(selection.cached(f"facet:{name}", lambda name=name: _counts(selection, name)))
        chosen = selection.filters[name]
        if chosen and chosen not in counts:
            counts[chosen] = 0
        labels = _labels(rt, name, list(counts))
        if chosen and not counts[chosen]:  # a value typed into the address: shown short, to be removed
            labels[chosen] = labels.get(chosen, chosen)[:60]
        if name == "year":
            order = sorted(counts, reverse=True)
        else:
            order = sorted(counts, key=lambda v: (-counts[v], str(labels.get(v, v)).casefold()))
        options = [
            Option(
                value=v,
                label=labels.get(v, v),
                count=counts[v],
                href=_href(get, name, "" if v == chosen else v),
                selected=v == chosen,
            )
            for v in order
        ]
        out.append(Facet(name, facet_label(rt, name), options))
    return out


def remove_href(get: QueryDict, param: str) -> str:
    return _href(get, param, "")
