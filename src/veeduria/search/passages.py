"""What is searched: passages. A record's public text (both languages, its places, weapons and items, its
citations' quotes) is one passage; each page of a document is one passage. Providers turn references
(``"type:id"``) into passages; an engine only indexes passages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from django.db import models
from django.db.models import Prefetch
from django.utils import translation

from veeduria.evidence.models import Citation, Status
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.records.export import PRIVATE_FIELDS
from veeduria.records.registry import RECORD_TYPES, RecordType
from veeduria.search.results import Passage

#: the type of document pages in results and filters
DOCUMENTS = "documents"
#: fields never searched: editors' notes, the withdrawal reason (withdrawn records are not indexed)
_SKIP = {*PRIVATE_FIELDS, "withdrawn_reason", "status", "reliability", "quote_language", "currency"}
_CHUNK = 500
_YEAR = re.compile(r"(1[89]\d\d|2[01]\d\d)")


class Provider(Protocol):
    """Passages of some kinds of references."""

    types: tuple[str, ...]

    def all(self) -> Iterator[Passage]: ...

    def for_ids(self, type_key: str, ids: list[str]) -> Iterator[Passage]: ...


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.URLField)
        and not f.choices
        and f.name not in _SKIP
    ]


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "year"):
        return int(value.year)
    if isinstance(value, int):
        return value
    found = _YEAR.search(str(value))
    return int(found.group(1)) if found else None


class RecordPassages:
    """One passage per published record of every registry type."""

    types: tuple[str, ...] = tuple(rt.key for rt in RECORD_TYPES)

    def __init__(self) -> None:
        self._by_key = {rt.key: rt for rt in RECORD_TYPES}

    def all(self) -> Iterator[Passage]:
        for rt in RECORD_TYPES:
            yield from self._passages(rt, self._queryset(rt))

    def for_ids(self, type_key: str, ids: list[str]) -> Iterator[Passage]:
        rt = self._by_key[type_key]
        for start in range(0, len(ids), _CHUNK):
            yield from self._passages(rt, self._queryset(rt).filter(pk__in=ids[start : start + _CHUNK]))

    def _queryset(self, rt: RecordType) -> models.QuerySet[Any]:
        model = rt.model
        children = [r.get_accessor_name() for r in model._meta.related_objects if r.name in CHILD_RELATIONS]
        country_m2m = [
            n for n in (rt.country_field, *rt.extra_country_fields) if n and model._meta.get_field(n).many_to_many
        ]
        return (
            model._default_manager.filter(status=Status.PUBLISHED)
            .order_by("pk")
            .prefetch_related(
                Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk")),
                *(c for c in children if c),
                *country_m2m,
            )
        )

    def _passages(self, rt: RecordType, qs: models.QuerySet[Any]) -> Iterator[Passage]:
        fields = _text_fields(rt.model)
        for obj in qs.iterator(chunk_size=_CHUNK):
            yield self._passage(rt, obj, fields)

    def _passage(self, rt: RecordType, obj: Any, fields: list[str]) -> Passage:
        titles = {}
        for lang in ("es", "en"):
            with translation.override(lang):
                titles[lang] = obj.title
        parts = [titles["es"], titles["en"] if titles["en"] != titles["es"] else ""]
        parts += [str(getattr(obj, name) or "") for name in fields]
        for rel in obj._meta.related_objects:
            if rel.name in CHILD_RELATIONS:
                for child in getattr(obj, rel.get_accessor_name()).all():
                    parts += [str(getattr(child, name) or "") for name in _text_fields(type(child))]
        citations = list(obj.citations.all())
        parts += [c.quote for c in citations]
        return Passage(
            type=rt.key,
            record_id=str(obj.pk),
            page=0,
            title_es=titles["es"],
            title_en=titles["en"],
            text="\n".join(dict.fromkeys(p.strip() for p in parts if p and p.strip())),
            year=_year(getattr(obj, rt.year_field)) if rt.year_field else None,
            countries=self._countries(rt, obj),
            source_kinds=tuple(sorted({c.source.kind for c in citations})),
        )

    @staticmethod
    def _countries(rt: RecordType, obj: Any) -> tuple[str, ...]:
        found: set[str] = set()
        for name in (rt.country_field, *rt.extra_country_fields):
            if not name:
                continue
            f = obj._meta.get_field(name)
            if f.many_to_many:
                found |= {str(c.pk) for c in getattr(obj, name).all()}
            elif (value := getattr(obj, f.attname)) is not None:
                found.add(str(value))
        return tuple(sorted(found))


class DocumentPagePassages:
    """One passage per page of text of every document."""

    types: tuple[str, ...] = (DOCUMENTS,)

    def all(self) -> Iterator[Passage]:
        from veeduria.documents.models import Document

        yield from self._passages(Document.objects.order_by("pk"))

    def for_ids(self, type_key: str, ids: list[str]) -> Iterator[Passage]:
        from veeduria.documents.models import Document

        numeric = [int(i) for i in ids if str(i).isdigit()]
        yield from self._passages(Document.objects.filter(pk__in=numeric).order_by("pk"))

    def _passages(self, documents: models.QuerySet[Any]) -> Iterator[Passage]:
        from veeduria.documents.models import DocumentPage

        qs = documents.select_related("source").prefetch_related(
            Prefetch("pages", queryset=DocumentPage.objects.exclude(text="").order_by("number"))
        )
        for doc in qs.iterator(chunk_size=50):
            source = doc.source
            for page in doc.pages.all():
                yield Passage(
                    type=DOCUMENTS,
                    record_id=str(doc.pk),
                    page=page.number,
                    title_es=doc.title,
                    title_en=doc.title,
                    text=page.text,
                    year=source.published_on.year if source and source.published_on else None,
                    source_kinds=(source.kind,) if source else (),
                )


PROVIDERS: tuple[Provider, ...] = (RecordPassages(), DocumentPagePassages())


def all_passages() -> Iterator[Passage]:
    for provider in PROVIDERS:
        yield from provider.all()


def passages_for(refs: Iterable[str]) -> Iterator[Passage]:
    """The current passages of the references (``"type:id"``); a reference with none (withdrawn, deleted)
    yields nothing, so that the engines drop it."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        type_key, _, record_id = ref.partition(":")
        by_type[type_key].append(record_id)
    for provider in PROVIDERS:
        for type_key in provider.types:
            if by_type.get(type_key):
                yield from provider.for_ids(type_key, sorted(set(by_type[type_key])))
