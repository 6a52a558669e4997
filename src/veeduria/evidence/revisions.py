"""Revision history: a snapshot of a record with everything attached to it, and the diff between two.

Every writer (the dataset loader, the importers, the admin, the commands) decides values through
:mod:`veeduria.evidence.writes`, takes a snapshot before and after a change and calls :func:`record_change`
(the importers' bulk path writes the same revision rows in batches); nothing else writes revisions. Every
revision is chained by :mod:`veeduria.evidence.ledger`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from veeduria.evidence import ledger
from veeduria.evidence.models import AlternativeValue, Citation, Record, Revision, Status

Snapshot = dict[str, Any]
#: Reverse relations that belong to a record and are versioned with it.
CHILD_RELATIONS = {"personnel", "items", "places", "periods"}
_SKIP = {"created_at", "updated_at"}


def plain(value: Any) -> Any:
    """A JSON-compatible form of a field value."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def _derived(field: models.Field) -> bool:
    """Binary fields hold data derived from other fields (e.g. a claim's embedding): neither versioned nor exported."""
    return isinstance(field, models.BinaryField)


def snapshot(obj: models.Model) -> Snapshot:
    """Every versioned value of ``obj``: fields, many-to-many ids, child rows, citations, alternatives."""
    data: Snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.name not in _SKIP and not getattr(field, "generated", False) and not _derived(field):
            data[field.name] = plain(field.value_from_object(obj))
    if obj.pk is None or not isinstance(obj, Record):
        return data
    for m2m in obj._meta.many_to_many:
        data[m2m.name] = sorted(str(o.pk) for o in getattr(obj, m2m.name).all())
    for rel in obj._meta.related_objects:
        if rel.name in CHILD_RELATIONS and rel.related_model is not None:
            rows = getattr(obj, rel.get_accessor_name() or rel.name).all()
            data[rel.name] = [
                {
                    f.name: plain(f.value_from_object(row))
                    for f in row._meta.concrete_fields
                    if f.name not in {"id", "authorization"}
                }
                for row in rows
            ]
    data["citations"] = [
        {
            "source": c.source_id,
            "field": c.field,
            "locator": c.locator,
            "quote": c.quote,
            "note": c.note,
            **({"document": c.document_id, "page": c.page} if c.document_id else {}),
        }
        for c in obj.citations.all()
    ]
    data["alternatives"] = [
        {
            "field": a.field,
            "value": a.value,
            "source": a.source_id,
            "preferred": a.preferred,
            "locator": a.locator,
            "quote": a.quote,
            "note": a.note,
        }
        for a in obj.alternatives.all()
    ]
    return data


def diff(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every value that differs."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record_change(
    obj: models.Model, before: Snapshot | None, *, author: str, reason: str = "", source: str = ""
) -> Revision | None:
    """Write a revision for ``obj`` if anything changed since ``before`` (``None`` = just created); ``source``:
    the data set on whose authority an import made the change (empty for editors' work)."""
    after = snapshot(obj)
    if before is None:
        action, changes = Revision.Action.CREATE, {k: [None, v] for k, v in after.items() if v not in (None, "", [])}
    else:
        changes = diff(before, after)
        if not changes:
            return None
        action = Revision.Action.UPDATE
        if "status" in changes:
            action = Revision.Action.WITHDRAW if after.get("status") == Status.WITHDRAWN else Revision.Action.RESTORE
    return ledger.append(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        author=author,
        action=action,
        changes=changes,
        reason=reason,
        source=source,
    )


def withdraw(obj: Record, *, reason: str, author: str) -> None:
    """Withdraw a record from publication; it stays retrievable with its history."""
    if not reason.strip():
        raise ValueError("a withdrawal needs a reason")
    before = snapshot(obj)
    obj.status = Status.WITHDRAWN
    obj.withdrawn_reason = reason
    obj.save()
    record_change(obj, before, author=author, reason=reason)


__all__ = ["AlternativeValue", "Citation", "diff", "plain", "record_change", "snapshot", "withdraw"]
