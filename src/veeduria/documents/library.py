"""Adding documents and extracting their text: what the CLI and the admin call."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from veeduria.documents import storage
from veeduria.documents.detect import SNIFF_BYTES, detect_kind
from veeduria.documents.models import Document, DocumentPage, ExtractionStatus
from veeduria.documents.status import status_text
from veeduria.evidence.models import Source
from veeduria.ingest.importers._store import Progress

#: statuses that ``extract --retry-failed`` tries again
RETRYABLE = (ExtractionStatus.FAILED, ExtractionStatus.CORRUPT, ExtractionStatus.TIME_LIMIT)


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


def _read(path: Path) -> bytes:
    """The bytes of a file to add, refused before reading it when it is larger than the limit."""
    try:
        size = path.stat().st_size
        if size > settings.DOCUMENT_MAX_BYTES:
            raise DocumentRefused(too_large(str(path), size))
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentRefused(f"{path}: {exc.strerror}") from None
    check_file(data, str(path))
    return data


def add_files(paths: Iterable[Path], *, source_id: str | None = None) -> list[Added]:
    """Add each file, or none of them when one is refused (:class:`DocumentRefused` lists every problem)."""
    source = find_source(source_id)
    contents: list[tuple[Path, bytes]] = []
    problems: list[str] = []
    for path in paths:
        try:
            contents.append((path, _read(path)))
        except DocumentRefused as exc:
            problems.append(str(exc))
    if problems:
        raise DocumentRefused(*problems)
    with transaction.atomic():
        return [add_bytes(data, str(path), source=source) for path, data in contents]


def file_path(document: Document) -> Path:
    return storage.stored_path(document.sha256, document.kind)


def _limits() -> dict[str, Any]:
    return {
        "max_pages": settings.DOCUMENT_MAX_PAGES,
        "tesseract": settings.TESSERACT_COMMAND,
        "pdftoppm": settings.PDFTOPPM_COMMAND,
        "ocr_timeout": settings.DOCUMENT_TIME_LIMIT,
    }


def _run_worker(path: Path, kind: str) -> list[dict[str, Any]]:
    """The events of the child process, cut at the time limit (a last ``time_limit`` event then)."""
    job = json.dumps({"path": str(path), "kind": kind, "limits": _limits()})
    limit = settings.DOCUMENT_TIME_LIMIT
    started = time.monotonic()
    with subprocess.Popen(
        [sys.executable, "-m", "veeduria.documents.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        try:
            out, err = child.communicate(job.encode(), timeout=limit)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            events = _parse(out)
            events.append({"status": "time_limit", "error": f"{time.monotonic() - started:.1f} s"})
            return events
    events = _parse(out)
    if not events or "status" not in events[-1]:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {child.returncode}"]
        events.append({"status": "failed", "error": detail[0]})
    return events


def _parse(out: bytes) -> list[dict[str, Any]]:
    events = []
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut by the time limit
    return events


def extract(document: Document) -> Document:
    """Replace the document's pages by the text of its file and record how it went (never raises for the file)."""
    path = file_path(document)
    if not path.exists():
        events: list[dict[str, Any]] = [{"status": "failed", "error": f"stored file missing: {path}"}]
    else:
        events = _run_worker(path, document.kind)
    pages = [
        DocumentPage(document=document, number=e["number"], text=e["text"].replace("\x00", ""), method=e["method"])
        for e in events
        if "number" in e
    ]
    end = events[-1]
    document.status = end["status"]
    document.error = end["error"]
    document.page_count = next((e["page_count"] for e in events if "page_count" in e), len(pages))
    document.extracted_at = timezone.now()
    with transaction.atomic():
        document.pages.all().delete()
        DocumentPage.objects.bulk_create(pages, batch_size=500)
        document.save(update_fields=["status", "error", "page_count", "extracted_at"])
    return document


def to_extract(ids: Iterable[int] = (), *, retry_failed: bool = False) -> list[Document]:
    """The documents named by ``ids`` (all of them), else the pending ones (and the failed ones if asked)."""
    ids = list(ids)
    if ids:
        found = {d.pk: d for d in Document.objects.filter(pk__in=ids)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise DocumentRefused(_("no existe el documento %(ids)s") % {"ids": ", ".join(missing)})
        return [found[i] for i in ids]
    wanted = [ExtractionStatus.PENDING, *(RETRYABLE if retry_failed else ())]
    return list(Document.objects.filter(status__in=wanted).order_by("pk"))


def extract_all(documents: list[Document], *, advance: Callable[[], None] | None = None) -> list[Document]:
    """Extract each document in turn; a failure is recorded on its document and the others go on."""
    for document in documents:
        extract(document)
        if advance is not None:
            advance()
    return documents


def extract_with_progress(documents: list[Document]) -> list[Document]:
    """:func:`extract_all` with a progress bar on stderr when it is a terminal and there is more than one."""
    progress = Progress(_("extracción de texto"), len(documents), None, threshold=1, step=1, unit=_("documentos"))
    try:
        return extract_all(documents, advance=progress.advance)
    finally:
        progress.close()


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


def describe(document: Document) -> str:
    """One line: id, title and how the extraction went."""
    return f"#{document.pk} «{document.title}»: {status_text(document)}"


def listing() -> list[str]:
    """One line per document, in the order they were added."""
    documents = Document.objects.annotate(extracted=Count("pages")).order_by("pk")
    return [
        f"{d.pk}\t{d.status}\t{d.extracted}/{d.page_count}\t{d.kind}\t{d.size}\t{d.sha256[:12]}\t"
        f"{d.source_id or '-'}\t{d.title}"
        for d in documents
    ]
