"""``manifest.json`` of a backup: format, version, engine, migrations, rows per table, checksum of the data."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from veeduria.backup.errors import BackupError
from veeduria.backup.tables import app_labels

FORMAT = "veeduria-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.jsonl.gz"
DOCUMENTS_PREFIX = "documents/"


def veeduria_version() -> str:
    try:
        return metadata.version("veeduria")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def applied_migrations() -> list[str]:
    """The applied migrations (``app.name``) of the apps a backup holds, sorted."""
    labels = app_labels()
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied if app in labels)


def check_migrated() -> None:
    """Refuse a database whose migrations are not all applied (its tables differ from this version's)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending[:5])
        raise BackupError(
            _("faltan %(n)d migraciones de esta versión en la base de datos (%(names)s): ejecute veeduria init")
            % {"n": len(pending), "names": names}
        )


@dataclass
class Manifest:
    """What a backup holds and where it came from."""

    engine: str
    created_at: str
    migrations: list[str]
    tables: dict[str, int]
    data_sha256: str = ""
    data_bytes: int = 0
    #: the stored document files: member name -> SHA-256 of its bytes
    documents: dict[str, str] = field(default_factory=dict)
    veeduria_version: str = field(default_factory=veeduria_version)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes, where: str) -> Manifest:
        """Read a manifest, refusing one of another format or version (naming ``where``)."""
        try:
            data: Any = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BackupError(_("%(file)s: manifest.json ilegible: %(error)s") % {"file": where, "error": exc}) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(_("%(file)s: no es una copia de seguridad de Veeduría") % {"file": where})
        if data.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                _("%(file)s: formato de copia %(found)s; esta versión lee el %(known)s")
                % {"file": where, "found": data.get("format_version"), "known": FORMAT_VERSION}
            )
        try:
            return cls(**data)
        except TypeError as exc:
            raise BackupError(_("%(file)s: manifest.json ilegible: %(error)s") % {"file": where, "error": exc}) from exc
