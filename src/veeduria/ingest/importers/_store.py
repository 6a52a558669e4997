"""Writing imported records: idempotent upsert by id in chunks (bulk inserts, content comparison,
revisions, citations, many-to-many links), the source of the file and the countries it names."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import operator
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veeduria.evidence import ledger
from veeduria.evidence.models import Citation, MergedRecord, Record, Revision, Source
from veeduria.evidence.precedence import CURATED, IMPORTED, Claim
from veeduria.evidence.revisions import plain, record_change
from veeduria.evidence.writes import (
    Provenance,
    Resolution,
    SourceFacts,
    alternative_value,
    claim,
    keep_alternative,
    precision_partner,
    provenance_from_revisions,
    resolve,
    same_value,
)
from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import Row
from veeduria.ingest.importers.countries import names as country_names
from veeduria.ingest.importers.errors import RowError
from veeduria.records.merge import resolve_merged
from veeduria.records.models import Country
from veeduria.search import signals as search_signals

if TYPE_CHECKING:
    from veeduria.ingest.importers import ImportReport

CHUNK = 1000
#: ``changes`` of a create revision written by an import (one shared object, serialised once per run)
_CREATED: dict[str, Any] = {}
_SKIP = {"created_at", "updated_at"}


_gc_lock = threading.Lock()
_gc_depth = 0  # imports running (threads): the settings change with the first and come back after the last
_gc_saved: tuple[int, ...] = ()
#: young collections every 10,000 container allocations instead of 700 while an import runs
_GC_THRESHOLD = (10_000, 10, 10)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Fewer garbage collector passes during an import, which allocates a few short-lived objects per row:
    what existed before (Django, the caches) is set aside instead of being scanned again at every full
    collection (``gc.freeze``), and young collections are rarer. Cycles are still collected; the previous
    settings come back afterwards."""
    global _gc_depth, _gc_saved
    with _gc_lock:
        _gc_depth += 1
        if _gc_depth == 1:
            _gc_saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*_GC_THRESHOLD)
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                gc.set_threshold(*_gc_saved)
                gc.unfreeze()


def _driver_integrity_error() -> type[Exception]:
    """The driver's own IntegrityError (psycopg's ``COPY`` raises it unwrapped)."""
    return getattr(getattr(connection, "Database", None), "IntegrityError", IntegrityError)


