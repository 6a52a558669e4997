"""``veeduria restore FILE``: a checked backup into an empty, migrated database, in one transaction.

The content types, permissions and groups that ``migrate`` created are replaced by the backup's, with their ids, so
that every row pointing at them (permissions, citations, the admin's log) keeps pointing at the same thing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from veeduria.backup import codec
from veeduria.backup.errors import BackupError
from veeduria.backup.manifest import applied_migrations
from veeduria.backup.read import BackupFile
from veeduria.backup.tables import BOOTSTRAP_TABLES, Table, backed_up

#: rows inserted per statement batch
BATCH = 1000
#: the bootstrap tables, those pointing at others first
_CLEAR_ORDER = ("auth_group_permissions", "auth_permission", "auth_group", "django_content_type")


def _listed(names: set[str] | list[str], most: int = 5) -> str:
    names = sorted(names)
    more = len(names) - most
    return ", ".join(names[:most]) + (_(" y %(n)d más") % {"n": more} if more > 0 else "")


def check_compatible(backup: BackupFile) -> None:
    """Refuse a backup made with other migrations (another version of Veeduría), naming what differs."""
    mine, theirs = set(applied_migrations()), set(backup.manifest.migrations)
    if mine != theirs:
        parts = []
        if theirs - mine:
            parts.append(
                _("migraciones de la copia que esta base no tiene: %(list)s") % {"list": _listed(theirs - mine)}
            )
        if mine - theirs:
            parts.append(
                _("migraciones de esta base que la copia no tiene: %(list)s") % {"list": _listed(mine - theirs)}
            )
        raise BackupError(
            _("%(file)s: copia de otra versión (Veeduría %(version)s); %(diff)s")
            % {"file": backup.path, "version": backup.manifest.veeduria_version, "diff": "; ".join(parts)}
        )
    known = {t.name for t in backed_up()}
    if set(backup.manifest.tables) != known:
        raise BackupError(
            _("%(file)s: tablas distintas; solo en la copia: %(theirs)s; solo en esta versión: %(mine)s")
            % {
                "file": backup.path,
                "theirs": _listed(set(backup.manifest.tables) - known) or "-",
                "mine": _listed(known - set(backup.manifest.tables)) or "-",
            }
        )


def check_empty() -> None:
    """Refuse a database that holds data (beyond what ``migrate`` writes), naming the tables that do."""
    full = [t.name for t in backed_up() if t.name not in BOOTSTRAP_TABLES and t.model._base_manager.exists()]
    if full:
        raise BackupError(
            _("la base de datos no está vacía (%(tables)s): restaure en una base nueva (otro %(where)s)")
            % {"tables": _listed(full), "where": "VEEDURIA_DATA_DIR / DATABASE_URL"}
        )


class _Inserter:
    """Rows of one table into the database, converted by their fields, in batches."""

    def __init__(self, backup: BackupFile, table: Table, columns: list[str], line: int) -> None:
        if columns != table.columns:
            raise BackupError(
                _("%(file)s: línea %(line)d: columnas de %(table)s distintas de las de esta versión: %(diff)s")
                % {
                    "file": backup.path,
                    "line": line,
                    "table": table.name,
                    "diff": _listed(set(columns) ^ set(table.columns)) or _("el orden"),
                }
            )
        self.backup, self.table, self.count = backup, table, 0
        self.batch: list[list[Any]] = []
        qn = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {qn(table.name)} ({', '.join(qn(c) for c in columns)}) VALUES ({marks})"

    def add(self, row: list[Any], line: int) -> None:
        fields = self.table.fields
        if len(row) != len(fields):
            raise BackupError(
                _("%(file)s: línea %(line)d (%(table)s): %(found)d valores; se esperaban %(expected)d")
                % {
                    "file": self.backup.path,
                    "line": line,
                    "table": self.table.name,
                    "found": len(row),
                    "expected": len(fields),
                }
            )
        try:
            self.batch.append([codec.to_database(f, v, connection) for f, v in zip(fields, row, strict=True)])
        except Exception as exc:
            raise BackupError(
                _("%(file)s: línea %(line)d (%(table)s): valor ilegible: %(error)s")
                % {"file": self.backup.path, "line": line, "table": self.table.name, "error": exc}
            ) from exc
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        try:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.batch)
        except DatabaseError as exc:
            raise BackupError(
                _("%(file)s: %(table)s: %(error)s") % {"file": self.backup.path, "table": self.table.name, "error": exc}
            ) from exc
        self.count += len(self.batch)
        self.batch = []


def _insert_all(backup: BackupFile, progress: Callable[[str, int], None] | None) -> dict[str, int]:
    tables = {t.name: t for t in backed_up()}
    counts: dict[str, int] = {}
    current: _Inserter | None = None

    def finish() -> None:
        if current is not None:
            current.flush()
            counts[current.table.name] = current.count
            if progress:
                progress(current.table.name, current.count)

    for line, item in backup.lines():
        if isinstance(item, dict):
            finish()
            name = str(item.get("table"))
            if name not in tables or name in counts:
                raise BackupError(
                    _("%(file)s: línea %(line)d: tabla inesperada %(table)s")
                    % {"file": backup.path, "line": line, "table": name}
                )
            current = _Inserter(backup, tables[name], list(item.get("columns") or []), line)
        elif current is None:
            raise BackupError(
                _("%(file)s: línea %(line)d: una fila antes del encabezado de su tabla")
                % {"file": backup.path, "line": line}
            )
        else:
            current.add(item, line)
    finish()
    return counts


def _reset_sequences() -> None:
    """The next id of every table after the restored ones (PostgreSQL; SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in backed_up()])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _write_documents(backup: BackupFile) -> None:
    from veeduria.documents import storage

    for name, sha in backup.manifest.documents.items():
        data = backup.document(name)
        kind = {"pdf": "pdf", "html": "html", "txt": "text"}[name.rsplit(".", 1)[-1]]
        storage.store(data, sha, kind)


def restore_backup(backup: BackupFile, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Restore ``backup`` into this (migrated, empty) database, all or nothing, rebuild the search index and
    return the rows restored per table."""
    from veeduria.search.service import reindex

    check_compatible(backup)
    check_empty()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in _CLEAR_ORDER:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(name)}")
        counts = _insert_all(backup, progress)
        if counts != backup.manifest.tables:
            differ = {
                n for n in set(counts) | set(backup.manifest.tables) if counts.get(n) != backup.manifest.tables.get(n)
            }
            raise BackupError(
                _("%(file)s: filas distintas de las del manifiesto en %(tables)s")
                % {"file": backup.path, "tables": _listed(differ)}
            )
        _reset_sequences()
        ContentType.objects.clear_cache()
        _write_documents(backup)
        reindex()
    return counts
