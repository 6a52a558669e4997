"""Query functions shared by the portal, the API and the CLI. Keyword-only arguments after the record type.

Every function returns querysets or plain structures whose number of database queries does not grow
with the number of records (lists are paginated by the caller; related rows are prefetched).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Prefetch, Q, QuerySet

from veeduria.evidence.models import AlternativeValue, Citation, Record, Revision, Source, Status
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.records import models as m
from veeduria.records.registry import BY_MODEL, RECORD_TYPES, RecordType

#: How many records of one reverse relation a detail page shows.
RELATED_LIMIT = 50


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


def _country_match(rt: RecordType, country: str) -> Q:
    """Records whose country field (or any extra one) is ``country``; many-to-many fields through a subquery,
    so that a record matching several ways is listed once."""
    match = Q()
    for name in (rt.country_field, *rt.extra_country_fields):
        if name is None:
            continue
        if _field(rt.model, name).many_to_many:
            match |= Q(pk__in=rt.model._default_manager.filter(**{name: country}).values("pk"))
        else:
            match |= Q(**{name: country})
    return match


def list_records(
    rt: RecordType,
    *,
    year: int | str | None = None,
    country: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    include_withdrawn: bool = False,
) -> QuerySet:
    """The records of one type, filtered, with what a list shows already joined or prefetched."""
    qs = published(rt.model._default_manager.all(), include_withdrawn=include_withdrawn)
    qs = filter_year(qs, rt, year)
    if country and rt.country_field:
        qs = qs.filter(_country_match(rt, country))
    if kind and rt.kind_field:
        qs = qs.filter(**{rt.kind_field: kind})
    if q and q.strip():
        from veeduria.search.service import record_ids

        qs = qs.filter(pk__in=record_ids(q, rt.key))
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
    for rel in reverse_relations(model):
        accessor = rel.get_accessor_name()
        related_qs = published(rel.related_model._default_manager.all())
        related_rt = BY_MODEL.get(rel.related_model)
        if related_rt is not None and related_rt.select_related:
            related_qs = related_qs.select_related(*related_rt.select_related)
        related_qs = related_qs[: RELATED_LIMIT + 1]
        prefetches.append(Prefetch(accessor, queryset=related_qs, to_attr=f"related_{accessor}"))
    if model is m.Authorization:
        prefetches += _child_prefetches()
    return model._default_manager.select_related(*fks).prefetch_related(*prefetches)


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
    """Published records per record type, in the registry's order."""
    return [(rt, published(rt.model._default_manager.all()).count()) for rt in RECORD_TYPES]


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
    "detail_queryset",
    "filter_year",
    "get_record",
    "home_counts",
    "latest_authorizations",
    "list_records",
    "list_sources",
    "published",
    "records_citing",
    "reverse_relations",
]