class Progress:
    """A one-line progress bar on stderr, only on a terminal and for big files."""

    def __init__(
        self, label: str, total: int, enabled: bool | None, *, threshold: int = 5000, step: int = 500, unit: str = ""
    ) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty() and total > threshold
        self.enabled = enabled
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self._next = 0
        self.step = step
        #: what is counted (default: rows)
        self.unit = unit or _("filas")

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.enabled and self.done >= self._next:
            self._next = self.done + max(self.total // 200, self.step)
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(frac * 30)
            text = _("%(label)s [%(bar)s] %(done)s/%(total)s %(unit)s") % {
                "label": self.label,
                "bar": f"{bar:<30}",
                "done": f"{self.done:,}",
                "total": f"{self.total:,}",
                "unit": self.unit,
            }
            sys.stderr.write(f"\r{text}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            text = _("%(label)s [%(bar)s] %(done)s %(unit)s") % {
                "label": self.label,
                "bar": "#" * 30,
                "done": f"{self.done:,}",
                "unit": self.unit,
            }
            sys.stderr.write(f"\r{text}\n")
            sys.stderr.flush()


@dataclass
class SourceInfo:
    """Provenance of a file, from ``data/external/manifest.yaml`` or a fallback."""

    title: str
    publisher: str = ""
    url: str = ""
    repository: str = ""
    commit: str = ""
    licence: str = ""
    notes: str = ""
    kind: str = "dataset"
    language: str = "en"
    reliability: str = "confirmed"


@dataclass
class Context:
    """Everything one import run shares: file, format, options, source, report, caches."""

    fmt: str
    path: Path
    country: str | None
    skip_bad_rows: bool
    author: str
    report: ImportReport
    progress: Progress
    source_info: SourceInfo
    source_id: str = ""
    errors: list[RowError] = field(default_factory=list)
    _countries: dict[str, str] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=timezone.now)
    progress_wanted: bool | None = None

    def start_progress(self, total: int) -> Progress:
        self.progress = Progress(f"{self.fmt} {self.path.name}", total, self.progress_wanted)
        return self.progress

    @property
    def revision_author(self) -> str:
        return f"{self.author}:{self.fmt}"

    @property
    def reason(self) -> str:
        return f"import {self.fmt} {self.path.name}"

    def tune(self) -> None:
        """A bigger page cache for SQLite during a bulk import (bounded: 64 MB), so that index inserts
        into a large table do not thrash; PostgreSQL needs nothing."""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")

    # -- errors --------------------------------------------------------------------------------
    def row_country(self, row: Row, column: str = "iso3") -> str | None:
        """The row's ISO3 country code, checked; ``None`` (counted as not selected) when ``--country`` names
        another country."""
        text = row.text(column)
        iso3 = text.upper()
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            raise row.error(column, P.not_iso3(text))
        if self.country and iso3 != self.country:
            self.report.filtered += 1
            return None
        return iso3

    def row_error(self, err: RowError) -> None:
        self.errors.append(err)
        if self.skip_bad_rows:
            self.report.skipped.append(str(err))

    @property
    def failed(self) -> bool:
        """True once a row error means the whole file will be rejected (no need to keep writing)."""
        return bool(self.errors) and not self.skip_bad_rows

    # -- source --------------------------------------------------------------------------------
    def ensure_source(self, prefix: str) -> str:
        """Create or update the source of this file (id: ``prefix`` + the file's name) and cite it from now on."""
        source_id = f"{prefix}-{P.slug(self.path.stem)}"[:120]
        info = self.source_info
        values = {
            "title": info.title[:500],
            "publisher": info.publisher[:300],
            "url": info.url,
            "repository": info.repository[:300],
            "commit": info.commit[:64],
            "licence": info.licence[:200],
            "notes": info.notes,
            "kind": info.kind,
            "language": info.language,
            "reliability": info.reliability,
        }
        src = Source.objects.filter(pk=source_id).first()
        if src is None:
            Source.objects.create(id=source_id, published_precision="unknown", **values)
        else:
            changed = {k: v for k, v in values.items() if getattr(src, k) != v}
            if changed:
                Source.objects.filter(pk=source_id).update(**changed, updated_at=self.now)
        self.source_id = source_id
        return source_id

    # -- countries -----------------------------------------------------------------------------
    def country_id(self, iso3: str, name_en: str = "") -> str:
        """The id of the country with this ISO3 code, created (with a citation) if missing."""
        iso3 = iso3.strip().upper()
        if iso3 in self._countries:
            return self._countries[iso3]
        existing = Country.objects.filter(iso3=iso3).values_list("pk", flat=True).first()
        if existing is None:
            name_es, default_en = country_names(iso3)
            if name_es == iso3 and name_en:
                name_es = name_en
            country = Country.objects.create(
                id=iso3.lower(),
                iso3=iso3,
                name_es=name_es,
                name_en=name_en if default_en == iso3 and name_en else default_en,
            )
            Citation.objects.create(
                content_type=ContentType.objects.get_for_model(Country),
                object_id=country.pk,
                source_id=self.source_id,
                locator="",
                note="country named in the imported file",
            )
            record_change(country, None, author=self.revision_author, reason=self.reason, source=self.source_id)
            existing = country.pk
        self._countries[iso3] = str(existing)
        return str(existing)


# ------------------------------------------------------------------------------------------- writer


#: What :meth:`Writer.add` was given for one record, until its chunk is written: values (a dict, or a tuple in
#: the order of the writer's ``fields``), locator, note, many-to-many targets (``None``: none given)
Pending = tuple[dict[str, Any] | tuple[Any, ...], str, str, dict[str, list[str]] | None]


