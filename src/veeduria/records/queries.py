"""Query functions shared by the portal, the API and the CLI. Keyword-only arguments after the record type.

Every function returns querysets or plain structures whose number of database queries does not grow
with the number of records (lists are paginated by the caller; related rows are prefetched).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, QuerySet

from veeduria.evidence.models import AlternativeValue, Citation, Record, Revision, Source, Status
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.records import models as m
from veeduria.records.registry import BY_MODEL, RECORD_TYPES, RecordType

#: How many records of one reverse relation a detail page shows (the rest: a link to the filtered list): a country's
#: page names some twenty relations, each a table of its type's list columns
RELATED_LIMIT = 10


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)  # type: ignore[return-value]


def published(qs: QuerySet, *, include_withdrawn: bool = False) -> QuerySet:
    """Hide withdrawn records unless asked for."""
    return qs if include_withdrawn else qs.exclude(status=Status.WITHDRAWN)


#: the years a date can hold: outside them a year filter matches nothing
MIN_YEAR, MAX_YEAR = 1, 9999


def filter_year(qs: QuerySet, rt: RecordType, year: int | str | None) -> QuerySet:
    """Filter on the record type's year field: a date (``__year``), a number, or a text starting with the year
    (optionally after "FY")."""
    if year in (None, "") or rt.year_field is None:
        return qs
    try:
        year_int = int(str(year).strip())
    except ValueError:
        return qs.none()
    if not MIN_YEAR <= year_int <= MAX_YEAR:
        return qs.none()  # no record has such a year (and a date cannot hold it)
    field = _field(rt.model, rt.year_field)
    if isinstance(field, models.DateField):
        return qs.filter(**{f"{rt.year_field}__year": year_int})
    if isinstance(field, models.IntegerField):
        return qs.filter(**{rt.year_field: year_int})
    # text: "2023", "2023-2024", or a fiscal-year label such as "FY2023" / "FY 2023"
    cond = Q()
    for prefix in ("", "FY", "FY "):
        cond |= Q(**{f"{rt.year_field}__istartswith": f"{prefix}{year_int}"})
    return qs.filter(cond)


def search_fields(rt: RecordType) -> list[str]:
    """Text fields the admin searches: the title in both languages, plus identifiers."""
    model: Any = rt.model
    base = model.title_field
    names = {f.name for f in model._meta.concrete_fields}
    candidates = [f"{base}_es", f"{base}_en", base, "id", "number", "acronym", "reference", "iso3"]
    return [n for n in candidates if n in names]


class Unindexed(Func):
    """A column's value, which SQLite will not look up through an index (its no-op unary ``+``): for a filter value
    that most records have, so that a list's page is found by reading its order's index and checking each row,
    not by fetching every matching row through the filter's index and sorting them. Plain elsewhere (PostgreSQL
    chooses by its statistics)."""

    template = "%(expressions)s"

    def __init__(self, name: str) -> None:
        super().__init__(F(name))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _country_match(rt: RecordType, country: str, *, by_row: bool = False) -> Q:
    """Records whose country field (or any extra one) is ``country``, each listed once. One foreign key: a plain
    condition. Otherwise, ``by_row``: each record checked by index look-ups (an OR of the foreign keys and an
    EXISTS per many-to-many link), which suits a common country, whose list's first page is found after reading
    a few rows in the list's order; else the union of one indexed look-up per field, collected first, which
    suits a rare one (checking every record would read them all)."""
    names = [n for n in (rt.country_field, *rt.extra_country_fields) if n]
    manager = rt.model._default_manager
    if len(names) == 1 and not _field(rt.model, names[0]).many_to_many:
        return Q(**{names[0]: country})
    if by_row:
        condition = Q()
        for name in names:
            f: Any = _field(rt.model, name)
            if f.many_to_many:
                through = f.remote_field.through._default_manager
                link = {f.m2m_field_name(): OuterRef("pk"), f.m2m_reverse_field_name(): country}
                condition |= Q(Exists(through.filter(**link)))
            else:
                condition |= Q(**{name: country})
        return condition
    parts = [manager.filter(**{name: country}).order_by().values("pk") for name in names]
    return Q(pk__in=parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0])


def list_records(
    rt: RecordType,
    *,
    year: int | str | None = None,
    country: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    include_withdrawn: bool = False,
    by_row: Collection[str] = (),
) -> QuerySet:
    """The records of one type, filtered, with what a list shows already joined or prefetched. ``by_row``: the
    filters (``country``, ``kind``) whose value most records have, checked record by record as the list's order
    is read rather than looked up in an index first (``_country_match``, ``Unindexed``)."""
    qs = published(rt.model._default_manager.all(), include_withdrawn=include_withdrawn)
    qs = filter_year(qs, rt, year)
    if country and rt.country_field:
        qs = qs.filter(_country_match(rt, country, by_row="country" in by_row))
    if kind and rt.kind_field:
        if "kind" in by_row:
            qs = qs.alias(_kind_value=Unindexed(rt.kind_field)).filter(_kind_value=kind)
        else:
            qs = qs.filter(**{rt.kind_field: kind})
    if q and q.strip():
        from veeduria.search.service import record_ids

        qs = qs.filter(pk__in=record_ids(q, rt.key))
    if rt.select_related:
        qs = qs.select_related(*rt.select_related)
    if rt.prefetch_related:
        qs = qs.prefetch_related(*rt.prefetch_related)
    return qs


def rows_between(qs: QuerySet, start: int, stop: int, total: int) -> list[Any]:
    """Rows ``start`` to ``stop`` of ``qs``, which holds ``total`` rows in an order ending with the id (so total, and
    its reverse exact). Past the middle they are read from the end in the reverse order: the last page of a long
    list skips a few rows, not every row before it."""
    stop = min(stop, total)
    if start >= stop:
        return []
    if start <= total // 2:
        return list(qs[start:stop])
    return list(qs.reverse()[total - stop : total - start])[::-1]


def records_by_id(rt: RecordType, ids: list[Any]) -> QuerySet:
    """The records of ``ids`` (withdrawn ones too: the caller chose them) with what a list shows joined or
    prefetched, in no particular order."""
    qs = rt.model._default_manager.filter(pk__in=ids).order_by()
    if rt.select_related:
        qs = qs.select_related(*rt.select_related)
    if rt.prefetch_related:
        qs = qs.prefetch_related(*rt.prefetch_related)
    return qs


def _is_record_model(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, Record)


def reverse_relations(model: type[models.Model]) -> list[Any]:
    """Reverse FK and M2M relations from other record types (children are handled separately)."""
    rels = []
    for rel in model._meta.related_objects:
        if rel.name in CHILD_RELATIONS or not _is_record_model(rel.related_model):
            continue
        if rel.get_accessor_name() is None:
            continue
        rels.append(rel)
    return rels


def _child_prefetches() -> list[Prefetch]:
    return [
        Prefetch("personnel", queryset=m.AuthorizedPersonnel.objects.select_related("country")),
        Prefetch("items", queryset=m.AuthorizedItem.objects.all()),
        Prefetch("places", queryset=m.AuthorizedPlace.objects.select_related("facility")),
        Prefetch("periods", queryset=m.AuthorizedPeriod.objects.all()),
    ]


def detail_queryset(rt: RecordType) -> QuerySet:
    """The records of one type with everything a detail page shows prefetched."""
    model = rt.model
    fks = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    prefetches: list[Any] = [
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        Prefetch("alternatives", queryset=AlternativeValue.objects.select_related("source")),
        Prefetch("revisions", queryset=Revision.objects.all()),
    ]
    prefetches += [f.name for f in model._meta.many_to_many]
    if model is m.Authorization:
        prefetches += _child_prefetches()
    return model._default_manager.select_related(*fks).prefetch_related(*prefetches)


@dataclass
class RelatedRecords:
    """The first published records of one reverse relation of a record, and whether there are more."""

    relation: Any
    records: list[Any]
    more: bool


def related_records(obj: models.Model, *, limit: int = RELATED_LIMIT) -> list[RelatedRecords]:
    """For each reverse relation of ``obj`` from another record type, its first ``limit`` published records (one
    indexed query each, whatever the number of related records: a country with 500,000 activities costs what one
    with 50 does), and whether there are more. Relations without records are left out.

    In the order of the relation's index on ``obj`` (on SQLite the order they were written), not by id: ordering
    half a million related records by id would sort them all to show ten."""
    out = []
    for rel in reverse_relations(type(obj)):
        qs = published(rel.related_model._default_manager.filter(**{rel.field.name: obj.pk}))
        qs = qs.order_by()
        related_rt = BY_MODEL.get(rel.related_model)
        if related_rt is not None and related_rt.select_related:
            qs = qs.select_related(*related_rt.select_related)
        if related_rt is not None and related_rt.prefetch_related:
            qs = qs.prefetch_related(*related_rt.prefetch_related)
        rows = list(qs[: limit + 1])
        if rows:
            out.append(RelatedRecords(rel, rows[:limit], len(rows) > limit))
    return out


def get_record(rt: RecordType, pk: str) -> Record:
    """One record (withdrawn included) with citations, alternatives, revisions and relations prefetched.

    Raises ``rt.model.DoesNotExist`` when there is no such record.
    """
    return detail_queryset(rt).get(pk=pk)


@dataclass
class CitingGroup:
    """The records of one type that cite a source."""

    record_type: RecordType
    records: QuerySet

    @property
    def key(self) -> str:
        return self.record_type.key


def records_citing(source: Source | str, *, include_withdrawn: bool = True) -> list[CitingGroup]:
    """Every record citing ``source`` (in a citation or an alternative value), grouped by record type.

    Each group's ``records`` is a lazy queryset, to be paginated or sliced by the caller.
    """
    source_id = source.pk if isinstance(source, Source) else source
    ct_ids = set(Citation.objects.filter(source_id=source_id).values_list("content_type_id", flat=True).distinct())
    ct_ids |= set(
        AlternativeValue.objects.filter(source_id=source_id).values_list("content_type_id", flat=True).distinct()
    )
    groups = []
    for rt in RECORD_TYPES:
        ct = ContentType.objects.get_for_model(rt.model)  # cached by Django after the first call
        if ct.pk not in ct_ids:
            continue
        cited = Citation.objects.filter(source_id=source_id, content_type=ct).values("object_id")
        alt = AlternativeValue.objects.filter(source_id=source_id, content_type=ct).values("object_id")
        qs = rt.model._default_manager.filter(Q(pk__in=cited) | Q(pk__in=alt))
        qs = published(qs, include_withdrawn=include_withdrawn)
        if rt.select_related:
            qs = qs.select_related(*rt.select_related)
        groups.append(CitingGroup(rt, qs))
    return groups


def list_sources(*, kind: str | None = None, q: str | None = None) -> QuerySet:
    """Sources, newest first, optionally filtered by kind or text."""
    qs = Source.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if q and q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(publisher__icontains=q.strip()) | Q(id__icontains=q))
    return qs


def home_counts() -> list[tuple[RecordType, int]]:
    """Published records per record type, in the registry's order (kept per data version)."""
    from veeduria import counts_cache

    def count() -> dict[str, int]:
        return {rt.key: published(rt.model._default_manager.all()).count() for rt in RECORD_TYPES}

    counts = counts_cache.kept("records-per-type", count)
    return [(rt, counts[rt.key]) for rt in RECORD_TYPES]


def latest_authorizations(n: int = 5) -> list[m.Authorization]:
    """The ``n`` published authorizations with the latest date of decision (approval, else publication, else the
    start of the authorized window)."""
    rt = BY_MODEL[m.Authorization]
    qs = published(m.Authorization.objects.all()).select_related(*rt.select_related)
    qs = qs.prefetch_related(*rt.prefetch_related).order_by(F("decision_date").desc(nulls_last=True), "-number", "id")
    return list(qs[:n])


__all__ = [
    "RELATED_LIMIT",
    "CitingGroup",
    "RelatedRecords",
    "detail_queryset",
    "filter_year",
    "get_record",
    "home_counts",
    "latest_authorizations",
    "list_records",
    "list_sources",
    "published",
    "records_by_id",
    "records_citing",
    "related_records",
    "reverse_relations",
]
