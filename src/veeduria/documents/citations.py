"""Citations that point to a page of a document: the one check, for the admin and the dataset loader."""

from __future__ import annotations

from django.utils.translation import gettext as _

from veeduria.documents.models import Document


def page_problem(document: Document | None, page: int | None) -> str:
    """Why ``page`` of ``document`` cannot be cited (empty when it can)."""
    if page is None:
        return ""
    if document is None:
        return _("una página necesita un documento")
    if page < 1 or page > document.page_count:
        return _("el documento #%(id)d tiene %(n)d páginas; no existe la página %(page)d") % {
            "id": document.pk,
            "n": document.page_count,
            "page": page,
        }
    return ""


def find_document(ref: object) -> Document | None:
    """The document named by its SHA-256 (64 hex digits) or its numeric id, or ``None``."""
    from django.db.utils import DatabaseError

    text = str(ref).strip().lower()
    try:
        if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
            return Document.objects.filter(sha256=text).first()
        if text.isdigit() and not isinstance(ref, bool):
            return Document.objects.filter(pk=int(text)).first()
    except DatabaseError:  # a check run before the database exists
        return None
    return None