def _adapter(f: models.Field) -> Callable[[Any], Any] | None:
    """How a Python value of ``f`` is passed to the database driver (``None``: as it is)."""
    ops = connection.ops
    if isinstance(f, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(f, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(f, models.DecimalField):
        if type(ops).adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value:
            return None  # passed as it is (the base implementation returns the value unchanged)
        return lambda v: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
    if isinstance(f, models.JSONField):
        return lambda v: f.get_db_prep_value(v, connection)
    return None


class _Inserter:
    """Plain multi-row INSERTs through the DB-API ``executemany`` (portable, fast, no per-row ORM)."""

    def __init__(self, model: type[models.Model], *, with_pk: bool = True) -> None:
        qn = connection.ops.quote_name
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if (with_pk or not f.primary_key) and not getattr(f, "generated", False)
        ]
        self.attnames = [f.attname for f in self.fields]
        cols = ", ".join(qn(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({marks})"
        self.defaults = [f.get_default() for f in self.fields]
        #: (position, adapter, memo) for the columns whose values need adapting; dates and datetimes repeat a
        #: lot in imported files, so their adapted values are memoised per run
        self.adapted: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]] = [
            (i, fn, {} if isinstance(f, models.DateField | models.JSONField) else None)
            for i, f in enumerate(self.fields)
            if (fn := _adapter(f)) is not None
        ]
        self.default_row = dict(zip(self.attnames, self.defaults, strict=True))
        getter = operator.itemgetter(*self.attnames)
        self.getter: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            getter if len(self.attnames) > 1 else (lambda row: (getter(row),))
        )

    def run(self, rows: Iterable[dict[str, Any]]) -> None:
        default, getter = self.default_row, self.getter
        params = [list(getter(default | row)) for row in rows]
        if params:
            self.run_lists(params, self.adapted)

    def template(self, varying: Iterable[str], constants: dict[str, Any]) -> _Template:
        return _Template(self, list(varying), constants)

    def run_lists(
        self, params: list[list[Any]], adapted: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]]
    ) -> None:
        """Insert rows of parameters in column order, adapting the values at the ``adapted`` positions."""
        if not params:
            return
        for i, fn, memo in adapted:
            if memo is None:
                for values in params:
                    if values[i] is not None:
                        values[i] = fn(values[i])
                continue
            for values in params:
                value = values[i]
                if value is None:
                    continue
                key = id(value) if value is _CREATED else value
                try:
                    values[i] = memo[key]
                except (KeyError, TypeError):
                    result = fn(value)
                    if len(memo) < 4096:
                        with contextlib.suppress(TypeError):  # unhashable (JSON)
                            memo[key] = result
                    values[i] = result
        execute_many(self.sql, params)


class _Template:
    """Parameter rows of one INSERT built straight from a tuple of ``varying`` values per row (no dict per row);
    every other column is a constant of the run (from ``constants``, or the column's default), adapted once."""

    def __init__(self, ins: _Inserter, varying: list[str], constants: dict[str, Any]) -> None:
        self.ins = ins
        index = {name: i for i, name in enumerate(varying)}
        adapters = {i: (fn, memo) for i, fn, memo in ins.adapted}
        consts: list[Any] = []
        positions: list[int] = []
        #: (position in the row, adapter, memo) of the varying values that need adapting
        self.adapted: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]] = []
        for pos, (name, default) in enumerate(zip(ins.attnames, ins.defaults, strict=True)):
            if name in index:
                positions.append(index[name])
                if pos in adapters:
                    self.adapted.append((pos, *adapters[pos]))
                continue
            value = constants.get(name, default)
            if value is not None and pos in adapters:
                value = adapters[pos][0](value)
            positions.append(len(varying) + len(consts))
            consts.append(value)
        self.consts = tuple(consts)
        getter = operator.itemgetter(*positions)
        self.getter: Callable[[tuple[Any, ...]], tuple[Any, ...]] = (
            getter if len(positions) > 1 else (lambda row: (getter(row),))
        )

    def rows(self, values: Iterable[tuple[Any, ...]]) -> list[Any]:
        getter, consts = self.getter, self.consts
        if self.adapted:
            return [list(getter(v + consts)) for v in values]
        return [getter(v + consts) for v in values]

    def run(self, values: Iterable[tuple[Any, ...]]) -> None:
        self.ins.run_lists(self.rows(values), self.adapted)


def execute_many(sql: str, params: list[Any]) -> None:
    """``executemany`` on SQLite (one prepared statement, fast); ``COPY ... FROM STDIN`` on PostgreSQL, where
    Django's client-side binding would otherwise send one statement per row."""
    if not params:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(sql, params)
            return
        head = sql.split(" VALUES ", 1)[0].replace("INSERT INTO", "COPY", 1)
        with cursor.cursor.copy(f"{head} FROM STDIN") as copy:
            for row in params:
                copy.write_row(row)


