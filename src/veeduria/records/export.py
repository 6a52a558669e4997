"""Export of every published record as JSON Lines: ``type``, ``id``, the fields, ``citations``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from django.db import models
from django.db.models import Prefetch

from veeduria.evidence.models import AlternativeValue, Citation, Source, Status
from veeduria.evidence.revisions import CHILD_RELATIONS, snapshot
from veeduria.records.registry import RECORD_TYPES, RecordType

_CHUNK = 2000
#: fields kept for editors only: never in the export or the API
PRIVATE_FIELDS = ("editor_notes",)


def public(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the fields meant for editors only."""
    for name in PRIVATE_FIELDS:
        data.pop(name, None)
    return data


def export_queryset(rt: RecordType, *, include_withdrawn: bool) -> models.QuerySet[Any]:
    """The records of one type with everything :func:`record_dict` reads prefetched."""
    qs = rt.model._default_manager.all().order_by("pk")
    if not include_withdrawn:
        qs = qs.filter(status=Status.PUBLISHED)
    children = [r.get_accessor_name() for r in rt.model._meta.related_objects if r.name in CHILD_RELATIONS]
    return qs.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk")),
        Prefetch("alternatives", queryset=AlternativeValue.objects.order_by("pk")),
        *(m.name for m in rt.model._meta.many_to_many),
        *(c for c in children if c),
    )


def _source_brief(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "title": source.title,
        "url": source.url,
        "kind": source.kind,
        "reliability": source.reliability,
    }


def record_dict(rt_key: str, obj: models.Model) -> dict[str, Any]:
    """The export form of one record; citations carry a brief of their source."""
    data = public(snapshot(obj))
    sources = {c.source_id: c.source for c in obj.citations.all()}  # type: ignore[attr-defined]
    for citation in data["citations"]:
        citation["source"] = _source_brief(sources[citation["source"]])
    return {"type": rt_key, **data}


def iter_records(*, types: list[str] | None = None, include_withdrawn: bool = False) -> Iterator[dict[str, Any]]:
    """Every record of the chosen types, in type then id order, streamed in chunks."""
    for rt in RECORD_TYPES:
        if types and rt.key not in types:
            continue
        for obj in export_queryset(rt, include_withdrawn=include_withdrawn).iterator(chunk_size=_CHUNK):
            yield record_dict(rt.key, obj)


def iter_sources() -> Iterator[dict[str, Any]]:
    for source in Source.objects.order_by("pk").iterator(chunk_size=_CHUNK):
        yield {"type": "sources", **public(snapshot(source)), "citations": []}


def write_jsonl(
    out: TextIO, *, types: list[str] | None = None, include_withdrawn: bool = False, include_sources: bool = False
) -> int:
    """Write the export to ``out``; return the number of lines."""
    count = 0
    rows: Iterator[dict[str, Any]] = iter_records(types=types, include_withdrawn=include_withdrawn)
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    if include_sources:
        for row in iter_sources():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
