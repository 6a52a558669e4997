"""The public records of each type as export dicts (the form of ``veeduria export``: ``type``, the fields,
``citations`` with a brief of their source, ``alternatives``), now or as they stood on a past date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from veeduria.evidence.models import Source, Status
from veeduria.evidence.revisions import snapshot
from veeduria.publicdata.as_of import states_as_of
from veeduria.records.export import export_queryset, public
from veeduria.records.registry import BY_KEY

CHUNK = 2000


@dataclass(frozen=True)
class Selection:
    """Which state of the data an export shows: now or at the end of ``as_of``; withdrawn records or not."""

    as_of: dt.date | None = None
    include_withdrawn: bool = False


class SourceBriefs:
    """The brief of each cited source (id, title, URL, kind, reliability), read once per export."""

    def __init__(self) -> None:
        self._briefs: dict[str, dict[str, Any]] | None = None

    def get(self, source_id: str) -> dict[str, Any]:
        if self._briefs is None:
            rows = Source.objects.values("id", "title", "url", "kind", "reliability").iterator()
            self._briefs = {row["id"]: dict(row) for row in rows}
        return self._briefs.get(source_id, {"id": source_id})


def _export_form(key: str, state: dict[str, Any], briefs: SourceBriefs) -> dict[str, Any]:
    data = public(state)
    if key == "sources":
        data["citations"] = []  # as in ``veeduria export --include-sources``
    for citation in data.get("citations", []):
        if not isinstance(citation.get("source"), dict):
            citation["source"] = briefs.get(citation["source"])
    return {"type": key, **data}


def _source_queryset(include_withdrawn: bool) -> models.QuerySet[Source]:
    qs = Source.objects.order_by("pk")
    return qs if include_withdrawn else qs.filter(status=Status.PUBLISHED)


def iter_type(key: str, selection: Selection, briefs: SourceBriefs | None = None) -> Iterator[dict[str, Any]]:
    """Every public record of ``key`` (a record type, or ``sources``) in id order, streamed."""
    briefs = briefs or SourceBriefs()
    if key == "sources":
        model: type[models.Model] = Source
        current: models.QuerySet[Any] = _source_queryset(include_withdrawn=True)
    else:
        model = BY_KEY[key].model
        current = export_queryset(BY_KEY[key], include_withdrawn=True)
    if selection.as_of is not None:
        for state in states_as_of(model, current, selection.as_of, include_withdrawn=selection.include_withdrawn):
            yield _export_form(key, state, briefs)
        return
    if not selection.include_withdrawn:
        current = current.filter(status=Status.PUBLISHED)
    for obj in current.iterator(chunk_size=CHUNK):
        yield _export_form(key, snapshot(obj), briefs)
