"""The public data as it stood at the end of a past day, rebuilt from the revision history.

Every change of a record is a :class:`~veeduria.evidence.models.Revision` holding ``{field: [before, after]}``.
A record's state on a date is its current snapshot with the changes made after that day undone, newest first;
a record created after the day did not exist then (a record without any revision, such as the source of an
imported data set, counts from the time its row was written). A record merged into another after the day (its
row is gone) is rebuilt from the snapshot its merge revision kept. Findings are computed, not revisioned: an
"as of" export has none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from veeduria.evidence.models import MergedRecord, Revision, Status
from veeduria.evidence.revisions import Snapshot, snapshot

#: records read (and their later revisions looked up) at a time
CHUNK = 500
#: keys of a merge revision that are not ``[before, after]`` pairs
_MERGE_KEYS = {"merged_from", "merged_record"}


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the portal's time zone: revisions from then on are undone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def undo(state: Snapshot, revisions: list[Revision]) -> Snapshot | None:
    """``state`` with ``revisions`` (newest first) undone; ``None`` when one of them created the record."""
    for revision in revisions:
        if revision.action == Revision.Action.CREATE:
            return None
        for name, change in revision.changes.items():
            if name in _MERGE_KEYS or not isinstance(change, list) or len(change) != 2:
                continue
            state[name] = change[0]
    return state


def _later_revisions(ct: ContentType, ids: list[str], cutoff: dt.datetime) -> dict[str, list[Revision]]:
    found: dict[str, list[Revision]] = defaultdict(list)
    qs = Revision.objects.filter(content_type=ct, object_id__in=ids, created_at__gte=cutoff)
    for revision in qs.order_by("-created_at", "-pk").only("object_id", "action", "changes"):
        found[revision.object_id].append(revision)
    return found


def _merged_away(model: type[models.Model], ct: ContentType, cutoff: dt.datetime) -> Iterator[tuple[str, Snapshot]]:
    """The records merged into another after the day, each with its state when it was merged."""
    for old_id in (
        MergedRecord.objects.filter(content_type=ct, merged_at__gte=cutoff)
        .order_by("old_id")
        .values_list("old_id", flat=True)
    ):
        merge = (
            Revision.objects.filter(content_type=ct, action=Revision.Action.MERGE, changes__merged_from=old_id)
            .order_by("-created_at", "-pk")
            .first()
        )
        if merge is not None and isinstance(merge.changes.get("merged_record"), dict):
            yield old_id, dict(merge.changes["merged_record"])


def states_as_of(
    model: type[models.Model], queryset: models.QuerySet[Any], day: dt.date, *, include_withdrawn: bool
) -> Iterator[Snapshot]:
    """The snapshot of every record of ``model`` as it stood at the end of ``day`` (``queryset``: every current
    row, withdrawn ones too, with what :func:`snapshot` reads prefetched), published ones only unless
    ``include_withdrawn``; in id order within the current rows, then the merged-away ones."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    cutoff = end_of_day(day)

    def keep(state: Snapshot | None) -> bool:
        return state is not None and (include_withdrawn or state.get("status", Status.PUBLISHED) == Status.PUBLISHED)

    batch: list[models.Model] = []

    def flush() -> Iterator[Snapshot]:
        ids = [str(o.pk) for o in batch]
        later = _later_revisions(ct, ids, cutoff)
        with_history = set(
            Revision.objects.filter(content_type=ct, object_id__in=ids).values_list("object_id", flat=True).distinct()
        )
        for obj in batch:
            created = getattr(obj, "created_at", None)
            if str(obj.pk) not in with_history and created is not None and created >= cutoff:
                continue  # written without a revision (an importer's data set source) after the day
            state = undo(snapshot(obj), later.get(str(obj.pk), []))
            if keep(state):
                yield state  # type: ignore[misc]

    for obj in queryset.iterator(chunk_size=CHUNK):
        batch.append(obj)
        if len(batch) >= CHUNK:
            yield from flush()
            batch = []
    yield from flush()
    for old_id, state in _merged_away(model, ct, cutoff):
        restored = undo(state, _later_revisions(ct, [old_id], cutoff).get(old_id, []))
        if keep(restored):
            yield restored  # type: ignore[misc]
