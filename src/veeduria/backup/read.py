"""Reading a backup file: its manifest, checked against the data's checksum, and its rows, table by table."""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from veeduria.backup.errors import BackupError
from veeduria.backup.manifest import DATA_NAME, MANIFEST_NAME, Manifest


def _sha256(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


class BackupFile:
    """An opened backup: its manifest is read and every member's checksum verified before anything else."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.archive = tarfile.open(path, "r:")  # noqa: SIM115 - closed by close() / the context manager
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(
                _("%(file)s: no es un archivo de copia legible (%(error)s)") % {"file": path, "error": exc}
            ) from exc
        self.manifest = Manifest.from_json(self._member(MANIFEST_NAME).read(), str(path))
        self._verify()

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> BackupFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _member(self, name: str) -> IO[bytes]:
        try:
            handle = self.archive.extractfile(name)
        except (KeyError, tarfile.TarError, OSError):
            handle = None
        if handle is None:
            raise BackupError(_("%(file)s: falta %(member)s") % {"file": self.path, "member": name})
        return handle

    def _verify(self) -> None:
        """Refuse a damaged file: the data's SHA-256 and size, and each document's SHA-256."""
        try:
            sha, size = _sha256(self._member(DATA_NAME))
            if (sha, size) != (self.manifest.data_sha256, self.manifest.data_bytes):
                raise BackupError(
                    _("%(file)s: %(member)s dañado: SHA-256 %(found)s, el manifiesto dice %(expected)s")
                    % {"file": self.path, "member": DATA_NAME, "found": sha, "expected": self.manifest.data_sha256}
                )
            for name, expected in self.manifest.documents.items():
                found, _size = _sha256(self._member(name))
                if found != expected:
                    raise BackupError(
                        _("%(file)s: %(member)s dañado: SHA-256 %(found)s, el manifiesto dice %(expected)s")
                        % {"file": self.path, "member": name, "found": found, "expected": expected}
                    )
        except (OSError, tarfile.TarError, EOFError) as exc:
            message = _("%(file)s: archivo truncado o dañado (%(error)s)") % {"file": self.path, "error": exc}
            raise BackupError(message) from exc

    def document(self, name: str) -> bytes:
        return self._member(name).read()

    def lines(self) -> Iterator[tuple[int, dict[str, Any] | list[Any]]]:
        """Every line of the data, numbered and parsed: a table's header (``{"table", "columns"}``) followed by its
        rows (lists of column values)."""
        with gzip.open(self._member(DATA_NAME), "rt", encoding="utf-8", newline="\n") as text:
            for number, line in enumerate(text, start=1):
                yield number, self._parse(number, line)

    def _parse(self, number: int, line: str) -> dict[str, Any] | list[Any]:
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BackupError(
                _("%(file)s: línea %(line)d de %(member)s ilegible: %(error)s")
                % {"file": self.path, "line": number, "member": DATA_NAME, "error": exc}
            ) from exc
        if not isinstance(value, dict | list):
            raise BackupError(
                _("%(file)s: línea %(line)d de %(member)s ilegible: %(error)s")
                % {"file": self.path, "line": number, "member": DATA_NAME, "error": type(value).__name__}
            )
        return value
