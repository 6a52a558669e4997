"""Extracting documents' text: in a child process with a time limit per document, its pages replaced at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from veeduria.documents import storage
from veeduria.documents.adding import DocumentRefused
from veeduria.documents.child import Worker
from veeduria.documents.models import Document, DocumentPage, ExtractionStatus
from veeduria.documents.status import status_text
from veeduria.ingest.importers._store import Progress

#: statuses that ``extract --retry-failed`` tries again
RETRYABLE = (ExtractionStatus.FAILED, ExtractionStatus.CORRUPT, ExtractionStatus.TIME_LIMIT)


def file_path(document: Document) -> Path:
    return storage.stored_path(document.sha256, document.kind)


def limits() -> dict[str, Any]:
    """The limits of an extraction, from the settings."""
    return {
        "max_pages": settings.DOCUMENT_MAX_PAGES,
        "tesseract": settings.TESSERACT_COMMAND,
        "pdftoppm": settings.PDFTOPPM_COMMAND,
        "ocr_timeout": settings.DOCUMENT_TIME_LIMIT,
        "memory_mb": settings.DOCUMENT_MEMORY_MB,
    }


def extract(document: Document, worker: Worker | None = None) -> Document:
    """Replace the document's pages by the text of its file and record how it went (never raises for the file).

    ``worker``: the child process to reuse (one is started and ended for this document without it)."""
    path = file_path(document)
    if not path.exists():
        events: list[dict[str, Any]] = [{"status": "failed", "error": f"stored file missing: {path}"}]
    elif worker is None:
        with Worker() as own:
            events = own.run(path, document.kind, limits(), settings.DOCUMENT_TIME_LIMIT)
    else:
        events = worker.run(path, document.kind, limits(), settings.DOCUMENT_TIME_LIMIT)
    pages = [
        DocumentPage(document=document, number=e["number"], text=e["text"], method=e["method"])
        for e in events
        if "number" in e
    ]
    end = events[-1]
    document.status = end["status"]
    document.error = end["error"]
    document.page_count = next((e["page_count"] for e in events if "page_count" in e), len(pages))
    document.extracted_at = timezone.now()
    fields = ["status", "error", "page_count", "extracted_at"]
    try:
        with transaction.atomic():
            document.pages.all().delete()
            DocumentPage.objects.bulk_create(pages, batch_size=500)
            document.save(update_fields=fields)
    except DatabaseError as exc:  # e.g. a text the database refuses: the document says so, the others go on
        document.status, document.error = ExtractionStatus.FAILED, f"{type(exc).__name__}: {exc}"
        document.save(update_fields=fields)
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
    with Worker() as worker:
        for document in documents:
            extract(document, worker)
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
