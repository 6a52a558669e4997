"""``veeduria backup FILE``: the snapshot's rows as gzipped JSON Lines, the stored documents and a manifest, in
one tar file written beside FILE and renamed into place when complete."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from veeduria.backup import codec
from veeduria.backup.errors import BackupError
from veeduria.backup.manifest import (
    DATA_NAME,
    DOCUMENTS_PREFIX,
    MANIFEST_NAME,
    Manifest,
    applied_migrations,
    check_migrated,
)
from veeduria.backup.snapshot import consistent_read
from veeduria.backup.tables import Table, backed_up

#: rows read from the database at a time (memory stays flat whatever the size of a table)
CHUNK = 2000


class _Hashing(io.RawIOBase):
    """A write-only file that passes bytes on to ``target`` and keeps their SHA-256 and count."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.target.write(chunk)
        self.digest.update(chunk)
        self.size += len(chunk)
        return len(chunk)


def _write_table(table: Table, out: IO[str]) -> int:
    out.write(codec.dumps({"table": table.name, "columns": table.columns}) + "\n")
    rows = table.model._base_manager.order_by("pk").values_list(*table.attnames)
    count = 0
    for row in rows.iterator(chunk_size=CHUNK):
        out.write(codec.dumps(row) + "\n")
        count += 1
    return count


def _document_files() -> dict[str, Path]:
    """The stored file of every document of the snapshot, by its member name in the backup."""
    from veeduria.documents import storage
    from veeduria.documents.models import Document

    files = {}
    for sha, kind in Document.objects.order_by("pk").values_list("sha256", "kind").iterator(chunk_size=CHUNK):
        path = storage.stored_path(sha, kind)
        if not path.is_file():
            raise BackupError(_("el archivo del documento %(sha)s no está en %(path)s") % {"sha": sha, "path": path})
        files[DOCUMENTS_PREFIX + path.relative_to(storage.root()).as_posix()] = path
    return files


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
    archive.addfile(info, io.BytesIO(data))


def write_backup(target: Path, progress: Callable[[str, int], None] | None = None) -> Manifest:
    """Write a backup of the database (and of the stored documents) to ``target``; return its manifest."""
    check_migrated()
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, data_tmp = tempfile.mkstemp(prefix=f".{target.name}.data-", dir=target.parent)
    fd_tar, tar_tmp = tempfile.mkstemp(prefix=f".{target.name}.part-", dir=target.parent)
    os.close(fd_tar)
    try:
        with os.fdopen(fd, "wb") as raw:
            hashing = _Hashing(raw)
            with consistent_read():
                manifest = Manifest(
                    engine=connection.vendor,
                    created_at=timezone.now().isoformat(),
                    migrations=applied_migrations(),
                    tables={},
                )
                with gzip.GzipFile(fileobj=hashing, mode="wb", compresslevel=6, mtime=0) as zipped:
                    text = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
                    for table in backed_up():
                        manifest.tables[table.name] = _write_table(table, text)
                        if progress:
                            progress(table.name, manifest.tables[table.name])
                    text.flush()
                    text.detach()
                documents = _document_files()
        manifest.data_sha256, manifest.data_bytes = hashing.digest.hexdigest(), hashing.size
        with tarfile.open(tar_tmp, "w", format=tarfile.PAX_FORMAT) as archive:
            manifest.documents = {name: path.name.split(".")[0] for name, path in documents.items()}
            _add_bytes(archive, MANIFEST_NAME, manifest.to_json())
            archive.add(data_tmp, arcname=DATA_NAME)
            for name, path in documents.items():
                archive.add(path, arcname=name)
        with open(tar_tmp, "rb+") as done:
            os.fsync(done.fileno())
        os.replace(tar_tmp, target)
    finally:
        Path(data_tmp).unlink(missing_ok=True)
        Path(tar_tmp).unlink(missing_ok=True)
    return manifest
