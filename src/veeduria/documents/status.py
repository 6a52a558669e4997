"""How a document's extraction went, in words (the CLI, the admin and the portal say the same)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veeduria.documents.models import Document, ExtractionStatus, PageMethod


def status_text(document: Document) -> str:
    """The status label, the pages extracted out of the file's, pages left without text, and any error."""
    parts = [str(ExtractionStatus(document.status).label)]
    done = document.pages.count()
    if document.status not in (ExtractionStatus.PENDING, ExtractionStatus.ENCRYPTED, ExtractionStatus.CORRUPT):
        parts.append(
            ngettext("%(done)d de %(total)d página", "%(done)d de %(total)d páginas", document.page_count)
            % {"done": done, "total": document.page_count}
        )
    read = document.pages.filter(method=PageMethod.OCR).count()
    if read:
        parts.append(ngettext("%(n)d página leída por OCR", "%(n)d páginas leídas por OCR", read) % {"n": read})
    blind = document.pages.filter(method=PageMethod.NONE).count()
    if blind:
        parts.append(
            ngettext(
                "%(n)d página sin capa de texto, OCR no disponible",
                "%(n)d páginas sin capa de texto, OCR no disponible",
                blind,
            )
            % {"n": blind}
        )
    if document.status == ExtractionStatus.TIME_LIMIT:
        parts.append(_("límite de tiempo alcanzado tras %(seconds)s") % {"seconds": document.error})
    elif document.error:
        parts.append(document.error)
    return "; ".join(parts)
