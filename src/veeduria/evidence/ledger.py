"""The revision ledger: every revision is hashed with the one before it, so a change made to the history outside
the program (a row edited, deleted or inserted in the database) shows (docs/ledger.md).

A revision's hash is the SHA-256 of its canonical JSON (:func:`canonical`), which includes the previous
revision's hash; the chain follows the revisions' ids, the first one linking to :data:`GENESIS`. Writers insert
revisions with an empty hash and call :func:`seal` in the same transaction (:func:`append` does both for one
revision); :func:`lock` makes writers take turns, so ids and links follow the same order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from veeduria.evidence.models import Revision

#: the previous hash of the first revision
GENESIS = "0" * 64
#: PostgreSQL advisory lock held by the transaction that writes revisions (any fixed 64-bit number)
LOCK_KEY = 0x7665656475726961  # "veeduria"
#: revisions read or written per batch
BATCH = 2000
#: the columns :func:`canonical` reads, in the order of :data:`Row` (content type as its id)
COLUMNS = (
    "id",
    "content_type_id",
    "object_id",
    "created_at",
    "author",
    "action",
    "changes",
    "reason",
    "source",
    "previous_hash",
    "hash",
)
Row = tuple[int, int, str, dt.datetime, str, str, Any, str, str, str, str]


def timestamp(value: dt.datetime) -> str:
    """``created_at`` in the canonical form: UTC, microseconds, ``Z`` (``2026-01-31T15:04:05.000123Z``)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    id: int,
    content_type: str,
    object_id: str,
    created_at: dt.datetime,
    author: str,
    action: str,
    changes: Any,
    reason: str,
    source: str,
    previous_hash: str,
) -> bytes:
    """The canonical JSON of a revision: these ten keys sorted, no whitespace, UTF-8 (not ``\\u`` escapes);
    ``content_type`` is ``"app_label.model"``, ``created_at`` as :func:`timestamp` writes it."""
    data = {
        "id": id,
        "content_type": content_type,
        "object_id": object_id,
        "created_at": timestamp(created_at),
        "author": author,
        "action": action,
        "changes": changes,
        "reason": reason,
        "source": source,
        "previous_hash": previous_hash,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def link(row: Row, previous_hash: str, content_types: dict[int, str]) -> str:
    """The hash of the revision ``row`` (see :data:`COLUMNS`) linked to ``previous_hash``."""
    pk, ct, object_id, created_at, author, action, changes, reason, source = row[:9]
    text = canonical(
        id=pk,
        content_type=content_types[ct],
        object_id=object_id,
        created_at=created_at,
        author=author,
        action=action,
        changes=changes,
        reason=reason,
        source=source,
        previous_hash=previous_hash,
    )
    return hashlib.sha256(text).hexdigest()


def content_type_names(content_type_model: type[models.Model] = ContentType) -> dict[int, str]:
    """``{content type id: "app_label.model"}``."""
    return {
        pk: f"{app}.{model}"
        for pk, app, model in content_type_model._default_manager.values_list("pk", "app_label", "model")
    }


class _ContentTypeNames(dict[int, str]):
    """``{content type id: "app_label.model"}`` read through Django's content type cache, as ids are met."""

    def __missing__(self, pk: int) -> str:
        try:
            ct = ContentType.objects.get_for_id(pk)
        except ContentType.DoesNotExist:  # a row written outside the program: its hash cannot match
            return str(pk)
        return f"{ct.app_label}.{ct.model}"


def lock() -> None:
    """Make writers of revisions take turns until the transaction ends (SQLite: its write transactions already
    do). Call it inside ``transaction.atomic()`` before inserting revisions."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def rows(queryset: models.QuerySet[Any]) -> Iterator[Row]:
    """The ledger columns of ``queryset`` in id order, read in batches."""
    yield from queryset.order_by("id").values_list(*COLUMNS).iterator(chunk_size=BATCH)


def chain(found: Iterable[Row], previous_hash: str, content_types: dict[int, str]) -> Iterator[tuple[int, str, str]]:
    """``(id, previous hash, hash)`` of each of ``found`` (in id order), chained from ``previous_hash``."""
    for row in found:
        digest = link(row, previous_hash, content_types)
        yield row[0], previous_hash, digest
        previous_hash = digest


def store(table: str, links: Iterable[tuple[int, str, str]], using: str = "default") -> int:
    """Write ``(id, previous hash, hash)`` into ``table`` in batches; returns the rows written."""
    from django.db import connections

    conn = connections[using]
    qn = conn.ops.quote_name
    sql = f"UPDATE {qn(table)} SET {qn('previous_hash')} = %s, {qn('hash')} = %s WHERE {qn('id')} = %s"
    written = 0
    batch: list[tuple[str, str, int]] = []
    with conn.cursor() as cursor:
        for pk, previous_hash, digest in links:
            batch.append((previous_hash, digest, pk))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def seal() -> int:
    """Hash the revisions written after the last hashed one, in id order; returns how many."""
    with transaction.atomic():
        lock()
        last = Revision.objects.exclude(hash="").order_by("-id").values_list("id", "hash").first()
        last_id, previous_hash = last if last is not None else (0, GENESIS)
        pending = Revision.objects.filter(id__gt=last_id)
        return store(Revision._meta.db_table, chain(rows(pending), previous_hash, _ContentTypeNames()))


def append(**fields: Any) -> Revision:
    """Create one revision with ``fields`` and hash it: the one way to write a single revision."""
    with transaction.atomic():
        lock()
        revision = Revision.objects.create(**fields)
        before = Revision.objects.filter(pk__lt=revision.pk).order_by("-pk").values_list("hash", flat=True).first()
        if before == "":  # revisions written before it and not hashed yet: hash them all, in order
            seal()
            revision.refresh_from_db(fields=["previous_hash", "hash"])
            return revision
        previous_hash = before or GENESIS
        row = Revision.objects.filter(pk=revision.pk).values_list(*COLUMNS).get()  # as stored (JSON, date)
        digest = link(row, previous_hash, _ContentTypeNames())
        Revision.objects.filter(pk=revision.pk).update(previous_hash=previous_hash, hash=digest)
        revision.previous_hash, revision.hash = previous_hash, digest
    return revision


@dataclass(frozen=True)
class Head:
    """The newest revision's hash, how many revisions the chain holds up to it, and its date."""

    hash: str
    count: int
    date: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {"hash": self.hash, "count": self.count, "date": self.date.isoformat() if self.date else None}


def head(before: dt.datetime | None = None) -> Head:
    """The head of the chain, or of the revisions written before ``before`` (an export as of a date)."""
    qs = Revision.objects.all() if before is None else Revision.objects.filter(created_at__lt=before)
    last = qs.order_by("-id").values_list("id", "hash", "created_at").first()
    if last is None:
        return Head(GENESIS, 0, None)
    pk, digest, date = last
    return Head(digest, Revision.objects.filter(id__lte=pk).count(), date)


@dataclass(frozen=True)
class Broken:
    """The first revision whose hash does not verify, and why."""

    id: int
    record: str
    date: dt.datetime
    why: str

    def __str__(self) -> str:
        return _("revisión %(id)d (%(record)s, %(date)s): %(why)s") % {
            "id": self.id,
            "record": self.record,
            "date": timestamp(self.date),
            "why": self.why,
        }


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: the revisions checked, the head, the first broken revision if any."""

    count: int
    head: str
    broken: Broken | None


def verify(progress: Callable[[int], None] | None = None) -> Verification:
    """Recompute the whole chain; stops at the first revision that does not verify. ``progress`` hears of each
    batch checked."""
    names = _ContentTypeNames()
    previous_hash, count = GENESIS, 0
    for row in rows(Revision.objects.all()):
        stored_previous, stored = row[9], row[10]
        digest = link(row, previous_hash, names)
        why = None
        if not stored:
            why = _("no tiene hash: se escribió fuera del programa")
        elif stored_previous != previous_hash:
            why = _("su enlace con la revisión anterior está roto: falta o sobra una revisión antes de ella")
        elif stored != digest:
            why = _("su contenido cambió después de escribirse")
        if why is not None:
            record = f"{names[row[1]]} {row[2]}".strip()
            return Verification(count, previous_hash, Broken(row[0], record, row[3], why))
        previous_hash = stored
        count += 1
        if progress is not None and count % BATCH == 0:
            progress(BATCH)
    if progress is not None:
        progress(count % BATCH)
    return Verification(count, previous_hash, None)
