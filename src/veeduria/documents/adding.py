"""Adding documents: each file checked (size, type from its content), stored once by SHA-256, recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from veeduria.documents import storage
from veeduria.documents.detect import SNIFF_BYTES, detect_kind
from veeduria.documents.models import Document
from veeduria.evidence.models import Source


class DocumentRefused(ValueError):
    """Files that are not added, one reason each (too large, empty, unknown type, no such source)."""

    @property
    def problems(self) -> list[str]:
        return [str(arg) for arg in self.args]

    def __str__(self) -> str:
        return "; ".join(self.problems)


@dataclass
class Added:
    document: Document
    duplicate: bool
    #: the name of the file as it was given
    name: str


def too_large(name: str, size: int) -> str:
    return _("%(name)s: %(size)s bytes, más que el límite de %(limit)s bytes") % {
        "name": name,
        "size": f"{size:,}",
        "limit": f"{settings.DOCUMENT_MAX_BYTES:,}",
    }


def check_file(data: bytes, name: str) -> str:
    """The kind of ``data``, or :class:`DocumentRefused` naming the file and what is wrong with it."""
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        raise DocumentRefused(too_large(name, len(data)))
    if not data:
        raise DocumentRefused(_("%(name)s: el archivo está vacío") % {"name": name})
    kind = detect_kind(data[:SNIFF_BYTES])
    if kind is None:
        raise DocumentRefused(
            _("%(name)s: tipo no admitido (se aceptan PDF, HTML y texto plano, reconocidos por su contenido)")
            % {"name": name}
        )
    return kind


def find_source(source_id: str | None) -> Source | None:
    if not source_id:
        return None
    try:
        return Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        raise DocumentRefused(_("no existe la fuente %(id)s") % {"id": repr(source_id)}) from None


def duplicate_of(data: bytes) -> Document | None:
    return Document.objects.filter(sha256=storage.sha256_of(data)).first()


def add_bytes(data: bytes, name: str, *, title: str = "", source: Source | None = None) -> Added:
    """Store ``data`` once under its SHA-256 and create its document (or return the one that holds it)."""
    kind = check_file(data, name)
    sha256 = storage.sha256_of(data)
    existing = Document.objects.filter(sha256=sha256).first()
    if existing is not None:
        return Added(existing, duplicate=True, name=name)
    storage.store(data, sha256, kind)
    document = Document.objects.create(
        title=title or Path(name).stem or name,
        source=source,
        sha256=sha256,
        file_name=Path(name).name[:255],
        kind=kind,
        size=len(data),
    )
    return Added(document, duplicate=False, name=name)


def _check_path(path: Path) -> None:
    """Refuse a file before it is read in full: too large (from its size), or of a type not accepted (from its
    first bytes)."""
    try:
        size = path.stat().st_size
        if size > settings.DOCUMENT_MAX_BYTES:
            raise DocumentRefused(too_large(str(path), size))
        with path.open("rb") as head:
            check_file(head.read(SNIFF_BYTES), str(path))
    except OSError as exc:
        raise DocumentRefused(f"{path}: {exc.strerror}") from None


def add_files(paths: Iterable[Path], *, source_id: str | None = None) -> list[Added]:
    """Add each file, or none of them when one is refused (:class:`DocumentRefused` lists every problem).

    Every file is checked first; then each is read, stored and recorded in turn, in one transaction."""
    source = find_source(source_id)
    paths = list(paths)
    problems: list[str] = []
    for path in paths:
        try:
            _check_path(path)
        except DocumentRefused as exc:
            problems.append(str(exc))
    if problems:
        raise DocumentRefused(*problems)
    with transaction.atomic():
        return [add_bytes(_read(path), str(path), source=source) for path in paths]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentRefused(f"{path}: {exc.strerror}") from None


def describe_added(added: Added) -> str:
    document = added.document
    if added.duplicate:
        return _("duplicado: %(file)s ya está guardado como documento #%(id)d «%(title)s»") % {
            "file": added.name,
            "id": document.pk,
            "title": document.title,
        }
    return _("añadido: documento #%(id)d «%(title)s» (%(kind)s, %(size)s bytes, SHA-256 %(sha)s)") % {
        "id": document.pk,
        "title": document.title,
        "kind": document.get_kind_display(),
        "size": f"{document.size:,}",
        "sha": document.sha256,
    }