def inserter(model: type[models.Model], *, with_pk: bool = True) -> _Inserter:
    return _Inserter(model, with_pk=with_pk)


class Writer:
    """Idempotent upsert of one record type by id, in chunks: the bulk form of the one write path
    (:mod:`veeduria.evidence.writes`).

    A field whose current value this file's source stated is updated (a revision names the change). A field
    another source stated (a curated record, another file) is decided by the precedence rules: filled when
    empty; when the values differ, the preferred one stays or replaces it and the other is kept as an
    alternative value with its source and row. ``fill`` lists the fields this format states on records it did
    not write (others are left alone). ``defer_to`` names a source-id prefix whose records this format never
    restates, only adds to.
    """

    def __init__(
        self,
        ctx: Context,
        model: type[Record],
        fields: Iterable[str],
        *,
        m2m: Iterable[str] = (),
        defer_to: str | None = None,
        chunk: int = CHUNK,
        m2m_union: bool = False,
        fill: Iterable[str] | None = None,
    ) -> None:
        self.ctx = ctx
        self.model = model
        self.attnames = list(fields)
        self.m2m = list(m2m)
        self.defer_to = defer_to
        #: many-to-many links are only added, never removed (files that list one link per row, filtered)
        self.m2m_union = m2m_union
        #: fields that may be filled in on records this format does not own (default: all of them)
        self.fill = set([*self.attnames, *self.m2m] if fill is None else fill)
        self.chunk = chunk
        self.pending: dict[str, Pending] = {}
        self.ct = ContentType.objects.get_for_model(model)
        meta = model._meta
        self.names = {f.attname: f.name for f in meta.concrete_fields}
        self.field_by_attname = {f.attname: f for f in meta.concrete_fields}
        self.index = {name: i for i, name in enumerate(self.attnames)}
        #: ids of this type merged into another record (a short list, read once)
        self.merged_ids = set(MergedRecord.objects.filter(content_type=self.ct).values_list("old_id", flat=True))
        self._insert = inserter(model)
        self._insert_citation = inserter(Citation, with_pk=False)
        self._insert_revision = inserter(Revision, with_pk=False)
        self._through_sqls: dict[str, str] = {}
        self.facts = SourceFacts()
        #: date attname → the attname of its precision, for the dates among ``fields``
        self.date_precision = {
            f.attname: p
            for f in meta.concrete_fields
            if f.attname in self.attnames and (p := precision_partner(model, f)) in self.attnames
        }
        self.precision_of_date = set(self.date_precision.values())
        self._reason: str | None = None
        self._tpl: tuple[_Template, _Template, _Template] | None = None
        self.written_ids: list[str] = []  # only kept when ``keep_ids`` (small imports)
        self.keep_ids = False
        #: the table is empty: the first chunks need no comparison with existing rows
        self.fresh = not model._default_manager.exists()

    def add(
        self,
        pk: str,
        values: dict[str, Any] | tuple[Any, ...],
        *,
        locator: str,
        note: str = "",
        m2m: dict[str, list[str]] | None = None,
    ) -> None:
        """Queue one record: ``values`` by field name, or (cheaper for big files) a tuple of every field in the
        order of the writer's ``fields``."""
        pending = self.pending
        if pk in pending:
            self.flush()
            pending = self.pending
        pending[pk] = (values, locator[:200], note, m2m)
        if len(pending) >= self.chunk:
            self.flush()

    # -- the chunk ------------------------------------------------------------------------------
    def flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        if self.ctx.failed:
            return
        ids = list(pending)
        search_signals.mark_records(self.model, ids)  # bulk writes send no signals: the index hears of them here
        if self.fresh:
            # The table was empty when the import started: only this run can have written these ids, and it
            # does not repeat ids, so nothing needs comparing. Should an id repeat after all, the chunk's
            # savepoint is rolled back and the chunk is compared like any other.
            try:
                with transaction.atomic():
                    self._apply(pending, ids, {})
                return
            except (IntegrityError, _driver_integrity_error()):
                self.fresh = False
        # a record merged into another is written to the survivor, which another source wrote: its values are
        # decided like any other source's, after the chunk (the survivor may be in the chunk too)
        hit = [pk for pk in ids if pk in self.merged_ids]
        merged = resolve_merged(self.model, hit) if hit else {}
        later = {merged[pk]: pending.pop(pk) for pk in merged}
        for group in (pending, later):
            if group:
                self._apply(group, list(group), self._existing(list(group)))

    def _existing(self, ids: list[str]) -> dict[str, tuple[Any, ...]]:
        """The stored values of those of ``ids`` that exist, in the order of ``fields``."""
        return {
            row[0]: row[1:] for row in self.model._default_manager.filter(pk__in=ids).values_list("pk", *self.attnames)
        }

    def _differs(self, values: dict[str, Any] | tuple[Any, ...], stored: tuple[Any, ...]) -> bool:
        """Whether a queued record states a value other than the stored one (a quick check first)."""
        if type(values) is tuple:
            return values != stored and any(not same_value(a, b) for a, b in zip(stored, values, strict=True))
        assert isinstance(values, dict)
        index = self.index
        return any(not same_value(stored[index[k]], v) for k, v in values.items())

    def _templates(self) -> tuple[_Template, _Template, _Template]:
        """Rows of the three INSERTs of a created record (record, citation, create revision) from tuples."""
        if self._tpl is None:
            ctx, ct = self.ctx, self.ct.pk
            self._tpl = (
                self._insert.template([*self.attnames, "id"], {"created_at": ctx.now, "updated_at": ctx.now}),
                self._insert_citation.template(
                    ["object_id", "locator", "note"],
                    {"content_type_id": ct, "field": "", "source_id": ctx.source_id, "quote": ""},
                ),
                # a create revision says who, when and why (file and format); the values are the record
                # itself and the cited row, so they are not copied into the revision (bulk imports)
                self._insert_revision.template(
                    ["object_id"],
                    {
                        "content_type_id": ct,
                        "created_at": ctx.now,
                        "author": ctx.revision_author,
                        "action": Revision.Action.CREATE,
                        "changes": _CREATED,
                        "reason": ctx.reason,
                        "source": ctx.source_id,
                    },
                ),
            )
        return self._tpl

    def _provenance(self, ex_ids: list[str]) -> dict[str, tuple[Provenance, tuple[str, str]]]:
        """Who stated each field of the existing records (see :func:`writes.provenance_from_revisions`): the
        creator from the create revisions, then the fields later revisions changed (rare: read only for those)."""
        ctx = self.ctx
        rows: dict[str, list[tuple[str, Any, str]]] = {}
        revisions = Revision.objects.filter(content_type=self.ct, object_id__in=ex_ids)
        for oid, source, author, reason in revisions.filter(action=Revision.Action.CREATE).values_list(
            "object_id", "source", "author", "reason"
        ):
            if not source and author == ctx.revision_author and reason == ctx.reason:
                source = ctx.source_id  # written before revisions named their source
            rows[oid] = [(Revision.Action.CREATE, None, source)]
        later = revisions.exclude(action=Revision.Action.CREATE).order_by("created_at", "pk")
        for oid, action, changes, source in later.values_list("object_id", "action", "changes", "source"):
            rows.setdefault(oid, []).append((action, changes, source))
        return {oid: provenance_from_revisions(r) for oid, r in rows.items()}

    def _apply(self, pending: dict[str, Pending], ids: list[str], existing: dict[str, tuple[Any, ...]]) -> None:
        ctx, ct = self.ctx, self.ct
        now = ctx.now
        known: dict[str, tuple[Provenance, tuple[str, str]]] = {}
        deferred: set[str] = set()
        citations: dict[str, tuple[int, str, str]] = {}
        #: existing records whose queued values differ from the stored ones (only those need deciding)
        differ = {pk for pk, stored in existing.items() if self._differs(pending[pk][0], stored)}
        if existing:
            ex_ids = list(existing)
            deciding = sorted(differ | {pk for pk in ex_ids if pending[pk][3]})
            known = self._provenance(deciding) if deciding else {}
            if self.defer_to:
                deferred = set(
                    Citation.objects.filter(
                        content_type=ct,
                        object_id__in=ex_ids,
                        source__id__startswith=self.defer_to,
                    ).values_list("object_id", flat=True)
                )
            for cpk, oid, loc, note in Citation.objects.filter(
                content_type=ct,
                object_id__in=ex_ids,
                source_id=ctx.source_id,
                field="",
            ).values_list("pk", "object_id", "locator", "note"):
                citations.setdefault(oid, (cpk, loc, note))
        links = self._links(list(existing)) if self.m2m and existing else {}

        record_tpl, citation_tpl, revision_tpl = self._templates()
        creates: list[dict[str, Any]] = []  # records given as dicts
        created: list[tuple[Any, ...]] = []  # records given as tuples: (*values, id)
        new_citations: list[tuple[str, str, str]] = []  # (object id, locator, note)
        created_ids: list[tuple[str]] = []
        revisions: list[dict[str, Any]] = []
        names = self.names
        mine = (IMPORTED, ctx.source_id)
        # in id order: neighbouring index pages are written together (ids are hashes, random otherwise)
        for pk in sorted(pending):
            values, locator, note, m2m = pending[pk]
            stored = existing.get(pk)
            if stored is None:
                if type(values) is tuple:
                    created.append((*values, pk))
                else:
                    row = dict(values)
                    row["id"] = pk
                    row["created_at"] = now
                    row["updated_at"] = now
                    creates.append(row)
                new_citations.append((pk, locator, note))
                created_ids.append((pk,))
                continue
            old = dict(zip(self.attnames, stored, strict=True))
            if pk not in differ:
                given: dict[str, Any] = {}
            else:
                given = values if isinstance(values, dict) else dict(zip(self.attnames, values, strict=True))
            fields_by, creator = known.get(pk, ({}, (CURATED, "")))
            if pk in deferred:
                creator = (CURATED, "")  # a source this format defers to wrote it: never ours to restate
            changes = {}
            update: dict[str, Any] = {}
            held: list[tuple[str, Claim, Any]] = []  # (field, claim kept aside, its value)
            for k, new in given.items():
                if k in self.precision_of_date:
                    continue  # goes with its date
                was = old[k]
                partner = self.date_precision.get(k)
                if same_value(was, new) and (partner is None or old[partner] == given.get(partner, old[partner])):
                    continue
                name = names[k]
                by = fields_by.get(name, creator)
                if by != mine and k not in self.fill:
                    continue  # a fact this format does not state on a record another source wrote
                outcome = Resolution(set=True) if same_value(was, new) else self._decide(by, was, new, locator)
                if outcome.keep is not None:
                    precision = (old[partner] if outcome.keep.incumbent else given.get(partner)) if partner else None
                    value = alternative_value(self.field_by_attname[k], outcome.keep.value, precision)
                    held.append((name, outcome.keep, value))
                if outcome.set:
                    update[k] = new
                    changes[name] = [plain(was), plain(new)]
                    if partner and partner in given and old[partner] != given[partner]:
                        update[partner] = given[partner]
                        changes[names[partner]] = [old[partner], given[partner]]
            for name, targets in (m2m or {}).items():
                current = links.get(name, {}).get(pk, set())
                wanted = set(targets) | (current if self.m2m_union else set())
                if current == wanted:
                    continue
                by = fields_by.get(name, creator)
                if by != mine and name not in self.fill:
                    continue
                outcome = self._decide(by, sorted(current), sorted(wanted), locator)
                if outcome.keep is not None:
                    held.append((name, outcome.keep, sorted(str(v) for v in outcome.keep.value)))
                if outcome.set:
                    self._set_links(name, pk, current, wanted)
                    changes[name] = [sorted(current), sorted(wanted)]
            cit = citations.get(pk)
            if cit is None:
                new_citations.append((pk, locator, note))
                changes["citations"] = [None, f"{ctx.source_id} {locator}".strip()]
            elif (cit[1], cit[2]) != (locator, note):
                Citation.objects.filter(pk=cit[0]).update(locator=locator, note=note)
            if update:
                self.model._default_manager.filter(pk=pk).update(**update, updated_at=now)
            added = self._keep(pk, held) if held else []
            if added:
                changes["alternatives"] = [None, added]
            if changes:
                revisions.append(self._revision(pk, Revision.Action.UPDATE, changes))
                ctx.report.updated += 1
            else:
                ctx.report.unchanged += 1
        self._insert.run(creates)
        record_tpl.run(created)
        for name in self.m2m:
            pairs = sorted(
                (pk, t)
                for pk, (_values, _locator, _note, m2m) in pending.items()
                if pk not in existing and m2m
                for t in dict.fromkeys(m2m.get(name, ()))
            )
            if pairs:
                execute_many(self._through_sql(name), pairs)
        citation_tpl.run(new_citations)
        if created_ids or revisions:
            ledger.lock()
            revision_tpl.run(created_ids)
            self._insert_revision.run(revisions)
            ledger.seal()
        ctx.report.created += len(creates) + len(created)
        if self.keep_ids:
            self.written_ids.extend(ids)

    def _decide(self, by: tuple[str, str], was: Any, new: Any, locator: str) -> Resolution:
        """The one write path's decision for one field of an existing record (``by``: who stated ``was``)."""
        ctx = self.ctx
        incumbent = claim(was, by[0], by[1], self.facts, incumbent=True)
        return resolve(incumbent, claim(new, IMPORTED, ctx.source_id, self.facts, locator=locator))

    def _keep(self, pk: str, held: list[tuple[str, Claim, Any]]) -> list[dict[str, Any]]:
        """Store the values of ``pk`` kept aside as alternative values; returns those written (a source's value
        already kept is not repeated)."""
        obj = self.model(id=pk)
        added = []
        for name, kept, value in held:
            if keep_alternative(obj, name, kept, value):
                added.append({"field": name, "value": value, "source": kept.source_id})
        return added

    def _revision(self, pk: str, action: str, changes: dict[str, Any]) -> dict[str, Any]:
        if self._reason is None:
            self._reason = self.ctx.reason
        return {
            "content_type_id": self.ct.pk,
            "object_id": pk,
            "created_at": self.ctx.now,
            "author": self.ctx.revision_author,
            "action": action,
            "changes": changes,
            "reason": self._reason,
            "source": self.ctx.source_id,
        }

    # -- many-to-many ---------------------------------------------------------------------------
    def _through(self, name: str) -> tuple[type[models.Model], str, str]:
        m2m_field = self.model._meta.get_field(name)
        assert isinstance(m2m_field, models.ManyToManyField)
        through = m2m_field.remote_field.through
        assert through is not None and not isinstance(through, str)
        return through, f"{m2m_field.m2m_field_name()}_id", f"{m2m_field.m2m_reverse_field_name()}_id"

    def _through_sql(self, name: str) -> str:
        sql = self._through_sqls.get(name)
        if sql is None:
            through, src, dst = self._through(name)
            qn = connection.ops.quote_name
            meta = through._meta
            columns = {f.attname: str(f.column) for f in meta.concrete_fields}
            sql = f"INSERT INTO {qn(meta.db_table)} ({qn(columns[src])}, {qn(columns[dst])}) VALUES (%s, %s)"
            self._through_sqls[name] = sql
        return sql

    def _links(self, ids: list[str]) -> dict[str, dict[str, set[str]]]:
        out: dict[str, dict[str, set[str]]] = {}
        for name in self.m2m:
            through, src, dst = self._through(name)
            found: dict[str, set[str]] = {}
            for a, b in through._default_manager.filter(**{f"{src}__in": ids}).values_list(src, dst):
                found.setdefault(str(a), set()).add(str(b))
            out[name] = found
        return out

    def _set_links(self, name: str, pk: str, current: set[str], wanted: set[str]) -> None:
        through, src, dst = self._through(name)
        extra = current - wanted
        if extra:
            through._default_manager.filter(**{src: pk, f"{dst}__in": list(extra)}).delete()
        missing = wanted - current
        if missing:
            through._default_manager.bulk_create([through(**{src: pk, dst: t}) for t in sorted(missing)])


def write_report(ctx: Context, lines: list[str]) -> Path:
    """Write the skipped rows of an import to ``<VEEDURIA_DATA_DIR>/reports/`` and return the file."""
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = ctx.now.strftime("%Y%m%dT%H%M%S")
    target = folder / f"import-{ctx.fmt}-{ctx.path.stem}-{stamp}.txt"
    skipped = ngettext("%(n)d fila omitida:", "%(n)d filas omitidas:", len(lines)) % {"n": len(lines)}
    header = [f"# veeduria import {ctx.fmt} {ctx.path}", f"# {ctx.now.isoformat()}", f"# {skipped}"]
    target.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")
    return target


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
